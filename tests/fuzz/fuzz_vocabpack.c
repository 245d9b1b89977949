/*
 * fuzz_vocabpack.c - the packed vocabulary an MPI job's ranks send each
 * other (w2v_vocab_add_packed), read as if it came from a broken or
 * hostile peer.
 *
 * Input: the packed bytes (per word an 8-byte little-endian count, the
 * word, a NUL).
 *
 * Invariants (vocab.h):
 *   - an error is W2V_ERR_FORMAT, _LIMIT or _NOMEM with a one-line
 *     printable message naming the buffer, and the entries before the bad
 *     one stay added;
 *   - a success adds every entry: packing the result and adding that to a
 *     fresh vocabulary gives the same words, counts and order, and where
 *     no word repeats, the repacked bytes equal the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "w2v/vocab.h"

#define NAME "fuzz.pack"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 20)
        return 0;
    w2v_vocab *v = NULL, *again = NULL;
    w2v_error err;
    FUZZ_CHECK(w2v_vocab_create(&v, &err) == W2V_OK);
    w2v_status st = w2v_vocab_add_packed(v, (const char *)data, size, NAME, &err);
    if (st != W2V_OK) {
        FUZZ_CHECK(st == W2V_ERR_FORMAT || st == W2V_ERR_LIMIT || st == W2V_ERR_NOMEM);
        fuzz_check_error(st, &err, NAME);
    }
    char *pack = NULL;
    size_t len = 0;
    FUZZ_CHECK(w2v_vocab_pack(v, &pack, &len, &err) == W2V_OK);
    FUZZ_CHECK(w2v_vocab_create(&again, &err) == W2V_OK);
    FUZZ_CHECK(w2v_vocab_add_packed(again, pack, len, "repack", &err) == W2V_OK);
    size_t V = w2v_vocab_size(v);
    FUZZ_CHECK(w2v_vocab_size(again) == V);
    uint64_t entries = 0;
    for (uint32_t id = 0; id < V; id++) {
        FUZZ_CHECK(strcmp(w2v_vocab_word(v, id), w2v_vocab_word(again, id)) == 0);
        FUZZ_CHECK(w2v_vocab_count(v, id) == w2v_vocab_count(again, id));
    }
    /* Count the input's entries up to the first bad one: without repeats
     * the repack is the input itself. */
    for (size_t off = 0; off + 9 <= size; entries++) {
        const void *nul = memchr(data + off + 8, '\0', size - off - 8);
        if (!nul || (const uint8_t *)nul == data + off + 8)
            break;
        off = (size_t)((const uint8_t *)nul - data) + 1;
    }
    if (st == W2V_OK && entries == V)
        FUZZ_CHECK(len == size && memcmp(pack, data, size) == 0);
    free(pack);
    w2v_vocab_free(again);
    w2v_vocab_free(v);
    return 0;
}
