/*
 * fuzz_index.c - the search index reader (w2v_index_open_mem) and a search
 * over whatever it accepts.
 *
 * Input: one option byte, then the file.  Bit 0: skip the checksum
 * comparisons (w2v_index_open_mem_unverified), so that mutated inputs reach
 * the structural checks behind them; bits 1-3: k - 1 for the search.
 *
 * Invariants (search.h):
 *   - an error leaves *out NULL and a one-line printable message naming
 *     the file;
 *   - the verified reader accepts only what the unverified one accepts;
 *   - a success has 1 <= N, 1 <= D <= W2V_VECIO_MAX_DIM; every line's text
 *     is readable and holds no '\n'; a search of a few queries returns, for
 *     each, hits with documents below N, best first, or empty slots after
 *     the last hit.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "search/index.h"
#include "w2v/search.h"

#define NAME "fuzz.w2vi"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned opt = data[0];
    data++, size--;
    w2v_index *ix = NULL;
    w2v_error err;
    w2v_status st = (opt & 1) ? w2v_index_open_mem_unverified(data, size, NAME, &ix, &err)
                              : w2v_index_open_mem(data, size, NAME, &ix, &err);
    if (st != W2V_OK) {
        FUZZ_CHECK(ix == NULL);
        fuzz_check_error(st, &err, NAME ": ");
        return 0;
    }
    if (!(opt & 1)) { /* what passes the checksums passes without them */
        w2v_index *again = NULL;
        FUZZ_CHECK(w2v_index_open_mem_unverified(data, size, NAME, &again, &err) == W2V_OK);
        w2v_index_close(again);
    }
    size_t N = w2v_index_size(ix), D = w2v_index_dim(ix);
    FUZZ_CHECK(N >= 1 && D >= 1 && D <= W2V_VECIO_MAX_DIM);
    for (size_t i = 0; i < N && i < 1000; i++) {
        size_t len;
        const char *t = w2v_index_text(ix, i, &len);
        FUZZ_CHECK(t != NULL);
        FUZZ_CHECK(memchr(t, '\n', len) == NULL);
    }
    size_t k = 1 + ((opt >> 1) & 7);
    const char *qs[] = {"the", "a b c", "", "\xff\xfe"};
    enum { Q = sizeof qs / sizeof *qs };
    w2v_doc_hit hits[Q * 8];
    uint64_t known[Q];
    if (w2v_index_search(ix, qs, Q, k, 2, hits, known, &err) == W2V_OK) {
        for (size_t q = 0; q < Q; q++) {
            const w2v_doc_hit *h = hits + q * k;
            for (size_t r = 0; r < k; r++) {
                if (h[r].doc == UINT64_MAX) {
                    for (size_t s = r; s < k; s++)
                        FUZZ_CHECK(h[s].doc == UINT64_MAX);
                    break;
                }
                FUZZ_CHECK(h[r].doc < N);
                FUZZ_CHECK(isfinite(h[r].score));
                FUZZ_CHECK(r == 0 || h[r].score <= h[r - 1].score);
            }
            if (known[q] == 0)
                FUZZ_CHECK(h[0].doc == UINT64_MAX);
        }
    } else {
        fuzz_check_error(err.status, &err, NULL);
    }
    w2v_index_close(ix);
    return 0;
}
