/*
 * pc.c - the first principal component of a set of embeddings, its
 * removal, and its file (search.h).
 *
 * Shape legend: N rows, D dimension, B rows per block.
 *
 * DESIGN: Arora et al. take the top singular vector of the uncentred matrix
 * X (N x D), i.e. the top eigenvector of C = X^T X.  C is formed once, by
 * blocks of B rows: a block is transposed (D x B) and handed to the
 * evaluator's blocked product, w2v_gemm_nt(D, D, B), whose float sums over
 * B rows are added into a double C; threads take interleaved blocks, each
 * with its own C.  That is N D^2 multiply-adds (1M x 300: 9e10, about 2 s on
 * two cores) and D^2 doubles, against N D per step for power iteration on X
 * itself, which for the small eigenvalue gaps of real embeddings needs
 * dozens of passes over a matrix that may not fit in cache.  The top
 * eigenvector of C then comes from C^(2^SQUARINGS) (repeated squaring,
 * scaled, D^3 each) followed by power iteration, which converges fast
 * because squaring has widened the gap: lambda2/lambda1 becomes its 64th
 * power.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "eval/gemm.h"
#include "w2v/search.h"

#define BLOCK_ROWS 256
#define SQUARINGS 6
#define MAX_POWER_STEPS 10000
#define MAX_THREADS 64
/* unit-length check when loading a component from a file */
#define UNIT_TOL 1e-3

typedef struct {
    const float *X;
    size_t N, D, t, nt;
    double *C;   /* D x D, this thread's sum */
    int nomem;
} gram_job;

static void *gram_part(void *arg)
{
    gram_job *g = arg;
    size_t D = g->D;
    float *T = malloc(D * BLOCK_ROWS * sizeof *T), *P = malloc(D * D * sizeof *P);
    if (!T || !P) {
        g->nomem = 1;
        free(T);
        free(P);
        return NULL;
    }
    for (size_t b0 = g->t * BLOCK_ROWS; b0 < g->N; b0 += g->nt * BLOCK_ROWS) {
        size_t B = g->N - b0 < BLOCK_ROWS ? g->N - b0 : BLOCK_ROWS;
        for (size_t i = 0; i < B; i++)
            for (size_t j = 0; j < D; j++)
                T[j * B + i] = g->X[(b0 + i) * D + j];
        w2v_gemm_nt(D, D, B, T, B, T, B, P, D);
        for (size_t j = 0; j < D * D; j++)
            g->C[j] += P[j];
    }
    free(T);
    free(P);
    return NULL;
}

/* C = A * A for symmetric D x D A, scaled so that its largest entry is 1. */
static void square_scaled(const double *A, double *C, size_t D)
{
    double m = 0;
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < D; j++) {
            double s = 0;
            for (size_t k = 0; k < D; k++)
                s += A[i * D + k] * A[j * D + k]; /* A symmetric: row j = column j */
            C[i * D + j] = s;
            if (fabs(s) > m)
                m = fabs(s);
        }
    if (m > 0)
        for (size_t i = 0; i < D * D; i++)
            C[i] /= m;
}

w2v_status w2v_pc_compute(const float *X, size_t N, size_t D, float *pc, w2v_error *err)
{
    if (N == 0 || D == 0)
        return w2v_error_set(err, W2V_ERR_EMPTY, "no vectors to take a component from");
    unsigned nt = 2;
    size_t blocks = (N + BLOCK_ROWS - 1) / BLOCK_ROWS;
    if (nt > blocks)
        nt = (unsigned)blocks;
    double *C = calloc(D * D * nt, sizeof *C), *S = malloc(D * D * sizeof *S);
    double *v = malloc(D * sizeof *v), *w = malloc(D * sizeof *w);
    gram_job jobs[MAX_THREADS];
    pthread_t tids[MAX_THREADS];
    w2v_status st = W2V_OK;
    if (!C || !S || !v || !w) {
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for a %zu x %zu matrix", D, D);
        goto done;
    }
    unsigned started = 0;
    for (unsigned t = 0; t < nt; t++) {
        jobs[t] = (gram_job){.X = X, .N = N, .D = D, .t = t, .nt = nt, .C = C + t * D * D};
        if (t && pthread_create(&tids[t], NULL, gram_part, &jobs[t]) == 0)
            started = t;
        else if (t)
            jobs[t].nt = 0; /* not started: folded into thread 0 below */
    }
    if (started + 1 < nt) { /* a thread failed to start: thread 0 does it all */
        for (unsigned t = 1; t <= started; t++)
            pthread_join(tids[t], NULL);
        memset(C, 0, D * D * nt * sizeof *C);
        jobs[0].nt = 1;
        started = 0;
    }
    gram_part(&jobs[0]);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    for (unsigned t = 0; t <= started; t++)
        if (jobs[t].nomem) {
            st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
            goto done;
        }
    for (unsigned t = 1; t <= started; t++)
        for (size_t i = 0; i < D * D; i++)
            C[i] += C[t * D * D + i];
    /* symmetrise (the float blocks agree to rounding only) */
    for (size_t i = 0; i < D; i++)
        for (size_t j = 0; j < i; j++)
            C[i * D + j] = C[j * D + i] = 0.5 * (C[i * D + j] + C[j * D + i]);
    double trace = 0;
    for (size_t i = 0; i < D; i++)
        trace += C[i * D + i];
    if (!(trace > 0) || !isfinite(trace)) {
        st = w2v_error_set(err, W2V_ERR_EMPTY,
                           "every vector is zero: there is no component to remove");
        goto done;
    }
    /* M = C^(2^SQUARINGS), scaled; ping-pong between S and C */
    double *A = C, *B = S;
    for (int s = 0; s < SQUARINGS; s++) {
        square_scaled(A, B, D);
        double *t = A;
        A = B;
        B = t;
    }
    /* start from the column of C with the largest diagonal entry of M */
    size_t jmax = 0;
    for (size_t i = 1; i < D; i++)
        if (A[i * D + i] > A[jmax * D + jmax])
            jmax = i;
    for (size_t i = 0; i < D; i++)
        v[i] = A[i * D + jmax];
    for (int step = 0; step < MAX_POWER_STEPS; step++) {
        double n = 0, diff = 0;
        for (size_t i = 0; i < D; i++) {
            double s = 0;
            for (size_t k = 0; k < D; k++)
                s += A[i * D + k] * v[k];
            w[i] = s;
            n += s * s;
        }
        n = sqrt(n);
        if (!(n > 0))
            break;
        for (size_t i = 0; i < D; i++) {
            w[i] /= n;
            diff += (w[i] - v[i]) * (w[i] - v[i]);
        }
        memcpy(v, w, D * sizeof *v);
        if (diff < 1e-18)
            break;
    }
    size_t big = 0;
    for (size_t i = 1; i < D; i++)
        if (fabs(v[i]) > fabs(v[big]))
            big = i;
    double sign = v[big] < 0 ? -1.0 : 1.0, n2 = 0;
    for (size_t i = 0; i < D; i++)
        n2 += v[i] * v[i];
    n2 = sqrt(n2);
    for (size_t i = 0; i < D; i++)
        pc[i] = (float)(sign * v[i] / n2);
done:
    free(C);
    free(S);
    free(v);
    free(w);
    return st;
}

void w2v_pc_remove(float *X, size_t N, size_t D, const float *pc)
{
    for (size_t i = 0; i < N; i++) {
        float *x = X + i * D;
        double p = 0;
        for (size_t j = 0; j < D; j++)
            p += (double)x[j] * pc[j];
        for (size_t j = 0; j < D; j++)
            x[j] = (float)(x[j] - p * pc[j]);
    }
}

void w2v_rows_normalize(float *X, size_t N, size_t D)
{
    for (size_t i = 0; i < N; i++) {
        float *x = X + i * D;
        double s = 0;
        for (size_t j = 0; j < D; j++)
            s += (double)x[j] * x[j];
        if (s > 0) {
            double inv = 1.0 / sqrt(s);
            for (size_t j = 0; j < D; j++)
                x[j] = (float)(x[j] * inv);
        }
    }
}

w2v_status w2v_pc_save(const char *path, const float *pc, size_t D, w2v_error *err)
{
    const char *key[] = {"pc"};
    return w2v_vectors_write(path, 0, 1, D, key, pc, D, err);
}

w2v_status w2v_pc_load(const char *path, float *pc, size_t D, w2v_error *err)
{
    w2v_vectors *v;
    w2v_status st = w2v_vectors_read(path, W2V_FORMAT_AUTO, 0, &v, err);
    if (st)
        return st;
    if (v->V != 1 || v->D != D) {
        st = w2v_error_set(err, W2V_ERR_FORMAT,
                           "%s: a component file holds one vector of %zu values "
                           "(this one: %zu x %zu)", path, D, v->V, v->D);
    } else {
        double s = 0;
        for (size_t j = 0; j < D; j++)
            s += (double)v->vecs[j] * v->vecs[j];
        if (fabs(sqrt(s) - 1.0) > UNIT_TOL)
            st = w2v_error_set(err, W2V_ERR_FORMAT,
                               "%s: the component has length %g, not 1", path, sqrt(s));
        else
            memcpy(pc, v->vecs, D * sizeof *pc);
    }
    w2v_vectors_free(v);
    return st;
}
