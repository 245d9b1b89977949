/*
 * gemm.h - the dense kernels of evaluation, each with its reference.
 *
 * Shapes: A is M x K (row i at A + i * lda), B is N x K (row j at
 * B + j * ldb), C is M x N (row i at C + i * ldc).  Both operands of the
 * product are read along their rows, which is how word vectors are stored:
 * C[i][j] is the dot product of query i with vocabulary row j.
 *
 * DESIGN: every kernel has a plain scalar *_ref twin that defines the
 * result; the fast variant (AVX2+FMA when the CPU has it, chosen at run time
 * by w2v_cpu_has_avx2 in core/cpu.h, otherwise portable vector code) must agree
 * with it, exactly where the operations are the same and to float rounding
 * where only the order of additions differs.  tests/test_eval.c holds them
 * together.  None allocates or fails; all are thread-safe (they write only
 * their output).
 */
#ifndef W2V_EVAL_GEMM_H
#define W2V_EVAL_GEMM_H

#include <stddef.h>

/* C = A * B^T, the reference: one float accumulator per element, k in order. */
void w2v_gemm_nt_ref(size_t M, size_t N, size_t K, const float *A, size_t lda, const float *B,
                     size_t ldb, float *C, size_t ldc);

/* C = A * B^T, fast (summation order differs from the reference). */
void w2v_gemm_nt(size_t M, size_t N, size_t K, const float *A, size_t lda, const float *B,
                 size_t ldb, float *C, size_t ldc);

/*
 * Analogy scores of n candidates from their cosines with the question words
 * a, b, c (ca, cb, cc: n floats each):
 *   mul == 0, 3CosAdd:  out[j] = (cb[j] - ca[j]) + cc[j]
 *   mul != 0, 3CosMul:  out[j] = ((1 + cb[j]) / 2) * ((1 + cc[j]) / 2)
 *                                / ((1 + ca[j]) / 2 + eps)
 * out must not overlap the inputs.
 * @return the largest out[j] (-INFINITY when n == 0): the caller usually
 * needs only that, to see whether a tile can beat the best so far.
 */
float w2v_analogy_scores_ref(int mul, size_t n, const float *ca, const float *cb, const float *cc,
                             float eps, float *out);
float w2v_analogy_scores(int mul, size_t n, const float *ca, const float *cb, const float *cc,
                         float eps, float *out);

/* The largest of x[0..n) (NaN never occurs in our inputs); -INFINITY when
 * n == 0. */
float w2v_max_ref(size_t n, const float *x);
float w2v_max(size_t n, const float *x);

/* The portable variants the fast kernels fall back to without AVX2,
 * exported so that tests hold them to the references on machines where the
 * dispatcher never picks them. */
void w2v_gemm_nt_generic(size_t M, size_t N, size_t K, const float *A, size_t lda, const float *B,
                         size_t ldb, float *C, size_t ldc);
float w2v_analogy_scores_generic(int mul, size_t n, const float *ca, const float *cb,
                                 const float *cc, float eps, float *out);
float w2v_max_generic(size_t n, const float *x);

#endif
