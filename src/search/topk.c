/*
 * topk.c - exact top-k by dot product over threads (search.h, w2v_topk).
 *
 * Shape legend: Q queries, N documents, D dimension, k answers per query;
 * T documents per tile, QC queries per chunk.
 *
 * DESIGN: every score is computed (exact search: no index structure, no
 * approximation), so the work is Q N D multiply-adds and the question is
 * only how close to the product's peak it runs.  Each thread owns one
 * contiguous range of documents and walks it tile by tile; a tile of T
 * document rows (T * D * 4 bytes: 300 KB at D = 300, inside L2) is read
 * from memory (or the page cache, through the mapping) once and multiplied
 * with every query, QC queries at a time, by the evaluator's blocked
 * product (eval/gemm.h), into a QC x T score block that stays in L1/L2.
 * Each query keeps a min-heap of its k best (score, doc) in this thread; a
 * score enters only when it beats the heap's root, which after the first
 * tiles is rare, so the scan of the score block is a compare per element.
 * At the end the threads' heaps are merged per query and sorted: score
 * descending, ties to the lower document.
 *
 * The product computes rows in groups of 4 and the rows left over another
 * way (the same sum, its terms added in another order), so a query's scores
 * would depend, in their last bit, on its place in the batch, and a near tie
 * could rank differently alone than in a batch.  The queries are therefore
 * copied into a zero-padded block of a multiple of 4 rows: every query goes
 * through the 4-row path and gets the same scores in any batch, with any
 * number of threads (tests/test_search.c holds this).  A thread sees its documents in
 * increasing order, so a later equal score never displaces an earlier one,
 * which is exactly that order.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "eval/gemm.h"
#include "w2v/search.h"

#define TILE_DOCS 256
#define QUERY_CHUNK 64
#define MAX_THREADS 256

/* worse(a, b): a ranks below b (lower score, or equal score and higher doc) */
static int worse(const w2v_doc_hit *a, const w2v_doc_hit *b)
{
    return a->score < b->score || (a->score == b->score && a->doc > b->doc);
}

static void sift_down(w2v_doc_hit *h, size_t n, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && worse(&h[l], &h[m]))
            m = l;
        if (r < n && worse(&h[r], &h[m]))
            m = r;
        if (m == i)
            return;
        w2v_doc_hit t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

static void sift_up(w2v_doc_hit *h, size_t i)
{
    while (i) {
        size_t p = (i - 1) / 2;
        if (!worse(&h[i], &h[p]))
            return;
        w2v_doc_hit t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

typedef struct {
    const float *q, *X;
    size_t Q, Qp, D, k, n0, n1; /* Qp: Q padded to a multiple of 4 rows */
    w2v_doc_hit *heaps;   /* Q x k */
    size_t *fill;     /* Q */
    float *scores;    /* QUERY_CHUNK x TILE_DOCS */
} topk_job;

static void *topk_range(void *arg)
{
    topk_job *j = arg;
    size_t D = j->D, k = j->k;
    for (size_t t0 = j->n0; t0 < j->n1; t0 += TILE_DOCS) {
        size_t T = j->n1 - t0 < TILE_DOCS ? j->n1 - t0 : TILE_DOCS;
        const float *tile = j->X + t0 * D;
        for (size_t c0 = 0; c0 < j->Q; c0 += QUERY_CHUNK) {
            size_t C = j->Qp - c0 < QUERY_CHUNK ? j->Qp - c0 : QUERY_CHUNK;
            w2v_gemm_nt(C, T, D, j->q + c0 * D, D, tile, D, j->scores, TILE_DOCS);
            if (c0 + C > j->Q)
                C = j->Q - c0; /* the padding rows are not queries */
            for (size_t r = 0; r < C; r++) {
                w2v_doc_hit *h = j->heaps + (c0 + r) * k;
                size_t *n = &j->fill[c0 + r];
                const float *s = j->scores + r * TILE_DOCS;
                float floor = *n == k ? h[0].score : -INFINITY;
                for (size_t d = 0; d < T; d++) {
                    if (!(s[d] > floor) || !isfinite(s[d]))
                        continue; /* also the NaN of a hostile file */
                    w2v_doc_hit x = {.doc = t0 + d, .score = s[d]};
                    if (*n < k) {
                        h[*n] = x;
                        sift_up(h, (*n)++);
                        if (*n == k)
                            floor = h[0].score;
                    } else {
                        h[0] = x;
                        sift_down(h, k, 0);
                        floor = h[0].score;
                    }
                }
            }
        }
    }
    return NULL;
}

static int by_rank(const void *a, const void *b)
{
    const w2v_doc_hit *x = a, *y = b;
    return worse(y, x) ? -1 : worse(x, y) ? 1 : 0;
}

static void fill_empty(w2v_doc_hit *out, size_t from, size_t k)
{
    for (size_t i = from; i < k; i++)
        out[i] = (w2v_doc_hit){.doc = UINT64_MAX, .score = -INFINITY};
}

w2v_status w2v_topk(const float *q, size_t Q, const float *X, size_t N, size_t D, size_t k,
                    unsigned threads, w2v_doc_hit *out, w2v_error *err)
{
    if (k == 0)
        return w2v_error_set(err, W2V_ERR_ARG, "k must be at least 1");
    if (Q == 0)
        return W2V_OK;
    if (threads == 0)
        threads = 1;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    size_t tiles = (N + TILE_DOCS - 1) / TILE_DOCS;
    if (threads > tiles)
        threads = tiles ? (unsigned)tiles : 1;
    if (k > N && N > 0 && Q > SIZE_MAX / k)
        return w2v_error_set(err, W2V_ERR_NOMEM, "too many answers asked for");
    size_t kk = k < N ? k : (N ? N : 1); /* heap size */
    topk_job *jobs = calloc(threads, sizeof *jobs);
    pthread_t *tids = calloc(threads, sizeof *tids);
    w2v_doc_hit *merge = malloc(threads * kk * sizeof *merge);
    size_t Qp = (Q + 3) / 4 * 4;
    float *qp = Q <= SIZE_MAX / sizeof(float) / D - 4 ? calloc(Qp * D, sizeof *qp) : NULL;
    w2v_status st = W2V_OK;
    if (!jobs || !tids || !merge || !qp || Q > SIZE_MAX / sizeof(w2v_doc_hit) / kk)
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    else
        memcpy(qp, q, Q * D * sizeof *qp);
    for (unsigned t = 0; !st && t < threads; t++) {
        /* ranges cut on tile boundaries, so only the last tile is short */
        jobs[t] = (topk_job){.q = qp, .X = X, .Q = Q, .Qp = Qp, .D = D, .k = kk,
                             .n0 = tiles * t / threads * TILE_DOCS,
                             .n1 = tiles * (t + 1) / threads * TILE_DOCS};
        if (jobs[t].n1 > N)
            jobs[t].n1 = N;
        if (!(jobs[t].heaps = malloc(Q * kk * sizeof(w2v_doc_hit))) ||
            !(jobs[t].fill = calloc(Q, sizeof(size_t))) ||
            !(jobs[t].scores = malloc(QUERY_CHUNK * TILE_DOCS * sizeof(float))))
            st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for %zu x %zu answers", Q, k);
    }
    unsigned started = 0;
    if (!st) {
        for (unsigned t = 1; t < threads; t++) {
            if (pthread_create(&tids[t], NULL, topk_range, &jobs[t]) != 0) {
                st = w2v_error_set(err, W2V_ERR_THREAD, "cannot start a search thread");
                break;
            }
            started = t;
        }
        if (!st)
            topk_range(&jobs[0]);
        for (unsigned t = 1; t <= started; t++)
            pthread_join(tids[t], NULL);
    }
    for (size_t i = 0; !st && i < Q; i++) {
        size_t m = 0;
        for (unsigned t = 0; t < threads; t++) {
            memcpy(merge + m, jobs[t].heaps + i * kk, jobs[t].fill[i] * sizeof *merge);
            m += jobs[t].fill[i];
        }
        qsort(merge, m, sizeof *merge, by_rank);
        size_t take = m < k ? m : k;
        memcpy(out + i * k, merge, take * sizeof *merge);
        fill_empty(out + i * k, take, k);
    }
    for (unsigned t = 0; jobs && t < threads; t++) {
        free(jobs[t].heaps);
        free(jobs[t].fill);
        free(jobs[t].scores);
    }
    free(jobs);
    free(tids);
    free(merge);
    free(qp);
    return st;
}

w2v_status w2v_topk_ref(const float *q, size_t Q, const float *X, size_t N, size_t D, size_t k,
                        w2v_doc_hit *out, w2v_error *err)
{
    if (k == 0)
        return w2v_error_set(err, W2V_ERR_ARG, "k must be at least 1");
    w2v_doc_hit *all = malloc((N ? N : 1) * sizeof *all);
    if (!all)
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < Q; i++) {
        size_t m = 0;
        for (size_t d = 0; d < N; d++) {
            float s = 0;
            for (size_t j = 0; j < D; j++)
                s += q[i * D + j] * X[d * D + j];
            if (isfinite(s))
                all[m++] = (w2v_doc_hit){.doc = d, .score = s};
        }
        qsort(all, m, sizeof *all, by_rank);
        size_t take = m < k ? m : k;
        memcpy(out + i * k, all, take * sizeof *all);
        fill_empty(out + i * k, take, k);
    }
    free(all);
    return W2V_OK;
}
