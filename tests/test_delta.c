/*
 * test_delta.c - the synchronisation arithmetic of a data-parallel job,
 * with N "processes" simulated in one: each changes some rows of its copy,
 * then the job marks, adds and applies as the MPI trainer does.  Checked:
 * SUM gives base + every change, MEAN the mean over the rows' touchers,
 * untouched rows are left alone, every copy ends equal, and changes made
 * while an exchange is in flight survive it and travel with the next one.
 */
#include "t.h"

#include <stdint.h>
#include <stdlib.h>

#include "train/delta.h"
#include "train/rng.h"

#define NP 3       /* processes */
#define R 40       /* rows */
#define D 7        /* used floats a row */
#define STRIDE 16

typedef struct {
    float live[R * STRIDE], base[R * STRIDE];
    uint16_t touched[R];
    float own[R * W2V_DELTA_ROW(D)];
} proc;

static float uniform(w2v_rng *g)
{
    return (float)(w2v_rng_next(g) >> 40) / (float)(1u << 24) - 0.5f;
}

/* A synchronisation in two halves, as the MPI job runs it: mark and pack
 * (count as an allreduce gives it), then add up and apply; between them
 * the workers may go on changing rows. */
typedef struct {
    uint16_t count[R];
    float sum[R * W2V_DELTA_ROW(D)];
    size_t rows;
} round_state;

static size_t mark_and_pack(proc *p, round_state *rs)
{
    memset(rs, 0, sizeof *rs);
    for (int i = 0; i < NP; i++) {
        w2v_delta_touched(p[i].live, p[i].base, R, D, STRIDE, p[i].touched);
        for (size_t r = 0; r < R; r++)
            rs->count[r] += p[i].touched[r];
    }
    for (int i = 0; i < NP; i++)
        rs->rows = w2v_delta_pack(p[i].live, p[i].base, R, D, STRIDE, rs->count, p[i].own);
    return rs->rows;
}

static void add_and_apply(proc *p, round_state *rs, w2v_delta_mode mode)
{
    for (int i = 0; i < NP; i++)
        for (size_t k = 0; k < rs->rows * W2V_DELTA_ROW(D); k++)
            rs->sum[k] += p[i].own[k];
    for (int i = 0; i < NP; i++)
        w2v_delta_apply(p[i].live, p[i].base, R, D, STRIDE, rs->count, rs->sum, p[i].own, mode);
}

/* One synchronisation of all processes. */
static size_t sync_all(proc *p, w2v_delta_mode mode)
{
    static round_state rs;
    size_t rows = mark_and_pack(p, &rs);
    add_and_apply(p, &rs, mode);
    return rows;
}

static void start(proc *p, w2v_rng *g)
{
    for (size_t k = 0; k < R * STRIDE; k++)
        p[0].live[k] = k % STRIDE < D ? uniform(g) : 0.0f;
    memcpy(p[0].base, p[0].live, sizeof p[0].live);
    for (int i = 1; i < NP; i++)
        p[i] = p[0];
}

/* Process i changes row r by a random vector; the change is also added to want. */
static void change(proc *p, int i, size_t r, w2v_rng *g, double *want, double scale)
{
    for (size_t d = 0; d < D; d++) {
        float x = uniform(g);
        p[i].live[r * STRIDE + d] += x;
        if (want)
            want[r * STRIDE + d] += scale * x;
    }
}

static void test_modes(w2v_delta_mode mode)
{
    static proc p[NP];
    static double want[R * STRIDE];
    w2v_rng g = w2v_rng_seed(7, (uint64_t)mode);
    start(p, &g);
    for (size_t k = 0; k < R * STRIDE; k++)
        want[k] = p[0].base[k];
    /* Row r is changed by the processes whose bit is set in r % 8: rows with
     * no toucher, one, two and all three. */
    for (size_t r = 0; r < R; r++) {
        int k = __builtin_popcount((unsigned)(r % 8));
        for (int i = 0; i < NP; i++)
            if (r % 8 >> i & 1)
                change(p, i, r, &g, want, mode == W2V_DELTA_MEAN ? 1.0 / k : 1.0);
    }
    size_t rows = sync_all(p, mode);
    T_EQ(rows, R / 8 * 7);
    int equal = 1, synced = 1, right = 1, pad = 1;
    for (int i = 0; i < NP; i++)
        for (size_t k = 0; k < R * STRIDE; k++) {
            equal &= p[i].live[k] == p[0].live[k];
            synced &= p[i].live[k] == p[i].base[k];
            right &= fabs(p[i].live[k] - want[k]) < 1e-5;
            pad &= k % STRIDE < D || p[i].live[k] == 0.0f;
        }
    T_TRUE(equal);
    T_TRUE(synced);
    T_TRUE(right);
    T_TRUE(pad);
    /* Untouched rows are bit-for-bit what they were. */
    T_EQ(memcmp(p[0].live, p[1].base, STRIDE * sizeof(float)), 0);
}

/* Changes made between pack and apply (workers running during the
 * exchange) survive it and arrive everywhere with the next sync. */
static void test_in_flight(void)
{
    static proc p[NP];
    static double want[R * STRIDE];
    w2v_rng g = w2v_rng_seed(9, 0);
    start(p, &g);
    for (size_t k = 0; k < R * STRIDE; k++)
        want[k] = p[0].base[k];
    for (int i = 0; i < NP; i++)
        change(p, i, (size_t)i, &g, want, 1.0);
    static round_state rs;
    T_EQ(mark_and_pack(p, &rs), NP);
    change(p, 0, 0, &g, want, 1.0);  /* in flight: a touched row */
    change(p, 1, 20, &g, want, 1.0); /* and an untouched one */
    add_and_apply(p, &rs, W2V_DELTA_SUM);
    T_TRUE(memcmp(p[0].live, p[0].base, STRIDE * sizeof(float)) != 0);
    T_EQ(w2v_delta_touched(p[1].live, p[1].base, R, D, STRIDE, p[1].touched), 1);
    T_EQ(sync_all(p, W2V_DELTA_SUM), 2);
    int right = 1;
    for (int i = 0; i < NP; i++)
        for (size_t k = 0; k < R * STRIDE; k++)
            right &= fabs(p[i].live[k] - want[k]) < 1e-5 && p[i].live[k] == p[i].base[k];
    T_TRUE(right);
}

/* A row whose change cancels to the same bits counts as untouched; -0
 * against +0 counts as touched (bit comparison). */
static void test_touched_bits(void)
{
    float live[2 * STRIDE] = {0}, base[2 * STRIDE] = {0};
    uint16_t t[2];
    T_EQ(w2v_delta_touched(live, base, 2, D, STRIDE, t), 0);
    live[STRIDE + 3] = -0.0f;
    T_EQ(w2v_delta_touched(live, base, 2, D, STRIDE, t), 1);
    T_EQ(t[0], 0);
    T_EQ(t[1], 1);
    live[STRIDE + 3] = 0.0f;
    live[STRIDE + D] = 5.0f; /* padding is not compared */
    T_EQ(w2v_delta_touched(live, base, 2, D, STRIDE, t), 0);
}

/* AUTO: agreeing changes move a row W2V_DELTA_AUTO_GAIN times their mean,
 * opposite ones combine as their sum, and the step always lies between
 * MEAN's and SUM's. */
static void test_auto(void)
{
    static proc p[NP];
    w2v_rng g = w2v_rng_seed(11, 0);
    start(p, &g);
    float x[D];
    for (size_t d = 0; d < D; d++)
        x[d] = uniform(&g);
    for (int i = 0; i < NP; i++)
        for (size_t d = 0; d < D; d++) {
            p[i].live[0 * STRIDE + d] += x[d];                  /* row 0: all agree */
            p[i].live[1 * STRIDE + d] += i == 0 ? x[d] : i == 1 ? -x[d] : 0.0f; /* cancel */
        }
    for (size_t r = 2; r < R; r++) /* the rest: random changes by all */
        for (int i = 0; i < NP; i++)
            change(p, i, r, &g, NULL, 1.0);
    static proc q[NP];
    memcpy(q, p, sizeof p);
    float before[R * STRIDE];
    memcpy(before, p[0].base, sizeof before);
    sync_all(p, W2V_DELTA_AUTO);
    int agree = 1, cancel = 1, between = 1;
    for (size_t d = 0; d < D; d++) {
        agree &= fabs(p[0].live[d] - (before[d] + W2V_DELTA_AUTO_GAIN * x[d])) < 1e-5;
        cancel &= fabs(p[0].live[STRIDE + d] - before[STRIDE + d]) < 1e-5;
    }
    sync_all(q, W2V_DELTA_MEAN);
    for (size_t r = 2; r < R; r++) {
        double auto_step = 0, mean_step = 0, dot = 0;
        for (size_t d = 0; d < D; d++) {
            double a = p[0].live[r * STRIDE + d] - before[r * STRIDE + d];
            double m = q[0].live[r * STRIDE + d] - before[r * STRIDE + d];
            auto_step += a * a;
            mean_step += m * m;
            dot += a * m;
        }
        /* the same direction, at least MEAN's length, at most NP times it */
        between &= dot > 0 && auto_step >= mean_step * (1 - 1e-4) &&
                   auto_step <= NP * NP * mean_step * (1 + 1e-4);
    }
    T_TRUE(agree);
    T_TRUE(cancel);
    T_TRUE(between);
}

int main(void)
{
    test_auto();
    test_modes(W2V_DELTA_SUM);
    test_modes(W2V_DELTA_MEAN);
    test_in_flight();
    test_touched_bits();
    return T_DONE();
}
