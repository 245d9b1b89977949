/*
 * sgns.c - scalar reference kernels and run-time selection (see sgns.h).
 *
 * These loops are the definition: plain, in the order of the math in
 * sgns.h, no reassociation.  The fast variants in sgns_avx2.c must agree
 * with them to float rounding (tests/test_sgns.c).
 */
#include "train/kernels/sgns.h"
#include "core/cpu.h"

#include <math.h>
#include <string.h>

#include "train/kernels/vec_ref.h"


void w2v_sgns_pair_ref(float *x, float *const *y, size_t T, size_t D, float alpha,
                       float *scratch, double *loss)
{
    float *dx = scratch;
    memset(dx, 0, D * sizeof *dx);
    for (size_t t = 0; t < T; t++) {
        float label = t == 0 ? 1.0f : 0.0f;
        float s = vec_dot(x, y[t], D);
        if (loss)
            *loss += w2v_sgns_pair_loss(t == 0 ? s : -s);
        float g = alpha * (label - w2v_sigmoid(s));
        vec_axpy(g, y[t], dx, D);
        vec_axpy(g, x, y[t], D);
    }
    vec_axpy(1.0f, dx, x, D);
}

void w2v_sgns_labelled_ref(float *const *x, size_t C, float *const *y, const float *label,
                           size_t T, size_t D, float alpha, float *scratch, double *loss)
{
    float *dx = scratch;        /* C x D */
    float *g = scratch + C * D; /* C x T */
    for (size_t c = 0; c < C; c++)
        for (size_t t = 0; t < T; t++) {
            float s = vec_dot(x[c], y[t], D);
            if (loss)
                *loss += w2v_sgns_pair_loss(label[t] > 0.0f ? s : -s);
            g[c * T + t] = alpha * (label[t] - w2v_sigmoid(s));
        }
    for (size_t c = 0; c < C; c++) {
        memset(dx + c * D, 0, D * sizeof *dx);
        for (size_t t = 0; t < T; t++)
            vec_axpy(g[c * T + t], y[t], dx + c * D, D);
    }
    for (size_t t = 0; t < T; t++)
        for (size_t c = 0; c < C; c++)
            vec_axpy(g[c * T + t], x[c], y[t], D);
    for (size_t c = 0; c < C; c++)
        vec_axpy(1.0f, dx + c * D, x[c], D);
}

/* The NS batch is the labelled batch with labels (1, 0, 0, ...). */
void w2v_sgns_batch_ref(float *const *x, size_t C, float *const *y, size_t T, size_t D,
                        float alpha, float *scratch, double *loss)
{
    w2v_sgns_labelled_ref(x, C, y, w2v_sgns_ns_labels, T, D, alpha, scratch, loss);
}

w2v_sgns_kernels w2v_sgns_select(int scalar_only)
{
    if (!scalar_only && w2v_cpu_has_avx2())
        return (w2v_sgns_kernels){"avx2", w2v_sgns_pair_avx2, w2v_sgns_batch_avx2,
                                  w2v_sgns_labelled_avx2};
    return (w2v_sgns_kernels){"scalar", w2v_sgns_pair_ref, w2v_sgns_batch_ref,
                              w2v_sgns_labelled_ref};
}
