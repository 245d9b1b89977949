/*
 * hs_cbow.c - scalar reference kernels for hierarchical softmax and CBOW,
 * and run-time selection (see hs_cbow.h for the math).
 *
 * These loops are the definition: plain, in the order of the math, no
 * reassociation.  hs_cbow_avx2.c must agree with them to float rounding
 * (tests/test_hs_cbow.c).  The step kernels are the accumulate kernels
 * plus the input side, nothing more, so the combined HS + NS step is by
 * construction the two single-layer updates sharing one dh.
 */
#include "train/kernels/hs_cbow.h"
#include "core/cpu.h"

#include <math.h>
#include <string.h>

#include "train/kernels/sgns.h"
#include "train/kernels/vec_ref.h"


float w2v_neg_log_sigmoid(float s)
{
    return (float)w2v_sgns_pair_loss(s);
}

void w2v_hs_accum_ref(const float *h, float *dh, float *const *path, uint64_t code, size_t L,
                      size_t D, float alpha, double *loss)
{
    for (size_t j = 0; j < L; j++) {
        float label = 1.0f - (float)((code >> j) & 1u);
        float f = vec_dot(h, path[j], D);
        if (loss)
            *loss += w2v_neg_log_sigmoid(label > 0.0f ? f : -f);
        float g = alpha * (label - w2v_sigmoid(f));
        vec_axpy(g, path[j], dh, D);
        vec_axpy(g, h, path[j], D);
    }
}

void w2v_ns_accum_ref(const float *h, float *dh, float *const *y, size_t T, size_t D,
                      float alpha, double *loss)
{
    for (size_t t = 0; t < T; t++) {
        float label = t == 0 ? 1.0f : 0.0f;
        float f = vec_dot(h, y[t], D);
        if (loss)
            *loss += w2v_neg_log_sigmoid(t == 0 ? f : -f);
        float g = alpha * (label - w2v_sigmoid(f));
        vec_axpy(g, y[t], dh, D);
        vec_axpy(g, h, y[t], D);
    }
}

void w2v_sg_step_ref(float *x, const w2v_out_rows *out, size_t D, float alpha, float *scratch,
                     double *loss)
{
    float *dx = scratch;
    memset(dx, 0, D * sizeof *dx);
    w2v_hs_accum_ref(x, dx, out->path, out->code, out->L, D, alpha, loss);
    w2v_ns_accum_ref(x, dx, out->ns, out->T, D, alpha, loss);
    vec_axpy(1.0f, dx, x, D);
}

void w2v_cbow_step_ref(float *const *x, size_t C, const w2v_out_rows *out, size_t D,
                       float alpha, float *scratch, double *loss)
{
    if (C == 0)
        return;
    float *h = scratch, *dh = scratch + D;
    memset(h, 0, D * sizeof *h);
    for (size_t c = 0; c < C; c++)
        vec_axpy(1.0f, x[c], h, D);
    for (size_t d = 0; d < D; d++)
        h[d] /= (float)C;
    memset(dh, 0, D * sizeof *dh);
    w2v_hs_accum_ref(h, dh, out->path, out->code, out->L, D, alpha, loss);
    w2v_ns_accum_ref(h, dh, out->ns, out->T, D, alpha, loss);
    for (size_t c = 0; c < C; c++)
        vec_axpy(1.0f, dh, x[c], D);
}

void w2v_sg_hs_batch_ref(float *const *x, size_t C, float *const *path, uint64_t code,
                         size_t L, size_t D, float alpha, float *scratch, double *loss)
{
    w2v_out_rows out = {.path = path, .code = code, .L = L};
    for (size_t c = 0; c < C; c++)
        w2v_sg_step_ref(x[c], &out, D, alpha, scratch, loss);
}

w2v_hs_cbow_kernels w2v_hs_cbow_select(int scalar_only)
{
    if (!scalar_only && w2v_cpu_has_avx2())
        return (w2v_hs_cbow_kernels){"avx2", w2v_sg_hs_batch_avx2, w2v_hs_accum_avx2,
                                     w2v_ns_accum_avx2, w2v_sg_step_avx2, w2v_cbow_step_avx2};
    return (w2v_hs_cbow_kernels){"scalar", w2v_sg_hs_batch_ref, w2v_hs_accum_ref,
                                 w2v_ns_accum_ref, w2v_sg_step_ref, w2v_cbow_step_ref};
}
