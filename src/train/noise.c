/*
 * noise.c - alias table for the unigram^0.75 noise distribution.
 *
 * Vose's construction: scale each probability by n so the average column
 * holds 1; pair every column below 1 ("small") with one above ("large"),
 * which tops the small column up and gives away that share.  Each column
 * then holds its own word with probability keep and its alias otherwise.
 * Work in double, so rounding stays far below the 2^-32 resolution of the
 * stored thresholds.
 */
#include "train/noise.h"

#include <math.h>
#include <stdlib.h>

static uint32_t to_threshold(double q)
{
    if (q >= 1.0)
        return UINT32_MAX;
    if (q <= 0.0)
        return 0;
    return (uint32_t)(q * 4294967296.0);
}

w2v_status w2v_noise_build(w2v_noise *nz, const uint64_t *counts, size_t n, double power,
                           w2v_error *err)
{
    nz->n = 0;
    nz->col = NULL;
    if (n == 0 || n > UINT32_MAX)
        return w2v_error_set(err, W2V_ERR_ARG, "noise table: %zu words", n);
    double *q = malloc(n * sizeof *q);
    uint32_t *work = malloc(n * sizeof *work);
    nz->col = malloc(n * sizeof *nz->col);
    if (!q || !work || !nz->col) {
        free(q);
        free(work);
        w2v_noise_free(nz);
        return w2v_error_set(err, W2V_ERR_NOMEM, "noise table: out of memory");
    }
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        q[i] = counts[i] ? pow((double)counts[i], power) : 0.0;
        sum += q[i];
    }
    if (!(sum > 0) || !isfinite(sum)) {
        free(q);
        free(work);
        w2v_noise_free(nz);
        return w2v_error_set(err, W2V_ERR_ARG, "noise table: no word has a positive count");
    }
    /* work[] holds small columns from the front and large ones from the back. */
    size_t ns = 0, nl = n;
    for (size_t i = 0; i < n; i++) {
        q[i] = q[i] * (double)n / sum;
        nz->col[i].alias = (uint32_t)i;
        if (q[i] < 1.0)
            work[ns++] = (uint32_t)i;
        else
            work[--nl] = (uint32_t)i;
    }
    size_t s = 0, l = nl;
    while (s < ns && l < n) {
        uint32_t small = work[s++], large = work[l];
        nz->col[small].alias = large;
        q[large] -= 1.0 - q[small];
        if (q[large] < 1.0) {
            /* large became small: it now needs a partner itself; reuse its slot. */
            work[l] = large;
            l++;
            work[--s] = large;
        }
    }
    /* Leftovers of either kind hold (up to rounding) exactly 1. */
    for (size_t i = 0; i < n; i++)
        nz->col[i].keep = nz->col[i].alias == i ? UINT32_MAX : to_threshold(q[i]);
    for (size_t i = s; i < ns; i++)
        nz->col[work[i]] = (w2v_noise_col){UINT32_MAX, work[i]};
    for (size_t i = l; i < n; i++)
        nz->col[work[i]] = (w2v_noise_col){UINT32_MAX, work[i]};
    nz->n = n;
    free(q);
    free(work);
    return W2V_OK;
}

void w2v_noise_free(w2v_noise *nz)
{
    if (!nz)
        return;
    free(nz->col);
    nz->col = NULL;
    nz->n = 0;
}

double w2v_noise_prob(const w2v_noise *nz, size_t i)
{
    /* Column j yields i with P(keep) if j == i, and P(alias) if alias[j] == i. */
    double p = 0, inv = 1.0 / (double)nz->n;
    for (size_t j = 0; j < nz->n; j++) {
        double keep = nz->col[j].keep == UINT32_MAX && nz->col[j].alias == j
                          ? 1.0
                          : (double)nz->col[j].keep / 4294967296.0;
        if (j == i)
            p += keep * inv;
        if (nz->col[j].alias == i && nz->col[j].alias != j)
            p += (1.0 - keep) * inv;
    }
    return p;
}
