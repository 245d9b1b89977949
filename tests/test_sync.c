/*
 * test_sync.c - w2v_train's data-parallel sync hook (train.h), without MPI.
 *
 * A job of two "processes" runs inside this one: two threads, each calling
 * w2v_train on its half of a planted corpus (one vocabulary) with its own
 * model, and a hook that mirrors mpi_job_sync (src/mpi/mpi_job.c) with an
 * in-process allreduce: a pthread barrier and one shared slot per process.
 * The job must end with both models bit-identical and equal to the agreed
 * copy, the planted topics learned, rounds taken while training ran, and
 * every word trained once per epoch.  Then single-process hooks script the
 * other answers: PAUSE + STOP, PAUSE + GO_ON, and others_done steering the
 * learning rate.
 *
 * Hook code runs on w2v_train's control threads, so it records what it saw
 * and main() checks it (the T_ tallies are not thread-safe).
 */
#include "t.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "planted.h"
#include "w2v/corpus.h"
#include "train/delta.h"
#include "w2v/model.h"
#include "w2v/train.h"

#define NPROC 2
#define DIM 24
#define SENTENCES 3000
/* Local words between rounds: one W2V_TRAIN_CHUNK, the grain at which
 * words_done moves, so a round is due at nearly every tick. */
#define SYNC_WORDS W2V_TRAIN_CHUNK
/* A deadlocked round (a process that stops calling its hook) would hang
 * the suite; the default SIGALRM action ends it instead.  Generous: the
 * TSan build on a loaded machine is slow. */
#define WATCHDOG_SECONDS 900

static w2v_corpus *make_corpus(const char *text, size_t len, w2v_vocab *vocab)
{
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    w2v_tokenizer *tok;
    w2v_corpus *c = NULL;
    T_OK(w2v_tokenizer_create(&to, &tok, NULL));
    w2v_corpus_opts co = w2v_corpus_opts_default();
    co.min_count = vocab ? 0 : 1;
    co.vocab = vocab;
    w2v_error err;
    T_OK(w2v_corpus_build_mem(text, len, "mem", tok, &co, &c, &err));
    w2v_tokenizer_free(tok);
    return c;
}

/* An independent copy of v: same words, counts and ids. */
static w2v_vocab *copy_vocab(const w2v_vocab *v)
{
    char *pack = NULL;
    size_t len = 0;
    w2v_vocab *c = NULL;
    T_OK(w2v_vocab_pack(v, &pack, &len, NULL));
    T_OK(w2v_vocab_create(&c, NULL));
    T_OK(w2v_vocab_add_packed(c, pack, len, "copy", NULL));
    free(pack);
    return c;
}

static double score(const w2v_corpus *c, const float *vecs, const w2v_model *m)
{
    char **words = malloc(m->V * sizeof *words);
    for (size_t i = 0; i < m->V; i++)
        words[i] = (char *)w2v_vocab_word(c->vocab, (uint32_t)i);
    double s = planted_score(words, vecs, m->V, m->D, m->stride);
    free(words);
    return s;
}

static float *copy_matrix(const float *m, size_t floats)
{
    float *c = m ? malloc(floats * sizeof *c) : NULL;
    if (c)
        memcpy(c, m, floats * sizeof *c);
    return c;
}

/* ---- the in-process allreduce --------------------------------------------- */

typedef struct {
    pthread_barrier_t meet;
    const void *slot[NPROC]; /* each process's input to the reduction in progress */
} job;

/* out[0..n) = sum over the processes of their in[0..n), like MPI_Allreduce
 * with MPI_SUM.  Every process adds the slots in rank order, so all get the
 * same bits; the second barrier keeps the inputs alive until all have read. */
#define DEFINE_ALLREDUCE(name, T)                                            \
    static void name(job *j, int rank, const T *in, T *out, size_t n)        \
    {                                                                        \
        j->slot[rank] = in;                                                  \
        pthread_barrier_wait(&j->meet);                                      \
        for (size_t i = 0; i < n; i++) {                                     \
            T s = ((const T *)j->slot[0])[i];                                \
            for (int r = 1; r < NPROC; r++)                                  \
                s = (T)(s + ((const T *)j->slot[r])[i]);                     \
            out[i] = s;                                                      \
        }                                                                    \
        pthread_barrier_wait(&j->meet);                                      \
    }
DEFINE_ALLREDUCE(allreduce_u64, uint64_t)
DEFINE_ALLREDUCE(allreduce_u16, uint16_t)
DEFINE_ALLREDUCE(allreduce_f32, float)

/* One process of the job: its corpus, model, agreed copy and hook state. */
typedef struct {
    job *job;
    int rank;
    const w2v_corpus *corpus;
    w2v_model model;
    float *base_in, *base_out; /* the matrices as the job agreed on them */
    uint16_t *touched, *count; /* per row */
    float *own, *sum;          /* packed rows, up to V x D */
    uint64_t next_words;       /* local words at which the next round is due */
    uint64_t round_local, round_global;
    int rounds;                /* rounds this process took part in */
    int calls, first_paused;   /* hook calls; the first had paused = 1 */
    int other_model;           /* a call carried a model not this process's */
    w2v_train_opts opts;
    w2v_train_stats stats;
    w2v_status status;
    w2v_error err;
    pthread_t thread;
} proc;

/* Exchange one matrix's changes since the last round (delta.h). */
static void sync_matrix(proc *p, float *live, float *base)
{
    size_t V = p->model.V, D = p->model.D, stride = p->model.stride;
    w2v_delta_touched(live, base, V, D, stride, p->touched);
    allreduce_u16(p->job, p->rank, p->touched, p->count, V);
    size_t n = w2v_delta_pack(live, base, V, D, stride, p->count, p->own);
    allreduce_f32(p->job, p->rank, p->own, p->sum, n * W2V_DELTA_ROW(D));
    w2v_delta_apply(live, base, V, D, stride, p->count, p->sum, p->own, W2V_DELTA_SUM);
}

/* mpi_job_sync, less time triggers, stop and checkpoint requests. */
static w2v_status job_sync(w2v_sync_call *call, void *user, w2v_sync_answer *answer,
                           w2v_error *err)
{
    (void)err;
    proc *p = user;
    *answer = W2V_SYNC_GO_ON;
    if (p->calls++ == 0)
        p->first_paused = call->paused && call->words_done == 0;
    p->other_model |= call->model != &p->model;
    int due = call->paused || call->finished || call->words_done >= p->next_words;
    if (!due) { /* the other is assumed to go on at this one's pace */
        uint64_t since = call->words_done > p->round_local ? call->words_done - p->round_local : 0;
        call->others_done = p->round_global - p->round_local + since * (NPROC - 1);
        return W2V_OK;
    }
    uint64_t mine[2] = {call->words_done, call->finished != 0}, all[2];
    allreduce_u64(p->job, p->rank, mine, all, 2);
    p->round_local = call->words_done;
    p->round_global = all[0];
    call->others_done = all[0] - call->words_done;
    sync_matrix(p, call->model->in, p->base_in);
    sync_matrix(p, call->model->out, p->base_out);
    p->rounds++;
    if (!call->paused && all[1] == NPROC)
        *answer = W2V_SYNC_DONE;
    while (p->next_words <= call->words_done)
        p->next_words += SYNC_WORDS;
    return W2V_OK;
}

static void *proc_main(void *arg)
{
    proc *p = arg;
    p->status = w2v_train(p->corpus, &p->model, &p->opts, NULL, &p->stats, &p->err);
    return NULL;
}

/* Split text at the sentence end nearest its middle. */
static size_t middle(const char *text, size_t len)
{
    size_t cut = len / 2;
    while (cut < len && text[cut - 1] != '\n')
        cut++;
    return cut;
}

static void test_job(unsigned threads, unsigned epochs)
{
    size_t len;
    char *text = planted_corpus(SENTENCES, 11, &len);
    w2v_corpus *whole = make_corpus(text, len, NULL);
    if (!whole) {
        free(text);
        return;
    }
    size_t cut = middle(text, len);
    w2v_corpus *half[NPROC] = {
        make_corpus(text, cut, copy_vocab(whole->vocab)),
        make_corpus(text + cut, len - cut, copy_vocab(whole->vocab)),
    };
    free(text);
    if (!half[0] || !half[1])
        goto out_corpora;
    size_t V = w2v_vocab_size(whole->vocab);
    T_EQ(w2v_vocab_size(half[0]->vocab), V);
    T_EQ(w2v_vocab_size(half[1]->vocab), V);
    T_EQ(half[0]->words + half[1]->words, whole->words);

    job j;
    pthread_barrier_init(&j.meet, NULL, NPROC);
    proc ps[NPROC];
    memset(ps, 0, sizeof ps);
    w2v_model_opts mo = w2v_model_opts_default();
    mo.seed = 3; /* both copies start identical */
    for (int r = 0; r < NPROC; r++) {
        proc *p = &ps[r];
        p->job = &j;
        p->rank = r;
        p->corpus = half[r];
        T_OK(w2v_model_create(&p->model, V, DIM, &mo, NULL));
        size_t floats = V * p->model.stride;
        p->base_in = copy_matrix(p->model.in, floats);
        p->base_out = copy_matrix(p->model.out, floats);
        p->touched = malloc(V * sizeof *p->touched);
        p->count = malloc(V * sizeof *p->count);
        p->own = malloc(V * W2V_DELTA_ROW(DIM) * sizeof *p->own);
        p->sum = malloc(V * W2V_DELTA_ROW(DIM) * sizeof *p->sum);
        p->next_words = SYNC_WORDS;
        p->opts = w2v_train_opts_default();
        p->opts.threads = threads;
        p->opts.epochs = epochs;
        p->opts.seed = 5 + (uint64_t)r; /* its own random streams */
        p->opts.sync = job_sync;
        p->opts.sync_user = p;
        p->opts.job_words = whole->words;
    }
    if (ps[0].base_in && ps[0].base_out && ps[1].base_in && ps[1].base_out) {
        T_CHECK(score(whole, ps[0].model.in, &ps[0].model) < 0.4,
                "untrained vectors already score well: the quality check cannot fail");
        for (int r = 0; r < NPROC; r++)
            pthread_create(&ps[r].thread, NULL, proc_main, &ps[r]);
        for (int r = 0; r < NPROC; r++)
            pthread_join(ps[r].thread, NULL);

        size_t bytes = V * ps[0].model.stride * sizeof(float);
        for (int r = 0; r < NPROC; r++) {
            proc *p = &ps[r];
            T_CHECK(p->status == W2V_OK, "%u threads, process %d: status %d: %s", threads, r,
                    (int)p->status, p->status ? p->err.msg : "");
            T_CHECK(p->first_paused, "process %d: the first hook call was not paused", r);
            T_CHECK(!p->other_model, "process %d: the hook saw another model", r);
            T_CHECK(!memcmp(p->model.in, p->base_in, bytes) &&
                    !memcmp(p->model.out, p->base_out, bytes),
                    "%u threads, process %d: the model differs from the agreed copy", threads, r);
            T_EQ(p->stats.words, (uint64_t)epochs * half[r]->words);
        }
        T_CHECK(!memcmp(ps[0].model.in, ps[1].model.in, bytes) &&
                !memcmp(ps[0].model.out, ps[1].model.out, bytes),
                "%u threads: the two processes' models differ", threads);
        T_EQ(ps[0].stats.words + ps[1].stats.words, (uint64_t)epochs * whole->words);
        T_EQ(ps[0].rounds, ps[1].rounds);
        T_CHECK(ps[0].rounds > 2, "%u threads: %d rounds, none while training ran", threads,
                ps[0].rounds);
        /* Sub-sampling takes each word's frequency in the whole job: the
         * job keeps as many centre words as one process given everything. */
        w2v_model alone = {0};
        w2v_train_opts ao = w2v_train_opts_default();
        ao.epochs = epochs;
        w2v_train_stats as = {0};
        T_OK(w2v_model_create(&alone, V, DIM, &mo, NULL));
        T_OK(w2v_train(whole, &alone, &ao, NULL, &as, NULL));
        double kept = (double)(ps[0].stats.trained + ps[1].stats.trained);
        T_CHECK(fabs(kept / (double)as.trained - 1) < 0.03, "%u threads: the job kept %.0f "
                "centre words, one process %llu", threads, kept, (unsigned long long)as.trained);
        w2v_model_free(&alone);
        /* the agreed copy: what every process holds once the job is done */
        double s = score(whole, ps[0].base_in, &ps[0].model);
        T_CHECK(s >= 0.9, "%u threads: planted score %.3f < 0.9 after %d rounds", threads, s,
                ps[0].rounds);
    }
    for (int r = 0; r < NPROC; r++) {
        proc *p = &ps[r];
        w2v_model_free(&p->model);
        free(p->base_in);
        free(p->base_out);
        free(p->touched);
        free(p->count);
        free(p->own);
        free(p->sum);
    }
    pthread_barrier_destroy(&j.meet);
out_corpora:
    w2v_corpus_free(whole);
    w2v_corpus_free(half[0]);
    w2v_corpus_free(half[1]);
}

/* ---- scripted answers, one process ----------------------------------------- */

typedef struct {
    uint64_t others;          /* others_done to report on every call */
    uint64_t pause_at;        /* answer PAUSE at the first call with this many words */
    uint64_t pause_every;     /* then again this many words later (0: once) */
    w2v_sync_answer on_paused;/* the answer to a paused call */
    int calls, first_paused;
    int pauses;               /* PAUSE answers given */
    int paused_calls;         /* paused calls after the first call */
    int paused_finished;      /* a paused call had finished = 1 */
    uint64_t paused_words;    /* words_done at the last paused call */
    float *snapshot;          /* W_E at the last paused call (if non-NULL) */
    int ckpt_calls, ckpt_bad; /* checkpoints; ones not saved or not matching */
    double first_alpha;       /* the first progress report's learning rate (-1: none) */
    atomic_int stop;          /* for a run without the hook */
} script;

static w2v_status scripted_sync(w2v_sync_call *call, void *user, w2v_sync_answer *answer,
                                w2v_error *err)
{
    (void)err;
    script *s = user;
    *answer = W2V_SYNC_GO_ON;
    call->others_done = s->others;
    if (s->calls++ == 0) {
        s->first_paused = call->paused && call->words_done == 0 && !call->finished;
        return W2V_OK;
    }
    if (call->paused) {
        s->paused_calls++;
        s->paused_words = call->words_done;
        s->paused_finished |= call->finished;
        if (s->snapshot)
            memcpy(s->snapshot, call->model->in,
                   call->model->V * call->model->stride * sizeof(float));
        *answer = s->on_paused;
    } else if (call->finished) {
        *answer = W2V_SYNC_DONE;
    } else if (call->words_done >= s->pause_at) {
        s->pauses++;
        s->pause_at = s->pause_every ? call->words_done + s->pause_every : UINT64_MAX;
        *answer = W2V_SYNC_PAUSE;
    }
    return W2V_OK;
}

static w2v_status on_checkpoint(const w2v_train_state *st, void *user, w2v_error *err)
{
    (void)err;
    script *s = user;
    s->ckpt_calls++;
    s->ckpt_bad += !st->saved || st->threads != 1 || st->words_done != s->paused_words;
    return W2V_OK;
}

/* The first report's alpha; then the run is ended (by the hook or by stop). */
static void on_progress(const w2v_progress *p, void *user)
{
    script *s = user;
    if (s->first_alpha < 0)
        s->first_alpha = p->alpha;
    s->pause_at = 0;
    atomic_store(&s->stop, 1);
}

static script new_script(void)
{
    script s = {.pause_at = UINT64_MAX, .on_paused = W2V_SYNC_GO_ON, .first_alpha = -1};
    atomic_init(&s.stop, 0);
    return s;
}

static w2v_train_opts script_opts(script *s, unsigned epochs)
{
    w2v_train_opts o = w2v_train_opts_default();
    o.threads = 1;
    o.epochs = epochs;
    o.sync = scripted_sync;
    o.sync_user = s;
    o.checkpoint = on_checkpoint;
    o.checkpoint_user = s;
    return o;
}

/* PAUSE, then STOP on the paused call: the run ends interrupted where the
 * workers stopped, after one checkpoint. */
static void test_pause_stop(const w2v_corpus *c)
{
    w2v_model m;
    w2v_model_opts mo = w2v_model_opts_default();
    T_OK(w2v_model_create(&m, w2v_vocab_size(c->vocab), DIM, &mo, NULL));
    script s = new_script();
    s.pause_at = 1;
    s.on_paused = W2V_SYNC_STOP;
    s.snapshot = malloc(m.V * m.stride * sizeof(float));
    unsigned epochs = 40; /* long enough not to finish before the first tick */
    w2v_train_opts o = script_opts(&s, epochs);
    w2v_train_state state;
    T_OK(w2v_train_state_init(&state, 1, NULL));
    w2v_train_stats ts;
    w2v_error err;
    T_EQ(w2v_train(c, &m, &o, &state, &ts, &err), W2V_ERR_INTERRUPTED);
    T_TRUE(s.first_paused);
    T_EQ(s.pauses, 1);
    T_EQ(s.paused_calls, 1);
    T_TRUE(!s.paused_finished);
    T_EQ(s.ckpt_calls, 1);
    T_EQ(s.ckpt_bad, 0);
    T_TRUE(s.paused_words > 0 && s.paused_words < (uint64_t)epochs * c->words);
    T_EQ(ts.words, s.paused_words); /* no word trained after the paused call */
    T_TRUE(state.saved);
    T_EQ(state.words_done, s.paused_words);
    T_CHECK(!memcmp(s.snapshot, m.in, m.V * m.stride * sizeof(float)),
            "W_E changed after the paused call");
    w2v_train_state_free(&state);
    free(s.snapshot);
    w2v_model_free(&m);
}

/* PAUSE, then GO_ON: training goes on and completes, one checkpoint per
 * pause, and (one thread) ends bit-identical to a run without the hook. */
static void test_pause_go_on(const w2v_corpus *c)
{
    w2v_model ref, m;
    w2v_model_opts mo = w2v_model_opts_default();
    size_t V = w2v_vocab_size(c->vocab);
    T_OK(w2v_model_create(&ref, V, DIM, &mo, NULL));
    T_OK(w2v_model_create(&m, V, DIM, &mo, NULL));
    unsigned epochs = 8;
    script s = new_script();
    s.pause_at = 1;
    s.pause_every = (uint64_t)epochs * c->words / 3;
    w2v_train_opts o = script_opts(&s, epochs);
    w2v_train_stats ts;
    w2v_error err;
    T_OK(w2v_train(c, &m, &o, NULL, &ts, &err));
    T_TRUE(s.first_paused);
    T_CHECK(s.pauses >= 1, "no pause: training ended before the first tick");
    T_EQ(s.paused_calls, s.pauses);
    T_EQ(s.ckpt_calls, s.pauses);
    T_EQ(s.ckpt_bad, 0);
    T_EQ(ts.words, (uint64_t)epochs * c->words);
    w2v_train_opts plain = w2v_train_opts_default();
    plain.threads = 1;
    plain.epochs = epochs;
    T_OK(w2v_train(c, &ref, &plain, NULL, NULL, NULL));
    size_t bytes = V * m.stride * sizeof(float);
    T_CHECK(!memcmp(ref.in, m.in, bytes) && !memcmp(ref.out, m.out, bytes),
            "%d pauses changed a one-thread run", s.pauses);
    w2v_model_free(&ref);
    w2v_model_free(&m);
}

/* others_done counts toward the learning rate's schedule: a process told
 * that the others already did half the job starts at half of alpha. */
static void test_others_done(const w2v_corpus *c)
{
    size_t V = w2v_vocab_size(c->vocab);
    w2v_model_opts mo = w2v_model_opts_default();
    /* many epochs: the runs end at the first progress report, which comes
     * early in the schedule however fast or slow the machine */
    unsigned epochs = 200;
    double alpha0 = w2v_train_opts_default().alpha;
    w2v_error err;

    w2v_model alone;
    T_OK(w2v_model_create(&alone, V, DIM, &mo, NULL));
    script s0 = new_script();
    w2v_train_opts o = w2v_train_opts_default();
    o.epochs = epochs;
    o.progress = on_progress;
    o.progress_user = &s0;
    o.progress_every = 1e-3;
    o.stop = &s0.stop;
    T_EQ(w2v_train(c, &alone, &o, NULL, NULL, &err), W2V_ERR_INTERRUPTED);
    T_CHECK(s0.first_alpha >= 0.8 * alpha0, "alone: first alpha %g, want near %g",
            s0.first_alpha, alpha0);

    w2v_model half_done;
    T_OK(w2v_model_create(&half_done, V, DIM, &mo, NULL));
    script s1 = new_script();
    s1.others = (uint64_t)epochs * c->words / 2;
    s1.on_paused = W2V_SYNC_STOP;
    o = script_opts(&s1, epochs);
    o.checkpoint = NULL;
    o.job_words = c->words;
    o.progress = on_progress;
    o.progress_user = &s1;
    o.progress_every = 1e-3;
    T_EQ(w2v_train(c, &half_done, &o, NULL, NULL, &err), W2V_ERR_INTERRUPTED);
    T_CHECK(s1.first_alpha <= 0.5 * alpha0 * (1 + 1e-9) && s1.first_alpha >= 0.4 * alpha0,
            "others did half: first alpha %g, want a bit under %g", s1.first_alpha,
            0.5 * alpha0);
    w2v_model_free(&alone);
    w2v_model_free(&half_done);
}

int main(void)
{
    alarm(WATCHDOG_SECONDS);
    /* Rounds come at most once per 20 ms tick, and a few epochs of this
     * corpus train in less than one: 60 make room for several rounds
     * (about 0.2 s at -O2), so some happen while the workers train. */
    test_job(1, 60);
    test_job(2, 60);
    size_t len;
    char *text = planted_corpus(SENTENCES, 11, &len);
    w2v_corpus *c = make_corpus(text, len, NULL);
    free(text);
    if (c) {
        test_pause_stop(c);
        test_pause_go_on(c);
        test_others_done(c);
    }
    w2v_corpus_free(c);
    return T_DONE();
}
