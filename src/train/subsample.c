/*
 * subsample.c - keep thresholds for frequent words (see subsample.h).
 */
#include "train/subsample.h"

#include <math.h>

double w2v_subsample_keep_prob(uint64_t f, uint64_t total, double t)
{
    if (t <= 0 || f == 0)
        return 1.0;
    double tt = t * (double)total;
    double p = (sqrt((double)f / tt) + 1.0) * tt / (double)f;
    return p < 1.0 ? p : 1.0;
}

w2v_status w2v_subsample_build(uint32_t *thr, const uint64_t *counts, size_t n, uint64_t total,
                               double t, w2v_error *err)
{
    if (!(t >= 0) || !isfinite(t))
        return w2v_error_set(err, W2V_ERR_ARG, "sub-sampling threshold %g is not >= 0", t);
    for (size_t i = 0; i < n; i++) {
        double p = w2v_subsample_keep_prob(counts[i], total, t);
        thr[i] = p >= 1.0 ? W2V_SUBSAMPLE_ALWAYS : (uint32_t)(p * 4294967296.0);
    }
    return W2V_OK;
}
