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

/* Loss of one batch in double: -sum_c [log s(x_c.y_0) + sum_t>0 log s(-x_c.y_t)]. */
static double loss(const double *x, size_t nc, const double *y)
{
    double L = 0;
    for (size_t c = 0; c < nc; c++)
        for (size_t t = 0; t < T; t++) {
            double s = 0;
            for (size_t d = 0; d < D; d++)
                s += x[c * D + d] * y[t * D + d];
            L -= log(t == 0 ? sigm(s) : sigm(-s));
        }
    return L;
}

static void fill(float *v, size_t n, w2v_rng *r, float scale)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (w2v_rng_float(r) - 0.5f) * scale;
}

/*
 * The gradient check's tolerance.  The kernels take every update from the
 * old values, so a step of size alpha is exactly -alpha * gradient; with
 * alpha = 1 the float step carries only float rounding (about 1e-7 of a
 * component), and central differences in double with h = 1e-5 are good to
 * about 1e-9.  A component may differ from the gradient by GRAD_RTOL of its
 * own size plus GRAD_RTOL of GRAD_FLOOR times the largest component (so a
 * component that is nearly zero is not held to float rounding of nothing).
 * One term of the gradient 10 % off moves whole rows by about 1e-2 of the
 * largest component: 100 times the allowance.
 */
#define GRAD_RTOL 1e-4
#define GRAD_FLOOR 1e-2

/* The worst |step - grad| / (|grad| + GRAD_FLOOR * max |grad|) over p. */
typedef struct {
    double gmax;
    size_t n;
    double err[(C + T) * D], grad[(C + T) * D];
} grad_check;

static double grad_worst(grad_check *g)
{
    double w = 0;
    for (size_t i = 0; i < g->n; i++)
        w = fmax(w, g->err[i] / (fabs(g->grad[i]) + GRAD_FLOOR * g->gmax));
    return w;
}

/* A step of size alpha must equal -alpha * gradient (taken at the old values). */
static void check_gradient(int batch)
{
    w2v_rng r = w2v_rng_seed(42, batch);
    size_t nc = batch ? C : 1;
    float x[C * D], y[T * D], scratch[C * (D + T)];
    double xd[C * D], yd[T * D];
    fill(x, nc * D, &r, 1.0f);
    fill(y, T * D, &r, 1.0f);
    for (size_t i = 0; i < nc * D; i++)
        xd[i] = x[i];
    for (size_t i = 0; i < T * D; i++)
        yd[i] = y[i];
    float *xr[C], *yr[T];
    for (size_t c = 0; c < nc; c++)
        xr[c] = x + c * D;
    for (size_t t = 0; t < T; t++)
        yr[t] = y + t * D;
    const float alpha = 1.0f;
    double got_loss = 0;
    if (batch)
        w2v_sgns_batch_ref(xr, nc, yr, T, D, alpha, scratch, &got_loss);
    else
        w2v_sgns_pair_ref(xr[0], yr, T, D, alpha, scratch, &got_loss);
    double want_loss = loss(xd, nc, yd);
    T_CHECK(fabs(got_loss - want_loss) <= 1e-6 * want_loss, "%s kernel: loss %.12g, expected %.12g",
            batch ? "batch" : "pair", got_loss, want_loss);
    static grad_check g;
    g = (grad_check){0};
    const double h = 1e-5;
    for (int which = 0; which < 2; which++) {
        double *p0 = which ? yd : xd;
        const float *p1 = which ? y : x;
        size_t n = which ? T * D : nc * D;
        for (size_t i = 0; i < n; i++) {
            double keep = p0[i];
            p0[i] = keep + h;
            double up = loss(xd, nc, yd);
            p0[i] = keep - h;
            double down = loss(xd, nc, yd);
            p0[i] = keep;
            double grad = (up - down) / (2 * h);
            double step = ((double)p1[i] - p0[i]) / -alpha;
            g.grad[g.n] = grad;
            g.err[g.n++] = fabs(step - grad);
            g.gmax = fmax(g.gmax, fabs(grad));
        }
    }
    double worst = grad_worst(&g);
    T_CHECK(worst <= GRAD_RTOL, "%s kernel: step differs from -alpha*gradient by %.3g relative "
            "(allowed %g)", batch ? "batch" : "pair", worst, GRAD_RTOL);
    if (getenv("W2V_TEST_VERBOSE"))
        printf("%s kernel: worst relative gradient error %.3g\n", batch ? "batch" : "pair", worst);
}

/* Fast variants agree with the references, including repeated rows. */
static void check_fast_vs_ref(void)
{
    if (!w2v_cpu_has_avx2()) {
        printf("SKIP: no AVX2 on this CPU: the fast kernels are the references, not compared\n");
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

/*
 * The labelled batch: with the NS labels it is the NS batch exactly, and
 * its AVX2 variant agrees with the reference for every label pattern,
 * including a repeated target row.
 */
static void check_labelled(void)
{
    for (size_t dim = 1; dim <= 130; dim += 9) {
        w2v_rng r = w2v_rng_seed(9, dim);
        size_t n = (C + T) * dim;
        float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
        float *s = malloc(C * (dim + T) * sizeof *s);
        fill(a, n, &r, 2.0f);
        memcpy(b, a, n * sizeof *a);
        float *xa[C], *ya[T], *xb[C], *yb[T], lab[T];
        for (size_t c = 0; c < C; c++)
            xa[c] = a + c * dim, xb[c] = b + c * dim;
        for (size_t t = 0; t < T; t++) {
            size_t row = C + (t == 3 ? 2 : t); /* target 3 repeats target 2 */
            ya[t] = a + row * dim, yb[t] = b + row * dim;
            lab[t] = (float)((dim >> t) & 1u);
        }
        double la = 0, lb = 0;
        w2v_sgns_batch_ref(xa, C, ya, T, dim, 0.05f, s, &la);
        w2v_sgns_labelled_ref(xb, C, yb, w2v_sgns_ns_labels, T, dim, 0.05f, s, &lb);
        T_CHECK(memcmp(a, b, n * sizeof *a) == 0 && la == lb,
                "labelled with NS labels differs from the NS batch, D=%zu", dim);
        if (w2v_cpu_has_avx2()) {
            la = lb = 0;
            w2v_sgns_labelled_ref(xa, C, ya, lab, T, dim, 0.05f, s, &la);
            w2v_sgns_labelled_avx2(xb, C, yb, lab, T, dim, 0.05f, s, &lb);
            double worst = 0;
            for (size_t i = 0; i < n; i++)
                worst = fmax(worst, fabs((double)a[i] - b[i]));
            T_CHECK(worst < 1e-5 && fabs(la - lb) <= 1e-4 * fabs(la) + 1e-6,
                    "labelled avx2 vs ref, D=%zu: max diff %g", dim, worst);
        }
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
    check_fast_vs_ref();
    check_sigmoid();
    check_sigmoid8();
    check_labelled();
    w2v_sgns_kernels k = w2v_sgns_select(1);
    T_STREQ(k.name, "scalar");
    return T_DONE();
}
