/*
 * heldout.c - the negative-sampling loss on held-out text (see heldout.h).
 *
 * One thread, exact sigmoid in double precision: a held-out slice of half a
 * million words with window 5 and 5 negatives is about 3 x 10^7 dot products
 * of D floats, a few seconds at 300 dimensions, small beside training.  It
 * does not shrink windows at random or sub-sample: those are training-time
 * devices, and the point is to score every model on the same pairs.
 */
#include "w2v/heldout.h"

#include <math.h>
#include <stdlib.h>

#include "train/noise.h"
#include "train/rng.h"
#include "w2v/vocab.h"

/* -log sigma(x) = log(1 + e^-x), without overflow for large |x|. */
static double neg_log_sigmoid(double x)
{
    return x > 0 ? log1p(exp(-x)) : -x + log1p(exp(x));
}

/* Eight float partial sums (the compiler turns them into one vector
 * register), added up in double: accurate to about 1e-6 relative at D = 300,
 * far below the differences between models, and several times faster than
 * a double loop. */
static double dot(const float *a, const float *b, size_t D)
{
    float acc[8] = {0};
    size_t i = 0;
    for (; i + 8 <= D; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += a[i + k] * b[i + k];
    double s = 0;
    for (int k = 0; k < 8; k++)
        s += acc[k];
    for (; i < D; i++)
        s += (double)a[i] * (double)b[i];
    return s;
}

w2v_status w2v_heldout_loss(const w2v_model *m, const w2v_vocab *train, const w2v_corpus *text,
                            unsigned window, unsigned negative, uint64_t seed,
                            w2v_heldout_result *r, w2v_error *err)
{
    *r = (w2v_heldout_result){0};
    size_t V = w2v_vocab_size(train);
    if (!m->out)
        return w2v_error_set(err, W2V_ERR_ARG, "held-out loss: the model has no negative-"
                             "sampling output matrix (train with -negative N, N > 0)");
    if (V != m->V || window == 0 || negative == 0)
        return w2v_error_set(err, W2V_ERR_ARG, "held-out loss: vocabulary of %zu words for a "
                             "model of %zu, window %u, negative %u", V, m->V, window, negative);
    uint64_t *counts = malloc(V * sizeof *counts);
    if (!counts)
        return w2v_error_set(err, W2V_ERR_NOMEM, "held-out loss: out of memory");
    for (size_t i = 0; i < V; i++)
        counts[i] = w2v_vocab_count(train, (uint32_t)i);
    w2v_noise nz;
    w2v_status st = w2v_noise_build(&nz, counts, V, 0.75, err);
    free(counts);
    if (st)
        return st;

    w2v_rng rng = w2v_rng_seed(seed, 0);
    const uint32_t *ids = text->ids;
    size_t len = text->len, D = m->D, S = m->stride;
    double sum[2] = {0, 0}, pos = 0;
    uint64_t n[2] = {0, 0};
    size_t start = 0; /* first position of the current sentence */
    for (size_t t = 0; t < len; t++) {
        uint32_t w = ids[t];
        if (w == W2V_CORPUS_EOS) {
            start = t + 1;
            continue;
        }
        size_t lo = t - start > window ? t - window : start;
        const float *out_w = m->out + (size_t)w * S;
        int freq = w < W2V_HELDOUT_FREQUENT_RANK;
        for (size_t j = lo; j < len && j <= t + window; j++) {
            uint32_t c = ids[j];
            if (c == W2V_CORPUS_EOS)
                break;
            if (j == t)
                continue;
            const float *in_c = m->in + (size_t)c * S;
            double p = neg_log_sigmoid(dot(in_c, out_w, D)), l = p;
            for (unsigned k = 0; k < negative; k++) {
                uint32_t nw = w2v_noise_draw(&nz, &rng);
                if (nw == w) /* as in training: a negative equal to the target is skipped */
                    continue;
                l += neg_log_sigmoid(-dot(in_c, m->out + (size_t)nw * S, D));
            }
            pos += p;
            sum[freq] += l;
            n[freq]++;
        }
    }
    w2v_noise_free(&nz);
    r->pairs = n[0] + n[1];
    if (!r->pairs)
        return w2v_error_set(err, W2V_ERR_EMPTY, "held-out loss: no word pair of the held-out "
                             "text is in the vocabulary");
    r->loss = (sum[0] + sum[1]) / (double)r->pairs;
    r->positive = pos / (double)r->pairs;
    r->frequent_pairs = n[1];
    r->frequent_loss = n[1] ? sum[1] / (double)n[1] : NAN;
    r->rare_loss = n[0] ? sum[0] / (double)n[0] : NAN;
    return W2V_OK;
}

w2v_status w2v_heldout_corpus(const char *path, const w2v_tokenizer *tok, const w2v_vocab *v,
                              w2v_corpus **out, w2v_error *err)
{
    *out = NULL;
    char *packed = NULL;
    size_t len = 0;
    w2v_vocab *copy = NULL;
    w2v_status st = w2v_vocab_pack(v, &packed, &len, err);
    if (!st)
        st = w2v_vocab_create(&copy, err);
    if (!st)
        st = w2v_vocab_add_packed(copy, packed, len, "vocabulary", err);
    free(packed);
    if (st) {
        w2v_vocab_free(copy);
        return st;
    }
    w2v_corpus_opts co = w2v_corpus_opts_default();
    co.vocab = copy; /* the corpus owns it from here, also on failure */
    co.min_count = 0;
    return w2v_corpus_build(path, tok, &co, out, err);
}
