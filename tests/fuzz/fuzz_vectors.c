/*
 * fuzz_vectors.c - the vector-file reader (w2v_vectors_read_mem) on
 * arbitrary bytes, binary and text.
 *
 * Input: one option byte, then the file.  Bits 0-1: the format asked for
 * (auto, text, binary, auto); bits 2-3: max_words for the second read
 * (1, 2, 3 or 0 = all).
 *
 * Invariants (vecio.h):
 *   - an error leaves *out NULL and a one-line printable message naming
 *     the file;
 *   - a success has 1 <= V <= the header's count, 1 <= D <= W2V_VECIO_MAX_DIM,
 *     every value finite, every word non-empty, at most W2V_VECIO_MAX_WORD
 *     bytes, without a space, and different from every other word;
 *   - auto-detection reads what forcing the detected format reads;
 *   - max_words = k reads exactly the first k rows of the full read (the
 *     full read succeeding, the shorter one must too).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "w2v/vecio.h"

#define NAME "fuzz.vec"

static w2v_status read_vec(const uint8_t *p, size_t n, int format, size_t max_words, w2v_vectors **v)
{
    w2v_error err;
    w2v_status st = w2v_vectors_read_mem(p, n, NAME, format, max_words, v, &err);
    if (st != W2V_OK) {
        FUZZ_CHECK(*v == NULL);
        fuzz_check_error(st, &err, NAME ": ");
    }
    return st;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_vectors(const w2v_vectors *v, const uint8_t *p, size_t n)
{
    /* The header's word count: the digits after leading blanks. */
    size_t i = 0, header_v = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t'))
        i++;
    for (; i < n && p[i] >= '0' && p[i] <= '9'; i++)
        header_v = header_v * 10 + (size_t)(p[i] - '0');
    FUZZ_CHECK(v->V >= 1 && v->V <= header_v);
    FUZZ_CHECK(v->D >= 1 && v->D <= W2V_VECIO_MAX_DIM);
    for (size_t k = 0; k < v->V * v->D; k++)
        FUZZ_CHECK(isfinite(v->vecs[k]));
    char **sorted = malloc(v->V * sizeof *sorted);
    FUZZ_CHECK(sorted != NULL);
    for (size_t r = 0; r < v->V; r++) {
        size_t len = strlen(v->words[r]);
        FUZZ_CHECK(len >= 1 && len <= W2V_VECIO_MAX_WORD);
        FUZZ_CHECK(strchr(v->words[r], ' ') == NULL);
        sorted[r] = v->words[r];
    }
    qsort(sorted, v->V, sizeof *sorted, by_str);
    for (size_t r = 1; r < v->V; r++)
        FUZZ_CHECK(strcmp(sorted[r - 1], sorted[r]) != 0);
    free(sorted);
}

/* Rows [0, a->V) of a equal rows [0, a->V) of b. */
static int prefix_of(const w2v_vectors *a, const w2v_vectors *b)
{
    if (a->D != b->D || a->V > b->V)
        return 0;
    for (size_t r = 0; r < a->V; r++)
        if (strcmp(a->words[r], b->words[r]) != 0)
            return 0;
    return memcmp(a->vecs, b->vecs, a->V * a->D * sizeof(float)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 20)
        return 0;
    static const int formats[] = {W2V_FORMAT_AUTO, W2V_FORMAT_TEXT, W2V_FORMAT_BINARY,
                                  W2V_FORMAT_AUTO};
    static const size_t maxes[] = {1, 2, 3, 0};
    const int format = formats[data[0] & 3];
    const size_t max_words = maxes[(data[0] >> 2) & 3];
    const uint8_t *p = data + 1;
    size_t n = size - 1;

    w2v_vectors *all = NULL, *some = NULL;
    if (read_vec(p, n, format, 0, &all) != W2V_OK)
        return 0;
    check_vectors(all, p, n);

    if (format == W2V_FORMAT_AUTO) { /* one forced format reads the same */
        w2v_vectors *t = NULL, *b = NULL;
        int st_t = read_vec(p, n, W2V_FORMAT_TEXT, 0, &t), st_b = read_vec(p, n, W2V_FORMAT_BINARY, 0, &b);
        int same_t = st_t == W2V_OK && t->V == all->V && prefix_of(t, all);
        int same_b = st_b == W2V_OK && b->V == all->V && prefix_of(b, all);
        FUZZ_CHECK(same_t || same_b);
        w2v_vectors_free(t);
        w2v_vectors_free(b);
    }

    FUZZ_CHECK(read_vec(p, n, format, max_words, &some) == W2V_OK);
    check_vectors(some, p, n);
    FUZZ_CHECK(prefix_of(some, all));
    FUZZ_CHECK(some->V == (max_words && max_words < all->V ? max_words : all->V));
    w2v_vectors_free(some);
    w2v_vectors_free(all);
    return 0;
}
