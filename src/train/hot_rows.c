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

/* The three buffers never overlap (restrict), and blocks of 16 floats (a
 * padded row's multiple) have a fixed trip count: together they let the
 * compiler vectorise the loop at -O2 without run-time checks. */
void w2v_hot_rows_fold(float *restrict copy, float *restrict base, float *restrict shared,
                       size_t n)
{
    size_t i = 0;
    for (; i + 16 <= n; i += 16)
        for (size_t k = i; k < i + 16; k++) {
            float v = shared[k] + (copy[k] - base[k]);
            shared[k] = v;
            copy[k] = v;
            base[k] = v;
        }
    for (; i < n; i++) {
        float v = shared[i] + (copy[i] - base[i]);
        shared[i] = v;
        copy[i] = v;
        base[i] = v;
    }
}
