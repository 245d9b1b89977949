/*
 * test_sgns.c - the update kernels: gradient vs. finite differences, and
 * every fast variant against its scalar reference.
 */
#include "t.h"

#include <stdlib.h>

#include "train/rng.h"
#include "core/cpu.h"
#include "train/kernels/sgns.h"
#if W2V_X86_SIMD
#include "train/kernels/vec_avx2.h" /* sigmoid8; before the shape macros below */
#endif

/* Shapes: C contexts x D, T targets x D; row 0 of y is the positive. */
#define D 37 /* odd on purpose: exercises the SIMD tails */
#define C 6
#define T 4

static double sigm(double z) { return 1.0 / (1.0 + exp(-z)); }

/* Loss of one batch in double: -sum_c sum_t log s((2 l_t - 1) x_c.y_t);
 * l = (1, 0, 0, ...) unless a labelled batch set other labels. */
static float labels[T] = {1.0f};

static double loss(const float *x, size_t nc, const float *y)
{
    double L = 0;
    for (size_t c = 0; c < nc; c++)
        for (size_t t = 0; t < T; t++) {
            double s = 0;
            for (size_t d = 0; d < D; d++)
                s += (double)x[c * D + d] * y[t * D + d];
            L -= log(labels[t] > 0 ? sigm(s) : sigm(-s));
        }
    return L;
}

static void fill(float *v, size_t n, w2v_rng *r, float scale)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (w2v_rng_float(r) - 0.5f) * scale;
}

/* A step of size alpha must equal -alpha * gradient (taken at the old values).
 * batch 0: the pair kernel, 1: the NS batch, 2: the labelled batch with
 * labels (0, 1, 1, 0) as a Huffman path may have them. */
static void check_gradient(int batch)
{
    w2v_rng r = w2v_rng_seed(42, batch);
    static const float path_labels[T] = {0.0f, 1.0f, 1.0f, 0.0f};
    for (size_t t = 0; t < T; t++)
        labels[t] = batch == 2 ? path_labels[t] : t == 0;
    size_t nc = batch ? C : 1;
    float x[C * D], y[T * D], x0[C * D], y0[T * D], scratch[C * (D + T)];
    fill(x, nc * D, &r, 1.0f);
    fill(y, T * D, &r, 1.0f);
    memcpy(x0, x, sizeof x);
    memcpy(y0, y, sizeof y);
    float *xr[C], *yr[T];
    for (size_t c = 0; c < nc; c++)
        xr[c] = x + c * D;
    for (size_t t = 0; t < T; t++)
        yr[t] = y + t * D;
    const float alpha = 1e-3f;
    double got_loss = 0;
    if (batch == 2)
        w2v_sgns_labelled_ref(xr, nc, yr, labels, T, D, alpha, scratch, &got_loss);
    else if (batch)
        w2v_sgns_batch_ref(xr, nc, yr, T, D, alpha, scratch, &got_loss);
    else
        w2v_sgns_pair_ref(xr[0], yr, T, D, alpha, scratch, &got_loss);
    T_NEAR(got_loss, loss(x0, nc, y0), 1e-4);
    double worst = 0;
    const double h = 1e-3;
    for (int which = 0; which < 2; which++) {
        float *p0 = which ? y0 : x0, *p1 = which ? y : x;
        size_t n = which ? T * D : nc * D;
        for (size_t i = 0; i < n; i++) {
            float keep = p0[i];
            p0[i] = keep + (float)h;
            double up = loss(x0, nc, y0);
            p0[i] = keep - (float)h;
            double down = loss(x0, nc, y0);
            p0[i] = keep;
            double grad = (up - down) / (2 * h);
            double step = (p1[i] - p0[i]) / -alpha;
            double e = fabs(step - grad);
            if (e > worst)
                worst = e;
        }
    }
    T_CHECK(worst < 2e-2, "%s kernel: step differs from -alpha*gradient by %g", batch == 2 ? "labelled" : batch ? "batch" : "pair", worst);
}

/* Fast variants agree with the references, including repeated rows. */
static void check_fast_vs_ref(void)
{
    if (!w2v_cpu_has_avx2()) {
        printf("no AVX2 on this CPU: fast kernels are the references\n");
        return;
    }
    for (size_t dim = 1; dim <= 130; dim += 7) {
        w2v_rng r = w2v_rng_seed(7, dim);
        size_t n = (C + T) * dim;
        float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
        float *s = malloc(C * (dim + T) * sizeof *s);
        fill(a, n, &r, 2.0f);
        memcpy(b, a, n * sizeof *a);
        float *xa[C], *ya[T], *xb[C], *yb[T];
        for (size_t c = 0; c < C; c++) {
            size_t row = c == 3 ? 1 : c; /* context 3 repeats context 1 */
            xa[c] = a + row * dim;
            xb[c] = b + row * dim;
        }
        for (size_t t = 0; t < T; t++) {
            size_t row = C + (t == 3 ? 2 : t); /* negative 3 repeats negative 2 */
            ya[t] = a + row * dim;
            yb[t] = b + row * dim;
        }
        double la = 0, lb = 0;
        w2v_sgns_batch_ref(xa, C, ya, T, dim, 0.05f, s, &la);
        w2v_sgns_batch_avx2(xb, C, yb, T, dim, 0.05f, s, &lb);
        T_NEAR(la, lb, 1e-4 * fabs(la) + 1e-6);
        double worst = 0;
        for (size_t i = 0; i < n; i++)
            worst = fmax(worst, fabs((double)a[i] - b[i]));
        T_CHECK(worst < 1e-5, "batch avx2 vs ref, D=%zu: max diff %g", dim, worst);
        float lab[T];
        for (size_t t = 0; t < T; t++)
            lab[t] = (float)((dim >> t) & 1u); /* every label pattern over the dims */
        la = lb = 0;
        w2v_sgns_labelled_ref(xa, C, ya, lab, T, dim, 0.05f, s, &la);
        w2v_sgns_labelled_avx2(xb, C, yb, lab, T, dim, 0.05f, s, &lb);
        T_NEAR(la, lb, 1e-4 * fabs(la) + 1e-6);
        worst = 0;
        for (size_t i = 0; i < n; i++)
            worst = fmax(worst, fabs((double)a[i] - b[i]));
        T_CHECK(worst < 1e-5, "labelled avx2 vs ref, D=%zu: max diff %g", dim, worst);
        w2v_sgns_pair_ref(xa[0], ya, T, dim, 0.05f, s, NULL);
        w2v_sgns_pair_avx2(xb[0], yb, T, dim, 0.05f, s, NULL);
        worst = 0;
        for (size_t i = 0; i < n; i++)
            worst = fmax(worst, fabs((double)a[i] - b[i]));
        T_CHECK(worst < 1e-5, "pair avx2 vs ref, D=%zu: max diff %g", dim, worst);
        free(a);
        free(b);
        free(s);
    }
}

#if W2V_X86_SIMD
/* The vectorised sigmoid against the scalar one: every 1/64 over
 * [-100, 100] and the extremes; worst absolute and relative error. */
AVX2 static void sigmoid8_errors(double *abs_err, double *rel_err)
{
    float in[8], out[8];
    *abs_err = *rel_err = 0;
    for (int k = -6400; k <= 6400; k += 8) {
        for (int j = 0; j < 8; j++)
            in[j] = (float)(k + j) / 64.0f;
        if (k == -6400)
            in[0] = -1e30f, in[1] = 1e30f, in[2] = -88.5f, in[3] = 88.5f, in[4] = -87.0f;
        _mm256_storeu_ps(out, sigmoid8(_mm256_loadu_ps(in)));
        for (int j = 0; j < 8; j++) {
            double want = w2v_sigmoid(in[j]), e = fabs(out[j] - want);
            *abs_err = fmax(*abs_err, e);
            if (want > 1e-30)
                *rel_err = fmax(*rel_err, e / want);
        }
    }
}
#endif

static void check_sigmoid8(void)
{
#if W2V_X86_SIMD
    if (!w2v_cpu_has_avx2())
        return;
    double a, r;
    sigmoid8_errors(&a, &r);
    T_CHECK(a < 1e-7 && r < 1e-6, "sigmoid8: worst error %g absolute, %g relative", a, r);
#endif
}

static void check_sigmoid(void)
{
    T_NEAR(w2v_sigmoid(0.0f), 0.5, 1e-7);
    T_NEAR(w2v_sigmoid(2.0f), sigm(2.0), 1e-6);
    T_TRUE(w2v_sigmoid(-200.0f) == 0.0f);
    T_TRUE(w2v_sigmoid(200.0f) == 1.0f);
    T_TRUE(!isnan(w2v_sigmoid(-1e30f)));
}

int main(void)
{
    check_gradient(0);
    check_gradient(1);
    check_gradient(2);
    check_fast_vs_ref();
    check_sigmoid();
    check_sigmoid8();
    w2v_sgns_kernels k = w2v_sgns_select(1);
    T_STREQ(k.name, "scalar");
    return T_DONE();
}
