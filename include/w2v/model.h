/*
 * model.h - the weight matrices: W_E (input, the word vectors users keep),
 * W_out (output for negative sampling, "syn1neg" in word2vec.c) and W_hs
 * (output for hierarchical softmax, one row per inner node of the Huffman
 * tree, "syn1"); each output matrix only when its method is used.
 *
 * Shapes: V words x D dimensions, rows padded to `stride` floats (a multiple
 * of 16, i.e. 64 bytes) so every row starts on a cache line and SIMD loads
 * of a row never straddle two rows' lines.  The padding starts at zero in
 * every matrix and stays zero under the updates (0 + g * 0), so the trainer
 * runs its kernels over D rounded up to 8 floats, without tails.  All
 * matrices are 64-byte aligned.  W_E starts uniform in [-r/D, r/D) from a
 * seeded generator (r = init_range, below), the output matrices at zero,
 * as in word2vec.c.
 */
#ifndef W2V_MODEL_H
#define W2V_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/error.h"

/* Refuse models larger than this many bytes for both matrices together
 * unless the caller raises it: a typo such as -dim 100000000 should fail
 * up front, not after minutes of swapping. */
#define W2V_MODEL_MAX_BYTES_DEFAULT ((size_t)64 << 30)
/* Dimension cap: beyond it the per-thread scratch rows stop fitting in cache. */
#define W2V_MODEL_MAX_DIM 10000

typedef struct {
    size_t V, D, stride;
    float *in;   /* W_E:   V x stride */
    float *out;  /* W_out: V x stride, for negative sampling (NULL without) */
    float *hs;   /* W_hs:  max(V-1, 1) x stride, the Huffman tree's inner
                    nodes for hierarchical softmax (NULL without) */
} w2v_model;

/* Bytes the matrices of a V x D model take: W_E, plus W_out if ns, plus
 * W_hs if hs (0 on overflow). */
size_t w2v_model_bytes(size_t V, size_t D, int ns, int hs);

/* W_E starts uniform in [-init_range / D, init_range / D).  word2vec.c uses
 * 0.5, gensim and fastText 1.0.  From a tiny start both matrices' updates
 * are proportional to the other matrix (W_out starts at zero), so learning
 * first has to grow out of the origin, and a wider start gets there sooner.
 * Measured on enwiki8 (-dim 300 -sample 1e-4, analogy accuracy):
 *     init_range    0.5    1     2     4     8     16    32
 *     1 epoch       10.5  11.7  13.0  14.3  15.8  17.1  17.7
 *     5 epochs      37.4               38.1  38.3  38.7
 * and at -dim 100, 1 epoch: 12.8 at 2, 13.6 at 8 (docs/performance.md,
 * "Why the peers differ").
 * 8 takes most of the gain while the start stays well below the norms
 * trained vectors reach. */
#define W2V_MODEL_INIT_RANGE_DEFAULT 8.0
typedef struct {
    uint64_t seed;      /* of the initialisation */
    double init_range;  /* see above; > 0 */
    size_t max_bytes;   /* cap on w2v_model_bytes; 0: W2V_MODEL_MAX_BYTES_DEFAULT */
    int ns;             /* allocate W_out (default 1) */
    int hs;             /* allocate W_hs (default 0) */
    unsigned threads;   /* initialise with this many threads (0 or 1: the
                           caller's own); the values do not depend on it */
} w2v_model_opts;

w2v_model_opts w2v_model_opts_default(void);

/*
 * Allocate and initialise.  The first touch of fresh memory is most of the
 * cost (page faults and the kernel's zeroing, about 0.35 s for the 165 MB
 * of a 68 k x 300 model with negative sampling); with opts->threads > 1 the
 * rows are split between threads, and a thread that cannot be started
 * leaves its part to the caller.  @return W2V_OK; W2V_ERR_ARG for D == 0 or
 * D > W2V_MODEL_MAX_DIM, V == 0 or a bad init_range; W2V_ERR_LIMIT naming
 * the size over the cap; W2V_ERR_NOMEM.
 */
w2v_status w2v_model_create(w2v_model *m, size_t V, size_t D, const w2v_model_opts *opts,
                            w2v_error *err);
void w2v_model_free(w2v_model *m);

#endif
