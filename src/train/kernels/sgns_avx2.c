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
 * out[0..D) = (base ? base : 0) + sum_k w[k * ws] * rows[k][0..D).
 * 32 floats per pass keep four accumulators in registers, so each weight is
 * broadcast once per 32 floats and each row chunk is loaded exactly once.
 * out may equal base (an in-place update of a row).
 */
AVX2 static void combine(float *out, const float *base, float *const *rows, const float *w,
                         size_t ws, size_t n, size_t D)
{
    size_t d = 0;
    for (; d + 32 <= D; d += 32) {
        __m256 a0, a1, a2, a3;
        if (base) {
            a0 = _mm256_loadu_ps(base + d), a1 = _mm256_loadu_ps(base + d + 8);
            a2 = _mm256_loadu_ps(base + d + 16), a3 = _mm256_loadu_ps(base + d + 24);
        } else {
            a0 = a1 = a2 = a3 = _mm256_setzero_ps();
        }
        for (size_t k = 0; k < n; k++) {
            __m256 wk = _mm256_set1_ps(w[k * ws]);
            const float *r = rows[k] + d;
            a0 = _mm256_fmadd_ps(wk, _mm256_loadu_ps(r), a0);
            a1 = _mm256_fmadd_ps(wk, _mm256_loadu_ps(r + 8), a1);
            a2 = _mm256_fmadd_ps(wk, _mm256_loadu_ps(r + 16), a2);
            a3 = _mm256_fmadd_ps(wk, _mm256_loadu_ps(r + 24), a3);
        }
        _mm256_storeu_ps(out + d, a0);
        _mm256_storeu_ps(out + d + 8, a1);
        _mm256_storeu_ps(out + d + 16, a2);
        _mm256_storeu_ps(out + d + 24, a3);
    }
    for (; d + 8 <= D; d += 8) {
        __m256 a = base ? _mm256_loadu_ps(base + d) : _mm256_setzero_ps();
        for (size_t k = 0; k < n; k++)
            a = _mm256_fmadd_ps(_mm256_set1_ps(w[k * ws]), _mm256_loadu_ps(rows[k] + d), a);
        _mm256_storeu_ps(out + d, a);
    }
    for (; d < D; d++) {
        float a = base ? base[d] : 0.0f;
        for (size_t k = 0; k < n; k++)
            a += w[k * ws] * rows[k][d];
        out[d] = a;
    }
}

/*
 * Two combines at once, sharing the row loads:
 *   out0 = base0 + sum_k w0[k * ws] rows[k],  out1 = base1 + sum_k w1[k * ws] rows[k]
 * (base0, base1 NULL: from zero).  Per 32 floats each row chunk is loaded
 * once for 8 FMAs instead of 4: the batch kernel is bound by loads, not
 * FMAs, at these sizes.  Each output adds in the order of combine(), so the
 * results are combine()'s exactly.
 */
AVX2 static void combine2(float *out0, float *out1, const float *base0, const float *base1,
                          float *const *rows, const float *w0, const float *w1, size_t ws,
                          size_t n, size_t D)
{
    size_t d = 0;
    for (; d + 32 <= D; d += 32) {
        __m256 a0, a1, a2, a3, b0, b1, b2, b3;
        if (base0) {
            a0 = _mm256_loadu_ps(base0 + d), a1 = _mm256_loadu_ps(base0 + d + 8);
            a2 = _mm256_loadu_ps(base0 + d + 16), a3 = _mm256_loadu_ps(base0 + d + 24);
            b0 = _mm256_loadu_ps(base1 + d), b1 = _mm256_loadu_ps(base1 + d + 8);
            b2 = _mm256_loadu_ps(base1 + d + 16), b3 = _mm256_loadu_ps(base1 + d + 24);
        } else {
            a0 = a1 = a2 = a3 = b0 = b1 = b2 = b3 = _mm256_setzero_ps();
        }
        for (size_t k = 0; k < n; k++) {
            __m256 u = _mm256_set1_ps(w0[k * ws]), v = _mm256_set1_ps(w1[k * ws]);
            const float *r = rows[k] + d;
            __m256 r0 = _mm256_loadu_ps(r), r1 = _mm256_loadu_ps(r + 8);
            __m256 r2 = _mm256_loadu_ps(r + 16), r3 = _mm256_loadu_ps(r + 24);
            a0 = _mm256_fmadd_ps(u, r0, a0);
            a1 = _mm256_fmadd_ps(u, r1, a1);
            a2 = _mm256_fmadd_ps(u, r2, a2);
            a3 = _mm256_fmadd_ps(u, r3, a3);
            b0 = _mm256_fmadd_ps(v, r0, b0);
            b1 = _mm256_fmadd_ps(v, r1, b1);
            b2 = _mm256_fmadd_ps(v, r2, b2);
            b3 = _mm256_fmadd_ps(v, r3, b3);
        }
        _mm256_storeu_ps(out0 + d, a0);
        _mm256_storeu_ps(out0 + d + 8, a1);
        _mm256_storeu_ps(out0 + d + 16, a2);
        _mm256_storeu_ps(out0 + d + 24, a3);
        _mm256_storeu_ps(out1 + d, b0);
        _mm256_storeu_ps(out1 + d + 8, b1);
        _mm256_storeu_ps(out1 + d + 16, b2);
        _mm256_storeu_ps(out1 + d + 24, b3);
    }
    for (; d + 8 <= D; d += 8) {
        __m256 a = base0 ? _mm256_loadu_ps(base0 + d) : _mm256_setzero_ps();
        __m256 b = base1 ? _mm256_loadu_ps(base1 + d) : _mm256_setzero_ps();
        for (size_t k = 0; k < n; k++) {
            __m256 r = _mm256_loadu_ps(rows[k] + d);
            a = _mm256_fmadd_ps(_mm256_set1_ps(w0[k * ws]), r, a);
            b = _mm256_fmadd_ps(_mm256_set1_ps(w1[k * ws]), r, b);
        }
        _mm256_storeu_ps(out0 + d, a);
        _mm256_storeu_ps(out1 + d, b);
    }
    for (; d < D; d++) {
        float a = base0 ? base0[d] : 0.0f, b = base1 ? base1[d] : 0.0f;
        for (size_t k = 0; k < n; k++) {
            a += w0[k * ws] * rows[k][d];
            b += w1[k * ws] * rows[k][d];
        }
        out0[d] = a;
        out1[d] = b;
    }
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
