/*
 * cpu.c - run-time detection of AVX2+FMA (see cpu.h).
 */
#include "core/cpu.h"

int w2v_cpu_has_avx2(void)
{
#if W2V_X86_SIMD
    /* __builtin_cpu_init must run before __builtin_cpu_supports when the
     * caller may run before the constructors that initialise it (for
     * example from another constructor); it is idempotent and cheap. */
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

const char *w2v_cpu_isa(void)
{
    return w2v_cpu_has_avx2() ? "avx2+fma" : "generic";
}
