/*
 * checkpoint.c - save and load the training state (see checkpoint.h).
 *
 * Layout (host byte order, no padding between fields):
 *   "W2VCKPT1"  u32 version  u32 0x01020304 (byte-order marker)
 *   u64 V, D, corpus_len, corpus_words, corpus_hash, words_done, max_token_bytes, seed
 *   u32 window, negative, epochs, threads, kernel, lowercase, regex_len, path_len, cbow, hs
 *   f64 alpha, sample
 *   regex bytes, corpus path bytes
 *   per thread: u32 epoch, f32 alpha, u64 pos, rng, pending
 *   per word:   u32 len, bytes, u64 count
 *   W_E: V rows of D f32; W_out (if negative > 0): the same; W_hs (if hs): max(V-1,1) rows
 *   u64 checksum of all bytes before it
 */
#include "w2v/checkpoint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/hash64.h"
#include "core/hashed_reader.h"
#include "core/hashed_writer.h"
#include "w2v/atomic_file.h"

static const char MAGIC[8] = {'W', '2', 'V', 'C', 'K', 'P', 'T', '1'};
#define ORDER_MARK 0x01020304u
#define MAX_PATH_BYTES 65536u

uint64_t w2v_checkpoint_corpus_hash(const w2v_corpus *c)
{
    w2v_hash64 hs = {.h = 0x5EED};
    w2v_hash64_add(&hs, c->ids, c->len * sizeof *c->ids);
    return w2v_hash64_final(&hs);
}

uint64_t w2v_checkpoint_model_hash(const w2v_model *m)
{
    w2v_hash64 hs = {.h = 0x3EED};
    w2v_hash64_add(&hs, m->in, m->V * m->stride * sizeof *m->in);
    return w2v_hash64_final(&hs);
}

/* ---- writing ---- */

w2v_status w2v_checkpoint_save(const char *path, const char *corpus_path,
                               const w2v_tokenize_opts *tok_opts, const w2v_corpus *corpus,
                               const w2v_model *model, const w2v_train_opts *opts,
                               const w2v_train_state *state, w2v_error *err)
{
    w2v_afile *af;
    w2v_hwriter w = {.hs = {.h = 0x5EED}};
    w2v_status st = w2v_afile_open(path, &af, &w.fp, err);
    if (st)
        return st;
    const char *regex = tok_opts->regex ? tok_opts->regex : "";
    size_t V = model->V, D = model->D;
    w2v_hw_put(&w, MAGIC, 8);
    w2v_hw_u32(&w, W2V_CHECKPOINT_VERSION);
    w2v_hw_u32(&w, ORDER_MARK);
    uint64_t u64s[] = {V, D, corpus->len, corpus->words, w2v_checkpoint_corpus_hash(corpus),
                       state->words_done, tok_opts->max_token_bytes, opts->seed};
    for (size_t i = 0; i < sizeof u64s / sizeof *u64s; i++)
        w2v_hw_u64(&w, u64s[i]);
    uint32_t u32s[] = {opts->window, opts->negative, opts->epochs, state->threads,
                       (uint32_t)opts->kernel, (uint32_t)!!tok_opts->lowercase,
                       (uint32_t)strlen(regex), (uint32_t)strlen(corpus_path),
                       (uint32_t)!!opts->cbow, (uint32_t)!!opts->hs};
    for (size_t i = 0; i < sizeof u32s / sizeof *u32s; i++)
        w2v_hw_u32(&w, u32s[i]);
    w2v_hw_f64(&w, opts->alpha);
    w2v_hw_f64(&w, opts->sample);
    w2v_hw_put(&w, regex, strlen(regex));
    w2v_hw_put(&w, corpus_path, strlen(corpus_path));
    for (unsigned i = 0; i < state->threads; i++) {
        const w2v_worker_state *ws = &state->workers[i];
        w2v_hw_u32(&w, ws->epoch);
        w2v_hw_put(&w, &ws->alpha, 4);
        w2v_hw_u64(&w, ws->pos);
        w2v_hw_u64(&w, ws->rng);
        w2v_hw_u64(&w, ws->pending);
    }
    for (size_t i = 0; i < V; i++) {
        const char *word = w2v_vocab_word(corpus->vocab, (uint32_t)i);
        w2v_hw_u32(&w, (uint32_t)strlen(word));
        w2v_hw_put(&w, word, strlen(word));
        w2v_hw_u64(&w, w2v_vocab_count(corpus->vocab, (uint32_t)i));
    }
    for (size_t i = 0; i < V; i++)
        w2v_hw_put(&w, model->in + i * model->stride, D * sizeof(float));
    for (size_t i = 0; model->out && i < V; i++)
        w2v_hw_put(&w, model->out + i * model->stride, D * sizeof(float));
    for (size_t i = 0; model->hs && i < (V > 1 ? V - 1 : 1); i++)
        w2v_hw_put(&w, model->hs + i * model->stride, D * sizeof(float));
    if (w2v_hw_finish(&w)) {
        int e = errno;
        w2v_afile_abort(af);
        return w2v_error_set(err, W2V_ERR_IO, "%s: write failed: %s", path, strerror(e));
    }
    return w2v_afile_commit(af, err);
}

/* ---- reading ---- */

typedef w2v_hreader reader;

static char *get_string(reader *r, uint32_t n)
{
    char *s = malloc((size_t)n + 1);
    if (!s) {
        r->st = w2v_error_set(r->err, W2V_ERR_NOMEM, "%s: out of memory", r->name);
        return NULL;
    }
    if (w2v_hr_get(r, s, n) != 0) {
        free(s);
        return NULL;
    }
    s[n] = '\0';
    return s;
}

/* A callee's error st (already in r->err) as the reader's, naming the file. */
static void named(reader *r, w2v_status st)
{
    char why[W2V_ERROR_MSG_MAX];
    snprintf(why, sizeof why, "%s", r->err ? r->err->msg : "");
    r->st = w2v_error_set(r->err, st, "%s: %s", r->name, why);
}

/* What the fixed-size header gives beyond the fields of w2v_checkpoint. */
typedef struct {
    uint64_t V, D, words_done, size; /* size: of the file, for the limits */
    uint32_t regex_len, path_len;
} header;

/* Open path as a regular file; *size gets its length. */
static w2v_status open_regular(const char *path, FILE **fp, uint64_t *size, w2v_error *err)
{
    *fp = fopen(path, "rb");
    if (!*fp)
        return w2v_error_set(err, W2V_ERR_IO, "%s: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fileno(*fp), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(*fp);
        *fp = NULL;
        return w2v_error_set(err, W2V_ERR_IO, "%s: not a regular file", path);
    }
    *size = (uint64_t)sb.st_size;
    return W2V_OK;
}

/* Magic, version, byte order, then the fixed-size fields (see the layout). */
static void read_header(reader *r, w2v_checkpoint *ck, header *h)
{
    char magic[8] = {0};
    w2v_hr_get(r, magic, 8);
    if (!r->st && memcmp(magic, MAGIC, 8) != 0)
        w2v_hr_bad(r, "wrong magic");
    uint32_t version = w2v_hr_u32(r), order = w2v_hr_u32(r);
    if (!r->st && version != W2V_CHECKPOINT_VERSION)
        r->st = w2v_error_set(r->err, W2V_ERR_FORMAT, "%s: checkpoint version %u, this build "
                              "reads %d", r->name, version, W2V_CHECKPOINT_VERSION);
    if (!r->st && order != ORDER_MARK)
        w2v_hr_bad(r, "written on a machine of the other byte order");
    h->V = w2v_hr_u64(r);
    h->D = w2v_hr_u64(r);
    ck->corpus_len = w2v_hr_u64(r);
    ck->corpus_words = w2v_hr_u64(r);
    ck->corpus_hash = w2v_hr_u64(r);
    h->words_done = w2v_hr_u64(r);
    ck->max_token_bytes = w2v_hr_u64(r);
    w2v_train_opts *o = &ck->train;
    *o = w2v_train_opts_default();
    o->seed = w2v_hr_u64(r);
    o->window = w2v_hr_u32(r);
    o->negative = w2v_hr_u32(r);
    o->epochs = w2v_hr_u32(r);
    o->threads = w2v_hr_u32(r);
    o->kernel = (w2v_kernel)w2v_hr_u32(r);
    uint32_t lowercase = w2v_hr_u32(r);
    h->regex_len = w2v_hr_u32(r);
    h->path_len = w2v_hr_u32(r);
    uint32_t cbow = w2v_hr_u32(r), hs = w2v_hr_u32(r);
    o->alpha = w2v_hr_f64(r);
    o->sample = w2v_hr_f64(r);
    o->progress = NULL;
    if (!r->st && (lowercase > 1 || cbow > 1 || hs > 1))
        w2v_hr_bad(r, "mode flags out of range");
    ck->lowercase = (int)lowercase;
    o->cbow = (int)cbow;
    o->hs = (int)hs;
}

/* Every size against limits and the file, before anything is allocated. */
static void check_header(reader *r, const w2v_checkpoint *ck, const header *h)
{
    const w2v_train_opts *o = &ck->train;
    w2v_error e2;
    if (r->st)
        return;
    if (h->V == 0 || h->V > W2V_VOCAB_MAX_WORDS || h->D == 0 || h->D > W2V_MODEL_MAX_DIM)
        w2v_hr_bad(r, "vocabulary size or dimension out of range");
    else if (h->V * h->D * 4 * (1 + (o->negative > 0) + (uint64_t)o->hs) > h->size + 4 * h->D)
        w2v_hr_bad(r, "matrices larger than the file");
    else if (h->regex_len > MAX_PATH_BYTES || h->path_len > MAX_PATH_BYTES)
        w2v_hr_bad(r, "string lengths out of range");
    else if (o->threads == 0 || o->threads > W2V_TRAIN_MAX_THREADS ||
             (uint64_t)o->threads * 32 > h->size) /* 32 bytes per worker */
        w2v_hr_bad(r, "thread count out of range");
    else if (w2v_train_check(o, &e2) != W2V_OK)
        r->st = w2v_error_set(r->err, W2V_ERR_FORMAT, "%s: bad settings: %s", r->name, e2.msg);
    else if (ck->max_token_bytes == 0 || ck->max_token_bytes > W2V_TOKENIZE_MAX_TOKEN_LIMIT)
        w2v_hr_bad(r, "token length limit out of range");
    else if (ck->corpus_words > ck->corpus_len || h->words_done > ck->corpus_words * o->epochs)
        w2v_hr_bad(r, "progress out of range");
}

/* The tokenizer pattern, the corpus path and each worker's state. */
static void read_strings_and_workers(reader *r, w2v_checkpoint *ck, const header *h)
{
    const w2v_train_opts *o = &ck->train;
    if (!r->st) {
        ck->regex = get_string(r, h->regex_len);
        ck->corpus_path = get_string(r, h->path_len);
    }
    w2v_status st;
    if (!r->st && (st = w2v_train_state_init(&ck->state, o->threads, r->err)) != W2V_OK)
        named(r, st);
    if (r->st)
        return;
    ck->state.saved = 1;
    ck->state.words_done = h->words_done;
    for (unsigned i = 0; i < o->threads && !r->st; i++) {
        w2v_worker_state *ws = &ck->state.workers[i];
        ws->epoch = w2v_hr_u32(r);
        w2v_hr_get(r, &ws->alpha, 4);
        ws->pos = w2v_hr_u64(r);
        ws->rng = w2v_hr_u64(r);
        ws->pending = w2v_hr_u64(r);
        /* pending is published once it reaches W2V_TRAIN_CHUNK, so a saved
         * worker always holds less */
        if (!r->st && (ws->epoch > o->epochs || ws->pos > ck->corpus_len ||
                       ws->pending >= W2V_TRAIN_CHUNK ||
                       !(ws->alpha >= 0 && ws->alpha <= (float)o->alpha)))
            w2v_hr_bad(r, "worker state out of range");
    }
}

/* V distinct words with their counts, in id order.  The counts are not
 * required to descend: a vocabulary read with -read-vocab keeps its file's
 * order. */
static void read_vocab(reader *r, w2v_checkpoint *ck, uint64_t V)
{
    w2v_status st;
    if (!r->st && (st = w2v_vocab_create(&ck->vocab, r->err)) != W2V_OK)
        named(r, st);
    char word[W2V_VOCAB_MAX_WORD_BYTES];
    for (uint64_t i = 0; i < V && !r->st; i++) {
        uint32_t len = w2v_hr_u32(r);
        if (!r->st && (len == 0 || len > sizeof word)) {
            w2v_hr_bad(r, "word length out of range");
            break;
        }
        if (w2v_hr_get(r, word, len) != 0)
            break;
        uint64_t count = w2v_hr_u64(r);
        uint32_t id;
        if (!r->st && (w2v_vocab_find(ck->vocab, word, len) != W2V_VOCAB_NONE ||
                            w2v_vocab_add(ck->vocab, word, len, count, &id, NULL) != W2V_OK))
            w2v_hr_bad(r, "duplicate or invalid word");
    }
}

/* W_E, then W_out and W_hs when the settings use them. */
static void read_matrices(reader *r, w2v_checkpoint *ck, const header *h, size_t max_bytes)
{
    if (r->st)
        return;
    const w2v_train_opts *o = &ck->train;
    w2v_model_opts mo = w2v_model_opts_default();
    mo.max_bytes = max_bytes;
    mo.ns = o->negative > 0;
    mo.hs = o->hs;
    w2v_status st = w2v_model_create(&ck->model, h->V, h->D, &mo, r->err);
    if (st)
        named(r, st);
    float *mats[3] = {ck->model.in, ck->model.out, ck->model.hs};
    uint64_t nrows[3] = {h->V, h->V, h->V > 1 ? h->V - 1 : 1};
    for (int k = 0; k < 3 && !r->st; k++)
        for (uint64_t i = 0; mats[k] && i < nrows[k] && !r->st; i++)
            w2v_hr_get(r, mats[k] + i * ck->model.stride, h->D * sizeof(float));
}

/* The checksum of everything read, and nothing after it. */
static void read_checksum(reader *r)
{
    if (r->st)
        return;
    uint64_t want = w2v_hash64_final(&r->hs), got;
    if (fread(&got, 8, 1, r->fp) != 1)
        r->st = w2v_error_set(r->err, W2V_ERR_FORMAT, "%s: checkpoint truncated at byte %llu",
                              r->name, (unsigned long long)r->off);
    else if (got != want)
        r->st = w2v_error_set(r->err, W2V_ERR_FORMAT,
                              "%s: checksum mismatch: the checkpoint is corrupted", r->name);
    else if (fgetc(r->fp) != EOF)
        w2v_hr_bad(r, "trailing bytes after the checksum");
}

w2v_status w2v_checkpoint_load(const char *path, size_t max_bytes, w2v_checkpoint *ck,
                               w2v_error *err)
{
    memset(ck, 0, sizeof *ck);
    header h = {0};
    FILE *fp;
    w2v_status st = open_regular(path, &fp, &h.size, err);
    if (st)
        return st;
    reader r = {.fp = fp, .name = path, .kind = "checkpoint", .hs = {.h = 0x5EED}, .err = err};
    read_header(&r, ck, &h);
    check_header(&r, ck, &h);
    read_strings_and_workers(&r, ck, &h);
    read_vocab(&r, ck, h.V);
    read_matrices(&r, ck, &h, max_bytes);
    read_checksum(&r);
    fclose(fp);
    if (r.st) {
        w2v_checkpoint_free(ck);
        return r.st;
    }
    return W2V_OK;
}

void w2v_checkpoint_free(w2v_checkpoint *ck)
{
    if (!ck)
        return;
    w2v_vocab_free(ck->vocab);
    w2v_model_free(&ck->model);
    w2v_train_state_free(&ck->state);
    free(ck->regex);
    free(ck->corpus_path);
    memset(ck, 0, sizeof *ck);
}
