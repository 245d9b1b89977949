/*
 * noise.h - the negative-sampling distribution, P(w) ~ count(w)^power.
 *
 * DESIGN: Walker/Vose alias table: exact probabilities (no 1e8-entry table
 * rounding as in word2vec.c), O(1) per draw, 8 bytes per word.  A draw uses
 * one 64-bit random number: the high half picks a column, the low half
 * decides between the column and its alias.
 */
#ifndef W2V_NOISE_H
#define W2V_NOISE_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/error.h"
#include "train/rng.h"

/* One column: a draw that lands in column i keeps i when the low 32 bits
 * of its random number are below keep, and takes alias otherwise.  The
 * two halves sit together so that a draw reads one cache line: the
 * columns are hit at random, and a table of 68 k words (enwiki8) is 540 KB,
 * mostly outside L1. */
typedef struct {
    uint32_t keep;
    uint32_t alias;
} w2v_noise_col;

typedef struct {
    size_t n;
    w2v_noise_col *col;
} w2v_noise;

/*
 * Build the table for counts[0..n) raised to power (0.75 for word2vec).
 * Zero counts get probability zero; at least one count must be positive.
 * @return W2V_OK, W2V_ERR_ARG (n == 0, n >= 2^32, all zero), W2V_ERR_NOMEM.
 */
w2v_status w2v_noise_build(w2v_noise *nz, const uint64_t *counts, size_t n, double power,
                           w2v_error *err);
void w2v_noise_free(w2v_noise *nz);

/* Probability the table gives to word i (for tests and diagnostics). */
double w2v_noise_prob(const w2v_noise *nz, size_t i);

static inline uint32_t w2v_noise_draw(const w2v_noise *nz, w2v_rng *r)
{
    uint64_t x = w2v_rng_next(r);
    uint32_t i = (uint32_t)(((x >> 32) * (uint64_t)nz->n) >> 32);
    w2v_noise_col c = nz->col[i];
    /* A select, not a branch: the comparison is a coin flip that waits on a
     * load, and a mispredicted branch would throw away the work behind it. */
    uint32_t kept = -(uint32_t)((uint32_t)x < c.keep);
    return (i & kept) | (c.alias & ~kept);
}

#endif
