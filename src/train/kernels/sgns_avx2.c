/*
 * sgns_avx2.c - AVX2+FMA variants of the SGNS kernels (see sgns.h).
 *
 * Compiled for the baseline target; only these functions carry
 * target("avx2,fma"), so the default build runs anywhere and the trainer
 * calls them only after w2v_cpu_has_avx2() said yes.
 *
 * What the fast path assumes: nothing about alignment (unaligned loads;
 * rows of the model are 64-byte aligned anyway) or D (a scalar tail handles
 * D % 8).  Dot products use four accumulators, so sums are reassociated and
 * differ from the reference in the last bits only.
 */
#include "train/kernels/sgns.h"

#include <string.h>

#include "core/cpu.h"

#if W2V_X86_SIMD
#include "train/kernels/vec_avx2.h"

AVX2 void w2v_sgns_pair_avx2(float *x, float *const *y, size_t T, size_t D, float alpha,
                             float *scratch, double *loss)
{
    float *dx = scratch;
    memset(dx, 0, D * sizeof *dx);
    for (size_t t = 0; t < T; t++) {
        float label = t == 0 ? 1.0f : 0.0f;
        float s = dot(x, y[t], D);
        if (loss)
            *loss += w2v_sgns_pair_loss(t == 0 ? s : -s);
        float g = alpha * (label - w2v_sigmoid(s));
        axpy(g, y[t], dx, D);
        axpy(g, x, y[t], D);
    }
    axpy(1.0f, dx, x, D);
}

/*
 * Batch: scores four targets at a time, then dX = G Y into scratch (reads
 * the old Y), then Y += G^T X in place (reads the old X), then X += dX.
 */
AVX2 void w2v_sgns_labelled_avx2(float *const *x, size_t C, float *const *y, const float *label,
                                 size_t T, size_t D, float alpha, float *scratch, double *loss)
{
    float *dx = scratch;        /* C x D */
    float *g = scratch + C * D; /* C x T */
    for (size_t c = 0; c < C; c++)
        scores(x[c], y, T, D, g + c * T);
    for (size_t i = 0; loss && i < C * T; i++)
        *loss += w2v_sgns_pair_loss(label[i % T] > 0.0f ? g[i] : -g[i]);
    /* G = alpha (labels - sigma(S)), 8 scores at a time over the C x T block */
    float lab[8];
    size_t n = C * T, i = 0, col = 0; /* col = i % T */
    __m256 va = _mm256_set1_ps(alpha);
    for (; i + 8 <= n; i += 8) {
        for (size_t k = 0; k < 8; k++) {
            lab[k] = label[col];
            col = col + 1 == T ? 0 : col + 1;
        }
        __m256 s = sigmoid8(_mm256_loadu_ps(g + i));
        _mm256_storeu_ps(g + i, _mm256_mul_ps(va, _mm256_sub_ps(_mm256_loadu_ps(lab), s)));
    }
    for (; i < n; i++) {
        g[i] = alpha * (label[col] - w2v_sigmoid(g[i]));
        col = col + 1 == T ? 0 : col + 1;
    }
    size_t c = 0;
    for (; c + 2 <= C; c += 2)
        combine2(dx + c * D, dx + (c + 1) * D, NULL, NULL, y, g + c * T, g + (c + 1) * T, 1,
                 T, D);
    if (c < C)
        combine(dx + c * D, NULL, y, g + c * T, 1, T, D);
    /* Y += G^T X, two targets at a time, except where a pair is one row
     * repeated (two equal negatives): that row takes its updates one after
     * the other, as combine() would. */
    size_t t = 0;
    for (; t + 2 <= T; t += 2) {
        if (y[t] == y[t + 1]) {
            combine(y[t], y[t], x, g + t, T, C, D);
            combine(y[t + 1], y[t + 1], x, g + t + 1, T, C, D);
        } else {
            combine2(y[t], y[t + 1], y[t], y[t + 1], x, g + t, g + t + 1, T, C, D);
        }
    }
    if (t < T)
        combine(y[t], y[t], x, g + t, T, C, D);
    for (c = 0; c < C; c++)
        axpy(1.0f, dx + c * D, x[c], D);
}

AVX2 void w2v_sgns_batch_avx2(float *const *x, size_t C, float *const *y, size_t T, size_t D,
                              float alpha, float *scratch, double *loss)
{
    w2v_sgns_labelled_avx2(x, C, y, w2v_sgns_ns_labels, T, D, alpha, scratch, loss);
}

#else /* no AVX2 on this target: the references stand in */

void w2v_sgns_pair_avx2(float *x, float *const *y, size_t T, size_t D, float alpha,
                        float *scratch, double *loss)
{
    w2v_sgns_pair_ref(x, y, T, D, alpha, scratch, loss);
}

void w2v_sgns_batch_avx2(float *const *x, size_t C, float *const *y, size_t T, size_t D,
                         float alpha, float *scratch, double *loss)
{
    w2v_sgns_batch_ref(x, C, y, T, D, alpha, scratch, loss);
}

void w2v_sgns_labelled_avx2(float *const *x, size_t C, float *const *y, const float *label,
                            size_t T, size_t D, float alpha, float *scratch, double *loss)
{
    w2v_sgns_labelled_ref(x, C, y, label, T, D, alpha, scratch, loss);
}

#endif
