/*
 * hs_cbow_avx2.c - AVX2+FMA variants of the HS / CBOW kernels (see
 * hs_cbow.h for the math, hs_cbow.c for the references).
 *
 * Compiled for the baseline target; only these functions carry
 * target("avx2,fma"), and the trainer calls them only after
 * w2v_cpu_has_avx2() said yes.
 *
 * The one idea: h is fixed during a step, so the score of a row depends on
 * earlier updates only when the row itself was updated before, i.e. when it
 * repeats.  A run of distinct rows can therefore be scored first (four rows
 * per pass over h) and then updated in a single pass over D that keeps h
 * and dh in registers and reads and writes each row once:
 *     dh += g_i r_i,  r_i += g_i h   for all i of the run, per 32 floats.
 * A Huffman path is one run (its nodes are distinct).  NS targets are cut
 * into runs before any repeated row, which gives exactly the reference's
 * sequential semantics.  Per element the order of additions into dh is the
 * reference's; only FMA rounding and the reassociated dot products differ.
 *
 * Against w2v_sgns_pair_avx2, which updates row by row, this is faster per
 * pair for skip-gram with NS only, and CBOW + HS runs several times faster
 * than its reference (figures: docs/performance.md, "Component timings").
 *
 * Assumes nothing about alignment (unaligned loads) or D (scalar tails).
 * The row operations it shares with sgns_avx2.c (dot, axpy, scores) are
 * in vec_avx2.h; the run update, the add and the CBOW mean are its own.
 */
#include "train/kernels/hs_cbow.h"

#include <string.h>

#include "core/cpu.h"
#include "train/kernels/sgns.h"

/* Rows scored and updated together: g and the scores live on the stack. */
#define RUN_MAX 64
#define W2V_HUFFMAN_MAX_L 64 /* W2V_HUFFMAN_MAX_CODE: code is a uint64_t */

#if W2V_X86_SIMD
#include "train/kernels/vec_avx2.h"

/* For distinct rows r[0..n): dh += sum_i g[i] r[i] (old rows, in order i)
 * and r[i] += g[i] h, one pass over D.  32 floats per block keep four
 * independent dh chains in flight.
 *
 * With C > 0 this is the last update of a CBOW step and the input side is
 * fused in: once a block of dh is complete (every row added), it is added
 * to each context row x[c] at once, while the rows' block is in L1, and dh
 * itself is not stored.  The sums are the same, in the same order, as
 * storing dh and adding it to every x[c] afterwards. */
AVX2 static void update(const float *h, float *dh, float *const *r, const float *g, size_t n,
                        size_t D, float *const *x, size_t C)
{
    size_t d = 0;
    for (; d + 32 <= D; d += 32) {
        __m256 h0 = _mm256_loadu_ps(h + d), h1 = _mm256_loadu_ps(h + d + 8);
        __m256 h2 = _mm256_loadu_ps(h + d + 16), h3 = _mm256_loadu_ps(h + d + 24);
        __m256 a0 = _mm256_loadu_ps(dh + d), a1 = _mm256_loadu_ps(dh + d + 8);
        __m256 a2 = _mm256_loadu_ps(dh + d + 16), a3 = _mm256_loadu_ps(dh + d + 24);
        for (size_t i = 0; i < n; i++) {
            __m256 gi = _mm256_set1_ps(g[i]);
            float *ri = r[i] + d;
            __m256 v0 = _mm256_loadu_ps(ri), v1 = _mm256_loadu_ps(ri + 8);
            __m256 v2 = _mm256_loadu_ps(ri + 16), v3 = _mm256_loadu_ps(ri + 24);
            a0 = _mm256_fmadd_ps(gi, v0, a0);
            a1 = _mm256_fmadd_ps(gi, v1, a1);
            a2 = _mm256_fmadd_ps(gi, v2, a2);
            a3 = _mm256_fmadd_ps(gi, v3, a3);
            _mm256_storeu_ps(ri, _mm256_fmadd_ps(gi, h0, v0));
            _mm256_storeu_ps(ri + 8, _mm256_fmadd_ps(gi, h1, v1));
            _mm256_storeu_ps(ri + 16, _mm256_fmadd_ps(gi, h2, v2));
            _mm256_storeu_ps(ri + 24, _mm256_fmadd_ps(gi, h3, v3));
        }
        if (C == 0) {
            _mm256_storeu_ps(dh + d, a0);
            _mm256_storeu_ps(dh + d + 8, a1);
            _mm256_storeu_ps(dh + d + 16, a2);
            _mm256_storeu_ps(dh + d + 24, a3);
        }
        for (size_t c = 0; c < C; c++) {
            float *xc = x[c] + d;
            _mm256_storeu_ps(xc, _mm256_add_ps(_mm256_loadu_ps(xc), a0));
            _mm256_storeu_ps(xc + 8, _mm256_add_ps(_mm256_loadu_ps(xc + 8), a1));
            _mm256_storeu_ps(xc + 16, _mm256_add_ps(_mm256_loadu_ps(xc + 16), a2));
            _mm256_storeu_ps(xc + 24, _mm256_add_ps(_mm256_loadu_ps(xc + 24), a3));
        }
    }
    for (; d + 8 <= D; d += 8) {
        __m256 hv = _mm256_loadu_ps(h + d), a = _mm256_loadu_ps(dh + d);
        for (size_t i = 0; i < n; i++) {
            __m256 gi = _mm256_set1_ps(g[i]);
            __m256 v = _mm256_loadu_ps(r[i] + d);
            a = _mm256_fmadd_ps(gi, v, a);
            _mm256_storeu_ps(r[i] + d, _mm256_fmadd_ps(gi, hv, v));
        }
        if (C == 0)
            _mm256_storeu_ps(dh + d, a);
        for (size_t c = 0; c < C; c++)
            _mm256_storeu_ps(x[c] + d, _mm256_add_ps(_mm256_loadu_ps(x[c] + d), a));
    }
    for (; d < D; d++) {
        float hd = h[d], a = dh[d];
        for (size_t i = 0; i < n; i++) {
            float v = r[i][d];
            a += g[i] * v;
            r[i][d] = v + g[i] * hd;
        }
        if (C == 0)
            dh[d] = a;
        for (size_t c = 0; c < C; c++)
            x[c][d] += a;
    }
}

AVX2 static void add_to(float *y, const float *x, size_t D)
{
    size_t d = 0;
    for (; d + 8 <= D; d += 8)
        _mm256_storeu_ps(y + d, _mm256_add_ps(_mm256_loadu_ps(y + d), _mm256_loadu_ps(x + d)));
    for (; d < D; d++)
        y[d] += x[d];
}

/* The accumulate kernels with the input side optionally fused into their
 * last update (C > 0: x[0..C) += dh, see update()). */
AVX2 static void hs_accum(const float *h, float *dh, float *const *path, uint64_t code, size_t L,
                          size_t D, float alpha, double *loss, float *const *x, size_t C)
{
    float s[RUN_MAX];
    for (size_t j0 = 0; j0 < L; j0 += RUN_MAX) {
        size_t n = L - j0 < RUN_MAX ? L - j0 : RUN_MAX;
        scores(h, path + j0, n, D, s);
        for (size_t i = 0; i < n; i++) {
            float f = s[i];
            int bit = (int)((code >> (j0 + i)) & 1u);
            if (loss)
                *loss += w2v_neg_log_sigmoid(bit ? -f : f);
            s[i] = alpha * ((float)(1 - bit) - w2v_sigmoid(f));
        }
        update(h, dh, path + j0, s, n, D, x, j0 + n == L ? C : 0);
    }
}

/* Length of the run of distinct rows starting at y[0] (at most n, RUN_MAX). */
static size_t distinct_run(float *const *y, size_t n)
{
    size_t len = 1;
    if (n > RUN_MAX)
        n = RUN_MAX;
    for (; len < n; len++)
        for (size_t k = 0; k < len; k++)
            if (y[k] == y[len])
                return len;
    return len;
}

AVX2 static void ns_accum(const float *h, float *dh, float *const *y, size_t T, size_t D,
                          float alpha, double *loss, float *const *x, size_t C)
{
    float s[RUN_MAX];
    for (size_t t0 = 0; t0 < T;) {
        size_t n = distinct_run(y + t0, T - t0);
        scores(h, y + t0, n, D, s);
        for (size_t i = 0; i < n; i++) {
            float f = s[i];
            int positive = t0 + i == 0;
            if (loss)
                *loss += w2v_neg_log_sigmoid(positive ? f : -f);
            s[i] = alpha * ((positive ? 1.0f : 0.0f) - w2v_sigmoid(f));
        }
        update(h, dh, y + t0, s, n, D, x, t0 + n == T ? C : 0);
        t0 += n;
    }
}

AVX2 void w2v_hs_accum_avx2(const float *h, float *dh, float *const *path, uint64_t code,
                            size_t L, size_t D, float alpha, double *loss)
{
    hs_accum(h, dh, path, code, L, D, alpha, loss, NULL, 0);
}

AVX2 void w2v_ns_accum_avx2(const float *h, float *dh, float *const *y, size_t T, size_t D,
                            float alpha, double *loss)
{
    ns_accum(h, dh, y, T, D, alpha, loss, NULL, 0);
}

/* Both layers into dh, then x[0..C) += dh, fused into the last update.
 * With neither layer (L == T == 0) dh stays 0 and x is left alone. */
AVX2 static void step(const float *h, float *dh, const w2v_out_rows *out, size_t D, float alpha,
                      double *loss, float *const *x, size_t C)
{
    memset(dh, 0, D * sizeof *dh);
    hs_accum(h, dh, out->path, out->code, out->L, D, alpha, loss, x, out->T ? 0 : C);
    ns_accum(h, dh, out->ns, out->T, D, alpha, loss, x, C);
}

/* x is h here: update() reads each block of h before it writes x's. */
AVX2 void w2v_sg_step_avx2(float *x, const w2v_out_rows *out, size_t D, float alpha,
                           float *scratch, double *loss)
{
    step(x, scratch, out, D, alpha, loss, &x, 1);
}

/* h = (x_0 + x_1 + ...) / C, added in the reference's order: exact.  32
 * floats per block, so each row pointer is loaded once per four vectors. */
AVX2 static void mean(float *h, float *const *x, size_t C, size_t D)
{
    size_t d = 0;
    __m256 inv = _mm256_set1_ps((float)C);
    for (; d + 32 <= D; d += 32) {
        const float *x0 = x[0] + d;
        __m256 a0 = _mm256_loadu_ps(x0), a1 = _mm256_loadu_ps(x0 + 8);
        __m256 a2 = _mm256_loadu_ps(x0 + 16), a3 = _mm256_loadu_ps(x0 + 24);
        for (size_t c = 1; c < C; c++) {
            const float *xc = x[c] + d;
            a0 = _mm256_add_ps(a0, _mm256_loadu_ps(xc));
            a1 = _mm256_add_ps(a1, _mm256_loadu_ps(xc + 8));
            a2 = _mm256_add_ps(a2, _mm256_loadu_ps(xc + 16));
            a3 = _mm256_add_ps(a3, _mm256_loadu_ps(xc + 24));
        }
        _mm256_storeu_ps(h + d, _mm256_div_ps(a0, inv));
        _mm256_storeu_ps(h + d + 8, _mm256_div_ps(a1, inv));
        _mm256_storeu_ps(h + d + 16, _mm256_div_ps(a2, inv));
        _mm256_storeu_ps(h + d + 24, _mm256_div_ps(a3, inv));
    }
    for (; d + 8 <= D; d += 8) {
        __m256 a = _mm256_loadu_ps(x[0] + d);
        for (size_t c = 1; c < C; c++)
            a = _mm256_add_ps(a, _mm256_loadu_ps(x[c] + d));
        _mm256_storeu_ps(h + d, _mm256_div_ps(a, inv));
    }
    for (; d < D; d++) {
        float a = x[0][d];
        for (size_t c = 1; c < C; c++)
            a += x[c][d];
        h[d] = a / (float)C;
    }
}

AVX2 void w2v_cbow_step_avx2(float *const *x, size_t C, const w2v_out_rows *out, size_t D,
                             float alpha, float *scratch, double *loss)
{
    if (C == 0)
        return;
    float *h = scratch, *dh = scratch + D;
    mean(h, x, C, D);
    step(h, dh, out, D, alpha, loss, x, C);
}

/*
 * Skip-gram HS, all contexts of a centre at once (see hs_cbow.h):
 *   S = X P^T (old rows), K = X X^T (old rows, upper triangle)
 *   per context c in order: s_cj = S_cj + sum_{c'<c} G_c'j K_c'c, G_cj = alpha (l_j - sigma(s_cj))
 *   M_cc' = sum_j G_cj G_c'j (c' < c)
 *   dX = G P + M X,  P += G^T X,  X += dX.
 * Scratch: dX (C x D), G (C x Lp), K (C x C), M (C x C).  G's rows are
 * padded with zeros to Lp, a whole number of vectors, so the loops over a
 * path are vector loops with no scalar tail, and the zeros add nothing to
 * the dot products M is made of.
 */
AVX2 void w2v_sg_hs_batch_avx2(float *const *x, size_t C, float *const *path, uint64_t code,
                               size_t L, size_t D, float alpha, float *scratch, double *loss)
{
    const size_t Lp = (L + 7) & ~(size_t)7;
    float *dx = scratch, *g = dx + C * D, *k = g + C * Lp, *mm = k + C * C;
    float lab[W2V_HUFFMAN_MAX_L + 8];
    for (size_t j = 0; j < Lp; j++)
        lab[j] = j < L ? (float)(1u - ((code >> j) & 1u)) : 0.0f;
    for (size_t c = 0; c < C; c++)
        for (size_t j = L; j < Lp; j++)
            g[c * Lp + j] = 0.0f;
    /* lanes of the last vector of a path that hold a node */
    const __m256 tail = _mm256_castsi256_ps(_mm256_cmpgt_epi32(
        _mm256_set1_epi32((int)(L - (Lp - 8))), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
    size_t c = 0;
    for (; c + 2 <= C; c += 2)
        scores_pair(x[c], x[c + 1], path, L, D, g + c * Lp, g + (c + 1) * Lp);
    if (c < C)
        scores(x[c], path, L, D, g + c * Lp);
    for (c = 0; c + 2 <= C; c += 2) { /* K, two rows against the later ones per pass */
        k[c * C + c + 1] = dot(x[c], x[c + 1], D);
        if (c + 2 < C)
            scores_pair(x[c], x[c + 1], x + c + 2, C - c - 2, D, k + c * C + c + 2,
                        k + (c + 1) * C + c + 2);
    }
    __m256 va = _mm256_set1_ps(alpha);
    for (c = 0; c < C; c++) {
        float *gc = g + c * Lp;
        for (size_t e = 0; e < c; e++) { /* earlier contexts moved the path rows */
            __m256 kec = _mm256_set1_ps(k[e * C + c]);
            const float *ge = g + e * Lp;
            for (size_t j = 0; j < Lp; j += 8)
                _mm256_storeu_ps(gc + j, _mm256_fmadd_ps(_mm256_loadu_ps(ge + j), kec,
                                                         _mm256_loadu_ps(gc + j)));
        }
        for (size_t j = 0; loss && j < L; j++)
            *loss += w2v_neg_log_sigmoid(lab[j] > 0.0f ? gc[j] : -gc[j]);
        for (size_t j = 0; j < Lp; j += 8) {
            __m256 sg = sigmoid8(_mm256_loadu_ps(gc + j));
            __m256 gj = _mm256_mul_ps(va, _mm256_sub_ps(_mm256_loadu_ps(lab + j), sg));
            _mm256_storeu_ps(gc + j, j + 8 == Lp ? _mm256_and_ps(gj, tail) : gj);
        }
        for (size_t e = 0; e < c; e++) {
            const float *ge = g + e * Lp;
            __m256 a = _mm256_setzero_ps();
            for (size_t j = 0; j < Lp; j += 8)
                a = _mm256_fmadd_ps(_mm256_loadu_ps(gc + j), _mm256_loadu_ps(ge + j), a);
            mm[c * C + e] = w2v_hsum8(a);
        }
    }
    for (c = 0; c + 2 <= C; c += 2)
        combine2(dx + c * D, dx + (c + 1) * D, NULL, NULL, path, g + c * Lp, g + (c + 1) * Lp,
                 1, L, D);
    if (c < C)
        combine(dx + c * D, NULL, path, g + c * Lp, 1, L, D);
    for (c = 1; c < C; c++) /* + M X: the path rows as the earlier contexts left them */
        combine(dx + c * D, dx + c * D, x, mm + c * C, 1, c, D);
    size_t j = 0;
    for (; j + 2 <= L; j += 2)
        combine2(path[j], path[j + 1], path[j], path[j + 1], x, g + j, g + j + 1, Lp, C, D);
    if (j < L)
        combine(path[j], path[j], x, g + j, Lp, C, D);
    for (c = 0; c < C; c++)
        add_to(x[c], dx + c * D, D);
}

#else /* no AVX2 on this target: the references stand in */

void w2v_hs_accum_avx2(const float *h, float *dh, float *const *path, uint64_t code, size_t L,
                       size_t D, float alpha, double *loss)
{
    w2v_hs_accum_ref(h, dh, path, code, L, D, alpha, loss);
}

void w2v_ns_accum_avx2(const float *h, float *dh, float *const *y, size_t T, size_t D,
                       float alpha, double *loss)
{
    w2v_ns_accum_ref(h, dh, y, T, D, alpha, loss);
}

void w2v_sg_step_avx2(float *x, const w2v_out_rows *out, size_t D, float alpha,
                      float *scratch, double *loss)
{
    w2v_sg_step_ref(x, out, D, alpha, scratch, loss);
}

void w2v_cbow_step_avx2(float *const *x, size_t C, const w2v_out_rows *out, size_t D,
                        float alpha, float *scratch, double *loss)
{
    w2v_cbow_step_ref(x, C, out, D, alpha, scratch, loss);
}

void w2v_sg_hs_batch_avx2(float *const *x, size_t C, float *const *path, uint64_t code,
                          size_t L, size_t D, float alpha, float *scratch, double *loss)
{
    w2v_sg_hs_batch_ref(x, C, path, code, L, D, alpha, scratch, loss);
}

#endif
