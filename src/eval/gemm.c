/*
 * gemm.c - the dense kernels of evaluation (gemm.h): C = A * B^T,
 * analogy scores from three rows of cosines, and a max reduction; each with
 * its scalar reference.
 *
 * Shape legend: M query rows (A), N vocabulary rows (B), K the dimension
 * shared by both; C is M x N; n candidates for the score kernels.
 *
 * DESIGN: both operands are row-major along K, so each output is a dot
 * product of two contiguous rows.  The fast variant computes a 4 x 3 block
 * of outputs at once: per step of 8 floats along K it loads 3 rows of B and
 * 4 rows of A (7 loads) for 12 multiply-adds into 12 vector accumulators,
 * which keeps the FMA units, not the loads, as the limit (16 ymm registers:
 * 12 accumulators + 3 B + 1 A).  Each accumulator is summed horizontally
 * once per block, an overhead of 1/(K/8) that is small for K >= 64.  The
 * caller does the cache blocking (analogy.c hands in a tile of B that fits
 * in L2 and reuses it for every A row).
 *
 * The AVX2+FMA variant is compiled with a target attribute and picked at run
 * time by w2v_cpu_has_avx2 (core/cpu.h), so the default build runs on any
 * x86-64; elsewhere (or on an old CPU) the portable *_generic variants (GCC
 * vector extensions on 4-float vectors, which every target and both gcc and
 * clang have) do the same block with separate multiply and add.  No
 * -ffast-math: only the order of the additions differs from the reference.
 * Its throughput on one core is in docs/performance.md, "Component
 * timings".
 *
 * The score kernel runs once per question per tile of candidates (19,544 x
 * 30,000 elements for questions-words); written as scalar loops with a
 * compare-and-branch for the max it took over half of the evaluation's
 * time, vectorised and fused with the max a small share
 * (docs/performance.md, "Component timings").  Its operations are the
 * reference's, element by element, so results are bit-identical unless
 * the compiler contracts the reference's 3CosMul denominator into an FMA
 * (clang may).
 *
 * It does not pack or transpose operands, and does no threading.
 */
#include "eval/gemm.h"

#include <math.h>
#include <string.h>

#include "core/cpu.h"

void w2v_gemm_nt_ref(size_t M, size_t N, size_t K, const float *A, size_t lda, const float *B,
                     size_t ldb, float *C, size_t ldc)
{
    for (size_t i = 0; i < M; i++)
        for (size_t j = 0; j < N; j++) {
            float s = 0.0f;
            for (size_t k = 0; k < K; k++)
                s += A[i * lda + k] * B[j * ldb + k];
            C[i * ldc + j] = s;
        }
}

float w2v_analogy_scores_ref(int mul, size_t n, const float *ca, const float *cb, const float *cc,
                             float eps, float *out)
{
    float m = -INFINITY;
    for (size_t j = 0; j < n; j++) {
        out[j] = mul ? (0.5f * (1.0f + cb[j])) * (0.5f * (1.0f + cc[j])) /
                           (0.5f * (1.0f + ca[j]) + eps)
                     : (cb[j] - ca[j]) + cc[j];
        if (out[j] > m)
            m = out[j];
    }
    return m;
}

float w2v_max_ref(size_t n, const float *x)
{
    float m = -INFINITY;
    for (size_t j = 0; j < n; j++)
        if (x[j] > m)
            m = x[j];
    return m;
}

/* ---- portable vector variant -------------------------------------------- */

/* 16-byte vectors: the size every target has (SSE2, NEON, ...), so passing
 * them between functions never depends on an ISA extension. */
typedef float v4sf __attribute__((vector_size(16)));

static v4sf load4(const float *p)
{
    v4sf v;
    memcpy(&v, p, sizeof v); /* unaligned load */
    return v;
}

static float hsum4v(v4sf v) { return (v[0] + v[2]) + (v[1] + v[3]); }

/* s plus the products of a and b over [k0, K): the part the vector steps miss. */
static float tail(float s, const float *a, const float *b, size_t k0, size_t K)
{
    for (size_t k = k0; k < K; k++)
        s += a[k] * b[k];
    return s;
}

void w2v_gemm_nt_generic(size_t M, size_t N, size_t K, const float *A, size_t lda,
                         const float *B, size_t ldb, float *C, size_t ldc)
{
    size_t K4 = K - K % 4, i = 0;
    for (; i + 4 <= M; i += 4) {
        const float *a[4] = {A + i * lda, A + (i + 1) * lda, A + (i + 2) * lda, A + (i + 3) * lda};
        size_t j = 0;
        for (; j + 3 <= N; j += 3) {
            const float *b[3] = {B + j * ldb, B + (j + 1) * ldb, B + (j + 2) * ldb};
            v4sf c[4][3];
            memset(c, 0, sizeof c);
            for (size_t k = 0; k < K4; k += 4) {
                v4sf b0 = load4(b[0] + k), b1 = load4(b[1] + k), b2 = load4(b[2] + k);
                for (int r = 0; r < 4; r++) {
                    v4sf x = load4(a[r] + k);
                    c[r][0] += x * b0;
                    c[r][1] += x * b1;
                    c[r][2] += x * b2;
                }
            }
            for (int r = 0; r < 4; r++)
                for (int q = 0; q < 3; q++)
                    C[(i + r) * ldc + j + q] = tail(hsum4v(c[r][q]), a[r], b[q], K4, K);
        }
        for (; j < N; j++) {
            const float *b0 = B + j * ldb;
            v4sf c[4];
            memset(c, 0, sizeof c);
            for (size_t k = 0; k < K4; k += 4) {
                v4sf y = load4(b0 + k);
                for (int r = 0; r < 4; r++)
                    c[r] += load4(a[r] + k) * y;
            }
            for (int r = 0; r < 4; r++)
                C[(i + r) * ldc + j] = tail(hsum4v(c[r]), a[r], b0, K4, K);
        }
    }
    for (; i < M; i++) {
        const float *a0 = A + i * lda;
        for (size_t j = 0; j < N; j++) {
            const float *b0 = B + j * ldb;
            v4sf c = {0};
            for (size_t k = 0; k < K4; k += 4)
                c += load4(a0 + k) * load4(b0 + k);
            C[i * ldc + j] = tail(hsum4v(c), a0, b0, K4, K);
        }
    }
}

static void store4(float *p, v4sf v) { memcpy(p, &v, sizeof v); }

float w2v_max_generic(size_t n, const float *x)
{
    float m0 = -INFINITY, m1 = -INFINITY, m2 = -INFINITY, m3 = -INFINITY;
    size_t j = 0;
    for (; j + 4 <= n; j += 4) { /* four chains: compare latency, not a loop */
        m0 = x[j] > m0 ? x[j] : m0;
        m1 = x[j + 1] > m1 ? x[j + 1] : m1;
        m2 = x[j + 2] > m2 ? x[j + 2] : m2;
        m3 = x[j + 3] > m3 ? x[j + 3] : m3;
    }
    float t = w2v_max_ref(n - j, x + j);
    m0 = m1 > m0 ? m1 : m0;
    m2 = m3 > m2 ? m3 : m2;
    m0 = m2 > m0 ? m2 : m0;
    return t > m0 ? t : m0;
}

float w2v_analogy_scores_generic(int mul, size_t n, const float *ca, const float *cb, const float *cc,
                            float eps, float *out)
{
    size_t j = 0;
    if (!mul) {
        for (; j + 4 <= n; j += 4)
            store4(out + j, (load4(cb + j) - load4(ca + j)) + load4(cc + j));
    } else {
        v4sf h = {0.5f, 0.5f, 0.5f, 0.5f}, one = {1, 1, 1, 1}, e = {eps, eps, eps, eps};
        for (; j + 4 <= n; j += 4)
            store4(out + j, (h * (one + load4(cb + j))) * (h * (one + load4(cc + j))) /
                                (h * (one + load4(ca + j)) + e));
    }
    float t = w2v_analogy_scores_ref(mul, n - j, ca + j, cb + j, cc + j, eps, out + j);
    float m = w2v_max_generic(j, out);
    return t > m ? t : m;
}

/* ---- AVX2 + FMA variant ------------------------------------------------- */

#if W2V_X86_SIMD
#define AVX2 W2V_AVX2

/* The four horizontal sums of x0..x3 as one 4-float vector. */
AVX2 static __m128 hsum4(__m256 x0, __m256 x1, __m256 x2, __m256 x3)
{
    __m256 t = _mm256_hadd_ps(_mm256_hadd_ps(x0, x1), _mm256_hadd_ps(x2, x3));
    return _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
}

AVX2 static void gemm_avx2(size_t M, size_t N, size_t K, const float *A, size_t lda,
                           const float *B, size_t ldb, float *C, size_t ldc)
{
    size_t K8 = K - K % 8, i = 0;
    for (; i + 4 <= M; i += 4) {
        const float *a0 = A + i * lda, *a1 = a0 + lda, *a2 = a1 + lda, *a3 = a2 + lda;
        const float *ar[4] = {a0, a1, a2, a3};
        size_t j = 0;
        for (; j + 3 <= N; j += 3) {
            const float *b0 = B + j * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb;
            __m256 c00 = _mm256_setzero_ps(), c01 = c00, c02 = c00, c10 = c00, c11 = c00,
                   c12 = c00, c20 = c00, c21 = c00, c22 = c00, c30 = c00, c31 = c00, c32 = c00;
            for (size_t k = 0; k < K8; k += 8) {
                __m256 y0 = _mm256_loadu_ps(b0 + k), y1 = _mm256_loadu_ps(b1 + k),
                       y2 = _mm256_loadu_ps(b2 + k);
                __m256 x = _mm256_loadu_ps(a0 + k);
                c00 = _mm256_fmadd_ps(x, y0, c00);
                c01 = _mm256_fmadd_ps(x, y1, c01);
                c02 = _mm256_fmadd_ps(x, y2, c02);
                x = _mm256_loadu_ps(a1 + k);
                c10 = _mm256_fmadd_ps(x, y0, c10);
                c11 = _mm256_fmadd_ps(x, y1, c11);
                c12 = _mm256_fmadd_ps(x, y2, c12);
                x = _mm256_loadu_ps(a2 + k);
                c20 = _mm256_fmadd_ps(x, y0, c20);
                c21 = _mm256_fmadd_ps(x, y1, c21);
                c22 = _mm256_fmadd_ps(x, y2, c22);
                x = _mm256_loadu_ps(a3 + k);
                c30 = _mm256_fmadd_ps(x, y0, c30);
                c31 = _mm256_fmadd_ps(x, y1, c31);
                c32 = _mm256_fmadd_ps(x, y2, c32);
            }
            float t[3][4];
            _mm_storeu_ps(t[0], hsum4(c00, c10, c20, c30));
            _mm_storeu_ps(t[1], hsum4(c01, c11, c21, c31));
            _mm_storeu_ps(t[2], hsum4(c02, c12, c22, c32));
            const float *br[3] = {b0, b1, b2};
            for (int q = 0; q < 3; q++)
                for (int r = 0; r < 4; r++)
                    C[(i + r) * ldc + j + q] = tail(t[q][r], ar[r], br[q], K8, K);
        }
        for (; j < N; j++) {
            const float *b0 = B + j * ldb;
            __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
            for (size_t k = 0; k < K8; k += 8) {
                __m256 y = _mm256_loadu_ps(b0 + k);
                c0 = _mm256_fmadd_ps(_mm256_loadu_ps(a0 + k), y, c0);
                c1 = _mm256_fmadd_ps(_mm256_loadu_ps(a1 + k), y, c1);
                c2 = _mm256_fmadd_ps(_mm256_loadu_ps(a2 + k), y, c2);
                c3 = _mm256_fmadd_ps(_mm256_loadu_ps(a3 + k), y, c3);
            }
            float t[4];
            _mm_storeu_ps(t, hsum4(c0, c1, c2, c3));
            for (int r = 0; r < 4; r++)
                C[(i + r) * ldc + j] = tail(t[r], ar[r], b0, K8, K);
        }
    }
    for (; i < M; i++) {
        const float *a0 = A + i * lda;
        for (size_t j = 0; j < N; j++) {
            const float *b0 = B + j * ldb;
            __m256 c = _mm256_setzero_ps();
            for (size_t k = 0; k < K8; k += 8)
                c = _mm256_fmadd_ps(_mm256_loadu_ps(a0 + k), _mm256_loadu_ps(b0 + k), c);
            C[i * ldc + j] = tail(w2v_hsum8(c), a0, b0, K8, K);
        }
    }
}

AVX2 static float hmax(__m256 m)
{
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* Scores and their max in one pass over the three rows. */
AVX2 static float scores_avx2(int mul, size_t n, const float *ca, const float *cb,
                              const float *cc, float eps, float *out)
{
    size_t j = 0;
    __m256 m = _mm256_set1_ps(-INFINITY);
    if (!mul) {
        for (; j + 8 <= n; j += 8) {
            __m256 s = _mm256_add_ps(_mm256_sub_ps(_mm256_loadu_ps(cb + j), _mm256_loadu_ps(ca + j)),
                                     _mm256_loadu_ps(cc + j));
            _mm256_storeu_ps(out + j, s);
            m = _mm256_max_ps(m, s);
        }
    } else {
        __m256 h = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f), e = _mm256_set1_ps(eps);
        for (; j + 8 <= n; j += 8) {
            __m256 b = _mm256_mul_ps(h, _mm256_add_ps(one, _mm256_loadu_ps(cb + j)));
            __m256 c = _mm256_mul_ps(h, _mm256_add_ps(one, _mm256_loadu_ps(cc + j)));
            __m256 a = _mm256_add_ps(_mm256_mul_ps(h, _mm256_add_ps(one, _mm256_loadu_ps(ca + j))), e);
            __m256 s = _mm256_div_ps(_mm256_mul_ps(b, c), a);
            _mm256_storeu_ps(out + j, s);
            m = _mm256_max_ps(m, s);
        }
    }
    float t = w2v_analogy_scores_ref(mul, n - j, ca + j, cb + j, cc + j, eps, out + j), v = hmax(m);
    return t > v ? t : v;
}

AVX2 static float max_avx2(size_t n, const float *x)
{
    __m256 m0 = _mm256_set1_ps(-INFINITY), m1 = m0;
    size_t j = 0;
    for (; j + 16 <= n; j += 16) {
        m0 = _mm256_max_ps(m0, _mm256_loadu_ps(x + j));
        m1 = _mm256_max_ps(m1, _mm256_loadu_ps(x + j + 8));
    }
    float m = hmax(_mm256_max_ps(m0, m1)), t = w2v_max_ref(n - j, x + j);
    return t > m ? t : m;
}

#endif

void w2v_gemm_nt(size_t M, size_t N, size_t K, const float *A, size_t lda, const float *B,
                 size_t ldb, float *C, size_t ldc)
{
#if W2V_X86_SIMD
    if (w2v_cpu_has_avx2()) {
        gemm_avx2(M, N, K, A, lda, B, ldb, C, ldc);
        return;
    }
#endif
    w2v_gemm_nt_generic(M, N, K, A, lda, B, ldb, C, ldc);
}

float w2v_analogy_scores(int mul, size_t n, const float *ca, const float *cb, const float *cc,
                         float eps, float *out)
{
#if W2V_X86_SIMD
    if (w2v_cpu_has_avx2())
        return scores_avx2(mul, n, ca, cb, cc, eps, out);
#endif
    return w2v_analogy_scores_generic(mul, n, ca, cb, cc, eps, out);
}

float w2v_max(size_t n, const float *x)
{
#if W2V_X86_SIMD
    if (w2v_cpu_has_avx2())
        return max_avx2(n, x);
#endif
    return w2v_max_generic(n, x);
}
