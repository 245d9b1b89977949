/*
 * model_file.c - save and load a finished model (see model_file.h).
 *
 * The reader parses a byte range (a mapped file, or a fuzzer's buffer), so
 * one code path serves both; nothing is allocated before the sizes it
 * implies have been checked against the bytes that remain.  The checksum is
 * the checkpoint's (a 64-bit multiply-xorshift over 8-byte words), seeded
 * differently, so a checkpoint's bytes never pass for a model's.
 */
#include "w2v/model_file.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hash64.h"
#include "core/hashed_reader.h"
#include "core/hashed_writer.h"
#include "w2v/atomic_file.h"
#include "w2v/tokenize.h"

#define ORDER_MARK 0x01020304u
#define HASH_SEED 0x30DE1F11Eull
/* Bytes of the fixed part: magic, version, marker, 9 u64, 10 u32, 3 f64. */
#define FIXED_BYTES (8 + 4 + 4 + 9 * 8 + 10 * 4 + 3 * 8)
#define WORKER_BYTES (4 + 4 + 4 * 8)

int w2v_model_file_is(const void *data, size_t len)
{
    return data && len >= 8 && memcmp(data, W2V_MODEL_FILE_MAGIC, 8) == 0;
}

static size_t hs_rows(size_t V) { return V > 1 ? V - 1 : 1; }

/* ---- writing ---- */

w2v_status w2v_model_file_save(const char *path, const w2v_model_file *mf, w2v_error *err)
{
    const w2v_model *m = &mf->model;
    const w2v_train_opts *o = &mf->train;
    size_t V = m->V, D = m->D;
    const char *regex = mf->regex ? mf->regex : "";
    unsigned threads = mf->state.workers ? mf->state.threads : 0;
    if (!mf->vocab || w2v_vocab_size(mf->vocab) != V || !m->in ||
        (o->negative > 0) != (m->out != NULL) || (o->hs != 0) != (m->hs != NULL) ||
        strlen(regex) > W2V_MODEL_FILE_MAX_REGEX)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: the model to save is inconsistent", path);
    w2v_afile *af;
    w2v_hwriter w = {.hs = {.h = HASH_SEED}};
    w2v_status st = w2v_afile_open(path, &af, &w.fp, err);
    if (st)
        return st;
    w2v_hw_put(&w, W2V_MODEL_FILE_MAGIC, 8);
    w2v_hw_u32(&w, W2V_MODEL_FILE_VERSION);
    w2v_hw_u32(&w, ORDER_MARK);
    uint64_t u64s[] = {V, D, o->seed, mf->max_token_bytes, mf->corpus_len, mf->corpus_words,
                       mf->corpus_hash, mf->state.words_done, mf->count_total};
    for (size_t i = 0; i < sizeof u64s / sizeof *u64s; i++)
        w2v_hw_u64(&w, u64s[i]);
    uint32_t u32s[] = {o->window, o->negative, o->epochs, o->schedule_epochs, threads,
                       (uint32_t)o->kernel, (uint32_t)!!o->cbow, (uint32_t)!!o->hs,
                       (uint32_t)!!mf->lowercase, (uint32_t)strlen(regex)};
    for (size_t i = 0; i < sizeof u32s / sizeof *u32s; i++)
        w2v_hw_u32(&w, u32s[i]);
    w2v_hw_f64(&w, o->alpha);
    w2v_hw_f64(&w, o->sample);
    w2v_hw_f64(&w, mf->init_range);
    w2v_hw_put(&w, regex, strlen(regex));
    for (unsigned i = 0; i < threads; i++) {
        const w2v_worker_state *ws = &mf->state.workers[i];
        w2v_hw_u32(&w, ws->epoch);
        w2v_hw_put(&w, &ws->alpha, 4);
        w2v_hw_u64(&w, ws->pos);
        w2v_hw_u64(&w, ws->rng);
        w2v_hw_u64(&w, ws->pending);
        w2v_hw_u64(&w, ws->tail);
    }
    for (size_t i = 0; i < V; i++) {
        const char *word = w2v_vocab_word(mf->vocab, (uint32_t)i);
        w2v_hw_u32(&w, (uint32_t)strlen(word));
        w2v_hw_put(&w, word, strlen(word));
        w2v_hw_u64(&w, w2v_vocab_count(mf->vocab, (uint32_t)i));
    }
    const float *mats[3] = {m->in, m->out, m->hs};
    size_t nrows[3] = {V, V, hs_rows(V)};
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; mats[k] && i < nrows[k]; i++)
            w2v_hw_put(&w, mats[k] + i * m->stride, D * sizeof(float));
    if (w2v_hw_finish(&w)) {
        int e = errno;
        w2v_afile_abort(af);
        return w2v_error_set(err, W2V_ERR_IO, "%s: write failed: %s", path, strerror(e));
    }
    return w2v_afile_commit(af, err);
}

/* ---- reading ---- */

typedef w2v_hreader reader;

static size_t left(const reader *r) { return (size_t)(r->len - r->off); }

/* Read n rows of D floats into rows of stride floats; each must be finite. */
static void get_rows(reader *r, float *dst, size_t n, size_t D, size_t stride)
{
    for (size_t i = 0; i < n && !r->st; i++) {
        float *row = dst + i * stride;
        if (w2v_hr_get(r, row, D * sizeof(float)) != 0)
            return;
        for (size_t d = 0; d < D; d++)
            if (!isfinite(row[d])) {
                w2v_hr_bad(r, "a matrix value is not a finite number");
                return;
            }
    }
}

w2v_status w2v_model_file_read_mem(const void *data, size_t len, const char *name,
                                   size_t max_bytes, w2v_model_file *mf, w2v_error *err)
{
    memset(mf, 0, sizeof *mf);
    if (!name)
        name = "(memory)";
    if (!data && len)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: NULL data", name);
    reader r = {.p = data, .len = len, .name = name, .kind = "model file",
                .hs = {.h = HASH_SEED}, .err = err};
    if (len < 8 || !w2v_model_file_is(data, len))
        return w2v_hr_bad(&r, len < 8 ? "too short" : "wrong magic");
    char magic[8];
    w2v_hr_get(&r, magic, 8);
    uint32_t version = w2v_hr_u32(&r), order = w2v_hr_u32(&r);
    if (!r.st && version != W2V_MODEL_FILE_VERSION)
        return w2v_error_set(err, W2V_ERR_FORMAT,
                             "%s: model file version %u, this build reads version %d", name,
                             version, W2V_MODEL_FILE_VERSION);
    if (!r.st && order != ORDER_MARK)
        return w2v_hr_bad(&r, "written on a machine of the other byte order");
    uint64_t V = w2v_hr_u64(&r), D = w2v_hr_u64(&r);
    w2v_train_opts *o = &mf->train;
    *o = w2v_train_opts_default();
    o->seed = w2v_hr_u64(&r);
    mf->max_token_bytes = w2v_hr_u64(&r);
    mf->corpus_len = w2v_hr_u64(&r);
    mf->corpus_words = w2v_hr_u64(&r);
    mf->corpus_hash = w2v_hr_u64(&r);
    uint64_t words_done = w2v_hr_u64(&r);
    mf->count_total = w2v_hr_u64(&r);
    o->window = w2v_hr_u32(&r);
    o->negative = w2v_hr_u32(&r);
    o->epochs = w2v_hr_u32(&r);
    o->schedule_epochs = w2v_hr_u32(&r);
    uint32_t threads = w2v_hr_u32(&r);
    o->kernel = (w2v_kernel)w2v_hr_u32(&r);
    uint32_t cbow = w2v_hr_u32(&r), hs = w2v_hr_u32(&r), lower = w2v_hr_u32(&r);
    uint32_t regex_len = w2v_hr_u32(&r);
    o->alpha = w2v_hr_f64(&r);
    o->sample = w2v_hr_f64(&r);
    mf->init_range = w2v_hr_f64(&r);
    o->threads = threads ? threads : 1;
    o->cbow = (int)cbow;
    o->hs = (int)hs;
    mf->lowercase = (int)lower;
    /* Every size against limits and the bytes left before allocating. */
    uint64_t mats = 1 + (o->negative > 0) + (uint64_t)(hs == 1);
    w2v_error e2;
    if (r.st)
        ;
    else if (V == 0 || V > W2V_VOCAB_MAX_WORDS || D == 0 || D > W2V_MODEL_MAX_DIM)
        w2v_hr_bad(&r, "vocabulary size or dimension out of range");
    else if (cbow > 1 || hs > 1 || lower > 1)
        w2v_hr_bad(&r, "mode flags out of range");
    else if (V * D * 4 * mats > left(&r) || V * 12 > left(&r))
        r.st = w2v_error_set(err, W2V_ERR_FORMAT, "%s: model file truncated at byte %zu, or "
                             "its header damaged (%llu words of dimension %llu declared)", name,
                             len, (unsigned long long)V, (unsigned long long)D);
    else if (regex_len > W2V_MODEL_FILE_MAX_REGEX || regex_len > left(&r))
        w2v_hr_bad(&r, "token pattern length out of range");
    else if (threads > W2V_TRAIN_MAX_THREADS || (uint64_t)threads * WORKER_BYTES > left(&r))
        w2v_hr_bad(&r, "thread count out of range");
    else if (o->schedule_epochs > 1000000 || o->epochs > 1000000)
        w2v_hr_bad(&r, "epochs out of range");
    else if (w2v_train_check(o, &e2) != W2V_OK)
        r.st = w2v_error_set(err, W2V_ERR_FORMAT, "%s: not a valid model file (settings: %s)",
                             name, e2.msg);
    else if (!(mf->init_range > 0 && mf->init_range <= 1e6))
        w2v_hr_bad(&r, "initialisation range out of range");
    else if (mf->max_token_bytes == 0 || mf->max_token_bytes > W2V_TOKENIZE_MAX_TOKEN_LIMIT)
        w2v_hr_bad(&r, "token length limit out of range");
    else if (mf->corpus_words > mf->corpus_len ||
             words_done > mf->corpus_words * (uint64_t)(o->epochs > o->schedule_epochs
                                                        ? o->epochs : o->schedule_epochs))
        w2v_hr_bad(&r, "progress out of range");
    if (!r.st && regex_len) {
        mf->regex = malloc((size_t)regex_len + 1);
        if (!mf->regex)
            r.st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
        else if (w2v_hr_get(&r, mf->regex, regex_len) == 0) {
            mf->regex[regex_len] = '\0';
            if (memchr(mf->regex, '\0', regex_len))
                w2v_hr_bad(&r, "NUL byte in the token pattern");
        }
    }
    if (!r.st && threads && w2v_train_state_init(&mf->state, threads, err) != W2V_OK)
        r.st = W2V_ERR_NOMEM;
    mf->state.words_done = words_done;
    if (!r.st && threads) {
        mf->state.saved = 1;
        for (unsigned i = 0; i < threads && !r.st; i++) {
            w2v_worker_state *ws = &mf->state.workers[i];
            ws->epoch = w2v_hr_u32(&r);
            w2v_hr_get(&r, &ws->alpha, 4);
            ws->pos = w2v_hr_u64(&r);
            ws->rng = w2v_hr_u64(&r);
            ws->pending = w2v_hr_u64(&r);
            ws->tail = w2v_hr_u64(&r);
            if (!r.st && (ws->epoch > o->epochs || ws->pos > mf->corpus_len ||
                          !(ws->alpha >= 0 && ws->alpha <= (float)o->alpha) ||
                          ws->pending >= W2V_TRAIN_CHUNK || ws->tail >= W2V_TRAIN_CHUNK ||
                          ws->pending + ws->tail > words_done))
                w2v_hr_bad(&r, "worker state out of range");
        }
    }
    if (!r.st)
        r.st = w2v_vocab_create(&mf->vocab, err);
    char word[W2V_VOCAB_MAX_WORD_BYTES];
    for (uint64_t i = 0; i < V && !r.st; i++) {
        uint32_t n = w2v_hr_u32(&r);
        if (!r.st && (n == 0 || n > sizeof word)) {
            w2v_hr_bad(&r, "word length out of range");
            break;
        }
        if (w2v_hr_get(&r, word, n) != 0)
            break;
        uint64_t count = w2v_hr_u64(&r);
        uint32_t id;
        if (r.st)
            break;
        if (memchr(word, '\0', n) || w2v_vocab_find(mf->vocab, word, n) != W2V_VOCAB_NONE)
            w2v_hr_bad(&r, "NUL byte in a word, or a word twice");
        else if ((r.st = w2v_vocab_add(mf->vocab, word, n, count, &id, err)) != W2V_OK)
            break;
    }
    /* The words' bytes are known now: the matrices must fill the rest. */
    uint64_t rows = V + (o->negative > 0 ? V : 0) + (hs ? hs_rows(V) : 0);
    if (!r.st && rows * D * 4 + 8 > left(&r))
        r.st = w2v_error_set(err, W2V_ERR_FORMAT, "%s: model file truncated at byte %zu (the "
                             "matrices need %llu bytes more)", name, len,
                             (unsigned long long)(rows * D * 4 + 8 - left(&r)));
    else if (!r.st && rows * D * 4 + 8 < left(&r))
        w2v_hr_bad(&r, "bytes left over after the matrices");
    if (!r.st) {
        w2v_model_opts mo = w2v_model_opts_default();
        mo.max_bytes = max_bytes;
        mo.ns = o->negative > 0;
        mo.hs = o->hs;
        mo.init_range = mf->init_range;
        w2v_error me;
        w2v_status ms = w2v_model_create(&mf->model, V, D, &mo, &me);
        if (ms)
            r.st = w2v_error_set(err, ms, "%s: %s", name, me.msg);
    }
    float *mat[3] = {mf->model.in, mf->model.out, mf->model.hs};
    size_t nrows[3] = {V, V, hs_rows(V)};
    for (int k = 0; k < 3 && !r.st; k++)
        if (mat[k])
            get_rows(&r, mat[k], nrows[k], D, mf->model.stride);
    if (!r.st) {
        uint64_t want = w2v_hash64_final(&r.hs), got;
        memcpy(&got, r.p + r.off, 8);
        if (got != want)
            r.st = w2v_error_set(err, W2V_ERR_FORMAT,
                                 "%s: checksum mismatch: the model file is corrupted", name);
    }
    if (r.st) {
        w2v_model_file_free(mf);
        return r.st;
    }
    return W2V_OK;
}

w2v_status w2v_model_file_load(const char *path, size_t max_bytes, w2v_model_file *mf,
                               w2v_error *err)
{
    memset(mf, 0, sizeof *mf);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return w2v_error_set(err, W2V_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return w2v_error_set(err, W2V_ERR_IO, "%s: not a regular file", path);
    }
    if ((uint64_t)sb.st_size > SIZE_MAX) {
        close(fd);
        return w2v_error_set(err, W2V_ERR_LIMIT, "%s: file too large to map", path);
    }
    size_t len = (size_t)sb.st_size;
    if (len < 8) {
        close(fd);
        return w2v_error_set(err, W2V_ERR_FORMAT, "%s: not a valid model file (too short)",
                             path);
    }
    void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (m == MAP_FAILED)
        return w2v_error_set(err, W2V_ERR_IO, "%s: cannot map: %s", path, strerror(e));
    madvise(m, len, MADV_SEQUENTIAL);
    w2v_status st = w2v_model_file_read_mem(m, len, path, max_bytes, mf, err);
    munmap(m, len);
    return st;
}

void w2v_model_file_free(w2v_model_file *mf)
{
    if (!mf)
        return;
    w2v_vocab_free(mf->vocab);
    w2v_model_free(&mf->model);
    w2v_train_state_free(&mf->state);
    free(mf->regex);
    memset(mf, 0, sizeof *mf);
}
