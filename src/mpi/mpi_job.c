/*
 * mpi_job.c - shares, one vocabulary and model synchronisation over MPI
 * (see mpi_job.h).
 */
#include "mpi_job.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "w2v/vocab.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void mpi_job_init(mpi_job *job, MPI_Comm comm)
{
    memset(job, 0, sizeof *job);
    job->comm = comm;
    MPI_Comm_rank(comm, &job->rank);
    MPI_Comm_size(comm, &job->size);
}

w2v_status mpi_job_agree(mpi_job *job, w2v_status st, w2v_error *err)
{
    /* The lowest failing rank speaks: MINLOC over (failed ? rank : size). */
    int mine = st != W2V_OK ? job->rank : job->size, first;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, job->comm);
    if (first == job->size)
        return W2V_OK;
    char msg[W2V_ERROR_MSG_MAX];
    if (job->rank == first)
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "failed");
    MPI_Bcast(msg, sizeof msg, MPI_CHAR, first, job->comm);
    msg[sizeof msg - 1] = '\0';
    w2v_status code = job->rank == first ? st : W2V_ERR_ARG;
    if (job->size == 1)
        return w2v_error_set(err, code, "%s", msg);
    return w2v_error_set(err, code, "rank %d: %s", first, msg);
}

uint64_t mpi_job_sum(mpi_job *job, uint64_t x)
{
    uint64_t total;
    MPI_Allreduce(&x, &total, 1, MPI_UINT64_T, MPI_SUM, job->comm);
    return total;
}

w2v_tokenize_stats mpi_job_sum_stats(mpi_job *job, const w2v_tokenize_stats *mine)
{
    uint64_t in[4] = {mine->bytes, mine->tokens, mine->sentences, mine->overlong}, all[4];
    MPI_Allreduce(in, all, 4, MPI_UINT64_T, MPI_SUM, job->comm);
    return (w2v_tokenize_stats){all[0], all[1], all[2], all[3]};
}

w2v_status mpi_job_range(mpi_job *job, const char *path, uint64_t *begin, uint64_t *end,
                         w2v_error *err)
{
    uint64_t *cuts = malloc(((size_t)job->size + 1) * sizeof *cuts);
    w2v_status st = cuts ? W2V_OK : w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    if (!st && job->rank == 0)
        st = w2v_tokenize_split(path, (unsigned)job->size, cuts, err);
    st = mpi_job_agree(job, st, err);
    if (!st) {
        MPI_Bcast(cuts, job->size + 1, MPI_UINT64_T, 0, job->comm);
        *begin = cuts[job->rank];
        *end = cuts[job->rank + 1];
    }
    free(cuts);
    return st;
}

/* Bcast n bytes from rank 0 in pieces MPI's int counts can carry. */
static void bcast_bytes(mpi_job *job, char *buf, size_t n)
{
    for (size_t off = 0; off < n; off += INT_MAX / 2) {
        size_t k = n - off < INT_MAX / 2 ? n - off : INT_MAX / 2;
        MPI_Bcast(buf + off, (int)k, MPI_CHAR, 0, job->comm);
    }
}

/*
 * Rank 0 gathers every rank's packed counting vocabulary, merges them in
 * rank order (which is first-seen order over the whole file), finalizes,
 * and sends the final words and counts back; each rank rebuilds them as a
 * vocabulary whose ids are the final ids.
 */
static w2v_status merge_vocab(mpi_job *job, const w2v_vocab *local, const w2v_corpus_opts *opts,
                              w2v_vocab **final, w2v_error *err)
{
    char *pack = NULL, *all = NULL;
    size_t len = 0;
    w2v_status st = w2v_vocab_pack(local, &pack, &len, err);
    if (!st && len > INT_MAX)
        st = w2v_error_set(err, W2V_ERR_LIMIT, "this rank's vocabulary takes %zu bytes; "
                           "MPI can gather at most %d (use more ranks)", len, INT_MAX);
    st = mpi_job_agree(job, st, err);
    if (st) {
        free(pack);
        return st;
    }
    int n = (int)len, *lens = NULL, *offs = NULL;
    if (job->rank == 0) {
        lens = calloc((size_t)job->size, sizeof *lens);
        offs = calloc((size_t)job->size, sizeof *offs);
    }
    MPI_Gather(&n, 1, MPI_INT, lens, 1, MPI_INT, 0, job->comm);
    size_t total = 0;
    if (job->rank == 0 && lens && offs) {
        for (int r = 0; r < job->size; r++) {
            offs[r] = (int)(total < INT_MAX ? total : 0);
            total += (size_t)lens[r];
        }
        if (total <= INT_MAX)
            all = malloc(total ? total : 1);
    }
    /* rank 0 must be able to receive before anyone sends */
    if (job->rank == 0 && (!lens || !offs || !all))
        st = w2v_error_set(err, total > INT_MAX ? W2V_ERR_LIMIT : W2V_ERR_NOMEM,
                           "merging %zu bytes of vocabulary: %s", total,
                           total > INT_MAX ? "over MPI's 2 GB message limit" : "out of memory");
    st = mpi_job_agree(job, st, err);
    if (!st)
        MPI_Gatherv(pack, n, MPI_CHAR, all, lens, offs, MPI_CHAR, 0, job->comm);
    free(pack);
    pack = NULL;

    w2v_vocab *merged = NULL;
    uint64_t flen = 0;
    if (!st && job->rank == 0) {
        st = w2v_vocab_create(&merged, err);
        for (int r = 0; !st && r < job->size; r++) {
            char name[32];
            snprintf(name, sizeof name, "vocabulary of rank %d", r);
            st = w2v_vocab_add_packed(merged, all + offs[r], (size_t)lens[r], name, err);
        }
        if (!st)
            st = w2v_vocab_finalize(merged, opts->min_count, opts->max_vocab, NULL, err);
        if (!st && w2v_vocab_size(merged) == 0)
            st = w2v_error_set(err, W2V_ERR_EMPTY, "no word occurs at least %llu times",
                               (unsigned long long)opts->min_count);
        size_t plen = 0;
        if (!st)
            st = w2v_vocab_pack(merged, &pack, &plen, err);
        flen = plen;
    }
    free(all);
    free(lens);
    free(offs);
    w2v_vocab_free(merged);
    st = mpi_job_agree(job, st, err);
    if (!st) {
        MPI_Bcast(&flen, 1, MPI_UINT64_T, 0, job->comm);
        if (job->rank != 0)
            pack = malloc(flen ? (size_t)flen : 1);
        st = pack ? W2V_OK : w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
        st = mpi_job_agree(job, st, err);
    }
    if (!st) {
        bcast_bytes(job, pack, (size_t)flen);
        st = w2v_vocab_create(final, err);
        if (!st)
            st = w2v_vocab_add_packed(*final, pack, (size_t)flen, "the job's vocabulary", err);
    }
    free(pack);
    return st;
}

w2v_status mpi_job_read_corpus(mpi_job *job, const char *path, const w2v_tokenizer *tok,
                               const w2v_corpus_opts *opts, w2v_corpus **out,
                               w2v_tokenize_stats *stats, w2v_error *err)
{
    *out = NULL;
    w2v_corpus_opts co = *opts;
    w2v_status st = mpi_job_range(job, path, &co.range_begin, &co.range_end, err);
    if (st) {
        w2v_vocab_free(opts->vocab);
        return st;
    }
    co.share = opts->vocab == NULL;
    w2v_corpus *c = NULL;
    st = mpi_job_agree(job, w2v_corpus_build(path, tok, &co, &c, err), err);
    if (!st && co.share) {
        w2v_vocab *final = NULL;
        st = merge_vocab(job, c->vocab, opts, &final, err);
        if (!st)
            st = w2v_corpus_finish(c, final, err);
        else
            w2v_vocab_free(final);
        st = mpi_job_agree(job, st, err);
    }
    if (!st) {
        *stats = mpi_job_sum_stats(job, &c->tok);
        if (mpi_job_sum(job, c->words) == 0)
            st = w2v_error_set(err, W2V_ERR_EMPTY, "%s: no word of the vocabulary occurs in "
                               "the corpus", path);
    }
    if (st) {
        w2v_corpus_free(c);
        return st;
    }
    *out = c;
    return W2V_OK;
}

/* ---- synchronisation ---------------------------------------------------- */

static float *copy_matrix(const float *m, size_t rows, size_t stride)
{
    if (!m)
        return NULL;
    float *c = aligned_alloc(64, (rows * stride * sizeof *c + 63) / 64 * 64);
    if (c)
        memcpy(c, m, rows * stride * sizeof *c);
    return c;
}

static size_t hs_rows(const w2v_model *m)
{
    return m->V > 1 ? m->V - 1 : 1;
}

w2v_status mpi_job_start(mpi_job *job, w2v_model *model, w2v_error *err)
{
    size_t V = model->V, stride = model->stride;
    job->model = model;
    job->base_in = copy_matrix(model->in, V, stride);
    job->base_out = copy_matrix(model->out, V, stride);
    job->base_hs = copy_matrix(model->hs, hs_rows(model), stride);
    job->touched = malloc(V * sizeof *job->touched);
    job->count = malloc(V * sizeof *job->count);
    job->own = malloc(MPI_JOB_CHUNK_BYTES);
    job->sum = malloc(MPI_JOB_CHUNK_BYTES);
    if (!job->base_in || (model->out && !job->base_out) || (model->hs && !job->base_hs) ||
        !job->touched || !job->count || !job->own || !job->sum)
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for the synchronised copy of "
                             "the model (it doubles the model's memory)");
    double t0 = now();
    job->next_words = (uint64_t)job->sync_words;
    job->next_time = t0 + job->sync_seconds;
    job->next_ckpt = t0 + job->ckpt_every;
    return W2V_OK;
}

/* Exchange one matrix's changes (delta.h) with every rank. */
static void sync_matrix(mpi_job *job, float *live, float *base, size_t R)
{
    size_t D = job->model->D, stride = job->model->stride;
    w2v_delta_touched(live, base, R, D, stride, job->touched);
    MPI_Allreduce(job->touched, job->count, (int)R, MPI_UINT16_T, MPI_SUM, job->comm);
    job->bytes_sent += R * sizeof *job->count;
    size_t row = W2V_DELTA_ROW(D);
    size_t chunk = MPI_JOB_CHUNK_BYTES / (row * sizeof(float));
    for (size_t r0 = 0; r0 < R;) {
        size_t r1 = r0, n = 0;
        while (r1 < R && n < chunk)
            n += job->count[r1++] > 0;
        if (n) {
            w2v_delta_pack(live + r0 * stride, base + r0 * stride, r1 - r0, D, stride,
                           job->count + r0, job->own);
            MPI_Allreduce(job->own, job->sum, (int)(n * row), MPI_FLOAT, MPI_SUM, job->comm);
            w2v_delta_apply(live + r0 * stride, base + r0 * stride, r1 - r0, D, stride,
                            job->count + r0, job->sum, job->own, job->mode);
            job->rows_moved += n;
            job->bytes_sent += n * row * sizeof(float);
        }
        r0 = r1;
    }
}

static void sync_model(mpi_job *job)
{
    if (job->size == 1) /* nothing to exchange: the run stays single-node exact */
        return;
    w2v_model *m = job->model;
    sync_matrix(job, m->in, job->base_in, m->V);
    if (m->out)
        sync_matrix(job, m->out, job->base_out, m->V);
    if (m->hs)
        sync_matrix(job, m->hs, job->base_hs, hs_rows(m));
}

/* Wait for a request without spinning: a blocking MPI call polls at full
 * speed, which would take a core from the workers for as long as the
 * slowest rank takes to reach the round. */
static void wait_sleeping(MPI_Request *req)
{
    int done = 0;
    MPI_Test(req, &done, MPI_STATUS_IGNORE);
    while (!done) {
        struct timespec nap = {0, 500 * 1000};
        nanosleep(&nap, NULL);
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
    }
}

/* The words-done estimate between rounds: the others are assumed to go on
 * at this rank's pace. */
static uint64_t others_estimate(const mpi_job *job, uint64_t local)
{
    uint64_t others = job->round_global - job->round_local;
    uint64_t since = local > job->round_local ? local - job->round_local : 0;
    return others + since * (uint64_t)(job->size - 1);
}

w2v_status mpi_job_sync(w2v_sync_call *call, void *user, w2v_sync_answer *answer,
                        w2v_error *err)
{
    (void)err; /* MPI errors abort the job (MPI_ERRORS_ARE_FATAL) */
    mpi_job *job = user;
    double t = now();
    *answer = W2V_SYNC_GO_ON;
    int ckpt_due = job->ckpt && job->ckpt_every > 0 && t >= job->next_ckpt;
    int due = call->paused || call->finished ||
              (job->sync_words > 0 && call->words_done >= job->next_words) ||
              (job->sync_seconds > 0 && t >= job->next_time) || atomic_load(job->stop) || ckpt_due;
    if (!due) {
        call->others_done = others_estimate(job, call->words_done);
        return W2V_OK;
    }
    /* 1. agree on where the job stands and what to do */
    uint64_t mine[4] = {call->words_done, (uint64_t)(call->finished != 0),
                        (uint64_t)(atomic_load(job->stop) != 0),
                        (uint64_t)(job->rank == 0 && ckpt_due)};
    uint64_t all[4];
    MPI_Request req;
    MPI_Iallreduce(mine, all, 4, MPI_UINT64_T, MPI_SUM, job->comm, &req);
    wait_sleeping(&req);
    job->bytes_sent += sizeof mine;
    double t_met = now(); /* the time until here is spent waiting for the slowest rank */
    job->seconds_waiting += t_met - t;
    job->round_local = call->words_done;
    job->round_global = all[0];
    call->others_done = all[0] - call->words_done;
    if (all[2])
        job->stop_agreed = 1;
    if (!call->paused && (all[2] || all[3])) { /* stop or checkpoint: pause everywhere first */
        *answer = W2V_SYNC_PAUSE;
        return W2V_OK;
    }
    /* 2. exchange the model's changes */
    sync_model(job);
    job->rounds++;
    job->seconds_exchanging += now() - t_met;
    if (call->paused) {
        if (job->stop_agreed)
            *answer = W2V_SYNC_STOP;
        job->next_ckpt = now() + job->ckpt_every;
    } else if (all[1] == (uint64_t)job->size) {
        *answer = W2V_SYNC_DONE;
    }
    if (job->sync_words > 0 && job->next_words <= call->words_done) {
        uint64_t every = (uint64_t)job->sync_words; /* >= 1 */
        job->next_words = (call->words_done / every + 1) * every;
    }
    if (job->sync_seconds > 0)
        job->next_time = now() + job->sync_seconds;
    return W2V_OK;
}

void mpi_job_free(mpi_job *job)
{
    free(job->base_in);
    free(job->base_out);
    free(job->base_hs);
    free(job->touched);
    free(job->count);
    free(job->own);
    free(job->sum);
}
