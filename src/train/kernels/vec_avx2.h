/*
 * vec_avx2.h - AVX2+FMA row operations shared by the fast kernels (private
 * to the library; include only from files whose functions carry the
 * target attribute, on x86-64).  Sums use several accumulators, so they
 * differ from vec_ref.h in the last bits only.
 */
#ifndef W2V_VEC_AVX2_H
#define W2V_VEC_AVX2_H

#include <stddef.h>

#include "core/cpu.h"

#define AVX2 W2V_AVX2

AVX2 static inline float dot(const float *a, const float *b, size_t D)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    __m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    size_t d = 0;
    for (; d + 32 <= D; d += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + d), _mm256_loadu_ps(b + d), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + d + 8), _mm256_loadu_ps(b + d + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + d + 16), _mm256_loadu_ps(b + d + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + d + 24), _mm256_loadu_ps(b + d + 24), s3);
    }
    for (; d + 8 <= D; d += 8)
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + d), _mm256_loadu_ps(b + d), s0);
    float s = w2v_hsum8(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; d < D; d++)
        s += a[d] * b[d];
    return s;
}

AVX2 static inline void axpy(float a, const float *x, float *y, size_t D)
{
    __m256 va = _mm256_set1_ps(a);
    size_t d = 0;
    for (; d + 8 <= D; d += 8)
        _mm256_storeu_ps(y + d, _mm256_fmadd_ps(va, _mm256_loadu_ps(x + d), _mm256_loadu_ps(y + d)));
    for (; d < D; d++)
        y[d] += a * x[d];
}

/*
 * sigma(x) = 1 / (1 + e^-x) for 8 lanes.  e^-x as 2^n e^r with n = round(-x
 * log2 e), r = -x - n ln 2 (ln 2 in two parts, so r is exact to float) and a
 * degree-6 polynomial for e^r on |r| <= ln(2)/2 (Cephes' expf coefficients):
 * within 2 ulp of expf, so sigma is within a few ulp of w2v_sigmoid.  -x is
 * clamped to [-87.3, 88.3] first: beyond that sigma is 1 or below 1e-38,
 * as the scalar one saturates (1.0f, or 0 where it gives 0 exactly).
 */
AVX2 static inline __m256 sigmoid8(__m256 x)
{
    const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
    const __m256 ln2_hi = _mm256_set1_ps(0.693359375f), ln2_lo = _mm256_set1_ps(-2.12194440e-4f);
    __m256 z = _mm256_sub_ps(_mm256_setzero_ps(), x);
    z = _mm256_max_ps(_mm256_min_ps(z, _mm256_set1_ps(88.3f)), _mm256_set1_ps(-87.3f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(z, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, ln2_hi, z);
    r = _mm256_fnmadd_ps(n, ln2_lo, r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    /* 2^n: n + 127 into the exponent field; n in [-126, 128) so 2^n is normal
     * or, at 128, split as 2^127 * 2 so it cannot overflow the field. */
    __m256 n1 = _mm256_min_ps(n, _mm256_set1_ps(127.0f));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n1), _mm256_set1_epi32(127)), 23);
    p = _mm256_mul_ps(p, _mm256_castsi256_ps(e));
    p = _mm256_mul_ps(p, _mm256_blendv_ps(_mm256_set1_ps(1.0f), _mm256_set1_ps(2.0f),
                                          _mm256_cmp_ps(n, n1, _CMP_GT_OQ)));
    return _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(_mm256_set1_ps(1.0f), p));
}

/* s[t] = x . y[t] for t < T: four targets per pass, so each 8-float chunk
 * of x is loaded once per four dot products. */
AVX2 static inline void scores(const float *x, float *const *y, size_t T, size_t D, float *s)
{
    size_t D8 = D & ~(size_t)7, t = 0;
    for (; t + 4 <= T; t += 4) {
        const float *y0 = y[t], *y1 = y[t + 1], *y2 = y[t + 2], *y3 = y[t + 3];
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        for (size_t d = 0; d < D8; d += 8) {
            __m256 xv = _mm256_loadu_ps(x + d);
            a0 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(y0 + d), a0);
            a1 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(y1 + d), a1);
            a2 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(y2 + d), a2);
            a3 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(y3 + d), a3);
        }
        float r0 = w2v_hsum8(a0), r1 = w2v_hsum8(a1), r2 = w2v_hsum8(a2), r3 = w2v_hsum8(a3);
        for (size_t d = D8; d < D; d++) {
            r0 += x[d] * y0[d];
            r1 += x[d] * y1[d];
            r2 += x[d] * y2[d];
            r3 += x[d] * y3[d];
        }
        s[t] = r0, s[t + 1] = r1, s[t + 2] = r2, s[t + 3] = r3;
    }
    if (t + 2 <= T) { /* two left (T = 6, NEG-5): one pass over x for both */
        const float *y0 = y[t], *y1 = y[t + 1];
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
        size_t d = 0;
        for (; d + 16 <= D8; d += 16) {
            __m256 xv = _mm256_loadu_ps(x + d), xw = _mm256_loadu_ps(x + d + 8);
            a0 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(y0 + d), a0);
            a1 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(y1 + d), a1);
            b0 = _mm256_fmadd_ps(xw, _mm256_loadu_ps(y0 + d + 8), b0);
            b1 = _mm256_fmadd_ps(xw, _mm256_loadu_ps(y1 + d + 8), b1);
        }
        for (; d < D8; d += 8) {
            __m256 xv = _mm256_loadu_ps(x + d);
            a0 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(y0 + d), a0);
            a1 = _mm256_fmadd_ps(xv, _mm256_loadu_ps(y1 + d), a1);
        }
        float r0 = w2v_hsum8(_mm256_add_ps(a0, b0)), r1 = w2v_hsum8(_mm256_add_ps(a1, b1));
        for (d = D8; d < D; d++) {
            r0 += x[d] * y0[d];
            r1 += x[d] * y1[d];
        }
        s[t] = r0, s[t + 1] = r1;
        t += 2;
    }
    for (; t < T; t++)
        s[t] = dot(x, y[t], D);
}

/* s0[t] = x0 . y[t] and s1[t] = x1 . y[t] for t < T: two inputs against
 * four targets per pass, 8 FMAs for 6 loads where two scores() calls
 * spend 10 loads (the skip-gram HS batch, all of whose contexts meet the
 * same path rows).  Each dot product adds in scores()'s order. */
AVX2 static inline void scores_pair(const float *x0, const float *x1, float *const *y, size_t T,
                                    size_t D, float *s0, float *s1)
{
    size_t D8 = D & ~(size_t)7, t = 0;
    for (; t + 4 <= T; t += 4) {
        const float *y0 = y[t], *y1 = y[t + 1], *y2 = y[t + 2], *y3 = y[t + 3];
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
        __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
        __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
        __m256 b2 = _mm256_setzero_ps(), b3 = _mm256_setzero_ps();
        for (size_t d = 0; d < D8; d += 8) {
            __m256 u = _mm256_loadu_ps(x0 + d), v = _mm256_loadu_ps(x1 + d);
            __m256 r0 = _mm256_loadu_ps(y0 + d), r1 = _mm256_loadu_ps(y1 + d);
            __m256 r2 = _mm256_loadu_ps(y2 + d), r3 = _mm256_loadu_ps(y3 + d);
            a0 = _mm256_fmadd_ps(u, r0, a0);
            a1 = _mm256_fmadd_ps(u, r1, a1);
            a2 = _mm256_fmadd_ps(u, r2, a2);
            a3 = _mm256_fmadd_ps(u, r3, a3);
            b0 = _mm256_fmadd_ps(v, r0, b0);
            b1 = _mm256_fmadd_ps(v, r1, b1);
            b2 = _mm256_fmadd_ps(v, r2, b2);
            b3 = _mm256_fmadd_ps(v, r3, b3);
        }
        float p[4] = {w2v_hsum8(a0), w2v_hsum8(a1), w2v_hsum8(a2), w2v_hsum8(a3)};
        float q[4] = {w2v_hsum8(b0), w2v_hsum8(b1), w2v_hsum8(b2), w2v_hsum8(b3)};
        for (size_t d = D8; d < D; d++)
            for (size_t k = 0; k < 4; k++) {
                p[k] += x0[d] * y[t + k][d];
                q[k] += x1[d] * y[t + k][d];
            }
        for (size_t k = 0; k < 4; k++)
            s0[t + k] = p[k], s1[t + k] = q[k];
    }
    if (t < T) {
        scores(x0, y + t, T - t, D, s0 + t);
        scores(x1, y + t, T - t, D, s1 + t);
    }
}

/*
 * out[0..D) = (base ? base : 0) + sum_k w[k * ws] * rows[k][0..D).
 * 32 floats per pass keep four accumulators in registers, so each weight is
 * broadcast once per 32 floats and each row chunk is loaded exactly once.
 * out may equal base (an in-place update of a row).
 */
AVX2 static inline void combine(float *out, const float *base, float *const *rows, const float *w,
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
AVX2 static inline void combine2(float *out0, float *out1, const float *base0, const float *base1,
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

#endif
