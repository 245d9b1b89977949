/*
 * hs_cbow.h - update kernels for hierarchical softmax and CBOW, and for
 * the two output layers together (word2vec.c's -hs 1 -negative K).
 *
 * Shape legend: D dimension (row length), C context rows of one CBOW step,
 * L code length (inner nodes on the centre word's Huffman path,
 * 1..W2V_HUFFMAN_MAX_CODE), T = 1 + K negative-sampling targets (row 0 the
 * centre word, rows 1.. the negatives), alpha the learning rate.
 *
 * The math, once.  An input vector h (skip-gram: the context word's W_E
 * row x; CBOW: h = (1/C) sum_c x_c) meets output rows r with labels l:
 *  - hierarchical softmax: the L rows p_j of W_hs on the centre word's path
 *    with code bits b_j, label l_j = 1 - b_j (word2vec.c's convention);
 *    P(w | h) = prod_j sigma((2 l_j - 1) h.p_j), which sums to 1 over the
 *    vocabulary because sigma(z) + sigma(-z) = 1 at every inner node;
 *  - negative sampling: the T rows y_t of W_out, l_0 = 1, l_t = 0 for t > 0.
 * The loss of one step is  L = -sum_r log sigma((2 l_r - 1) h.r)  over every
 * row of both layers in use, and dL/d(h.r) = sigma(h.r) - l_r.  With
 * g_r = alpha (l_r - sigma(h.r)) one step is
 *     dh += g_r r  (old r)        r += g_r h   (h fixed during the step)
 * for the path rows first, then the NS rows, each row updated right after
 * its g (word2vec.c's order, so a repeated negative sees its own update);
 * then the input side:
 *     skip-gram:  x += dh
 *     CBOW:       x_c += dh for every context row c.
 * CBOW adds the full dh to each context row, as word2vec.c and gensim
 * (cbow_mean=1) do, although the exact gradient of x_c is dh / C: the inputs
 * step C times further than plain SGD.  word2vec.c's CBOW default alpha of
 * 0.05 goes with this rule, so changing it would change what that default
 * means.  A context word that occurs twice in the window is summed twice
 * into h and gets dh twice.
 *
 * The sigmoid is exact (w2v_sigmoid), as in the SGNS kernels.  word2vec.c
 * skips an HS node whose |h.p_j| >= 6 (on the wrong side too, where the
 * gradient is largest) and clamps NS scores to +-6; we do neither: every
 * node gets its exact gradient, which the finite-difference tests check.
 *
 * Two levels of API:
 *  - accumulate: w2v_hs_accum / w2v_ns_accum update the output rows and add
 *    into a caller-owned dh, leaving the input alone; several calls (HS then
 *    NS) add into one dh before the caller applies it once.
 *  - step: w2v_sg_step (one skip-gram pair) and w2v_cbow_step (one centre
 *    word) take both layers in a w2v_out_rows; L == 0 or T == 0 switches
 *    one off.  These are the trainer's entry points:
 *      skip-gram + HS:    w2v_sg_step   with T = 0
 *      CBOW + NS:         w2v_cbow_step with L = 0
 *      CBOW + HS:         w2v_cbow_step with T = 0
 *      both layers:       either step with L > 0 and T > 0.
 *
 * Loss: every kernel takes `double *loss`; when non-NULL the step's loss
 * (the sum above, each term from the score its update used) is ADDED to
 * *loss, so a thread can sum a whole span into one counter.  With NULL no
 * log is computed.
 *
 * Every kernel is a pure function of its arguments (rows may be written by
 * other threads meanwhile: Hogwild, see train.h) and never fails.  Inputs
 * and output rows live in different matrices and never alias each other or
 * the scratch; output rows may repeat among the NS targets (never on a
 * Huffman path), context rows may repeat.  Negatives equal to the centre
 * word must be removed by the caller, as for SGNS.
 *
 * Each kernel has a scalar reference (`_ref`) and, on x86-64, an AVX2+FMA
 * variant; w2v_hs_cbow_select picks them by cpuid (w2v_cpu_has_avx2).
 * tests/test_hs_cbow.c holds the variants to the references and the
 * references to finite differences of the loss.
 */
#ifndef W2V_HS_CBOW_H
#define W2V_HS_CBOW_H

#include <stddef.h>
#include <stdint.h>

/* The output side of one step: path rows of W_hs and/or NS rows of W_out. */
typedef struct {
    float *const *path; /* L rows of W_hs: the centre word's points, root first */
    uint64_t code;      /* bit j: the centre word's branch at path[j] */
    size_t L;           /* 0: no hierarchical softmax */
    float *const *ns;   /* T rows of W_out: [0] the centre word, [1..T) negatives */
    size_t T;           /* 0: no negative sampling */
} w2v_out_rows;

/* Scratch floats each step kernel needs. */
#define W2V_SG_STEP_SCRATCH(D) (D)
#define W2V_CBOW_STEP_SCRATCH(D) (2 * (D))
#define W2V_SG_HS_BATCH_SCRATCH(C, L, D) ((C) * ((D) + (L) + 8 + 2 * (C)))

/*
 * Hierarchical softmax, accumulate: for j < L, with b_j = (code >> j) & 1,
 * g = alpha (1 - b_j - sigma(h.path[j])); dh += g path[j]; path[j] += g h.
 * h is only read.  Adds the loss to *loss when loss != NULL.
 * L <= W2V_HUFFMAN_MAX_CODE (64) and the path rows are distinct, as every
 * Huffman path is (the fast variant scores them all before updating).
 */
typedef void (*w2v_hs_accum_fn)(const float *h, float *dh, float *const *path,
                                uint64_t code, size_t L, size_t D, float alpha,
                                double *loss);
/*
 * Negative sampling, accumulate: for t < T, label 1 for t == 0 else 0,
 * g = alpha (label - sigma(h.y[t])); dh += g y[t]; y[t] += g h.
 */
typedef void (*w2v_ns_accum_fn)(const float *h, float *dh, float *const *y, size_t T,
                                size_t D, float alpha, double *loss);
/*
 * One skip-gram pair: dh = 0, HS (if out->L), NS (if out->T), x += dh.
 * scratch: W2V_SG_STEP_SCRATCH(D) floats.
 */
typedef void (*w2v_sg_step_fn)(float *x, const w2v_out_rows *out, size_t D, float alpha,
                               float *scratch, double *loss);
/*
 * One CBOW step: h = mean of x[0..C), dh = 0, HS (if out->L), NS (if
 * out->T), then x[c] += dh for every c.  C == 0 does nothing.
 * scratch: W2V_CBOW_STEP_SCRATCH(D) floats.
 */
typedef void (*w2v_cbow_step_fn)(float *const *x, size_t C, const w2v_out_rows *out, size_t D,
                                 float alpha, float *scratch, double *loss);

/*
 * Skip-gram hierarchical softmax for all C contexts of one centre word, as
 * C w2v_sg_step calls in context order with L > 0, T == 0 (word2vec.c's
 * per-pair order: context c scores the path rows as contexts 0..c-1 left
 * them), computed as matrix products.  With S = X P^T and the Gram matrix
 * X X^T of the old rows, the score context c sees is
 *     s_cj = S_cj + sum_{c' < c} g_c'j (x_c' . x_c)
 * (every earlier context moved p_j by g_c'j x_c'), and its input step is
 *     dx_c = sum_j g_cj p_j(old) + sum_{c' < c} (sum_j g_cj g_c'j) x_c';
 * the path rows end at P + G^T X.  Exact for distinct context rows; a row
 * that repeats in the window is read at its old value by the later copy
 * (the sequential steps would see the first copy's update: a second-order
 * difference).  scratch: W2V_SG_HS_BATCH_SCRATCH(C, L, D) floats.
 */
typedef void (*w2v_sg_hs_batch_fn)(float *const *x, size_t C, float *const *path,
                                   uint64_t code, size_t L, size_t D, float alpha,
                                   float *scratch, double *loss);

typedef struct {
    const char *name; /* "scalar" or "avx2" */
    w2v_sg_hs_batch_fn sg_hs_batch;
    w2v_hs_accum_fn hs_accum;
    w2v_ns_accum_fn ns_accum;
    w2v_sg_step_fn sg_step;
    w2v_cbow_step_fn cbow_step;
} w2v_hs_cbow_kernels;

/* The references: plain loops in the order of the math above. */
void w2v_hs_accum_ref(const float *h, float *dh, float *const *path, uint64_t code, size_t L,
                      size_t D, float alpha, double *loss);
void w2v_ns_accum_ref(const float *h, float *dh, float *const *y, size_t T, size_t D,
                      float alpha, double *loss);
void w2v_sg_step_ref(float *x, const w2v_out_rows *out, size_t D, float alpha, float *scratch,
                     double *loss);
void w2v_cbow_step_ref(float *const *x, size_t C, const w2v_out_rows *out, size_t D,
                       float alpha, float *scratch, double *loss);
/* The definition: C w2v_sg_step_ref calls in order. */
void w2v_sg_hs_batch_ref(float *const *x, size_t C, float *const *path, uint64_t code,
                         size_t L, size_t D, float alpha, float *scratch, double *loss);

/* AVX2+FMA variants; call only where w2v_cpu_has_avx2() is true (on
 * other targets they are the references). */
void w2v_hs_accum_avx2(const float *h, float *dh, float *const *path, uint64_t code, size_t L,
                       size_t D, float alpha, double *loss);
void w2v_ns_accum_avx2(const float *h, float *dh, float *const *y, size_t T, size_t D,
                       float alpha, double *loss);
void w2v_sg_step_avx2(float *x, const w2v_out_rows *out, size_t D, float alpha,
                      float *scratch, double *loss);
void w2v_cbow_step_avx2(float *const *x, size_t C, const w2v_out_rows *out, size_t D,
                        float alpha, float *scratch, double *loss);
void w2v_sg_hs_batch_avx2(float *const *x, size_t C, float *const *path, uint64_t code,
                          size_t L, size_t D, float alpha, float *scratch, double *loss);

/* The fastest kernels this CPU runs, or the references when scalar_only. */
w2v_hs_cbow_kernels w2v_hs_cbow_select(int scalar_only);

/* -log sigma(s) for a label-signed score s = (2 l - 1) h.r, stable for any
 * s (log1p(e^-|s|) + max(-s, 0)); the kernels' loss term. */
float w2v_neg_log_sigmoid(float s);

#endif
