/*
 * bench-kernel.c - the training kernels alone, one thread, per centre word:
 * rows in cache (the FMA-bound cost) against rows drawn at random from a
 * matrix the size of enwiki8's (V = 68k words at D = 300: 82 MB a matrix,
 * beyond the caches), with and without prefetching the next call's rows.
 * The gap between the two is the memory stall the trainer must hide.
 *
 *   scripts/bench-kernel.sh [CALLS]    (builds it against build/libw2v.a)
 *   build/bench-kernel CALLS hot       in-cache runs only (for callgrind's
 *                                      instruction counts per call)
 *
 * Shapes: C = 6 contexts (window 5 shrunk at random: 2 x 3 on average),
 * T = 6 targets (NEG-5), L = 18 Huffman nodes (about the mean code length of
 * the centre words kept by -sample 1e-4 on enwiki8), D = 304 (300 padded).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cpu.h"
#include "train/kernels/hs_cbow.h"
#include "train/kernels/sgns.h"
#include "train/rng.h"

#define D 304
#define NC 6
#define NT 6
#define NL 18
#define V 68000

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *matrix(size_t rows, w2v_rng *r)
{
    float *m = aligned_alloc(64, rows * D * sizeof *m);
    for (size_t i = 0; i < rows * D; i++)
        m[i] = (w2v_rng_float(r) - 0.5f) * 0.01f;
    return m;
}

/* Into L2, as the trainer does (train.c, prefetch_row: prefetcht0 filled
 * L1's miss buffers and stalled the thread). */
static void prefetch(const float *row)
{
    for (size_t d = 0; d < D; d += 16)
        __builtin_prefetch(row + d, 1, 2);
}

enum { SGNS, HS, HS_PAIR, CBOW };

/* ns per call of kernel `which` over n calls; rows from `rows` rows of in
 * and out (rows small: in cache), prefetching the next call's if pf. */
static double run(int which, size_t rows, int pf, size_t n, float *in, float *out)
{
    w2v_rng r = w2v_rng_seed(1, which * 10 + pf);
    w2v_sgns_kernels k = w2v_sgns_select(0);
    w2v_hs_cbow_kernels hk = w2v_hs_cbow_select(0);
    static float scratch[(NC + NT + NL) * (D + NT + NL + 2 * NC)];
    size_t ny = which == HS || which == HS_PAIR ? NL : NT;
    float *x[2][NC], *y[2][NL];
    int cur = 0;
    for (int b = 0; b < 2; b++) {
        for (size_t c = 0; c < NC; c++)
            x[b][c] = in + (size_t)w2v_rng_below(&r, (uint32_t)rows) * D;
        for (size_t t = 0; t < ny; t++)
            y[b][t] = out + (size_t)w2v_rng_below(&r, (uint32_t)rows) * D;
    }
    double t0 = now();
    for (size_t i = 0; i < n; i++) {
        int nx = cur ^ 1;
        /* the next call: one new context row (the window slides), new targets */
        for (size_t c = 0; c + 1 < NC; c++)
            x[nx][c] = x[cur][c + 1];
        x[nx][NC - 1] = in + (size_t)w2v_rng_below(&r, (uint32_t)rows) * D;
        for (size_t t = 0; t < ny; t++)
            y[nx][t] = out + (size_t)w2v_rng_below(&r, (uint32_t)rows) * D;
        if (pf) {
            prefetch(x[nx][NC - 1]);
            for (size_t t = 0; t < ny; t++)
                prefetch(y[nx][t]);
        }
        if (which == SGNS) {
            k.batch(x[cur], NC, y[cur], NT, D, 0.01f, scratch, NULL);
        } else if (which == HS) {
            hk.sg_hs_batch(x[cur], NC, y[cur], 0x2D5A3ull, NL, D, 0.01f, scratch, NULL);
        } else if (which == HS_PAIR) {
            w2v_out_rows o = {.path = y[cur], .code = 0x2D5A3ull, .L = NL};
            for (size_t c = 0; c < NC; c++)
                hk.sg_step(x[cur][c], &o, D, 0.01f, scratch, NULL);
        } else {
            w2v_out_rows o = {.ns = y[cur], .T = NT};
            hk.cbow_step(x[cur], NC, &o, D, 0.01f, scratch, NULL);
        }
        cur = nx;
    }
    return (now() - t0) / (double)n * 1e9;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;
    int hot_only = argc > 2 && !strcmp(argv[2], "hot"); /* for callgrind: no big matrices */
    w2v_rng r = w2v_rng_seed(7, 0);
    float *in = matrix(V, &r), *out = matrix(V, &r);
    printf("kernels: %s, D %d, NC %d, NT %d, NL %d, %zu calls each\n",
           w2v_cpu_has_avx2() ? "avx2" : "scalar", D, NC, NT, NL, n);
    printf("%-22s %12s %14s %14s %10s\n", "kernel", "in cache ns", "random rows ns",
           "+ prefetch ns", "GFLOP/s*");
    static const char *name[] = {"skip-gram NS batch", "skip-gram HS batch", "skip-gram HS pairs",
                                 "CBOW NS step"};
    for (int which = SGNS; which <= CBOW; which++) {
        if (!hot_only)
            run(which, 64, 0, n / 10, in, out); /* warm up */
        double hot = run(which, 64, 0, n, in, out);
        double cold = hot_only ? 0 : run(which, V, 0, n, in, out);
        double pf = hot_only ? 0 : run(which, V, 1, n, in, out);
        /* flops of the matrix products: 3 of NC x NT x D for a batch; CBOW:
         * mean NC x D, scores and update 3 x NT x D, scatter NC x D */
        double flops = which == CBOW ? 2.0 * (2 * NC * D + 3 * NT * D)
                                     : 2.0 * 3 * NC * (which == SGNS ? NT : NL) * D;
        printf("%-22s %12.0f %14.0f %14.0f %10.1f\n", name[which], hot, cold, pf, flops / hot);
    }
    printf("* at the in-cache time\n");
    free(in);
    free(out);
    return 0;
}
