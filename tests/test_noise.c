/*
 * test_noise.c - the alias sampler draws each word with probability
 * count^0.75 / sum, and sub-sampling keeps words with word2vec.c's formula.
 */
#include "t.h"

#include <stdlib.h>

#include "train/noise.h"
#include "train/subsample.h"

static void test_alias_exact(void)
{
    uint64_t counts[] = {1000, 300, 300, 50, 7, 1, 0, 12345};
    size_t n = sizeof counts / sizeof *counts;
    w2v_noise nz;
    T_OK(w2v_noise_build(&nz, counts, n, 0.75, NULL));
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += pow((double)counts[i], 0.75);
    for (size_t i = 0; i < n; i++)
        T_NEAR(w2v_noise_prob(&nz, i), pow((double)counts[i], 0.75) / sum, 1e-8);
    w2v_noise_free(&nz);
}

/* Sampled frequencies match the distribution: chi-square over 2000 words. */
static void test_alias_sampling(void)
{
    enum { N = 2000 };
    uint64_t *counts = malloc(N * sizeof *counts);
    for (size_t i = 0; i < N; i++)
        counts[i] = 1000000 / (i + 1) + 1; /* Zipf-like */
    w2v_noise nz;
    T_OK(w2v_noise_build(&nz, counts, N, 0.75, NULL));
    double *p = malloc(N * sizeof *p), sum = 0;
    for (size_t i = 0; i < N; i++)
        sum += (p[i] = pow((double)counts[i], 0.75));
    uint64_t *hits = calloc(N, sizeof *hits);
    const uint64_t draws = 4000000;
    w2v_rng r = w2v_rng_seed(123, 0);
    for (uint64_t k = 0; k < draws; k++)
        hits[w2v_noise_draw(&nz, &r)]++;
    double chi2 = 0;
    for (size_t i = 0; i < N; i++) {
        double e = (double)draws * p[i] / sum;
        chi2 += (hits[i] - e) * (hits[i] - e) / e;
    }
    /* 1999 degrees of freedom: mean 1999, sd ~63; 2300 is ~4.8 sd out. */
    T_CHECK(chi2 < 2300, "chi-square %.0f for 1999 dof", chi2);
    T_CHECK(chi2 > 1700, "chi-square %.0f suspiciously small", chi2);
    T_NEAR((double)hits[0] / draws, p[0] / sum, 0.002);
    free(counts);
    free(p);
    free(hits);
    w2v_noise_free(&nz);
}

static void test_alias_errors(void)
{
    w2v_noise nz;
    uint64_t zero[3] = {0, 0, 0};
    T_EQ(w2v_noise_build(&nz, zero, 3, 0.75, NULL), W2V_ERR_ARG);
    T_EQ(w2v_noise_build(&nz, zero, 0, 0.75, NULL), W2V_ERR_ARG);
    uint64_t one = 5;
    T_OK(w2v_noise_build(&nz, &one, 1, 0.75, NULL));
    w2v_rng r = w2v_rng_seed(1, 1);
    T_EQ(w2v_noise_draw(&nz, &r), 0);
    w2v_noise_free(&nz);
}

static void test_subsample(void)
{
    /* f = 1000 of T = 1e6 with t = 1e-4: tT = 100, p = (sqrt(10) + 1) / 10 */
    T_NEAR(w2v_subsample_keep_prob(1000, 1000000, 1e-4), (sqrt(10.0) + 1) / 10, 1e-12);
    T_NEAR(w2v_subsample_keep_prob(10, 1000000, 1e-4), 1.0, 0);
    T_NEAR(w2v_subsample_keep_prob(1000, 1000000, 0), 1.0, 0);
    uint64_t counts[] = {1000, 10};
    uint32_t thr[2];
    T_OK(w2v_subsample_build(thr, counts, 2, 1000000, 1e-4, NULL));
    T_NEAR(thr[0] / 4294967296.0, (sqrt(10.0) + 1) / 10, 1e-9);
    T_EQ(thr[1], W2V_SUBSAMPLE_ALWAYS);
    T_EQ(w2v_subsample_build(thr, counts, 2, 1000000, -1, NULL), W2V_ERR_ARG);
    T_EQ(w2v_subsample_build(thr, counts, 2, 1000000, NAN, NULL), W2V_ERR_ARG);
}

static void test_rng(void)
{
    w2v_rng a = w2v_rng_seed(5, 0), b = w2v_rng_seed(5, 0), c = w2v_rng_seed(5, 1);
    T_TRUE(w2v_rng_next(&a) == w2v_rng_next(&b));
    T_TRUE(w2v_rng_next(&a) != w2v_rng_next(&c));
    uint64_t hist[5] = {0};
    for (int i = 0; i < 500000; i++)
        hist[w2v_rng_below(&a, 5)]++;
    for (int i = 0; i < 5; i++)
        T_NEAR(hist[i] / 500000.0, 0.2, 0.005);
    float lo = 1, hi = 0;
    for (int i = 0; i < 100000; i++) {
        float f = w2v_rng_float(&a);
        lo = f < lo ? f : lo;
        hi = f > hi ? f : hi;
    }
    T_TRUE(lo >= 0.0f && lo < 0.001f && hi < 1.0f && hi > 0.999f);
}

int main(void)
{
    test_alias_exact();
    test_alias_sampling();
    test_alias_errors();
    test_subsample();
    test_rng();
    return T_DONE();
}
