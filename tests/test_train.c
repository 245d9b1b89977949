/*
 * test_train.c - corpus building and training end to end, in memory:
 * planted-structure quality for both kernels and several threads,
 * bit-identical runs with one thread and a seed, and argument checks.
 */
#include "t.h"

#include <math.h>
#include <stdlib.h>

#include "planted.h"
#include "w2v/corpus.h"
#include "w2v/model.h"
#include "w2v/train.h"

static w2v_corpus *make_corpus(const char *text, size_t len, uint64_t min_count)
{
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    w2v_tokenizer *tok;
    w2v_corpus *c = NULL;
    T_OK(w2v_tokenizer_create(&to, &tok, NULL));
    w2v_corpus_opts co = w2v_corpus_opts_default();
    co.min_count = min_count;
    w2v_error err;
    w2v_corpus_build_mem(text, len, "mem", tok, &co, &c, &err);
    w2v_tokenizer_free(tok);
    return c;
}

/* A stream spilled to a mapped file is the same stream. */
static void test_spill(void)
{
    size_t len;
    char *text = planted_corpus(3000, 11, &len);
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    w2v_tokenizer *tok;
    T_OK(w2v_tokenizer_create(&to, &tok, NULL));
    w2v_corpus_opts co = w2v_corpus_opts_default();
    w2v_corpus *mem = NULL, *file = NULL;
    T_OK(w2v_corpus_build_mem(text, len, "mem", tok, &co, &mem, NULL));
    co.spill_bytes = 64; /* 16 ids, then the file */
    T_OK(w2v_corpus_build_mem(text, len, "mem", tok, &co, &file, NULL));
    if (mem && file) {
        T_TRUE(mem->mapped_bytes == 0 && file->mapped_bytes > 0);
        T_EQ(file->len, mem->len);
        T_EQ(file->words, mem->words);
        T_TRUE(file->len == mem->len && !memcmp(file->ids, mem->ids, mem->len * 4));
        w2v_model m;
        w2v_model_opts mo = w2v_model_opts_default();
        T_OK(w2v_model_create(&m, w2v_vocab_size(file->vocab), 16, &mo, NULL));
        w2v_train_opts o = w2v_train_opts_default();
        o.epochs = 1;
        T_OK(w2v_train(file, &m, &o, NULL, NULL, NULL));
        w2v_model_free(&m);
    }
    co.spill_dir = "/nonexistent-dir";
    w2v_error err;
    w2v_corpus *none;
    T_EQ(w2v_corpus_build_mem(text, len, "mem", tok, &co, &none, &err), W2V_ERR_IO);
    T_TRUE(none == NULL);
    T_TRUE(strstr(err.msg, "/nonexistent-dir") != NULL);
    w2v_corpus_free(mem);
    w2v_corpus_free(file);
    w2v_tokenizer_free(tok);
    free(text);
}

static void test_corpus(void)
{
    const char *text = "a b c a\n\n b a x\r\nc a b   a\n";
    w2v_corpus *c = make_corpus(text, strlen(text), 2);
    T_TRUE(c != NULL);
    if (!c)
        return;
    /* a:5 b:3 c:2 x:1 (dropped) */
    T_EQ(w2v_vocab_size(c->vocab), 3);
    T_STREQ(w2v_vocab_word(c->vocab, 0), "a");
    T_EQ(c->words, 10);
    T_EQ(c->dropped, 1);
    /* stream: a b c a | b a | c a b a  with EOS between sentences */
    uint32_t want[] = {0, 1, 2, 0, W2V_CORPUS_EOS, 1, 0, W2V_CORPUS_EOS, 2, 0, 1, 0};
    T_EQ(c->len, sizeof want / sizeof *want);
    T_TRUE(c->len == sizeof want / sizeof *want && !memcmp(c->ids, want, sizeof want));
    w2v_corpus_free(c);
    T_TRUE(make_corpus("a b c\n", 6, 2) == NULL); /* nothing reaches min-count */
    T_TRUE(make_corpus("", 0, 1) == NULL);
}

typedef struct {
    const char *name;
    w2v_kernel kernel;
    unsigned threads;
    int scalar, cbow, hs;
    unsigned negative;
} mode;

static double train_mode(const mode *md, w2v_model *keep)
{
    size_t len;
    char *text = planted_corpus(3000, 11, &len);
    w2v_corpus *c = make_corpus(text, len, 1);
    free(text);
    w2v_model m;
    w2v_model_opts mo = w2v_model_opts_default();
    mo.seed = 3;
    mo.ns = md->negative > 0;
    mo.hs = md->hs;
    T_OK(w2v_model_create(&m, w2v_vocab_size(c->vocab), 24, &mo, NULL));
    w2v_train_opts o = w2v_train_opts_default();
    o.kernel = md->kernel;
    o.threads = md->threads;
    o.scalar_only = md->scalar;
    o.cbow = md->cbow;
    o.hs = md->hs;
    o.negative = md->negative;
    o.alpha = md->cbow ? 0.05 : 0.025;
    o.epochs = 3;
    o.sample = 1e-3;
    w2v_train_stats ts;
    w2v_error err;
    T_OK(w2v_train(c, &m, &o, NULL, &ts, &err));
    T_EQ(ts.words, 3 * c->words);
    size_t V = m.V;
    char **words = malloc(V * sizeof *words);
    for (size_t i = 0; i < V; i++)
        words[i] = (char *)w2v_vocab_word(c->vocab, (uint32_t)i);
    double score = planted_score(words, m.in, V, m.D, m.stride);
    free(words);
    w2v_corpus_free(c);
    if (keep)
        *keep = m;
    else
        w2v_model_free(&m);
    return score;
}

static double train_planted(w2v_kernel kernel, unsigned threads, int scalar, w2v_model *keep)
{
    mode md = {"", kernel, threads, scalar, 0, 0, 5};
    return train_mode(&md, keep);
}

static void test_quality(void)
{
    w2v_model untrained;
    size_t len;
    char *text = planted_corpus(3000, 11, &len);
    w2v_corpus *c = make_corpus(text, len, 1);
    free(text);
    w2v_model_opts mo = w2v_model_opts_default();
    mo.seed = 3;
    T_OK(w2v_model_create(&untrained, w2v_vocab_size(c->vocab), 24, &mo, NULL));
    char **words = malloc(untrained.V * sizeof *words);
    for (size_t i = 0; i < untrained.V; i++)
        words[i] = (char *)w2v_vocab_word(c->vocab, (uint32_t)i);
    double base = planted_score(words, untrained.in, untrained.V, 24, untrained.stride);
    T_CHECK(base < 0.4, "untrained vectors already score %.2f: the test cannot fail", base);
    free(words);
    w2v_model_free(&untrained);
    w2v_corpus_free(c);
    static const mode runs[] = {
        {"skip-gram batch, 1 thread", W2V_KERNEL_BATCH, 1, 0, 0, 0, 5},
        {"skip-gram pair, 1 thread", W2V_KERNEL_PAIR, 1, 0, 0, 0, 5},
        {"skip-gram batch, 3 threads", W2V_KERNEL_BATCH, 3, 0, 0, 0, 5},
        {"skip-gram pair, scalar, 2 threads", W2V_KERNEL_PAIR, 2, 1, 0, 0, 5},
        {"skip-gram batch, scalar, 2 threads", W2V_KERNEL_BATCH, 2, 1, 0, 0, 5},
        {"skip-gram + hs", W2V_KERNEL_BATCH, 2, 0, 0, 1, 0},
        {"skip-gram + hs + ns", W2V_KERNEL_BATCH, 2, 0, 0, 1, 5},
        {"skip-gram + hs, scalar", W2V_KERNEL_BATCH, 1, 1, 0, 1, 0},
        {"cbow + ns", W2V_KERNEL_BATCH, 2, 0, 1, 0, 5},
        {"cbow + hs", W2V_KERNEL_BATCH, 2, 0, 1, 1, 0},
        {"cbow + hs + ns, scalar", W2V_KERNEL_BATCH, 1, 1, 1, 1, 5},
    };
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        double s = train_mode(&runs[i], NULL);
        T_CHECK(s >= 0.95, "%s: planted score %.3f < 0.95", runs[i].name, s);
    }
}

static double row_norm(const float *row, size_t D)
{
    double s = 0;
    for (size_t d = 0; d < D; d++)
        s += (double)row[d] * row[d];
    return sqrt(s);
}

/* With several threads, skip-gram HS trains the W_hs rows nearest the root
 * in private copies folded back after every span: the shared rows must end
 * up trained as a one-thread run's are (a fold that lost the updates would
 * leave them at zero, one that doubled them far larger). */
static void test_hs_hot_rows(void)
{
    static const mode one = {"skip-gram + hs, 1 thread", W2V_KERNEL_BATCH, 1, 0, 0, 1, 0};
    static const mode two = {"skip-gram + hs, 2 threads", W2V_KERNEL_BATCH, 2, 0, 0, 1, 0};
    w2v_model a, b;
    train_mode(&one, &a);
    double s = train_mode(&two, &b);
    T_CHECK(s >= 0.95, "2 threads: planted score %.3f < 0.95", s);
    for (size_t k = 2; k <= 4; k++) { /* the root and the two merges before it */
        double na = row_norm(a.hs + (a.V - k) * a.stride, a.D);
        double nb = row_norm(b.hs + (b.V - k) * b.stride, b.D);
        T_CHECK(na > 0.1 && nb > 0.5 * na && nb < 2 * na,
                "W_hs row V-%zu: norm %.3f with 2 threads, %.3f with 1", k, nb, na);
    }
    w2v_model_free(&a);
    w2v_model_free(&b);
}

static void test_determinism(void)
{
    w2v_model a, b;
    train_planted(W2V_KERNEL_BATCH, 1, 0, &a);
    train_planted(W2V_KERNEL_BATCH, 1, 0, &b);
    size_t bytes = a.V * a.stride * sizeof(float);
    T_CHECK(memcmp(a.in, b.in, bytes) == 0 && memcmp(a.out, b.out, bytes) == 0,
            "two one-thread runs with one seed differ");
    w2v_model_free(&a);
    w2v_model_free(&b);
}

/* Pausing for checkpoints, and stopping then resuming from the saved
 * state, must not change a one-thread run by a single bit. */
typedef struct {
    atomic_int stop;
    int calls;
    int stop_after;
} ckpt_log;

static w2v_status on_checkpoint(const w2v_train_state *st, void *user, w2v_error *err)
{
    (void)err;
    ckpt_log *log = user;
    T_TRUE(st->saved && st->threads == 1);
    if (++log->calls == log->stop_after)
        atomic_store(&log->stop, 1);
    return W2V_OK;
}

static void test_resume(void)
{
    size_t len;
    char *text = planted_corpus(3000, 11, &len);
    w2v_corpus *c = make_corpus(text, len, 1);
    free(text);
    w2v_model_opts mo = w2v_model_opts_default();
    w2v_model ref, paused, resumed;
    w2v_train_opts o = w2v_train_opts_default();
    o.threads = 1;
    o.epochs = 40; /* long enough (about a second) for several 20 ms checkpoint polls */
    T_OK(w2v_model_create(&ref, w2v_vocab_size(c->vocab), 24, &mo, NULL));
    T_OK(w2v_train(c, &ref, &o, NULL, NULL, NULL));
    size_t bytes = ref.V * ref.stride * sizeof(float);

    ckpt_log log = {.stop_after = 0};
    atomic_init(&log.stop, 0);
    w2v_train_opts po = o;
    po.checkpoint = on_checkpoint;
    po.checkpoint_user = &log;
    po.checkpoint_every = 1e-4; /* pause at nearly every chance */
    T_OK(w2v_model_create(&paused, ref.V, 24, &mo, NULL));
    T_OK(w2v_train(c, &paused, &po, NULL, NULL, NULL));
    T_CHECK(log.calls >= 2, "only %d checkpoints taken", log.calls);
    T_CHECK(!memcmp(ref.in, paused.in, bytes) && !memcmp(ref.out, paused.out, bytes),
            "pausing for checkpoints changed the result");

    ckpt_log log2 = {.stop_after = 2};
    atomic_init(&log2.stop, 0);
    po.checkpoint_user = &log2;
    po.stop = &log2.stop;
    w2v_train_state state;
    T_OK(w2v_train_state_init(&state, 1, NULL));
    T_OK(w2v_model_create(&resumed, ref.V, 24, &mo, NULL));
    w2v_error err;
    T_EQ(w2v_train(c, &resumed, &po, &state, NULL, &err), W2V_ERR_INTERRUPTED);
    T_TRUE(state.saved && state.words_done < 40 * c->words);
    atomic_store(&log2.stop, 0);
    po.checkpoint = NULL;
    w2v_train_stats ts;
    T_OK(w2v_train(c, &resumed, &po, &state, &ts, NULL));
    T_CHECK(!memcmp(ref.in, resumed.in, bytes) && !memcmp(ref.out, resumed.out, bytes),
            "stop + resume differs from an uninterrupted run");
    T_EQ(state.words_done, 40 * c->words);
    w2v_train_state_free(&state);
    w2v_model_free(&ref);
    w2v_model_free(&paused);
    w2v_model_free(&resumed);
    w2v_corpus_free(c);
}

static void test_checks(void)
{
    w2v_train_opts o = w2v_train_opts_default();
    w2v_error err;
    o.window = 0;
    T_EQ(w2v_train_check(&o, &err), W2V_ERR_ARG);
    T_TRUE(strstr(err.msg, "window") != NULL);
    o = w2v_train_opts_default();
    o.alpha = -1;
    T_EQ(w2v_train_check(&o, &err), W2V_ERR_ARG);
    o = w2v_train_opts_default();
    o.sample = 2;
    T_EQ(w2v_train_check(&o, &err), W2V_ERR_ARG);
    o = w2v_train_opts_default();
    o.threads = 0;
    T_EQ(w2v_train_check(&o, &err), W2V_ERR_ARG);
    o = w2v_train_opts_default();
    o.frozen_until = 1.5;
    T_EQ(w2v_train_check(&o, &err), W2V_ERR_ARG);
    T_TRUE(strstr(err.msg, "frozen_until") != NULL);
    o.frozen_until = 0.5;
    T_EQ(w2v_train_check(&o, &err), W2V_OK);
    w2v_model m;
    w2v_model_opts mo = w2v_model_opts_default();
    T_EQ(w2v_model_create(&m, 10, 0, &mo, &err), W2V_ERR_ARG);
    T_EQ(w2v_model_create(&m, 100000000, 10000, &mo, &err), W2V_ERR_LIMIT);
    T_TRUE(strstr(err.msg, "MiB") != NULL);
    mo.init_range = 0;
    T_EQ(w2v_model_create(&m, 3, 5, &mo, &err), W2V_ERR_ARG);
    /* W_E within [-r/D, r/D) and filling it; padding and W_out zero */
    mo.init_range = 0.5;
    T_OK(w2v_model_create(&m, 300, 5, &mo, &err));
    int in_range = 1;
    float lo = 1, hi = -1;
    for (size_t i = 0; i < 300; i++)
        for (size_t d = 0; d < m.stride; d++) {
            float v = m.in[i * m.stride + d];
            in_range &= d < 5 ? (v >= -0.1f && v < 0.1f) : v == 0.0f;
            in_range &= m.out[i * m.stride + d] == 0.0f;
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
    T_TRUE(in_range);
    T_CHECK(lo < -0.098f && hi > 0.098f, "init spans [%g, %g], want about [-0.1, 0.1)", lo, hi);
    w2v_model_free(&m);
}

/* Initialising with threads gives the one-thread model bit for bit, output
 * matrices zero even in memory a freed model left dirty, and a thread count
 * above V is fine. */
static void test_model_threads(void)
{
    const size_t shapes[][2] = {{300, 5}, {1000, 37}, {7, 16}, {2, 3}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t V = shapes[s][0], D = shapes[s][1];
        w2v_model_opts mo = w2v_model_opts_default();
        mo.hs = 1;
        mo.seed = 3 + s;
        w2v_model one, dirty;
        T_OK(w2v_model_create(&one, V, D, &mo, NULL));
        const unsigned threads[] = {2, 3, 7, 64, 1000};
        for (size_t k = 0; k < sizeof threads / sizeof threads[0]; k++) {
            T_OK(w2v_model_create(&dirty, V, D, &mo, NULL));
            memset(dirty.out, 0x55, V * dirty.stride * sizeof(float));
            memset(dirty.hs, 0x55, (V > 1 ? V - 1 : 1) * dirty.stride * sizeof(float));
            w2v_model_free(&dirty);
            w2v_model_opts mt = mo;
            mt.threads = threads[k];
            w2v_model many;
            T_OK(w2v_model_create(&many, V, D, &mt, NULL));
            size_t n = V * one.stride * sizeof(float);
            size_t nh = (V > 1 ? V - 1 : 1) * one.stride * sizeof(float);
            T_CHECK(!memcmp(one.in, many.in, n) && !memcmp(one.out, many.out, n) &&
                        !memcmp(one.hs, many.hs, nh),
                    "V %zu D %zu: %u threads initialise differently from one", V, D,
                    threads[k]);
            w2v_model_free(&many);
        }
        w2v_model_free(&one);
    }
}

int main(void)
{
    test_corpus();
    test_spill();
    test_quality();
    test_determinism();
    test_hs_hot_rows();
    test_resume();
    test_checks();
    test_model_threads();
    return T_DONE();
}
