/*
 * test_checkpoint.c - the checkpoint file: a save loads back field for
 * field and bit for bit (both output layers, default and custom tokenizer),
 * and a damaged file is refused with an error naming it, never loaded:
 *  - every header and worker field set out of range, with the checksum
 *    recomputed (tests/fuzz/checkpoint_sum.h) so the field check itself
 *    must catch it;
 *  - words of bad length, duplicate or holding a NUL byte, likewise;
 *  - every single byte changed (checksum left alone): fields that may hold
 *    any value (seed, corpus hash, generator state, weights) are covered
 *    by the checksum only;
 *  - every truncation, a trailing byte, a directory, a missing file, a
 *    model over the memory cap.
 * Offsets follow the layout comment of src/train/checkpoint.c.
 */
#include "t.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz/checkpoint_sum.h"
#include "train/rng.h"
#include "w2v/checkpoint.h"

/* Offsets of the fixed-size header (see checkpoint.c). */
enum {
    OFF_MAGIC = 0, OFF_VERSION = 8, OFF_ORDER = 12, OFF_V = 16, OFF_D = 24,
    OFF_CORPUS_LEN = 32, OFF_CORPUS_WORDS = 40, OFF_CORPUS_HASH = 48, OFF_WORDS_DONE = 56,
    OFF_MAX_TOKEN = 64, OFF_SEED = 72, OFF_WINDOW = 80, OFF_NEGATIVE = 84, OFF_EPOCHS = 88,
    OFF_THREADS = 92, OFF_KERNEL = 96, OFF_LOWERCASE = 100, OFF_REGEX_LEN = 104,
    OFF_PATH_LEN = 108, OFF_CBOW = 112, OFF_HS = 116, OFF_ALPHA = 120, OFF_SAMPLE = 128,
    OFF_STRINGS = 136,
    /* within one worker's 32 bytes */
    W_EPOCH = 0, W_ALPHA = 4, W_POS = 8, W_RNG = 16, W_PENDING = 24, W_SIZE = 32,
};

#define THREADS 2
#define EPOCHS 3
#define REGEX "[a-z]+"
#define CORPUS_NAME "some/corpus.txt"

static char dir[] = "/tmp/w2v-test-ckpt.XXXXXX";
static char path[256];

typedef struct {
    w2v_tokenizer *tok;
    w2v_tokenize_opts to;
    w2v_corpus *corpus;
    w2v_model model;
    w2v_train_opts opts;
    w2v_train_state state;
} run;

/* Words of two letters, so that one can be overwritten by another. */
static const char TEXT[] = "aa bb aa cc aa bb dd\nee aa bb\ncc aa\n";

static int make_run(run *r, int ns, int hs, const char *regex)
{
    memset(r, 0, sizeof *r);
    r->to = w2v_tokenize_opts_default();
    r->to.regex = regex;
    r->to.lowercase = regex != NULL;
    r->to.max_token_bytes = regex ? 77 : r->to.max_token_bytes;
    w2v_corpus_opts co = w2v_corpus_opts_default();
    co.min_count = 1;
    if (w2v_tokenizer_create(&r->to, &r->tok, NULL) != W2V_OK ||
        w2v_corpus_build_mem(TEXT, strlen(TEXT), "mem", r->tok, &co, &r->corpus, NULL) != W2V_OK)
        return -1;
    w2v_model_opts mo = w2v_model_opts_default();
    mo.ns = ns;
    mo.hs = hs;
    if (w2v_model_create(&r->model, w2v_vocab_size(r->corpus->vocab), 9, &mo, NULL) != W2V_OK)
        return -1;
    w2v_rng g = w2v_rng_seed(5, (uint64_t)(ns * 2 + hs));
    float *mats[3] = {r->model.in, r->model.out, r->model.hs};
    for (int k = 0; k < 3; k++) /* W_hs has V - 1 rows */
        for (size_t i = 0; mats[k] && i < (r->model.V - (k == 2)) * r->model.stride; i++)
            mats[k][i] = w2v_rng_float(&g) - 0.5f;
    r->opts = w2v_train_opts_default();
    r->opts.window = 3;
    r->opts.negative = ns ? 4 : 0;
    r->opts.hs = hs;
    r->opts.cbow = hs;
    r->opts.epochs = EPOCHS;
    r->opts.threads = THREADS;
    r->opts.kernel = W2V_KERNEL_PAIR;
    r->opts.alpha = 0.04;
    r->opts.sample = 1e-4;
    r->opts.seed = 123456789012345ull;
    if (w2v_train_state_init(&r->state, THREADS, NULL) != W2V_OK)
        return -1;
    r->state.saved = 1;
    r->state.words_done = 5; /* below the corpus's 12 words, so one epoch is valid */
    for (unsigned i = 0; i < THREADS; i++)
        r->state.workers[i] = (w2v_worker_state){.epoch = 1 + i, .pos = 3 + 5 * i,
                                                 .rng = 0xABCDEF0123456789ull + i,
                                                 .pending = 7 + i, .alpha = 0.03f - 0.01f * i};
    return 0;
}

static void free_run(run *r)
{
    w2v_train_state_free(&r->state);
    w2v_model_free(&r->model);
    w2v_corpus_free(r->corpus);
    w2v_tokenizer_free(r->tok);
}

static int same_matrix(const float *a, const float *b, const w2v_model *m, size_t rows)
{
    if (!a || !b)
        return a == b;
    for (size_t i = 0; i < rows; i++)
        if (memcmp(a + i * m->stride, b + i * m->stride, m->D * sizeof(float)) != 0)
            return 0;
    return 1;
}

static void check_round_trip(int ns, int hs, const char *regex)
{
    run r;
    if (make_run(&r, ns, hs, regex) != 0) {
        T_CHECK(0, "setting up ns=%d hs=%d failed", ns, hs);
        free_run(&r);
        return;
    }
    T_OK(w2v_checkpoint_save(path, CORPUS_NAME, &r.to, r.corpus, &r.model, &r.opts, &r.state,
                             NULL));
    w2v_checkpoint ck;
    w2v_error err;
    w2v_status st = w2v_checkpoint_load(path, 0, &ck, &err);
    T_CHECK(st == W2V_OK, "load ns=%d hs=%d: %s", ns, hs, st ? err.msg : "");
    if (st == W2V_OK) {
        size_t V = w2v_vocab_size(r.corpus->vocab);
        T_EQ(w2v_vocab_size(ck.vocab), V);
        for (uint32_t i = 0; i < V && i < w2v_vocab_size(ck.vocab); i++) {
            T_STREQ(w2v_vocab_word(ck.vocab, i), w2v_vocab_word(r.corpus->vocab, i));
            T_EQ(w2v_vocab_count(ck.vocab, i), w2v_vocab_count(r.corpus->vocab, i));
        }
        T_EQ(ck.model.V, V);
        T_EQ(ck.model.D, 9);
        T_TRUE(same_matrix(ck.model.in, r.model.in, &r.model, V));
        T_TRUE(same_matrix(ck.model.out, r.model.out, &r.model, V));
        T_TRUE(same_matrix(ck.model.hs, r.model.hs, &r.model, V - 1));
        T_EQ(ck.train.window, 3);
        T_EQ(ck.train.negative, r.opts.negative);
        T_EQ(ck.train.epochs, EPOCHS);
        T_EQ(ck.train.threads, THREADS);
        T_EQ(ck.train.kernel, W2V_KERNEL_PAIR);
        T_EQ(ck.train.cbow, hs);
        T_EQ(ck.train.hs, hs);
        T_TRUE(ck.train.alpha == 0.04 && ck.train.sample == 1e-4);
        T_TRUE(ck.train.seed == 123456789012345ull);
        T_TRUE(ck.train.progress == NULL && ck.train.checkpoint == NULL && ck.train.sync == NULL);
        T_TRUE(ck.state.saved && ck.state.threads == THREADS && ck.state.words_done == 5);
        for (unsigned i = 0; i < THREADS; i++) {
            const w2v_worker_state *a = &ck.state.workers[i], *b = &r.state.workers[i];
            T_TRUE(a->epoch == b->epoch && a->pos == b->pos && a->rng == b->rng &&
                   a->pending == b->pending && a->alpha == b->alpha);
        }
        T_STREQ(ck.regex, regex ? regex : "");
        T_EQ(ck.lowercase, regex != NULL);
        T_EQ(ck.max_token_bytes, r.to.max_token_bytes);
        T_STREQ(ck.corpus_path, CORPUS_NAME);
        T_EQ(ck.corpus_len, r.corpus->len);
        T_EQ(ck.corpus_words, r.corpus->words);
        T_TRUE(ck.corpus_hash == w2v_checkpoint_corpus_hash(r.corpus));
        w2v_checkpoint_free(&ck);
        w2v_checkpoint_free(&ck); /* twice: harmless */
    }
    free_run(&r);
}

/* The image of a saved checkpoint (both layers, custom tokenizer). */
static unsigned char *image(size_t *n)
{
    run r;
    unsigned char *buf = NULL;
    *n = 0;
    if (make_run(&r, 1, 1, REGEX) == 0 &&
        w2v_checkpoint_save(path, CORPUS_NAME, &r.to, r.corpus, &r.model, &r.opts, &r.state,
                            NULL) == W2V_OK) {
        FILE *f = fopen(path, "rb");
        buf = malloc(1 << 16);
        if (f && buf)
            *n = fread(buf, 1, 1 << 16, f);
        if (f)
            fclose(f);
    }
    free_run(&r);
    return buf;
}

static void write_file(const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(p, 1, n, f);
        fclose(f);
    }
}

/* Load p[0..n); @return the status, with err filled.  A success is freed. */
static w2v_status load(const unsigned char *p, size_t n, size_t max_bytes, w2v_error *err)
{
    write_file(p, n);
    w2v_checkpoint ck;
    w2v_status st = w2v_checkpoint_load(path, max_bytes, &ck, err);
    if (st == W2V_OK)
        w2v_checkpoint_free(&ck);
    return st;
}

/* Copy of img with vlen bytes at off replaced, checksum recomputed; must be
 * refused with a format error naming the file and saying `want`. */
static void refused(const unsigned char *img, size_t n, size_t off, const void *val, size_t vlen,
                    const char *want, const char *what)
{
    unsigned char *p = malloc(n);
    if (!p)
        return;
    memcpy(p, img, n);
    memcpy(p + off, val, vlen);
    ckpt_fix_sum(p, n);
    w2v_error err = {0};
    w2v_status st = load(p, n, 0, &err);
    T_CHECK(st == W2V_ERR_FORMAT && strstr(err.msg, path) && strstr(err.msg, want),
            "%s: status %d, \"%s\" (wanted a format error saying \"%s\")", what, (int)st,
            st ? err.msg : "loaded", want);
    free(p);
}

/* The same for a change the loader must accept (checksum recomputed). */
static void accepted(const unsigned char *img, size_t n, size_t off, const void *val,
                     size_t vlen, const char *what)
{
    unsigned char *p = malloc(n);
    if (!p)
        return;
    memcpy(p, img, n);
    memcpy(p + off, val, vlen);
    ckpt_fix_sum(p, n);
    w2v_error err = {0};
    w2v_status st = load(p, n, 0, &err);
    T_CHECK(st == W2V_OK, "%s: %s", what, err.msg);
    free(p);
}

#define U32(x) (&(uint32_t){(uint32_t)(x)}), 4
#define U64(x) (&(uint64_t){(uint64_t)(x)}), 8
#define F32(x) (&(float){(float)(x)}), 4
#define F64(x) (&(double){(double)(x)}), 8

static void check_fields(const unsigned char *img, size_t n)
{
    uint64_t V, D, len, words;
    memcpy(&V, img + OFF_V, 8);
    memcpy(&D, img + OFF_D, 8);
    memcpy(&len, img + OFF_CORPUS_LEN, 8);
    memcpy(&words, img + OFF_CORPUS_WORDS, 8);
    const size_t wk = OFF_STRINGS + strlen(REGEX) + strlen(CORPUS_NAME);
    const size_t w1 = wk + W_SIZE;          /* the second worker */
    const size_t vocab = wk + THREADS * W_SIZE; /* u32 len, bytes, u64 count */
    const size_t word2 = vocab + 4 + 2 + 8; /* the second word (two letters each) */

    refused(img, n, OFF_MAGIC, "X", 1, "wrong magic", "magic");
    refused(img, n, OFF_VERSION, U32(2), "version 2", "version");
    refused(img, n, OFF_ORDER, U32(0x04030201), "byte order", "byte-order mark");
    refused(img, n, OFF_V, U64(0), "out of range", "V = 0");
    refused(img, n, OFF_V, U64(1ull << 33), "out of range", "V = 2^33");
    refused(img, n, OFF_V, U64(V + 1000), "larger than the file", "V + 1000");
    refused(img, n, OFF_V, U64(V + 1), "", "V + 1"); /* reads past the words: some error */
    refused(img, n, OFF_D, U64(0), "out of range", "D = 0");
    refused(img, n, OFF_D, U64(W2V_MODEL_MAX_DIM + 1), "out of range", "D too large");
    refused(img, n, OFF_D, U64(D * 500), "larger than the file", "D x 500");
    refused(img, n, OFF_CORPUS_LEN, U64(words - 1), "progress", "corpus length < words");
    refused(img, n, OFF_CORPUS_WORDS, U64(len + 1), "progress", "corpus words > length");
    refused(img, n, OFF_WORDS_DONE, U64(words * EPOCHS + 1), "progress", "words done");
    refused(img, n, OFF_MAX_TOKEN, U64(0), "token length", "max token 0");
    refused(img, n, OFF_MAX_TOKEN, U64(W2V_TOKENIZE_MAX_TOKEN_LIMIT + 1), "token length",
            "max token too large");
    refused(img, n, OFF_WINDOW, U32(0), "bad settings", "window 0");
    refused(img, n, OFF_WINDOW, U32(W2V_TRAIN_MAX_WINDOW + 1), "bad settings", "window large");
    refused(img, n, OFF_NEGATIVE, U32(W2V_TRAIN_MAX_NEGATIVE + 1), "bad settings", "negative");
    refused(img, n, OFF_EPOCHS, U32(0), "bad settings", "epochs 0");
    refused(img, n, OFF_EPOCHS, U32(1), "worker state", "epochs below a worker's");
    refused(img, n, OFF_THREADS, U32(0), "thread count", "threads 0");
    refused(img, n, OFF_THREADS, U32(W2V_TRAIN_MAX_THREADS + 1), "thread count", "threads");
    refused(img, n, OFF_THREADS, U32(THREADS + 1), "", "one thread more than saved");
    refused(img, n, OFF_KERNEL, U32(2), "bad settings", "kernel");
    refused(img, n, OFF_LOWERCASE, U32(2), "mode flags", "lowercase 2");
    refused(img, n, OFF_CBOW, U32(2), "mode flags", "cbow 2");
    refused(img, n, OFF_HS, U32(2), "mode flags", "hs 2");
    refused(img, n, OFF_REGEX_LEN, U32(70000), "string lengths", "regex length");
    refused(img, n, OFF_PATH_LEN, U32(70000), "string lengths", "path length");
    refused(img, n, OFF_REGEX_LEN, U32(strlen(REGEX) + 1), "", "regex one byte longer");
    refused(img, n, OFF_ALPHA, F64(0), "bad settings", "alpha 0");
    refused(img, n, OFF_ALPHA, F64(NAN), "bad settings", "alpha NaN");
    refused(img, n, OFF_ALPHA, F64(11), "bad settings", "alpha 11");
    refused(img, n, OFF_ALPHA, F64(0.01), "worker state", "alpha below a worker's");
    refused(img, n, OFF_SAMPLE, F64(-1), "bad settings", "sample -1");
    refused(img, n, OFF_SAMPLE, F64(NAN), "bad settings", "sample NaN");
    refused(img, n, wk + W_EPOCH, U32(EPOCHS + 1), "worker state", "worker epoch");
    refused(img, n, w1 + W_EPOCH, U32(EPOCHS + 1), "worker state", "second worker epoch");
    refused(img, n, wk + W_ALPHA, F32(0.05), "worker state", "worker alpha above alpha");
    refused(img, n, wk + W_ALPHA, F32(-0.01), "worker state", "worker alpha < 0");
    refused(img, n, wk + W_ALPHA, F32(NAN), "worker state", "worker alpha NaN");
    refused(img, n, w1 + W_POS, U64(len + 1), "worker state", "worker position");
    refused(img, n, w1 + W_PENDING, U64(W2V_TRAIN_CHUNK), "worker state", "worker pending");
    refused(img, n, vocab, U32(0), "word length", "word length 0");
    refused(img, n, vocab, U32(W2V_VOCAB_MAX_WORD_BYTES + 1), "word length", "word too long");
    refused(img, n, word2 + 4, img + vocab + 4, 2, "duplicate", "duplicate word");
    refused(img, n, word2 + 4, "a\0", 2, "invalid word", "NUL byte in a word");
    /* generator state, seed and corpus hash may hold any value: only the
     * checksum covers them (check_damage); and the sum really is recomputed */
    accepted(img, n, w1 + W_RNG, U64(1), "generator state 1");
    accepted(img, n, OFF_SEED, U64(0), "seed 0");
    accepted(img, n, OFF_EPOCHS, U32(EPOCHS + 1), "one epoch more");
}

/* Every byte changed (checksum not fixed), every truncation, and more. */
static void check_damage(const unsigned char *img, size_t n)
{
    unsigned char *p = malloc(n + 1);
    if (!p)
        return;
    w2v_error err;
    size_t bad_flip = 0, bad_cut = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(p, img, n);
        p[i] ^= (unsigned char)(1u << (i % 8));
        w2v_status st = load(p, n, 0, &err);
        if (st == W2V_OK || !strstr(err.msg, path))
            bad_flip++;
    }
    T_CHECK(bad_flip == 0, "%zu of %zu one-bit changes were loaded or unnamed", bad_flip, n);
    for (size_t k = 0; k < n; k++) {
        w2v_status st = load(img, k, 0, &err);
        if (st != W2V_ERR_FORMAT || !strstr(err.msg, path))
            bad_cut++;
    }
    T_CHECK(bad_cut == 0, "%zu of %zu truncations not refused as format errors", bad_cut, n);
    memcpy(p, img, n);
    p[n] = 0;
    T_EQ(load(p, n + 1, 0, &err), W2V_ERR_FORMAT);
    T_TRUE(strstr(err.msg, "trailing") != NULL);
    T_EQ(load(img, n, 0, &err), W2V_OK);    /* the image itself is fine */
    T_EQ(load(img, n, 64, &err), W2V_ERR_LIMIT); /* model over the cap */
    T_TRUE(strstr(err.msg, path) != NULL);
    free(p);

    w2v_checkpoint ck;
    T_EQ(w2v_checkpoint_load(dir, 0, &ck, &err), W2V_ERR_IO); /* a directory */
    T_TRUE(strstr(err.msg, dir) != NULL);
    char missing[300];
    snprintf(missing, sizeof missing, "%s/none", dir);
    T_EQ(w2v_checkpoint_load(missing, 0, &ck, &err), W2V_ERR_IO);
    T_TRUE(strstr(err.msg, missing) != NULL);
}

static void check_save_errors(void)
{
    run r;
    if (make_run(&r, 1, 0, NULL) == 0) {
        char bad[300];
        w2v_error err;
        snprintf(bad, sizeof bad, "%s/no/such/dir/ck.bin", dir);
        T_EQ(w2v_checkpoint_save(bad, CORPUS_NAME, &r.to, r.corpus, &r.model, &r.opts,
                                 &r.state, &err), W2V_ERR_IO);
        T_TRUE(strstr(err.msg, bad) != NULL);
    }
    free_run(&r);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/ck.bin", dir);
    check_round_trip(1, 0, NULL);
    check_round_trip(0, 1, REGEX);
    check_round_trip(1, 1, REGEX);
    size_t n;
    unsigned char *img = image(&n);
    T_TRUE(img && n > 200 && n < (1 << 16));
    if (img && n > 200 && n < (1 << 16)) {
        check_fields(img, n);
        check_damage(img, n);
    }
    free(img);
    check_save_errors();
    unlink(path);
    T_TRUE(rmdir(dir) == 0); /* nothing else was left behind */
    return T_DONE();
}
