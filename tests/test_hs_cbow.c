/*
 * test_hs_cbow.c - hierarchical softmax and CBOW kernels: every step
 * against finite differences of its loss (each layer alone and both
 * together), the reported loss, HS probabilities summing to one over a real
 * Huffman tree, the step kernels against their own building blocks and the
 * SGNS pair kernel, and the AVX2 variants against the references over odd
 * dimensions with repeated rows.
 */
#include "t.h"

#include <stdint.h>
#include <stdlib.h>

#include "train/kernels/hs_cbow.h"
#include "train/huffman.h"
#include "train/rng.h"
#include "core/cpu.h"
#include "train/kernels/sgns.h"

/* Shapes of the gradient checks: D odd (SIMD tails), C contexts (CBOW),
 * L path rows, T = 1 + K NS rows. */
#define D 37
#define C 5
#define L 7
#define T 4
#define CODE 0x59u /* 1011001: both labels, 7 bits */

static double sigm(double z) { return 1.0 / (1.0 + exp(-z)); }

static void fill(float *v, size_t n, w2v_rng *r, float scale)
{
    for (size_t i = 0; i < n; i++)
        v[i] = (w2v_rng_float(r) - 0.5f) * scale;
}

typedef struct {
    int cbow;
    size_t nin, nl, nt; /* input rows (1 for skip-gram), path rows, NS rows */
} shape;

/* The step's loss in double; p holds the input rows, then the path rows,
 * then the NS rows, each D values. */
static double loss_of(const double *p, const shape *s, uint64_t code)
{
    double h[D] = {0};
    for (size_t c = 0; c < s->nin; c++)
        for (size_t d = 0; d < D; d++)
            h[d] += p[c * D + d];
    for (size_t d = 0; d < D; d++)
        h[d] /= (double)s->nin;
    const double *path = p + s->nin * D, *ns = path + s->nl * D;
    double loss = 0;
    for (size_t j = 0; j < s->nl; j++) {
        double f = 0;
        for (size_t d = 0; d < D; d++)
            f += h[d] * path[j * D + d];
        loss -= log(sigm((code >> j) & 1u ? -f : f));
    }
    for (size_t t = 0; t < s->nt; t++) {
        double f = 0;
        for (size_t d = 0; d < D; d++)
            f += h[d] * ns[t * D + d];
        loss -= log(sigm(t == 0 ? f : -f));
    }
    return loss;
}

/* Run the step kernel of variant k on p (layout as in loss_of). */
static void run_step(const w2v_hs_cbow_kernels *k, float *p, const shape *s, uint64_t code,
                     float alpha, double *loss)
{
    float *x[C], *path[L], *ns[T], scratch[2 * D];
    for (size_t c = 0; c < s->nin; c++)
        x[c] = p + c * D;
    for (size_t j = 0; j < s->nl; j++)
        path[j] = p + (s->nin + j) * D;
    for (size_t t = 0; t < s->nt; t++)
        ns[t] = p + (s->nin + s->nl + t) * D;
    w2v_out_rows out = {path, code, s->nl, ns, s->nt};
    if (s->cbow)
        k->cbow_step(x, s->nin, &out, D, alpha, scratch, loss);
    else
        k->sg_step(x[0], &out, D, alpha, scratch, loss);
}

/*
 * A step of size alpha must move every output row by -alpha * dL/drow and
 * the input by -alpha * dL/dh (the gradient at the old values).  For CBOW
 * dL/dh = C dL/dx_c, since h is the mean: each context row gets the whole
 * dh (word2vec.c), not dh / C.
 *
 * Every update of a step is taken from the old values (h is fixed, path
 * rows are distinct, the NS rows here too), so with alpha = 1 the float
 * step is the gradient up to float rounding (about 1e-7 of a component);
 * the reference is central differences of the loss in double (h = 1e-5,
 * good to about 1e-9).  A component may be off by GRAD_RTOL of its own size
 * plus GRAD_RTOL of GRAD_FLOOR times the largest component (a component
 * near zero is not held to the rounding of nothing).  One term of the
 * gradient 10 % off moves whole rows by about 1e-2 of the largest
 * component: 100 times the allowance.
 */
#define GRAD_RTOL 1e-4
#define GRAD_FLOOR 1e-2

static void check_gradient(const w2v_hs_cbow_kernels *k, const shape *s, const char *what)
{
    w2v_rng r = w2v_rng_seed(42, (uint64_t)(s->cbow * 100 + s->nl * 10 + s->nt));
    size_t n = (s->nin + s->nl + s->nt) * D;
    float p1[(C + L + T) * D];
    double p0[(C + L + T) * D], grad[(C + L + T) * D], err[(C + L + T) * D];
    fill(p1, n, &r, 1.0f);
    for (size_t i = 0; i < n; i++)
        p0[i] = p1[i];
    const float alpha = 1.0f;
    double got = 0;
    run_step(k, p1, s, CODE, alpha, &got);
    double want = loss_of(p0, s, CODE);
    T_CHECK(fabs(got - want) <= 1e-6 * want, "%s %s: loss %.12g, expected %.12g", k->name, what,
            got, want);
    const double eps = 1e-5;
    double gmax = 0;
    for (size_t i = 0; i < n; i++) {
        double keep = p0[i];
        p0[i] = keep + eps;
        double up = loss_of(p0, s, CODE);
        p0[i] = keep - eps;
        double down = loss_of(p0, s, CODE);
        p0[i] = keep;
        grad[i] = (up - down) / (2 * eps);
        if (i < s->nin * D)
            grad[i] *= (double)s->nin; /* dL/dh */
        double step = ((double)p1[i] - p0[i]) / -alpha;
        err[i] = fabs(step - grad[i]);
        gmax = fmax(gmax, fabs(grad[i]));
    }
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, err[i] / (fabs(grad[i]) + GRAD_FLOOR * gmax));
    T_CHECK(worst <= GRAD_RTOL, "%s %s: step differs from -alpha*gradient by %.3g relative "
            "(allowed %g)", k->name, what, worst, GRAD_RTOL);
    if (getenv("W2V_TEST_VERBOSE"))
        printf("%s %s: worst relative gradient error %.3g\n", k->name, what, worst);
}

static void check_gradients(void)
{
    const shape shapes[] = {
        {0, 1, L, 0}, {0, 1, 0, T}, {0, 1, L, T}, /* skip-gram: HS, NS, both */
        {1, C, 0, T}, {1, C, L, 0}, {1, C, L, T}, /* CBOW: NS, HS, both */
        {1, 1, L, T},                             /* CBOW with one context */
    };
    const char *names[] = {"sg+hs", "sg+ns", "sg+hs+ns", "cbow+ns", "cbow+hs", "cbow+hs+ns",
                           "cbow C=1"};
    w2v_hs_cbow_kernels ks[2] = {w2v_hs_cbow_select(1), w2v_hs_cbow_select(0)};
    for (int v = 0; v < 2; v++)
        for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++)
            check_gradient(&ks[v], &shapes[i], names[i]);
}

/* The step kernels are exactly their building blocks, and skip-gram with NS
 * only is exactly the SGNS pair kernel (references, bit for bit). */
static void check_composition(void)
{
    w2v_rng r = w2v_rng_seed(3, 0);
    float a[(1 + L + T) * D], b[(1 + L + T) * D], dx[D], scratch[D];
    fill(a, sizeof a / sizeof *a, &r, 1.0f);
    memcpy(b, a, sizeof a);
    float *pa[L], *pb[L], *ya[T], *yb[T];
    for (size_t j = 0; j < L; j++)
        pa[j] = a + (1 + j) * D, pb[j] = b + (1 + j) * D;
    for (size_t t = 0; t < T; t++)
        ya[t] = a + (1 + L + t) * D, yb[t] = b + (1 + L + t) * D;
    w2v_out_rows out = {pa, CODE, L, ya, T};
    double la = 0, lb = 0;
    w2v_sg_step_ref(a, &out, D, 0.05f, scratch, &la);
    memset(dx, 0, sizeof dx);
    w2v_hs_accum_ref(b, dx, pb, CODE, L, D, 0.05f, &lb);
    w2v_ns_accum_ref(b, dx, yb, T, D, 0.05f, &lb);
    for (size_t d = 0; d < D; d++)
        b[d] += dx[d];
    T_TRUE(memcmp(a, b, sizeof a) == 0);
    T_TRUE(la == lb);

    out = (w2v_out_rows){NULL, 0, 0, ya, T};
    w2v_sg_step_ref(a, &out, D, 0.05f, scratch, NULL);
    w2v_sgns_pair_ref(b, yb, T, D, 0.05f, scratch, NULL);
    T_TRUE(memcmp(a, b, sizeof a) == 0);

    /* CBOW with no context does nothing. */
    float *none[1] = {a};
    double l0 = 0;
    out = (w2v_out_rows){pa, CODE, L, ya, T};
    w2v_cbow_step_ref(none, 0, &out, D, 0.05f, scratch, &l0);
    w2v_cbow_step_avx2(none, 0, &out, D, 0.05f, scratch, &l0);
    T_TRUE(memcmp(a, b, sizeof a) == 0);
    T_TRUE(l0 == 0);
}

/* Over a real tree, prod_j sigma(+-h.p_j) is a distribution over the words:
 * exp(-loss) of every word's path sums to 1.  alpha = 0 changes nothing. */
static void check_hs_distribution(void)
{
    enum { V = 50, DD = 16 };
    w2v_rng r = w2v_rng_seed(11, 0);
    uint64_t counts[V];
    for (size_t i = 0; i < V; i++)
        counts[i] = 1000 / (i + 1) + (i % 3 == 0);
    for (size_t i = 1; i < V; i++) /* keep it sorted after the bumps */
        if (counts[i] > counts[i - 1])
            counts[i] = counts[i - 1];
    w2v_huffman hf;
    T_OK(w2v_huffman_build(counts, V, &hf, NULL));
    float *rows = malloc(hf.inner * DD * sizeof *rows), h[DD], dh[DD];
    fill(rows, hf.inner * DD, &r, 2.0f);
    fill(h, DD, &r, 2.0f);
    w2v_hs_cbow_kernels ks[2] = {w2v_hs_cbow_select(1), w2v_hs_cbow_select(0)};
    for (int v = 0; v < 2; v++) {
        double total = 0;
        for (uint32_t w = 0; w < V; w++) {
            float *path[W2V_HUFFMAN_MAX_CODE];
            size_t len = w2v_huffman_len(&hf, w);
            for (size_t j = 0; j < len; j++)
                path[j] = rows + (size_t)w2v_huffman_points(&hf, w)[j] * DD;
            double loss = 0;
            memset(dh, 0, sizeof dh);
            ks[v].hs_accum(h, dh, path, w2v_huffman_code(&hf, w), len, DD, 0.0f, &loss);
            total += exp(-loss);
        }
        T_NEAR(total, 1.0, 1e-5);
    }
    free(rows);
    w2v_huffman_free(&hf);
}

/* One case of the AVX2-vs-reference check: nc contexts (0: skip-gram),
 * nl path rows (distinct), nt NS rows where every `rep`-th repeats an
 * earlier one (0: none). */
static void fast_vs_ref(size_t dim, size_t nc, size_t nl, size_t nt, size_t rep)
{
    w2v_rng r = w2v_rng_seed(7, dim * 1000 + nc * 100 + nl + nt);
    size_t nin = nc ? nc : 1, rows = nin + nl + nt, n = rows * dim;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    float *s = malloc(2 * dim * sizeof *s);
    float **xa = malloc(rows * sizeof *xa), **xb = malloc(rows * sizeof *xb);
    fill(a, n, &r, 2.0f);
    memcpy(b, a, n * sizeof *a);
    for (size_t i = 0; i < rows; i++) {
        size_t row = i;
        if (i < nin && nin > 3 && i == 3)
            row = 1; /* context 3 repeats context 1 */
        size_t k = i - nin - nl; /* NS index, when i >= nin + nl */
        if (i >= nin + nl && rep && k >= 2 && k % rep == rep - 1)
            row = nin + nl + 1 + (k - 1) / 2; /* an earlier negative, never the positive */
        xa[i] = a + row * dim;
        xb[i] = b + row * dim;
    }
    uint64_t code = w2v_rng_next(&r);
    w2v_out_rows oa = {xa + nin, code, nl, xa + nin + nl, nt};
    w2v_out_rows ob = {xb + nin, code, nl, xb + nin + nl, nt};
    double la = 0, lb = 0;
    for (int rep2 = 0; rep2 < 2; rep2++) { /* twice: the second sees trained rows */
        if (nc) {
            w2v_cbow_step_ref(xa, nc, &oa, dim, 0.05f, s, &la);
            w2v_cbow_step_avx2(xb, nc, &ob, dim, 0.05f, s, &lb);
        } else {
            w2v_sg_step_ref(xa[0], &oa, dim, 0.05f, s, &la);
            w2v_sg_step_avx2(xb[0], &ob, dim, 0.05f, s, &lb);
        }
    }
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs((double)a[i] - b[i]));
    T_CHECK(worst < 1e-5, "%s avx2 vs ref, D=%zu C=%zu L=%zu T=%zu: max diff %g",
            nc ? "cbow" : "sg", dim, nc, nl, nt, worst);
    T_CHECK(fabs(la - lb) <= 1e-5 * fabs(la), "avx2 loss %.9g vs ref %.9g (D=%zu)", lb, la,
            dim);
    free(a);
    free(b);
    free(s);
    free(xa);
    free(xb);
}

static void check_fast_vs_ref(void)
{
    if (!w2v_cpu_has_avx2()) {
        printf("SKIP: no AVX2 on this CPU: the fast kernels are the references, not compared\n");
        return;
    }
    for (size_t dim = 1; dim <= 130; dim += 7) {
        fast_vs_ref(dim, 0, 20, 0, 0);  /* sg + hs */
        fast_vs_ref(dim, 0, 0, 6, 3);   /* sg + ns, repeated negatives */
        fast_vs_ref(dim, 0, 20, 6, 3);  /* sg + both */
        fast_vs_ref(dim, 6, 0, 6, 2);   /* cbow + ns */
        fast_vs_ref(dim, 10, 0, 6, 0);  /* cbow + ns, one run: the input side fused */
        fast_vs_ref(dim, 6, 20, 0, 0);  /* cbow + hs */
        fast_vs_ref(dim, 6, 20, 6, 3);  /* cbow + both */
    }
    /* Longest paths and more NS rows than one run of 64 holds. */
    fast_vs_ref(100, 0, 64, 70, 0);
    fast_vs_ref(100, 8, 64, 70, 9);
    fast_vs_ref(37, 3, 64, 130, 5);
}

/*
 * The skip-gram HS batch against its definition (one sg_step_ref per
 * context, in order), for the scalar and the fast selection, over shapes
 * from one context and one node up to a full window and a long path:
 * matrices in one buffer, distinct context rows, loss included.
 */
static void check_sg_hs_batch(void)
{
    for (int fast = 0; fast <= 1; fast++) {
        w2v_hs_cbow_kernels k = w2v_hs_cbow_select(!fast);
        static const size_t cs[] = {1, 2, 3, 6, 10}, ls[] = {1, 2, 7, 9, 18, 40};
        static const size_t ds[] = {8, 37, 304};
        double worst = 0, worst_loss = 0;
        for (size_t a = 0; a < 5; a++)
            for (size_t b = 0; b < 6; b++)
                for (size_t e = 0; e < 3; e++) {
                    size_t nc = cs[a], nl = ls[b], dim = ds[e], n = (nc + nl) * dim;
                    w2v_rng r = w2v_rng_seed(11, a * 100 + b * 10 + e);
                    float *p = malloc(n * sizeof *p), *q = malloc(n * sizeof *q);
                    float *scr = malloc(W2V_SG_HS_BATCH_SCRATCH(nc, nl, dim) * sizeof *scr);
                    fill(p, n, &r, 1.0f);
                    memcpy(q, p, n * sizeof *p);
                    float *xp[10], *xq[10], *pp[40], *pq[40];
                    for (size_t c = 0; c < nc; c++)
                        xp[c] = p + c * dim, xq[c] = q + c * dim;
                    for (size_t j = 0; j < nl; j++)
                        pp[j] = p + (nc + j) * dim, pq[j] = q + (nc + j) * dim;
                    uint64_t code = 0x9A3C5E71F0B2D4C6ull >> (a + b);
                    double lr = 0, lk = 0;
                    w2v_sg_hs_batch_ref(xp, nc, pp, code, nl, dim, 0.05f, scr, &lr);
                    k.sg_hs_batch(xq, nc, pq, code, nl, dim, 0.05f, scr, &lk);
                    for (size_t i = 0; i < n; i++)
                        worst = fmax(worst, fabs((double)p[i] - q[i]));
                    worst_loss = fmax(worst_loss, fabs(lr - lk) / (1 + fabs(lr)));
                    free(p);
                    free(q);
                    free(scr);
                }
        T_CHECK(worst < 2e-5, "sg_hs_batch (%s) vs sequential steps: max diff %g", k.name, worst);
        T_CHECK(worst_loss < 1e-5, "sg_hs_batch (%s) loss vs sequential: rel diff %g", k.name,
                worst_loss);
    }
}

static void check_neg_log_sigmoid(void)
{
    T_NEAR(w2v_neg_log_sigmoid(0.0f), log(2.0), 1e-7);
    T_NEAR(w2v_neg_log_sigmoid(3.0f), -log(sigm(3.0)), 1e-7);
    T_NEAR(w2v_neg_log_sigmoid(-3.0f), -log(sigm(-3.0)), 1e-6);
    T_NEAR(w2v_neg_log_sigmoid(-100.0f), 100.0, 1e-5);
    T_NEAR(w2v_neg_log_sigmoid(30.0f), exp(-30.0), 1e-15);
    T_TRUE(w2v_neg_log_sigmoid(1e30f) == 0.0f);
    T_TRUE(isfinite(w2v_neg_log_sigmoid(-1e30f)));
}

int main(void)
{
    check_gradients();
    check_composition();
    check_hs_distribution();
    check_fast_vs_ref();
    check_neg_log_sigmoid();
    check_sg_hs_batch();
    w2v_hs_cbow_kernels k = w2v_hs_cbow_select(1);
    T_STREQ(k.name, "scalar");
    return T_DONE();
}
