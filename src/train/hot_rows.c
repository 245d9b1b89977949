/*
 * hot_rows.c - private copies of the most written output rows (hot_rows.h).
 */
#include "train/hot_rows.h"

#include <string.h>

void w2v_hot_rows_take(float *copy, float *base, const float *shared, size_t n)
{
    memcpy(copy, shared, n * sizeof *shared);
    memcpy(base, shared, n * sizeof *shared);
}

void w2v_hot_rows_fold(float *copy, float *base, float *shared, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        float v = shared[i] + (copy[i] - base[i]);
        shared[i] = v;
        copy[i] = v;
        base[i] = v;
    }
}
