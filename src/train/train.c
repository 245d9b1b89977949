/*
 * train.c - the Hogwild driver: shards, threads, schedule, progress.
 *
 * See train.h for the concurrency design.  A worker walks its shard of the
 * id stream one span at a time: a run of at most W2V_TRAIN_SPAN corpus
 * words up to a sentence end, sub-sampled as it is read (so windows reach
 * past discarded words, as in word2vec.c and gensim).  Within a span every
 * kept word is a centre; its window is shrunk to window - b, b uniform in
 * [0, window), and the kernel gets the context rows (inputs) and the centre
 * plus K noise words (targets); with hierarchical softmax the targets are
 * the W_hs rows on the centre's Huffman path, and with CBOW the context
 * rows' mean is one input for the whole window.
 *
 * The caller's thread is the control thread: every tick it publishes
 * progress, calls the sync hook (w2v_sync_fn, for a data-parallel job),
 * and for a checkpoint or a stop pauses the workers at span boundaries so
 * their state can be saved and training resumed exactly.
 */
#include "w2v/train.h"

#include <math.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "train/kernels/hs_cbow.h"
#include "train/hot_rows.h"
#include "train/huffman.h"
#include "train/noise.h"
#include "train/rng.h"
#include "train/kernels/sgns.h"
#include "train/subsample.h"

#define MIN_ALPHA_RATIO 1e-4

typedef struct {
    const w2v_corpus *corpus;
    w2v_model *model;
    const w2v_train_opts *opts;
    w2v_noise noise;
    uint32_t *keep;          /* sub-sampling thresholds, per word */
    w2v_sgns_kernels kern;
    w2v_hs_cbow_kernels hk;
    w2v_huffman huff;        /* built only for hierarchical softmax */
    uint64_t words_total;    /* epochs x corpus words (of the whole job, with sync) */
    uint64_t epoch_words;    /* corpus words of one epoch (likewise) */
    const unsigned char *frozen; /* opts->frozen: W_E rows kept fixed, or NULL */
    uint64_t thaw_at;        /* words done when the frozen rows start to train;
                                UINT64_MAX: never */
    size_t hot_lo, hot_n;    /* W_hs rows hot_lo.. (hot_n of them) private per
                                worker; hot_n 0: none */
    alignas(64) atomic_uint_fast64_t done;  /* own cache line: every thread adds to it */
    atomic_uint_fast64_t others; /* with sync: words the other processes have done */
    alignas(64) atomic_uint finished;
    atomic_int abort;        /* set when start-up failed half way */
    atomic_int pause;        /* workers stop at the next span and save their state */
} shared;

typedef struct {
    alignas(64) shared *sh;
    unsigned id;
    size_t begin, end;       /* shard of corpus->ids */
    w2v_worker_state st;     /* where this worker stands; saved when it pauses */
    w2v_rng rng;
    uint32_t *span;          /* W2V_TRAIN_SPAN kept ids */
    float **x, **y, **y_next; /* row pointers handed to the kernels */
    float *path[W2V_HUFFMAN_MAX_CODE]; /* W_hs rows of the centre word's path */
    float *scratch;
    float *frozen_rows;      /* with frozen rows: 2 window copies a kernel updates */
    const unsigned char *frozen; /* sh->frozen until the rows thaw, then NULL */
    float *hot, *hot_base;   /* hot_n W_hs rows: this worker's copy, and the
                                shared rows as they were when it was taken */
    unsigned hot_steps;      /* centre words trained since the last fold */
    uint64_t trained;
    uint64_t pairs;          /* kernel steps so far (w2v_train_stats.pairs) */
    double span_loss;        /* loss of the current span (when tracked) */
    uint64_t span_pairs;     /* positive (context, centre) pairs in it */
    _Atomic double loss;     /* running totals, read by the progress thread */
    atomic_uint_fast64_t loss_pairs;
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

/* The W_E rows kept fixed at this point of the run: opts->frozen until the
 * warm-up (frozen_until) is over, then none. */
static const unsigned char *frozen_at(const shared *sh, uint64_t done)
{
    return done < sh->thaw_at ? sh->frozen : NULL;
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
    if (o->negative > W2V_TRAIN_MAX_NEGATIVE || (o->negative == 0 && !o->hs))
        return w2v_error_set(err, W2V_ERR_ARG, "negative %u outside %d..%d", o->negative,
                             o->hs ? 0 : 1, W2V_TRAIN_MAX_NEGATIVE);
    if (o->epochs < 1)
        return w2v_error_set(err, W2V_ERR_ARG, "epochs must be at least 1");
    if (o->threads < 1 || o->threads > W2V_TRAIN_MAX_THREADS)
        return w2v_error_set(err, W2V_ERR_ARG, "threads %u outside 1..%d", o->threads,
                             W2V_TRAIN_MAX_THREADS);
    if (!(o->alpha > 0 && o->alpha <= 10))
        return w2v_error_set(err, W2V_ERR_ARG, "alpha %g outside (0, 10]", o->alpha);
    if (!(o->sample >= 0 && o->sample <= 1))
        return w2v_error_set(err, W2V_ERR_ARG, "sample %g outside [0, 1]", o->sample);
    if (!(o->frozen_until >= 0 && o->frozen_until <= 1))
        return w2v_error_set(err, W2V_ERR_ARG, "frozen_until %g outside [0, 1]",
                             o->frozen_until);
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

/*
 * The targets of centre w for a skip-gram batch into y: with hierarchical
 * softmax the W_hs rows of w's Huffman path, else w's W_out row and the
 * negatives.  Returns their number.
 */
static size_t batch_targets(worker *wk, uint32_t w, float **y)
{
    const shared *sh = wk->sh;
    if (!sh->opts->hs)
        return draw_targets(wk, w, y);
    const w2v_model *m = sh->model;
    const uint32_t *pt = w2v_huffman_points(&sh->huff, w);
    size_t L = w2v_huffman_len(&sh->huff, w);
    for (size_t j = 0; j < L; j++)
        y[j] = pt[j] >= sh->hot_lo && wk->hot
                   ? wk->hot + (size_t)(pt[j] - sh->hot_lo) * m->stride
                   : m->hs + (size_t)pt[j] * m->stride;
    return L;
}

/* The private copies of the hot W_hs rows (hot_rows.h): taken when a
 * worker starts, folded into the shared rows every W2V_HOT_FOLD_EVERY centre
 * words and when it stops. */
static void hot_take(worker *wk)
{
    const shared *sh = wk->sh;
    if (wk->hot)
        w2v_hot_rows_take(wk->hot, wk->hot_base, sh->model->hs + sh->hot_lo * sh->model->stride,
                          sh->hot_n * sh->model->stride);
}

static void hot_fold(worker *wk)
{
    const shared *sh = wk->sh;
    if (wk->hot)
        w2v_hot_rows_fold(wk->hot, wk->hot_base, sh->model->hs + sh->hot_lo * sh->model->stride,
                          sh->hot_n * sh->model->stride);
}

/* The W_E row of word id for a kernel to update, as input number k of the
 * call.  A frozen word's row is copied to slot k of copies first: the
 * kernel reads the same numbers and its update lands in the copy, which is
 * dropped.  Without frozen rows (frozen NULL) this is the plain row
 * address after one predictable branch.  The callers load every argument
 * once per span: a store of a row pointer could alias the model's fields,
 * so reading them here would reload them for every row. */
static inline float *in_row(float *in, size_t stride, const unsigned char *frozen,
                            float *copies, uint32_t id, size_t k)
{
    float *row = in + (size_t)id * stride;
    if (frozen && frozen[id]) {
        float *copy = copies + k * stride;
        memcpy(copy, row, stride * sizeof *row);
        return copy;
    }
    return row;
}

/* Ask for a row's cache lines ahead of use (it will be written), into L2
 * rather than L1 (locality 2: prefetcht1).  A centre word's rows are 100+
 * cache lines; asked into L1 they fill its few miss buffers, and every
 * further prefetch waits for a free one: with prefetcht0, 80 % of the
 * training loop's own time sat on its prefetches.  Into L2 they do not
 * hold up the thread, and the kernel's loads then hit L2, whose latency
 * out-of-order execution hides.  On enwiki8 (2 threads, one epoch) CBOW
 * trained in 3.0 s instead of 4.5-5.0 s and skip-gram NEG-5 in 6.3 s
 * instead of 8.2 s (docs/performance-profile.md, section 10). */
static inline void prefetch_row(const float *row, size_t D)
{
    for (size_t d = 0; d < D; d += 16)
        __builtin_prefetch(row + d, 1, 2);
}

/* Prefetch the W_hs rows of w's Huffman path. */
static void prefetch_path(const shared *sh, uint32_t w, size_t D)
{
    const uint32_t *pt = w2v_huffman_points(&sh->huff, w);
    size_t L = w2v_huffman_len(&sh->huff, w);
    for (size_t j = 0; j < L; j++)
        prefetch_row(sh->model->hs + (size_t)pt[j] * sh->model->stride, D);
}

/*
 * CBOW: one kernel call per centre word, for the mean of its context.  Like
 * the skip-gram batch it runs one centre ahead: the next centre's negatives
 * are drawn and its output rows (negatives, Huffman path) and the context
 * row entering the window are prefetched while this one trains.
 */
static void train_span_cbow(worker *wk, const uint32_t *span, size_t n, float alpha)
{
    const shared *sh = wk->sh;
    const w2v_model *m = sh->model;
    size_t D = (m->D + 7) & ~(size_t)7, stride = m->stride;
    unsigned window = sh->opts->window;
    int ns = sh->opts->negative > 0, hs = sh->opts->hs;
    double *lossp = sh->opts->track_loss ? &wk->span_loss : NULL;
    const unsigned char *frozen = wk->frozen;
    float *copies = wk->frozen_rows;
    float **y = wk->y, **y_next = wk->y_next;
    size_t T_next = ns ? draw_targets(wk, span[0], y_next) : 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t w = span[i];
        float **swap = y;
        y = y_next;
        y_next = swap;
        size_t T = T_next;
        if (i + 1 < n) {
            if (ns) {
                T_next = draw_targets(wk, span[i + 1], y_next);
                for (size_t t = 0; t < T_next; t++)
                    prefetch_row(y_next[t], D);
            }
            if (hs)
                prefetch_path(sh, span[i + 1], D);
            if (i + 1 + window < n)
                prefetch_row(m->in + (size_t)span[i + 1 + window] * stride, D);
        }
        size_t win = window - w2v_rng_below(&wk->rng, window);
        size_t lo = i > win ? i - win : 0;
        size_t hi = i + win < n - 1 ? i + win : n - 1;
        size_t C = 0;
        for (size_t j = lo; j <= hi; j++)
            if (j != i) {
                wk->x[C] = in_row(m->in, stride, frozen, copies, span[j], C);
                C++;
            }
        if (C == 0)
            continue;
        w2v_out_rows rows = {.path = wk->path, .ns = y, .T = T};
        if (hs) {
            const uint32_t *pt = w2v_huffman_points(&sh->huff, w);
            rows.L = w2v_huffman_len(&sh->huff, w);
            rows.code = w2v_huffman_code(&sh->huff, w);
            for (size_t j = 0; j < rows.L; j++)
                wk->path[j] = m->hs + (size_t)pt[j] * stride;
        }
        sh->hk.cbow_step(wk->x, C, &rows, D, alpha, wk->scratch, lossp);
        wk->span_pairs++;
    }
}

/* Hierarchical softmax, CBOW and their combinations (word2vec.c's other
 * modes): per centre word the Huffman path of the centre, and per context
 * (skip-gram) or once for the mean of the context (CBOW) one kernel call;
 * negatives, when on, are drawn per call as in word2vec.c. */
static void train_span_other(worker *wk, const uint32_t *span, size_t n, float alpha)
{
    const shared *sh = wk->sh;
    const w2v_model *m = sh->model;
    size_t D = (m->D + 7) & ~(size_t)7, stride = m->stride;
    unsigned window = sh->opts->window;
    int ns = sh->opts->negative > 0;
    double *lossp = sh->opts->track_loss ? &wk->span_loss : NULL;
    const unsigned char *frozen = wk->frozen;
    float *copies = wk->frozen_rows;
    for (size_t i = 0; i < n; i++) {
        uint32_t w = span[i];
        size_t win = window - w2v_rng_below(&wk->rng, window);
        size_t lo = i > win ? i - win : 0;
        size_t hi = i + win < n - 1 ? i + win : n - 1;
        w2v_out_rows rows = {.path = wk->path};
        if (sh->opts->hs) {
            const uint32_t *pt = w2v_huffman_points(&sh->huff, w);
            rows.L = w2v_huffman_len(&sh->huff, w);
            rows.code = w2v_huffman_code(&sh->huff, w);
            for (size_t j = 0; j < rows.L; j++)
                wk->path[j] = m->hs + (size_t)pt[j] * stride;
        }
        if (sh->opts->cbow) {
            size_t C = 0;
            for (size_t j = lo; j <= hi; j++)
                if (j != i) {
                    wk->x[C] = in_row(m->in, stride, frozen, copies, span[j], C);
                    C++;
                }
            if (C == 0)
                continue;
            if (ns) {
                rows.ns = wk->y;
                rows.T = draw_targets(wk, w, wk->y);
            }
            sh->hk.cbow_step(wk->x, C, &rows, D, alpha, wk->scratch, lossp);
            wk->span_pairs++;
        } else {
            for (size_t j = lo; j <= hi; j++) {
                if (j == i)
                    continue;
                if (ns) {
                    rows.ns = wk->y;
                    rows.T = draw_targets(wk, w, wk->y);
                }
                float *x = in_row(m->in, stride, frozen, copies, span[j], 0);
                sh->hk.sg_step(x, &rows, D, alpha, wk->scratch, lossp);
                wk->span_pairs++;
            }
        }
    }
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
    double *lossp = sh->opts->track_loss ? &wk->span_loss : NULL;
    const unsigned char *frozen = wk->frozen;
    float *copies = wk->frozen_rows;
    /* Batch mode runs one centre word ahead: the targets of word i + 1 are
     * drawn and their rows prefetched while word i trains, since the noise
     * words' rows (and the deeper Huffman nodes) are scattered over the
     * output matrix and mostly not in cache.  Skip-gram HS is a batch too:
     * every context of a centre walks the centre's path (hs_cbow.h). */
    float **y = wk->y, **y_next = wk->y_next;
    size_t T_next = batch ? batch_targets(wk, span[0], y_next) : 0;
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
                T_next = batch_targets(wk, span[i + 1], y_next);
                for (size_t t = 0; t < T_next; t++)
                    prefetch_row(y_next[t], D);
                if (i + 1 + window < n)
                    prefetch_row(m->in + (size_t)span[i + 1 + window] * stride, D);
            }
            size_t C = 0;
            for (size_t j = lo; j <= hi; j++)
                if (j != i) {
                    wk->x[C] = in_row(m->in, stride, frozen, copies, span[j], C);
                    C++;
                }
            if (C > 0) {
                if (sh->opts->hs) {
                    sh->hk.sg_hs_batch(wk->x, C, y, w2v_huffman_code(&sh->huff, w), T, D,
                                       alpha, wk->scratch, lossp);
                    if (wk->hot && ++wk->hot_steps >= W2V_HOT_FOLD_EVERY) {
                        hot_fold(wk);
                        wk->hot_steps = 0;
                    }
                } else
                    sh->kern.batch(wk->x, C, y, T, D, alpha, wk->scratch, lossp);
                wk->span_pairs += C;
            }
        } else {
            for (size_t j = lo; j <= hi; j++) {
                if (j == i)
                    continue;
                size_t T = draw_targets(wk, w, wk->y);
                float *x = in_row(m->in, stride, frozen, copies, span[j], 0);
                sh->kern.pair(x, wk->y, T, D, alpha, wk->scratch, lossp);
                wk->span_pairs++;
            }
        }
    }
}

/*
 * A worker runs from its saved state (epoch, position, generator, words not
 * yet published, learning rate) until its shard is done for every epoch or
 * a pause, stop or abort is seen at a span boundary; then it saves the same
 * state, so training resumed from it continues exactly where it left off.
 */
static void *work(void *arg)
{
    worker *wk = arg;
    shared *sh = wk->sh;
    const uint32_t *ids = sh->corpus->ids;
    const uint32_t *keep = sh->keep;
    atomic_int *stop = sh->opts->stop;
    w2v_worker_state *st = &wk->st;
    wk->rng.s = st->rng;
    uint64_t pending = st->pending;
    float alpha = st->alpha;
    size_t pos = st->pos;
    wk->frozen = frozen_at(sh, atomic_load(&sh->done));
    hot_take(wk);
    while (st->epoch < sh->opts->epochs) {
        if (pos >= wk->end) {
            st->epoch++;
            pos = wk->begin;
            continue;
        }
        if (atomic_load_explicit(&sh->pause, memory_order_relaxed) ||
            atomic_load_explicit(&sh->abort, memory_order_relaxed) ||
            (stop && atomic_load_explicit(stop, memory_order_relaxed)))
            break;
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
            alpha = (float)alpha_at(sh, done + atomic_load_explicit(&sh->others,
                                                                    memory_order_relaxed));
            wk->frozen = frozen_at(sh, done);
        }
        wk->trained += n;
        if (n > 1) {
            wk->span_loss = 0;
            wk->span_pairs = 0;
            if (sh->opts->cbow)
                train_span_cbow(wk, wk->span, n, alpha);
            else if (sh->opts->hs && (sh->opts->kernel != W2V_KERNEL_BATCH || sh->opts->negative))
                train_span_other(wk, wk->span, n, alpha);
            else
                train_span(wk, wk->span, n, alpha);
            wk->pairs += wk->span_pairs;
            if (sh->opts->track_loss) {
                atomic_store_explicit(&wk->loss, atomic_load_explicit(&wk->loss,
                                      memory_order_relaxed) + wk->span_loss, memory_order_relaxed);
                atomic_fetch_add_explicit(&wk->loss_pairs, wk->span_pairs, memory_order_relaxed);
            }
        }
    }
    hot_fold(wk);
    if (st->epoch >= sh->opts->epochs) { /* finished: publish the rest */
        atomic_fetch_add(&sh->done, pending);
        st->tail = pending;
        pending = 0;
        pos = wk->end;
    }
    st->pos = pos;
    st->pending = pending;
    st->alpha = alpha;
    st->rng = wk->rng.s;
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

/* Loss totals of all workers as of the last report, to report the mean
 * over the interval since then. */
typedef struct {
    double loss;
    uint64_t pairs;
} loss_mark;

static void report(shared *sh, const worker *wk, unsigned nt, loss_mark *mark,
                   w2v_progress_fn fn, void *user, double t0, uint64_t done0)
{
    w2v_progress p = {0};
    if (sh->opts->track_loss) {
        double loss = 0;
        uint64_t pairs = 0;
        for (unsigned i = 0; i < nt; i++) {
            loss += atomic_load_explicit(&wk[i].loss, memory_order_relaxed);
            pairs += atomic_load_explicit(&wk[i].loss_pairs, memory_order_relaxed);
        }
        p.loss = pairs > mark->pairs ? (loss - mark->loss) / (double)(pairs - mark->pairs) : NAN;
        mark->loss = loss;
        mark->pairs = pairs;
    }
    p.words_done = atomic_load(&sh->done) + atomic_load(&sh->others);
    p.words_total = sh->words_total;
    if (p.words_done > p.words_total)
        p.words_done = p.words_total;
    p.fraction = p.words_total ? (double)p.words_done / (double)p.words_total : 1.0;
    p.alpha = alpha_at(sh, p.words_done);
    p.elapsed = now() - t0;
    p.words_per_sec = p.elapsed > 0 ? (double)(p.words_done - done0) / p.elapsed : 0.0;
    p.eta = p.words_per_sec > 0 ? (double)(p.words_total - p.words_done) / p.words_per_sec : 0.0;
    uint64_t per_epoch = sh->epoch_words ? sh->epoch_words : 1;
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
        free(wk[i].frozen_rows);
        free(wk[i].hot);
        free(wk[i].hot_base);
    }
    free(wk);
}

w2v_status w2v_train_state_init(w2v_train_state *state, unsigned threads, w2v_error *err)
{
    state->threads = threads;
    state->saved = 0;
    state->words_done = 0;
    state->workers = calloc(threads ? threads : 1, sizeof *state->workers);
    if (!state->workers)
        return w2v_error_set(err, W2V_ERR_NOMEM, "training state: out of memory");
    return W2V_OK;
}

void w2v_train_state_free(w2v_train_state *state)
{
    if (state) {
        free(state->workers);
        state->workers = NULL;
    }
}

/* Start (or restart) every worker; on failure stop those that started. */
static w2v_status start_workers(worker *wk, unsigned nt, shared *sh, w2v_error *err)
{
    atomic_store(&sh->finished, 0u);
    atomic_store(&sh->pause, 0);
    for (unsigned i = 0; i < nt; i++) {
        int rc = pthread_create(&wk[i].thread, NULL, work, &wk[i]);
        wk[i].started = rc == 0;
        if (!wk[i].started) {
            atomic_store(&sh->abort, 1);
            for (unsigned j = 0; j < i; j++)
                pthread_join(wk[j].thread, NULL);
            return w2v_error_set(err, W2V_ERR_THREAD, "training: cannot start thread %u of %u: %s",
                                 i + 1, nt, strerror(rc));
        }
    }
    return W2V_OK;
}

static void join_workers(worker *wk, unsigned nt)
{
    for (unsigned i = 0; i < nt; i++)
        if (wk[i].started)
            pthread_join(wk[i].thread, NULL);
}

/* Copy the workers' saved states out (for a checkpoint or the caller). */
static void collect_state(const shared *sh, const worker *wk, unsigned nt, w2v_train_state *out)
{
    out->threads = nt;
    out->saved = 1;
    out->words_done = atomic_load(&sh->done);
    for (unsigned i = 0; i < nt; i++)
        out->workers[i] = wk[i].st;
}

/* What the control thread (the caller's) keeps between its ticks. */
typedef struct {
    shared *sh;
    worker *wk;
    unsigned nt;
    const w2v_train_opts *opts;
    w2v_train_state *snap;   /* room for a checkpoint's state */
    int running;             /* workers started and not yet joined */
    int local_done;          /* this process's workers finished every epoch */
} control;

/* One call of the sync hook; publishes what it says of the other processes. */
static w2v_status sync_call(control *c, int finished, int paused, w2v_sync_answer *answer,
                            w2v_error *err)
{
    w2v_sync_call call = {.model = c->sh->model, .words_done = atomic_load(&c->sh->done),
                          .finished = finished, .paused = paused,
                          .others_done = atomic_load(&c->sh->others)};
    *answer = W2V_SYNC_GO_ON;
    w2v_status st = c->opts->sync(&call, c->opts->sync_user, answer, err);
    atomic_store(&c->sh->others, call.others_done);
    return st;
}

/* Pause the workers at span boundaries; with sync, make the paused call;
 * save a checkpoint if one is wanted; go on unless the hook said stop. */
static w2v_status pause_point(control *c, int *stop, w2v_error *err)
{
    shared *sh = c->sh;
    if (c->running) {
        atomic_store(&sh->pause, 1);
        join_workers(c->wk, c->nt);
        c->running = 0;
    }
    w2v_sync_answer a = W2V_SYNC_GO_ON;
    w2v_status st = c->opts->sync ? sync_call(c, c->local_done, 1, &a, err) : W2V_OK;
    if (!st && c->opts->checkpoint) {
        collect_state(sh, c->wk, c->nt, c->snap);
        st = c->opts->checkpoint(c->snap, c->opts->checkpoint_user, err);
    }
    *stop = a == W2V_SYNC_STOP;
    if (!st && !*stop && !c->local_done && (st = start_workers(c->wk, c->nt, sh, err)) == W2V_OK)
        c->running = 1;
    return st;
}

/*
 * The control thread's loop: every tick it notes finished workers, calls
 * the sync hook, reports progress and takes the timed checkpoints, until
 * the run (the job, with sync) is done or stopped.
 */
static w2v_status run_control(control *c, double t0, uint64_t done0, w2v_error *err)
{
    shared *sh = c->sh;
    const w2v_train_opts *opts = c->opts;
    loss_mark mark = {0, 0};
    double next = t0 + opts->progress_every;
    double next_ckpt = t0 + opts->checkpoint_every;
    int stopped = 0;
    for (;;) {
        struct timespec nap = {0, 20 * 1000 * 1000};
        nanosleep(&nap, NULL);
        if (c->running && atomic_load(&sh->finished) == c->nt) {
            join_workers(c->wk, c->nt);
            c->running = 0;
            c->local_done = 1; /* or every worker saw opts->stop */
        }
        int done = c->local_done;
        if (opts->sync) {
            w2v_sync_answer a;
            w2v_status st = sync_call(c, c->local_done, 0, &a, err);
            if (!st && a == W2V_SYNC_PAUSE)
                st = pause_point(c, &stopped, err);
            if (st)
                return st;
            if (stopped)
                break;
            done = c->local_done && a == W2V_SYNC_DONE;
        }
        if (opts->progress && (now() >= next || done)) {
            report(sh, c->wk, c->nt, &mark, opts->progress, opts->progress_user, t0, done0);
            next += opts->progress_every;
        }
        if (done)
            break;
        if (!opts->sync && opts->checkpoint && opts->checkpoint_every > 0 &&
            now() >= next_ckpt) {
            w2v_status st = pause_point(c, &stopped, err);
            next_ckpt = now() + opts->checkpoint_every;
            if (st)
                return st;
        }
    }
    if (!opts->sync && opts->stop && atomic_load(opts->stop)) {
        if (opts->checkpoint) { /* the final checkpoint of an interrupted run */
            collect_state(sh, c->wk, c->nt, c->snap);
            w2v_status st = opts->checkpoint(c->snap, opts->checkpoint_user, err);
            if (st)
                return st;
        }
        stopped = 1;
    }
    return stopped ? w2v_error_set(err, W2V_ERR_INTERRUPTED, "training stopped on request")
                   : W2V_OK;
}

w2v_status w2v_train(const w2v_corpus *corpus, w2v_model *model, const w2v_train_opts *opts,
                     w2v_train_state *state, w2v_train_stats *stats, w2v_error *err)
{
    w2v_status st = w2v_train_check(opts, err);
    if (st)
        return st;
    size_t V = w2v_vocab_size(corpus->vocab);
    if (model->V != V)
        return w2v_error_set(err, W2V_ERR_ARG, "model has %zu rows for %zu words", model->V, V);
    if (state && state->workers && state->threads != opts->threads)
        return w2v_error_set(err, W2V_ERR_ARG, "saved state has %u threads, options %u",
                             state->threads, opts->threads);
    int resume = state && state->workers && state->saved;
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
    sh->epoch_words = opts->sync && opts->job_words ? opts->job_words : corpus->words;
    sh->words_total = sh->epoch_words * (opts->schedule_epochs ? opts->schedule_epochs
                                                               : opts->epochs);
    sh->frozen = opts->frozen;
    sh->thaw_at = opts->frozen_until > 0 && opts->frozen_until < 1
                      ? (uint64_t)(opts->frozen_until * (double)opts->epochs *
                                   (double)sh->epoch_words)
                      : UINT64_MAX;
    atomic_init(&sh->done, 0);
    atomic_init(&sh->others, 0);
    atomic_init(&sh->finished, 0);
    atomic_init(&sh->abort, 0);
    atomic_init(&sh->pause, 0);
    for (size_t i = 0; i < V; i++)
        counts[i] = w2v_vocab_count(corpus->vocab, (uint32_t)i);
    sh->keep = malloc(V * sizeof *sh->keep);
    /* The counts are the whole job's (with sync), so the frequencies are
     * taken against the job's words, not this share's. */
    uint64_t count_total = opts->count_total ? opts->count_total : sh->epoch_words;
    st = sh->keep ? w2v_subsample_build(sh->keep, counts, V, count_total, opts->sample, err)
                  : w2v_error_set(err, W2V_ERR_NOMEM, "training: out of memory");
    if (!st && opts->negative > 0)
        st = w2v_noise_build(&sh->noise, counts, V, 0.75, err);
    if (!st && opts->hs)
        st = w2v_huffman_build(counts, V, &sh->huff, err);
    if (!st && ((opts->negative > 0 && !model->out) || (opts->hs && !model->hs)))
        st = w2v_error_set(err, W2V_ERR_ARG, "model lacks the output matrix these options need");
    sh->hk = w2v_hs_cbow_select(opts->scalar_only);
    /* private hot rows (hot_rows.h): skip-gram HS batches with more than one
     * thread (one thread keeps the shared rows, so its runs stay bit for bit) */
    if (!st && opts->hs && !opts->cbow && !opts->negative && opts->kernel == W2V_KERNEL_BATCH &&
        opts->threads > 1 && V > 1) {
        sh->hot_n = V - 1 < W2V_HOT_ROWS ? V - 1 : W2V_HOT_ROWS;
        sh->hot_lo = V - 1 - sh->hot_n;
    }
    free(counts);

    unsigned nt = opts->threads;
    worker *wk = st ? NULL : aligned_alloc(64, sizeof *wk * nt);
    if (!st && !wk)
        st = w2v_error_set(err, W2V_ERR_NOMEM, "training: out of memory");
    if (wk)
        memset(wk, 0, sizeof *wk * nt);
    size_t rows = 2 * (size_t)opts->window + 1 + opts->negative +
                  (opts->hs ? W2V_HUFFMAN_MAX_CODE : 0);
    for (unsigned i = 0; !st && i < nt; i++) {
        worker *w = &wk[i];
        w->sh = sh;
        w->id = i;
        w->begin = shard_cut(corpus, i, nt);
        w->end = shard_cut(corpus, i + 1, nt);
        if (resume) {
            w->st = state->workers[i];
            if (w->st.pos < w->begin || w->st.pos > w->end || w->st.epoch > opts->epochs)
                st = w2v_error_set(err, W2V_ERR_ARG, "saved state of thread %u does not fit "
                                   "this corpus", i + 1);
        } else {
            w->st = (w2v_worker_state){.pos = w->begin, .rng = w2v_rng_seed(opts->seed, 1 + i).s,
                                       .alpha = (float)opts->alpha};
        }
        w->span = malloc(W2V_TRAIN_SPAN * sizeof *w->span);
        w->x = malloc(rows * sizeof *w->x);
        w->y = malloc(rows * sizeof *w->y);
        w->y_next = malloc(rows * sizeof *w->y_next);
        size_t scratch = rows * (model->stride + rows);
        size_t hs_scratch = W2V_SG_HS_BATCH_SCRATCH(2 * (size_t)opts->window,
                                                    (size_t)W2V_HUFFMAN_MAX_CODE, model->stride);
        if (opts->hs && hs_scratch > scratch)
            scratch = hs_scratch;
        w->scratch = aligned_alloc(64, (scratch * sizeof(float) + 63) / 64 * 64);
        if (opts->frozen)
            w->frozen_rows = aligned_alloc(64, 2 * (size_t)opts->window * model->stride *
                                                   sizeof(float));
        if (sh->hot_n) {
            size_t bytes = sh->hot_n * model->stride * sizeof(float);
            w->hot = aligned_alloc(64, bytes);
            w->hot_base = aligned_alloc(64, bytes);
        }
        if (!st && (!w->span || !w->x || !w->y || !w->y_next || !w->scratch ||
                    (opts->frozen && !w->frozen_rows) ||
                    (sh->hot_n && (!w->hot || !w->hot_base))))
            st = w2v_error_set(err, W2V_ERR_NOMEM, "training: out of memory");
    }
    if (!st && resume)
        atomic_store(&sh->done, state->words_done);
    w2v_train_state snap = {0};
    if (!st && opts->checkpoint)
        st = w2v_train_state_init(&snap, nt, err);

    control c = {.sh = sh, .wk = wk, .nt = nt, .opts = opts, .snap = &snap};
    double t0 = now();
    if (!st && opts->sync) { /* agree on where the job stands before starting */
        w2v_sync_answer a;
        st = sync_call(&c, 0, 1, &a, err);
    }
    uint64_t local0 = atomic_load(&sh->done);
    uint64_t done0 = local0 + atomic_load(&sh->others);
    if (!st && (st = start_workers(wk, nt, sh, err)) == W2V_OK)
        c.running = 1;
    if (!st)
        st = run_control(&c, t0, done0, err);
    if (c.running) { /* an error while they ran */
        atomic_store(&sh->abort, 1);
        join_workers(wk, nt);
    }
    if (state && state->workers && state->threads == nt)
        collect_state(sh, wk, nt, state);
    if (stats) {
        memset(stats, 0, sizeof *stats);
        stats->words = atomic_load(&sh->done) - local0;
        for (unsigned i = 0; wk && i < nt; i++) {
            stats->trained += wk[i].trained;
            stats->pairs += wk[i].pairs;
        }
        stats->seconds = now() - t0;
        stats->kernel = opts->hs || opts->cbow ? sh->hk.name : sh->kern.name;
    }
    w2v_train_state_free(&snap);
    free_workers(wk, nt);
    w2v_noise_free(&sh->noise);
    w2v_huffman_free(&sh->huff);
    free(sh->keep);
    free(sh);
    return st;
}
