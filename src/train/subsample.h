/*
 * subsample.h - random discarding of frequent words (Mikolov et al. 2013).
 *
 * Word w with count f among T training words is kept with probability
 *     p(w) = (sqrt(f / (t T)) + 1) * (t T) / f,   capped at 1,
 * word2vec.c's and gensim's formula (the paper's 1 - sqrt(t/f) discard rule
 * differs).  t = 0 keeps everything.  Probabilities are stored as 32-bit
 * thresholds so a draw is one compare; words always kept are marked so the
 * trainer need not draw for them.
 */
#ifndef W2V_SUBSAMPLE_H
#define W2V_SUBSAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/error.h"

/* Threshold meaning "always keep": no random number is drawn. */
#define W2V_SUBSAMPLE_ALWAYS UINT32_MAX

/*
 * Fill thr[0..n) with keep thresholds: keep when a uniform 32-bit draw is
 * < thr[i], or always when thr[i] == W2V_SUBSAMPLE_ALWAYS.  total is T.
 * @return W2V_OK, or W2V_ERR_ARG for t < 0 or t not finite.
 */
w2v_status w2v_subsample_build(uint32_t *thr, const uint64_t *counts, size_t n, uint64_t total,
                               double t, w2v_error *err);

/* The keep probability of a word with count f (the formula above). */
double w2v_subsample_keep_prob(uint64_t f, uint64_t total, double t);

#endif
