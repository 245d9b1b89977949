/*
 * fuzz_vocab.c - the vocabulary reader (w2v_vocab_load_mem) and what is done
 * with what it reads (finalize, the "word count" format).
 *
 * Input: one option byte (the min-count for finalize: 0..3, and a max-vocab
 * of 0..3 in bits 2-3), then the file.
 *
 * Invariants (vocab.h):
 *   - an error leaves *out NULL and a one-line printable message naming the
 *     file;
 *   - a success holds at least one word; every word is non-empty, has no
 *     space, '\n' or NUL, and is found again under its own id; the total
 *     is the (saturating) sum of the counts;
 *   - writing it back in the -save-vocab format ("%s %llu\n" per word) and
 *     reading that gives the same words, counts and order;
 *   - finalize keeps exactly the words with count >= min-count (at most
 *     max-vocab of them), sorted by descending count with ties in file
 *     order, and its map sends each word to its new id or W2V_VOCAB_NONE.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "w2v/vocab.h"

#define NAME "fuzz.voc"

typedef struct {
    char *word;
    uint64_t count;
} item;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 20)
        return 0;
    const uint64_t min_count = data[0] & 3;
    const size_t max_vocab = (data[0] >> 2) & 3;
    w2v_vocab *v = NULL;
    w2v_error err;
    w2v_status st = w2v_vocab_load_mem((const char *)data + 1, size - 1, NAME, &v, &err);
    if (st != W2V_OK) {
        FUZZ_CHECK(v == NULL);
        fuzz_check_error(st, &err, NAME);
        return 0;
    }
    size_t V = w2v_vocab_size(v);
    FUZZ_CHECK(V >= 1);

    /* The words as read, and the same in the save format. */
    item *it = malloc(V * sizeof *it);
    FUZZ_CHECK(it != NULL);
    size_t cap = 64, len = 0;
    char *text = malloc(cap);
    FUZZ_CHECK(text != NULL);
    uint64_t total = 0;
    for (uint32_t id = 0; id < V; id++) {
        const char *w = w2v_vocab_word(v, id);
        size_t wl = strlen(w);
        uint64_t c = w2v_vocab_count(v, id);
        FUZZ_CHECK(wl >= 1 && wl <= W2V_VOCAB_MAX_WORD_BYTES);
        FUZZ_CHECK(memchr(w, ' ', wl) == NULL && memchr(w, '\n', wl) == NULL);
        FUZZ_CHECK(w2v_vocab_find(v, w, wl) == id);
        total = total > UINT64_MAX - c ? UINT64_MAX : total + c;
        it[id].word = strdup(w);
        it[id].count = c;
        FUZZ_CHECK(it[id].word != NULL);
        while (cap - len < wl + 32) {
            cap *= 2;
            text = realloc(text, cap);
            FUZZ_CHECK(text != NULL);
        }
        len += (size_t)snprintf(text + len, cap - len, "%s %llu\n", w, (unsigned long long)c);
    }
    FUZZ_CHECK(w2v_vocab_total(v) == total);

    w2v_vocab *again = NULL;
    FUZZ_CHECK(w2v_vocab_load_mem(text, len, NAME, &again, &err) == W2V_OK);
    FUZZ_CHECK(w2v_vocab_size(again) == V);
    for (uint32_t id = 0; id < V; id++) {
        FUZZ_CHECK(strcmp(w2v_vocab_word(again, id), it[id].word) == 0);
        FUZZ_CHECK(w2v_vocab_count(again, id) == it[id].count);
    }
    w2v_vocab_free(again);
    free(text);

    uint32_t *map = NULL;
    FUZZ_CHECK(w2v_vocab_finalize(v, min_count, max_vocab, &map, &err) == W2V_OK);
    size_t kept = w2v_vocab_size(v), want = 0;
    for (size_t id = 0; id < V; id++)
        want += it[id].count >= min_count;
    if (max_vocab && want > max_vocab)
        want = max_vocab;
    FUZZ_CHECK(kept == want);
    for (uint32_t id = 0; id < kept; id++) {
        uint64_t c = w2v_vocab_count(v, id);
        FUZZ_CHECK(c >= min_count);
        FUZZ_CHECK(id == 0 || w2v_vocab_count(v, id - 1) >= c);
        const char *w = w2v_vocab_word(v, id);
        FUZZ_CHECK(w2v_vocab_find(v, w, strlen(w)) == id);
    }
    size_t mapped = 0;
    uint32_t *inv = malloc((kept ? kept : 1) * sizeof *inv);
    FUZZ_CHECK(inv != NULL);
    for (uint32_t old = 0; old < V; old++) {
        uint32_t nw = map[old];
        if (nw == W2V_VOCAB_NONE) {
            /* dropped: rare, or cut by max-vocab behind every kept word */
            FUZZ_CHECK(it[old].count < min_count ||
                       (kept == max_vocab && it[old].count <= w2v_vocab_count(v, kept - 1)));
            continue;
        }
        FUZZ_CHECK(nw < kept);
        FUZZ_CHECK(strcmp(w2v_vocab_word(v, nw), it[old].word) == 0);
        FUZZ_CHECK(w2v_vocab_count(v, nw) == it[old].count);
        inv[nw] = old;
        mapped++;
    }
    /* ties keep file order */
    for (uint32_t nw = 1; nw < kept; nw++)
        if (w2v_vocab_count(v, nw - 1) == w2v_vocab_count(v, nw))
            FUZZ_CHECK(inv[nw - 1] < inv[nw]);
    free(inv);
    FUZZ_CHECK(mapped == kept);
    free(map);
    for (size_t id = 0; id < V; id++)
        free(it[id].word);
    free(it);
    w2v_vocab_free(v);
    return 0;
}
