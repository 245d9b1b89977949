/*
 * test_train_work.c - the trainer loop does the work the method prescribes,
 * counted through w2v_train_stats:
 *  - contexts per centre word: the window is shrunk to w = W - b with b
 *    uniform in [0, W), so a centre at position i of an n-word sentence has
 *    min(i, w) + min(n-1-i, w) contexts, and the kernel steps of a run
 *    (skip-gram: one per context; CBOW: one per centre with a context)
 *    must match the sum of those expectations over the corpus;
 *  - sub-sampling: a word with count f among T words is kept with
 *    p = min(1, (sqrt(f / (t T)) + 1) t T / f), so the kept words of a run
 *    must match sum_w f_w p_w per epoch.
 * Both are sums of many independent draws: the checks allow 5 standard
 * deviations of that sum (computed exactly alongside the mean; window 1
 * draws nothing and must match exactly), a margin
 * that a wrong window distribution (no shrink, w in 0..W-1, w in 1..W+1)
 * or a wrong keep rule misses by tens of deviations.
 * Shape legend: W window, n sentence length, V vocabulary.
 */
#include "t.h"

#include <stdlib.h>

#include "train/rng.h"
#include "w2v/corpus.h"
#include "w2v/model.h"
#include "w2v/train.h"

#define V 50
#define SENTENCES 12000
#define EPOCHS 2

/* Sentences of lengths cycling through a few values (1: no context at all)
 * over V words with Zipf-like frequencies ("w0" the most frequent). */
static char *make_text(size_t *len)
{
    static const size_t lengths[] = {1, 2, 3, 7, 40, 12, 5};
    size_t cap = (size_t)SENTENCES * 41 * 4 + 1, n = 0;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    double cdf[V], z = 0;
    for (int w = 0; w < V; w++)
        z += 1.0 / (w + 1);
    for (int w = 0; w < V; w++)
        cdf[w] = (w ? cdf[w - 1] : 0) + 1.0 / (w + 1) / z;
    w2v_rng r = w2v_rng_seed(2024, 7);
    for (size_t i = 0; i < SENTENCES; i++) {
        size_t words = lengths[i % (sizeof lengths / sizeof *lengths)];
        for (size_t k = 0; k < words; k++) {
            double u = w2v_rng_float(&r);
            int w = 0;
            while (w < V - 1 && u >= cdf[w])
                w++;
            n += (size_t)snprintf(s + n, cap - n, "w%d%c", w, k + 1 < words ? ' ' : '\n');
        }
    }
    *len = n;
    return s;
}

static w2v_corpus *make_corpus(void)
{
    size_t len = 0;
    char *text = make_text(&len);
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    w2v_tokenizer *tok = NULL;
    w2v_corpus *c = NULL;
    w2v_corpus_opts co = w2v_corpus_opts_default();
    co.min_count = 1;
    T_TRUE(text != NULL);
    if (text && w2v_tokenizer_create(&to, &tok, NULL) == W2V_OK)
        T_OK(w2v_corpus_build_mem(text, len, "mem", tok, &co, &c, NULL));
    w2v_tokenizer_free(tok);
    free(text);
    return c;
}

static w2v_status train(const w2v_corpus *c, w2v_train_opts *o, w2v_train_stats *ts)
{
    w2v_model m;
    w2v_model_opts mo = w2v_model_opts_default();
    mo.hs = o->hs;
    mo.ns = o->negative > 0;
    w2v_status st = w2v_model_create(&m, w2v_vocab_size(c->vocab), 8, &mo, NULL);
    if (st)
        return st;
    o->epochs = EPOCHS;
    o->progress_every = 0;
    st = w2v_train(c, &m, o, NULL, ts, NULL);
    w2v_model_free(&m);
    return st;
}

/* Mean and variance of the contexts of all centres of one epoch (no
 * sub-sampling: every span is one sentence), and the centres that have at
 * least one context. */
static void expected_contexts(const w2v_corpus *c, unsigned W, double *mean, double *var,
                              uint64_t *with_context)
{
    *mean = *var = 0;
    *with_context = 0;
    size_t start = 0;
    for (size_t k = 0; k <= c->len; k++) {
        if (k < c->len && c->ids[k] != W2V_CORPUS_EOS)
            continue;
        size_t n = k - start;
        for (size_t i = 0; n > 1 && i < n; i++) {
            double e = 0, e2 = 0;
            for (size_t w = 1; w <= W; w++) {
                double ctx = (double)((i < w ? i : w) + (n - 1 - i < w ? n - 1 - i : w));
                e += ctx / W;
                e2 += ctx * ctx / W;
            }
            *mean += e;
            *var += e2 - e * e;
            (*with_context)++;
        }
        start = k + 1;
    }
}

static void test_contexts(const w2v_corpus *c)
{
    static const struct {
        const char *name;
        w2v_kernel kernel;
        int cbow, hs;
        unsigned negative, threads, window;
    } modes[] = {
        {"skip-gram batch", W2V_KERNEL_BATCH, 0, 0, 3, 1, 5},
        {"skip-gram batch, 2 threads", W2V_KERNEL_BATCH, 0, 0, 3, 2, 5},
        {"skip-gram pair", W2V_KERNEL_PAIR, 0, 0, 3, 1, 5},
        {"skip-gram pair", W2V_KERNEL_PAIR, 0, 0, 2, 1, 1}, /* no draw: exact */
        {"skip-gram + hs", W2V_KERNEL_BATCH, 0, 1, 0, 1, 8},
        {"cbow", W2V_KERNEL_BATCH, 1, 0, 3, 1, 5},
    };
    for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
        w2v_train_opts o = w2v_train_opts_default();
        o.kernel = modes[m].kernel;
        o.cbow = modes[m].cbow;
        o.hs = modes[m].hs;
        o.negative = modes[m].negative;
        o.threads = modes[m].threads;
        o.window = modes[m].window;
        o.sample = 0;
        w2v_train_stats ts;
        if (train(c, &o, &ts) != W2V_OK) {
            T_CHECK(0, "%s: training failed", modes[m].name);
            continue;
        }
        double mean, var;
        uint64_t centres;
        expected_contexts(c, o.window, &mean, &var, &centres);
        T_EQ(ts.words, (uint64_t)EPOCHS * c->words);
        T_EQ(ts.trained, (uint64_t)EPOCHS * c->words); /* sample 0 keeps every word */
        if (o.cbow) { /* one step per centre with a context: exact */
            T_CHECK(ts.pairs == EPOCHS * centres, "%s: %llu steps, expected %llu", modes[m].name,
                    (unsigned long long)ts.pairs, (unsigned long long)(EPOCHS * centres));
            continue;
        }
        double want = EPOCHS * mean, sd = sqrt(EPOCHS * var);
        double z = ((double)ts.pairs - want) / (sd > 0 ? sd : 1);
        T_CHECK(fabs((double)ts.pairs - want) <= 5 * sd + 0.5, "%s, window %u: %llu (context, centre) pairs, expected %.0f +- %.0f "
                "(%.1f deviations; per centre %.4f vs %.4f)", modes[m].name, o.window,
                (unsigned long long)ts.pairs, want, sd, z, (double)ts.pairs / (EPOCHS * centres),
                mean / centres);
        if (getenv("W2V_TEST_VERBOSE"))
            printf("%s: pairs %llu, expected %.0f +- %.0f (z %.2f)\n", modes[m].name,
                   (unsigned long long)ts.pairs, want, sd, z);
    }
}

/* The keep rule written out here, independently of subsample.c. */
static double keep_prob(double f, double total, double t)
{
    double p = (sqrt(f / (t * total)) + 1.0) * (t * total) / f;
    return p < 1.0 ? p : 1.0;
}

static void test_kept_fraction(const w2v_corpus *c)
{
    static const double samples[] = {1e-2, 1e-3};
    for (size_t k = 0; k < sizeof samples / sizeof *samples; k++) {
        double t = samples[k], want = 0, var = 0;
        size_t nv = w2v_vocab_size(c->vocab);
        size_t thinned = 0;
        for (uint32_t w = 0; w < nv; w++) {
            double f = (double)w2v_vocab_count(c->vocab, w);
            double p = keep_prob(f, (double)c->words, t);
            want += EPOCHS * f * p;
            var += EPOCHS * f * p * (1 - p);
            thinned += p < 1;
        }
        T_TRUE(thinned >= 3); /* the rule is exercised on several words */
        w2v_train_opts o = w2v_train_opts_default();
        o.sample = t;
        o.negative = 2;
        w2v_train_stats ts;
        if (train(c, &o, &ts) != W2V_OK) {
            T_CHECK(0, "sample %g: training failed", t);
            continue;
        }
        double z = ((double)ts.trained - want) / sqrt(var);
        T_CHECK(fabs(z) <= 5, "sample %g: kept %llu of %llu words (%.5f), expected %.0f (%.5f), "
                "%.1f deviations", t, (unsigned long long)ts.trained,
                (unsigned long long)ts.words, (double)ts.trained / (double)ts.words, want,
                want / (double)ts.words, z);
        if (getenv("W2V_TEST_VERBOSE"))
            printf("sample %g: kept %llu, expected %.0f +- %.0f (z %.2f), %zu words thinned\n", t,
                   (unsigned long long)ts.trained, want, sqrt(var), z, thinned);
    }
}

int main(void)
{
    w2v_corpus *c = make_corpus();
    if (c) {
        test_contexts(c);
        test_kept_fraction(c);
    }
    w2v_corpus_free(c);
    return T_DONE();
}
