/*
 * sgns.h - the skip-gram negative-sampling update kernels.
 *
 * Shape legend: D dimension (row length), C context rows of one batch,
 * T = 1 + K target rows (row 0 is the positive target, rows 1.. the
 * negatives), alpha the learning rate.
 *
 * The math, once.  For an input row x (a context word's W_E row) and a
 * target row y_t (an W_out row) with label l_t (1 for the positive, 0 for
 * a negative), the loss is  L = -sum_t log sigma((2 l_t - 1) x.y_t)  and
 *     dL/d(x.y_t) = sigma(x.y_t) - l_t.
 * With g_t = alpha (l_t - sigma(x.y_t)) one SGD step is
 *     y_t += g_t x        x += sum_t g_t y_t   (both from the old values).
 *
 * Two schedules of the same step:
 *  - pair (word2vec.c): one context at a time; y_t is updated right after
 *    its g_t, so later targets of the same context see it.  Negatives are
 *    drawn per context.
 *  - batch (HogBatch, Ji et al. 2016): all C contexts of a centre word
 *    share one set of negatives; S = X Y^T (C x T), G = alpha (L - sigma(S)),
 *    dX = G Y and dY = G^T X from the old values, then both applied.  Level-3
 *    work on rows that stay in L1, updates written once per batch.
 *
 * The labelled batch is the same batch with any label l_t in {0, 1} per
 * target instead of (1, 0, 0, ...); the NS batch is it with w2v_sgns_ns_labels.
 * (A Huffman path as targets, l_j = 1 - code bit j, would make it a
 * shared-score HS batch; that lost accuracy against word2vec.c's per-pair
 * order, so skip-gram HS uses w2v_sg_hs_batch in hs_cbow.h, which keeps
 * that order exactly.)  The loss term of a target is -log sigma((2 l_t - 1) x.y_t).
 *
 * Every kernel is a pure function of its arguments (rows may be written by
 * other threads meanwhile: that is Hogwild, see train.h).  Rows may repeat
 * (a word twice in a window, the same negative twice); repeated rows get
 * every update, as sequential SGD would.  Negatives equal to the positive
 * target must be removed by the caller.
 *
 * Each kernel has a scalar reference (`_ref`) and, on x86-64, an AVX2+FMA
 * variant; w2v_sgns_select picks one by cpuid at run time.  A test holds
 * the fast variants to the references.
 */
#ifndef W2V_SGNS_H
#define W2V_SGNS_H

#include <math.h>
#include <stddef.h>

/* Largest C and T a batch may have: 2 x window and 1 + negative. */
#define W2V_SGNS_MAX_ROWS 512

/* loss: NULL, or += the loss L of the step's pairs at the old values (so
 * no logarithm is taken on the hot path unless asked for). */
typedef void (*w2v_sgns_pair_fn)(float *x, float *const *y, size_t T, size_t D, float alpha,
                                 float *scratch /* D floats */, double *loss);
typedef void (*w2v_sgns_batch_fn)(float *const *x, size_t C, float *const *y, size_t T,
                                  size_t D, float alpha,
                                  float *scratch /* C * (D + T) floats */, double *loss);

/* The labels of an NS batch: 1 for row 0, 0 for the rest (constant). */
static const float w2v_sgns_ns_labels[W2V_SGNS_MAX_ROWS] = {1.0f};

/* label: T values, each 0 or 1. */
typedef void (*w2v_sgns_labelled_fn)(float *const *x, size_t C, float *const *y,
                                     const float *label, size_t T, size_t D, float alpha,
                                     float *scratch /* C * (D + T) floats */, double *loss);

typedef struct {
    const char *name; /* "scalar" or "avx2" */
    w2v_sgns_pair_fn pair;
    w2v_sgns_batch_fn batch;
    w2v_sgns_labelled_fn labelled;
} w2v_sgns_kernels;

void w2v_sgns_pair_ref(float *x, float *const *y, size_t T, size_t D, float alpha,
                       float *scratch, double *loss);
void w2v_sgns_batch_ref(float *const *x, size_t C, float *const *y, size_t T, size_t D,
                        float alpha, float *scratch, double *loss);
void w2v_sgns_labelled_ref(float *const *x, size_t C, float *const *y, const float *label,
                           size_t T, size_t D, float alpha, float *scratch, double *loss);

/* AVX2+FMA variants; call only where w2v_cpu_has_avx2() is true (core/cpu.h). */
void w2v_sgns_pair_avx2(float *x, float *const *y, size_t T, size_t D, float alpha,
                        float *scratch, double *loss);
void w2v_sgns_batch_avx2(float *const *x, size_t C, float *const *y, size_t T, size_t D,
                         float alpha, float *scratch, double *loss);
void w2v_sgns_labelled_avx2(float *const *x, size_t C, float *const *y, const float *label,
                            size_t T, size_t D, float alpha, float *scratch, double *loss);

/* -log sigma(s), stable for any s: the loss of a pair whose label-signed
 * score is s (s = x.y for the positive, -x.y for a negative). */
static inline double w2v_sgns_pair_loss(float s)
{
    return s > 0 ? log1p(exp(-(double)s)) : -(double)s + log1p(exp((double)s));
}

/* The fastest kernels this CPU runs, or the references when scalar_only. */
w2v_sgns_kernels w2v_sgns_select(int scalar_only);

/* sigma(x) = 1 / (1 + e^-x), exact to float rounding, saturating cleanly. */
static inline float w2v_sigmoid(float x)
{
    return 1.0f / (1.0f + expf(-x));
}

#endif
