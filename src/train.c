/*
 * train.c - the Hogwild driver: shards, threads, schedule, progress.
 *
 * See train.h for the concurrency design.  A worker walks its shard of the
 * id stream one span at a time: a run of at most W2V_TRAIN_SPAN corpus
 * words up to a sentence end, sub-sampled as it is read (so windows reach
 * past discarded words, as in word2vec.c and gensim).  Within a span every
 * kept word is a centre; its window is shrunk to window - b, b uniform in
 * [0, window), and the kernel gets the context rows (inputs) and the centre
 * plus K noise words (targets).
 */
#include "w2v/train.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "w2v/noise.h"
#include "w2v/rng.h"
#include "w2v/sgns.h"
#include "w2v/subsample.h"

#define MIN_ALPHA_RATIO 1e-4

typedef struct {
    const w2v_corpus *corpus;
    w2v_model *model;
    const w2v_train_opts *opts;
    w2v_noise noise;
    uint32_t *keep;          /* sub-sampling thresholds, per word */
    w2v_sgns_kernels kern;
    uint64_t words_total;    /* epochs x corpus words */
    alignas(64) atomic_uint_fast64_t done;  /* own cache line: every thread adds to it */
    alignas(64) atomic_uint finished;
    atomic_int abort;        /* set when start-up failed half way */
} shared;

typedef struct {
    alignas(64) shared *sh;
    unsigned id;
    size_t begin, end;       /* shard of corpus->ids */
    w2v_rng rng;
    uint32_t *span;          /* W2V_TRAIN_SPAN kept ids */
    float **x, **y, **y_next; /* row pointers handed to the kernels */
    float *scratch;
    uint64_t trained;
    pthread_t thread;
    int started;
} worker;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double alpha_at(const shared *sh, uint64_t done)
{
    double p = sh->words_total ? (double)done / (double)sh->words_total : 1.0;
    double f = 1.0 - p;
    return sh->opts->alpha * (f > MIN_ALPHA_RATIO ? f : MIN_ALPHA_RATIO);
}

w2v_train_opts w2v_train_opts_default(void)
{
    return (w2v_train_opts){
        .window = 5, .negative = 5, .epochs = 5, .threads = 1, .alpha = 0.025,
        .sample = 1e-3, .seed = 1, .kernel = W2V_KERNEL_BATCH, .progress_every = 1.0,
    };
}

w2v_status w2v_train_check(const w2v_train_opts *o, w2v_error *err)
{
    if (o->window < 1 || o->window > W2V_TRAIN_MAX_WINDOW)
        return w2v_error_set(err, W2V_ERR_ARG, "window %u outside 1..%d", o->window,
                             W2V_TRAIN_MAX_WINDOW);
    if (o->negative < 1 || o->negative > W2V_TRAIN_MAX_NEGATIVE)
        return w2v_error_set(err, W2V_ERR_ARG, "negative %u outside 1..%d", o->negative,
                             W2V_TRAIN_MAX_NEGATIVE);
    if (o->epochs < 1)
        return w2v_error_set(err, W2V_ERR_ARG, "epochs must be at least 1");
    if (o->threads < 1 || o->threads > W2V_TRAIN_MAX_THREADS)
        return w2v_error_set(err, W2V_ERR_ARG, "threads %u outside 1..%d", o->threads,
                             W2V_TRAIN_MAX_THREADS);
    if (!(o->alpha > 0 && o->alpha <= 10))
        return w2v_error_set(err, W2V_ERR_ARG, "alpha %g outside (0, 10]", o->alpha);
    if (!(o->sample >= 0 && o->sample <= 1))
        return w2v_error_set(err, W2V_ERR_ARG, "sample %g outside [0, 1]", o->sample);
    if (o->kernel != W2V_KERNEL_BATCH && o->kernel != W2V_KERNEL_PAIR)
        return w2v_error_set(err, W2V_ERR_ARG, "unknown kernel %d", (int)o->kernel);
    return W2V_OK;
}

/* Draw the negatives for centre w into y[1..]; returns T (1 + kept negatives). */
static size_t draw_targets(worker *wk, uint32_t w, float **y)
{
    const shared *sh = wk->sh;
    size_t stride = sh->model->stride, T = 1;
    y[0] = sh->model->out + (size_t)w * stride;
    for (unsigned k = 0; k < sh->opts->negative; k++) {
        uint32_t neg = w2v_noise_draw(&sh->noise, &wk->rng);
        if (neg != w)
            y[T++] = sh->model->out + (size_t)neg * stride;
    }
    return T;
}

/* Ask for a row's cache lines ahead of use (it will be written). */
static inline void prefetch_row(const float *row, size_t D)
{
    for (size_t d = 0; d < D; d += 16)
        __builtin_prefetch(row + d, 1, 3);
}

static void train_span(worker *wk, const uint32_t *span, size_t n, float alpha)
{
    const shared *sh = wk->sh;
    const w2v_model *m = sh->model;
    /* Kernels run over D rounded up to 8: rows are padded to the stride with
     * zeros that stay zero (0 + g * 0), so the SIMD loops need no tail. */
    size_t D = (m->D + 7) & ~(size_t)7, stride = m->stride;
    unsigned window = sh->opts->window;
    int batch = sh->opts->kernel == W2V_KERNEL_BATCH;
    /* Batch mode runs one centre word ahead: the targets of word i + 1 are
     * drawn and their rows prefetched while word i trains, since the noise
     * words' rows are scattered over W_out and mostly not in cache. */
    float **y = wk->y, **y_next = wk->y_next;
    size_t T_next = batch ? draw_targets(wk, span[0], y_next) : 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t w = span[i];
        size_t win = window - w2v_rng_below(&wk->rng, window);
        size_t lo = i > win ? i - win : 0;
        size_t hi = i + win < n - 1 ? i + win : n - 1;
        if (batch) {
            float **swap = y;
            y = y_next;
            y_next = swap;
            size_t T = T_next;
            if (i + 1 < n) {
                T_next = draw_targets(wk, span[i + 1], y_next);
                for (size_t t = 0; t < T_next; t++)
                    prefetch_row(y_next[t], D);
                if (i + 1 + window < n)
                    prefetch_row(m->in + (size_t)span[i + 1 + window] * stride, D);
            }
            size_t C = 0;
            for (size_t j = lo; j <= hi; j++)
                if (j != i)
                    wk->x[C++] = m->in + (size_t)span[j] * stride;
            if (C > 0)
                sh->kern.batch(wk->x, C, y, T, D, alpha, wk->scratch);
        } else {
            for (size_t j = lo; j <= hi; j++) {
                if (j == i)
                    continue;
                size_t T = draw_targets(wk, w, wk->y);
                sh->kern.pair(m->in + (size_t)span[j] * stride, wk->y, T, D, alpha,
                              wk->scratch);
            }
        }
    }
}

static void *work(void *arg)
{
    worker *wk = arg;
    shared *sh = wk->sh;
    const uint32_t *ids = sh->corpus->ids;
    const uint32_t *keep = sh->keep;
    atomic_int *stop = sh->opts->stop;
    uint64_t pending = 0;
    float alpha = (float)alpha_at(sh, atomic_load(&sh->done));
    for (unsigned epoch = 0; epoch < sh->opts->epochs; epoch++) {
        size_t pos = wk->begin;
        while (pos < wk->end) {
            if (atomic_load_explicit(&sh->abort, memory_order_relaxed) ||
                (stop && atomic_load_explicit(stop, memory_order_relaxed)))
                goto out;
            size_t n = 0;
            uint64_t raw = 0;
            while (pos < wk->end && n < W2V_TRAIN_SPAN) {
                uint32_t id = ids[pos++];
                if (id == W2V_CORPUS_EOS)
                    break;
                raw++;
                uint32_t thr = keep[id];
                if (thr != W2V_SUBSAMPLE_ALWAYS && (uint32_t)w2v_rng_next(&wk->rng) >= thr)
                    continue;
                wk->span[n++] = id;
            }
            pending += raw;
            if (pending >= W2V_TRAIN_CHUNK) {
                uint64_t done = atomic_fetch_add(&sh->done, pending) + pending;
                pending = 0;
                alpha = (float)alpha_at(sh, done);
            }
            wk->trained += n;
            if (n > 1)
                train_span(wk, wk->span, n, alpha);
        }
    }
out:
    atomic_fetch_add(&sh->done, pending);
    atomic_fetch_add(&sh->finished, 1u);
    return NULL;
}

/* Shard i of n: equal shares of the stream, each end moved forward to just
 * past a sentence end when one is near (within a span), so few sentences
 * are split between threads. */
static size_t shard_cut(const w2v_corpus *c, unsigned i, unsigned n)
{
    if (i == 0)
        return 0;
    if (i >= n)
        return c->len;
    size_t pos = c->len / n * i + c->len % n * i / n;
    for (size_t k = 0; k < W2V_TRAIN_SPAN && pos + k < c->len; k++)
        if (c->ids[pos + k] == W2V_CORPUS_EOS)
            return pos + k + 1;
    return pos;
}

static void report(shared *sh, w2v_progress_fn fn, void *user, double t0)
{
    w2v_progress p = {0};
    p.words_done = atomic_load(&sh->done);
    p.words_total = sh->words_total;
    if (p.words_done > p.words_total)
        p.words_done = p.words_total;
    p.fraction = p.words_total ? (double)p.words_done / (double)p.words_total : 1.0;
    p.alpha = alpha_at(sh, p.words_done);
    p.elapsed = now() - t0;
    p.words_per_sec = p.elapsed > 0 ? (double)p.words_done / p.elapsed : 0.0;
    p.eta = p.words_per_sec > 0 ? (double)(p.words_total - p.words_done) / p.words_per_sec : 0.0;
    uint64_t per_epoch = sh->corpus->words ? sh->corpus->words : 1;
    p.epoch = (unsigned)(p.words_done / per_epoch) + 1;
    if (p.epoch > sh->opts->epochs)
        p.epoch = sh->opts->epochs;
    fn(&p, user);
}

static void free_workers(worker *wk, unsigned n)
{
    for (unsigned i = 0; wk && i < n; i++) {
        free(wk[i].span);
        free(wk[i].x);
        free(wk[i].y);
        free(wk[i].y_next);
        free(wk[i].scratch);
    }
    free(wk);
}

w2v_status w2v_train(const w2v_corpus *corpus, w2v_model *model, const w2v_train_opts *opts,
                     w2v_train_stats *stats, w2v_error *err)
{
    w2v_status st = w2v_train_check(opts, err);
    if (st)
        return st;
    size_t V = w2v_vocab_size(corpus->vocab);
    if (model->V != V)
        return w2v_error_set(err, W2V_ERR_ARG, "model has %zu rows for %zu words", model->V, V);
    shared *sh = aligned_alloc(64, (sizeof *sh + 63) / 64 * 64);
    uint64_t *counts = malloc(V * sizeof *counts);
    if (!sh || !counts) {
        free(sh);
        free(counts);
        return w2v_error_set(err, W2V_ERR_NOMEM, "training: out of memory");
    }
    memset(sh, 0, sizeof *sh);
    sh->corpus = corpus;
    sh->model = model;
    sh->opts = opts;
    sh->kern = w2v_sgns_select(opts->scalar_only);
    sh->words_total = corpus->words * opts->epochs;
    atomic_init(&sh->done, 0);
    atomic_init(&sh->finished, 0);
    atomic_init(&sh->abort, 0);
    for (size_t i = 0; i < V; i++)
        counts[i] = w2v_vocab_count(corpus->vocab, (uint32_t)i);
    sh->keep = malloc(V * sizeof *sh->keep);
    st = sh->keep ? w2v_subsample_build(sh->keep, counts, V, corpus->words, opts->sample, err)
                  : w2v_error_set(err, W2V_ERR_NOMEM, "training: out of memory");
    if (!st)
        st = w2v_noise_build(&sh->noise, counts, V, 0.75, err);
    free(counts);

    unsigned nt = opts->threads;
    worker *wk = st ? NULL : aligned_alloc(64, sizeof *wk * nt);
    if (!st && !wk)
        st = w2v_error_set(err, W2V_ERR_NOMEM, "training: out of memory");
    if (wk)
        memset(wk, 0, sizeof *wk * nt);
    size_t rows = 2 * (size_t)opts->window + 1 + opts->negative;
    for (unsigned i = 0; !st && i < nt; i++) {
        worker *w = &wk[i];
        w->sh = sh;
        w->id = i;
        w->begin = shard_cut(corpus, i, nt);
        w->end = shard_cut(corpus, i + 1, nt);
        w->rng = w2v_rng_seed(opts->seed, 1 + i);
        w->span = malloc(W2V_TRAIN_SPAN * sizeof *w->span);
        w->x = malloc(rows * sizeof *w->x);
        w->y = malloc(rows * sizeof *w->y);
        w->y_next = malloc(rows * sizeof *w->y_next);
        w->scratch = aligned_alloc(64, (rows * (model->stride + rows) * sizeof(float) + 63) / 64 * 64);
        if (!w->span || !w->x || !w->y || !w->y_next || !w->scratch)
            st = w2v_error_set(err, W2V_ERR_NOMEM, "training: out of memory");
    }
    double t0 = now();
    for (unsigned i = 0; !st && i < nt; i++) {
        if (pthread_create(&wk[i].thread, NULL, work, &wk[i]) != 0) {
            st = w2v_error_set(err, W2V_ERR_NOMEM, "training: cannot start thread %u", i + 1);
            break;
        }
        wk[i].started = 1;
    }
    if (st) { /* stop the workers that did start, then clean up */
        atomic_store(&sh->abort, 1);
        for (unsigned i = 0; wk && i < nt; i++)
            if (wk[i].started)
                pthread_join(wk[i].thread, NULL);
    } else {
        double next = t0 + opts->progress_every;
        while (atomic_load(&sh->finished) < nt) {
            struct timespec nap = {0, 20 * 1000 * 1000};
            nanosleep(&nap, NULL);
            if (opts->progress && now() >= next) {
                report(sh, opts->progress, opts->progress_user, t0);
                next += opts->progress_every;
            }
        }
        for (unsigned i = 0; i < nt; i++)
            pthread_join(wk[i].thread, NULL);
        if (opts->progress)
            report(sh, opts->progress, opts->progress_user, t0);
        if (opts->stop && atomic_load(opts->stop))
            st = w2v_error_set(err, W2V_ERR_INTERRUPTED, "training stopped on request");
    }
    if (stats) {
        memset(stats, 0, sizeof *stats);
        stats->words = atomic_load(&sh->done);
        for (unsigned i = 0; wk && i < nt; i++)
            stats->trained += wk[i].trained;
        stats->seconds = now() - t0;
        stats->kernel = sh->kern.name;
    }
    free_workers(wk, nt);
    w2v_noise_free(&sh->noise);
    free(sh->keep);
    free(sh);
    return st;
}
