/*
 * vec_ref.h - the scalar row operations the reference kernels are written
 * in (private to the library).  Plain loops in index order: they define
 * what the fast variants must reproduce to float rounding.
 */
#ifndef W2V_VEC_REF_H
#define W2V_VEC_REF_H

#include <stddef.h>

static inline float vec_dot(const float *a, const float *b, size_t D)
{
    float s = 0.0f;
    for (size_t d = 0; d < D; d++)
        s += a[d] * b[d];
    return s;
}

/* y += a x */
static inline void vec_axpy(float a, const float *x, float *y, size_t D)
{
    for (size_t d = 0; d < D; d++)
        y[d] += a * x[d];
}

#endif
