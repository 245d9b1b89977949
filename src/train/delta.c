/*
 * delta.c - model changes between synchronisations (see delta.h).
 *
 * Plain loops: each pass streams the rows once and is bound by memory
 * bandwidth, not arithmetic.
 */
#include "train/delta.h"

#include <string.h>

size_t w2v_delta_touched(const float *live, const float *base, size_t R, size_t D,
                         size_t stride, uint16_t *touched)
{
    size_t n = 0;
    for (size_t r = 0; r < R; r++) {
        const float *l = live + r * stride, *b = base + r * stride;
        /* Compare bit patterns: a row that went to -0 or NaN has changed. */
        touched[r] = memcmp(l, b, D * sizeof *l) != 0;
        n += touched[r];
    }
    return n;
}

size_t w2v_delta_pack(const float *live, const float *base, size_t R, size_t D, size_t stride,
                      const uint16_t *count, float *out)
{
    size_t n = 0;
    for (size_t r = 0; r < R; r++) {
        if (!count[r])
            continue;
        const float *l = live + r * stride, *b = base + r * stride;
        float *o = out + n++ * W2V_DELTA_ROW(D);
        float sq = 0;
        for (size_t d = 0; d < D; d++) {
            o[d] = l[d] - b[d];
            sq += o[d] * o[d];
        }
        o[D] = sq;
    }
    return n;
}

void w2v_delta_apply(float *live, float *base, size_t R, size_t D, size_t stride,
                     const uint16_t *count, const float *sum, const float *own,
                     w2v_delta_mode mode)
{
    size_t n = 0;
    for (size_t r = 0; r < R; r++) {
        if (!count[r])
            continue;
        float *l = live + r * stride, *b = base + r * stride;
        const float *s = sum + n * W2V_DELTA_ROW(D), *o = own + n * W2V_DELTA_ROW(D);
        float scale = 1.0f;
        if (mode == W2V_DELTA_MEAN) {
            scale = 1.0f / (float)count[r];
        } else if (mode == W2V_DELTA_AUTO) {
            float ss = 0;
            for (size_t d = 0; d < D; d++)
                ss += s[d] * s[d];
            if (ss > W2V_DELTA_AUTO_GAIN * s[D]) /* rho = ss / s[D] > gain */
                scale = W2V_DELTA_AUTO_GAIN * s[D] / ss;
        }
        for (size_t d = 0; d < D; d++) {
            /* (l - b) - o is exactly 0 when the row did not change since it
             * was packed (the same subtraction made o), so such a row ends
             * bit-identical to the new base and is not sent again. */
            float in_flight = (l[d] - b[d]) - o[d];
            b[d] += s[d] * scale;
            l[d] = b[d] + in_flight;
        }
        n++;
    }
}
