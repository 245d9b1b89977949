/*
 * cpu.h - the one place that knows about the processor: whether this build
 * can hold x86 SIMD variants at all (W2V_X86_SIMD), the attribute that
 * compiles one function for AVX2+FMA (W2V_AVX2), and whether the processor
 * running us has those instructions (w2v_cpu_has_avx2).
 *
 * DESIGN: the library is compiled for the baseline target, so a default
 * build runs on any x86-64 (or any other) processor; only functions marked
 * W2V_AVX2 use the wider instructions, and callers reach them only after
 * w2v_cpu_has_avx2() said yes.  Every dispatcher asks this one function, so
 * the kernels and the evaluator can never disagree about the machine.
 * Private to the library.
 */
#ifndef W2V_CORE_CPU_H
#define W2V_CORE_CPU_H

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define W2V_X86_SIMD 1
#define W2V_AVX2 __attribute__((target("avx2,fma")))
#else
#define W2V_X86_SIMD 0
#endif

/* 1 when the running processor has AVX2 and FMA (and this build can use
 * them), else 0.  Thread-safe; cheap enough to call per dispatch. */
int w2v_cpu_has_avx2(void);

/* The instruction set the dispatchers choose: "avx2+fma" or "generic". */
const char *w2v_cpu_isa(void);

#if W2V_X86_SIMD
#include <immintrin.h>

/* The sum of the eight lanes of v: the one horizontal sum of the fast
 * kernels (row dot products and the evaluator's GEMM tails). */
W2V_AVX2 static inline float w2v_hsum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#endif

#endif
