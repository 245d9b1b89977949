/*
 * train_model.c - w2v-train's saved models (see train_model.h).
 *
 * -continue merges vocabularies so that nothing the model knows moves: the
 * model's words keep their ids and rows (their counts grow by the new
 * corpus's), and words new in the corpus that reach -min-count follow, most
 * frequent first, up to -max-vocab words in all.  Their rows start as a
 * fresh model's rows of the same ids (seeded W_E, zero output rows).  With
 * hierarchical softmax the Huffman tree needs counts in descending order,
 * so there the merged vocabulary is sorted (rows move with their words) and
 * the tree rebuilt from the merged counts; W_hs rows carry over by inner
 * node number, exact when the counts keep their order (the same text
 * again), an approximation otherwise.
 *
 * -continue-schedule is a resume at an epoch boundary: the same corpus and
 * vocabulary (no counts added: it is the same text), every setting from the
 * model, and each worker's saved state turned back by its last publication
 * (w2v_worker_state.tail), so that with one thread and a seed a 2 + 3 epoch
 * run is bit-identical to a 5-epoch one.
 */
#include "train_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "w2v/checkpoint.h"
#include "w2v/vecio.h"

static size_t cap_bytes(const train_options *o)
{
    return (size_t)(o->max_memory_gib * 1073741824.0);
}

void train_start_free(train_start *ts)
{
    free(ts->frozen);
    free(ts->regex);
    w2v_vectors_free(ts->init);
    ts->init = NULL;
    ts->frozen = NULL;
    ts->regex = NULL;
}

/* Settings the model fixes: a flag that asks otherwise is an error. */
static w2v_status check_fixed(const train_options *o, const w2v_model_file *mf, w2v_error *err)
{
    const w2v_train_opts *m = &mf->train;
    const char *p = o->cont;
    if ((o->given & TRAIN_GIVEN_DIM) && o->dim != mf->model.D)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: the model has dimension %zu; -dim %zu "
                             "cannot change it", p, mf->model.D, o->dim);
    if ((o->given & TRAIN_GIVEN_CBOW) && o->train.cbow != m->cbow)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: the model is %s; -cbow %d cannot change it",
                             p, m->cbow ? "CBOW" : "skip-gram", o->train.cbow);
    if ((o->given & TRAIN_GIVEN_HS) && o->train.hs != m->hs)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: the model has %shierarchical softmax; -hs %d "
                             "cannot change it", p, m->hs ? "" : "no ", o->train.hs);
    if ((o->given & TRAIN_GIVEN_NEGATIVE) && (o->train.negative > 0) != (m->negative > 0))
        return w2v_error_set(err, W2V_ERR_ARG, "%s: the model has %snegative-sampling layer; "
                             "-negative %u cannot change it", p, m->negative ? "a " : "no ",
                             o->train.negative);
    const char *re = mf->regex ? mf->regex : "", *want = o->tok.regex ? o->tok.regex : "";
    if ((o->given & TRAIN_GIVEN_TOKENS) &&
        (strcmp(re, want) || o->tok.lowercase != mf->lowercase ||
         o->tok.max_token_bytes != mf->max_token_bytes))
        return w2v_error_set(err, W2V_ERR_ARG, "%s: the model's tokenizer options (-token-regex, "
                             "-lowercase, -max-token-bytes) cannot change", p);
    return W2V_OK;
}

/* The state of an uninterrupted run at the epoch boundary the model ended
 * on: each worker one step before its epoch ended, with the words it
 * published at the end pending again. */
static w2v_status schedule_state(const char *path, const w2v_model_file *mf,
                                 w2v_train_state *state, w2v_error *err)
{
    const w2v_train_state *saved = &mf->state;
    w2v_status st = w2v_train_state_init(state, saved->threads, err);
    if (st)
        return st;
    uint64_t tails = 0;
    for (unsigned i = 0; i < saved->threads; i++) {
        w2v_worker_state ws = saved->workers[i];
        if (ws.epoch != mf->train.epochs || ws.pending != 0)
            return w2v_error_set(err, W2V_ERR_FORMAT, "%s: thread %u's state is not a finished "
                                 "run's", path, i + 1);
        ws.epoch--;
        ws.pending = ws.tail;
        ws.tail = 0;
        tails += ws.pending;
        state->workers[i] = ws;
    }
    if (tails > saved->words_done)
        return w2v_error_set(err, W2V_ERR_FORMAT, "%s: progress out of range", path);
    state->words_done = saved->words_done - tails;
    state->saved = 1;
    return W2V_OK;
}

static w2v_status continue_schedule(train_options *o, w2v_model_file *mf, w2v_tokenizer *tok,
                                    w2v_corpus **corpus, w2v_model *model,
                                    w2v_train_state *state, train_start *ts, w2v_error *err)
{
    const w2v_train_opts *m = &mf->train;
    const char *p = o->cont;
    unsigned sched = m->schedule_epochs ? m->schedule_epochs : m->epochs;
    if (o->given & (TRAIN_GIVEN_WINDOW | TRAIN_GIVEN_NEGATIVE | TRAIN_GIVEN_SAMPLE |
                    TRAIN_GIVEN_ALPHA | TRAIN_GIVEN_SEED | TRAIN_GIVEN_KERNEL |
                    TRAIN_GIVEN_SCHEDULE | TRAIN_GIVEN_INIT_RANGE))
        return w2v_error_set(err, W2V_ERR_ARG, "%s: -continue-schedule takes every setting from "
                             "the model (only -epochs, -threads as saved, and outputs)", p);
    if (m->epochs >= sched)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: the model finished its learning-rate "
                             "schedule (%u of %u epochs); train with -schedule-epochs N to leave "
                             "one to continue, or continue with a new one (no "
                             "-continue-schedule)", p, m->epochs, sched);
    if (!mf->state.workers || mf->state.threads == 0)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: the model holds no schedule state", p);
    if (o->threads_given && o->train.threads != mf->state.threads)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: -continue-schedule needs the model's %u "
                             "threads", p, mf->state.threads);
    w2v_corpus_opts co = w2v_corpus_opts_default();
    co.spill_bytes = o->corp.spill_bytes;
    co.min_count = 0;
    co.vocab = mf->vocab; /* the corpus takes it */
    mf->vocab = NULL;
    w2v_status st = w2v_corpus_build(o->corpus, tok, &co, corpus, err);
    if (st)
        return st;
    if ((*corpus)->len != mf->corpus_len || (*corpus)->words != mf->corpus_words ||
        w2v_checkpoint_corpus_hash(*corpus) != mf->corpus_hash)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: not the corpus %s was trained on last; "
                             "-continue-schedule goes on with the same text (drop it to "
                             "train on new text)", o->corpus, p);
    if ((st = schedule_state(p, mf, state, err)) != W2V_OK)
        return st;
    /* without -epochs: the rest of the schedule */
    unsigned more = o->given & TRAIN_GIVEN_EPOCHS ? o->train.epochs : sched - m->epochs;
    w2v_train_opts t = o->train;
    t.window = m->window;
    t.negative = m->negative;
    t.sample = m->sample;
    t.alpha = m->alpha;
    t.seed = m->seed;
    t.kernel = m->kernel;
    t.threads = mf->state.threads;
    t.epochs = m->epochs + more;
    t.schedule_epochs = sched;
    o->train = t;
    o->init_range = mf->init_range;
    *model = mf->model;
    memset(&mf->model, 0, sizeof mf->model);
    ts->count_total = mf->count_total;
    ts->old_words = model->V;
    return W2V_OK;
}

/* New words of the corpus (counting ids), most frequent first, ties in
 * first-seen order. */
typedef struct {
    uint64_t count;
    uint32_t id;
} candidate;

static int by_count(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* The merged vocabulary: the model's words with counts added, then the new
 * words that qualify.  *remap (old id -> merged id) only when sorted. */
static w2v_status merge_vocab(const train_options *o, const w2v_vocab *old,
                              const w2v_vocab *seen, w2v_vocab **out, train_start *ts,
                              w2v_error *err)
{
    size_t V0 = w2v_vocab_size(old), n = w2v_vocab_size(seen);
    w2v_vocab *v = NULL;
    candidate *cand = malloc((n ? n : 1) * sizeof *cand);
    w2v_status st = cand ? w2v_vocab_create(&v, err)
                         : w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !st && i < V0; i++) {
        const char *w = w2v_vocab_word(old, (uint32_t)i);
        uint32_t s = w2v_vocab_find(seen, w, strlen(w)), id;
        uint64_t c = w2v_vocab_count(old, (uint32_t)i);
        uint64_t add = s == W2V_VOCAB_NONE ? 0 : w2v_vocab_count(seen, s);
        st = w2v_vocab_add(v, w, strlen(w), c > UINT64_MAX - add ? UINT64_MAX : c + add, &id,
                           err);
    }
    size_t nc = 0;
    for (size_t s = 0; !st && s < n; s++) {
        const char *w = w2v_vocab_word(seen, (uint32_t)s);
        uint64_t c = w2v_vocab_count(seen, (uint32_t)s);
        if (w2v_vocab_find(old, w, strlen(w)) != W2V_VOCAB_NONE)
            continue;
        if (c >= o->corp.min_count)
            cand[nc++] = (candidate){c, (uint32_t)s};
        else
            ts->rare_words++;
    }
    if (!st)
        qsort(cand, nc, sizeof *cand, by_count);
    size_t room = o->corp.max_vocab ? (o->corp.max_vocab > V0 ? o->corp.max_vocab - V0 : 0) : nc;
    for (size_t k = 0; !st && k < nc && k < room; k++) {
        const char *w = w2v_vocab_word(seen, cand[k].id);
        uint32_t id;
        st = w2v_vocab_add(v, w, strlen(w), cand[k].count, &id, err);
        ts->new_words++;
    }
    free(cand);
    if (st) {
        w2v_vocab_free(v);
        return st;
    }
    *out = v;
    return W2V_OK;
}

static w2v_status continue_new_text(train_options *o, w2v_model_file *mf, w2v_tokenizer *tok,
                                    w2v_corpus **corpus, w2v_model *model,
                                    w2v_train_state *state, train_start *ts, w2v_error *err)
{
    const w2v_train_opts *m = &mf->train;
    size_t V0 = mf->model.V, D = mf->model.D;
    if (!(o->given & TRAIN_GIVEN_WINDOW))
        o->train.window = m->window;
    if (!(o->given & TRAIN_GIVEN_NEGATIVE))
        o->train.negative = m->negative;
    if (!(o->given & TRAIN_GIVEN_SAMPLE))
        o->train.sample = m->sample;
    if (!(o->given & TRAIN_GIVEN_KERNEL))
        o->train.kernel = m->kernel;
    if (!(o->given & TRAIN_GIVEN_SEED))
        o->train.seed = m->seed;
    if (!(o->given & TRAIN_GIVEN_INIT_RANGE))
        o->init_range = mf->init_range;
    if (!(o->given & TRAIN_GIVEN_ALPHA))
        o->train.alpha = m->alpha * TRAIN_CONTINUE_ALPHA_RATIO;
    w2v_corpus_opts co = o->corp;
    co.share = 1; /* the counting vocabulary, every word, for the merge */
    co.vocab = NULL;
    w2v_status st = w2v_corpus_build(o->corpus, tok, &co, corpus, err);
    w2v_vocab *merged = NULL;
    if (!st)
        st = merge_vocab(o, mf->vocab, (*corpus)->vocab, &merged, ts, err);
    uint32_t *remap = NULL;
    if (!st && o->train.hs) /* the Huffman tree wants descending counts */
        st = w2v_vocab_finalize(merged, 0, 0, &remap, err);
    if (st) {
        w2v_vocab_free(merged);
        return st;
    }
    if ((st = w2v_corpus_finish(*corpus, merged, err)) != W2V_OK) {
        free(remap);
        return st;
    }
    if ((*corpus)->words == 0) {
        free(remap);
        return w2v_error_set(err, W2V_ERR_EMPTY, "%s: no word of the corpus is in the model or "
                             "reaches -min-count %llu", o->corpus,
                             (unsigned long long)o->corp.min_count);
    }
    size_t V = w2v_vocab_size((*corpus)->vocab);
    st = train_create_model(o, V, model, err); /* new rows: a fresh model's */
    for (size_t i = 0; !st && i < V0; i++) {
        size_t j = remap ? remap[i] : i;
        size_t sm = mf->model.stride, s = model->stride;
        memcpy(model->in + j * s, mf->model.in + i * sm, D * sizeof(float));
        if (model->out)
            memcpy(model->out + j * s, mf->model.out + i * sm, D * sizeof(float));
    }
    if (!st && model->hs) { /* inner nodes by number (see the top) */
        size_t inner0 = V0 > 1 ? V0 - 1 : 1, inner = V > 1 ? V - 1 : 1;
        for (size_t k = 0; k < inner0 && k < inner; k++)
            memcpy(model->hs + k * model->stride, mf->model.hs + k * mf->model.stride,
                   D * sizeof(float));
    }
    free(remap);
    if (!st) {
        if (o->train.threads > (*corpus)->words)
            o->train.threads = (unsigned)(*corpus)->words;
        st = w2v_train_state_init(state, o->train.threads, err);
    }
    ts->count_total = mf->count_total + (*corpus)->words;
    ts->old_words = V0;
    return st;
}

w2v_status train_continue_from(train_options *o, w2v_tokenizer **tok, w2v_corpus **corpus,
                               w2v_model *model, w2v_train_state *state, train_start *ts,
                               w2v_error *err)
{
    w2v_model_file mf;
    w2v_status st = w2v_model_file_load(o->cont, cap_bytes(o), &mf, err);
    if (st)
        return st;
    if ((st = check_fixed(o, &mf, err)) != W2V_OK)
        goto out;
    o->dim = mf.model.D;
    o->train.cbow = mf.train.cbow;
    o->train.hs = mf.train.hs;
    ts->regex = mf.regex; /* kept for the tokenizer and the saved model */
    mf.regex = NULL;
    o->tok.regex = ts->regex && *ts->regex ? ts->regex : NULL;
    o->tok.lowercase = mf.lowercase;
    o->tok.max_token_bytes = (size_t)mf.max_token_bytes;
    if ((st = w2v_tokenizer_create(&o->tok, tok, err)) != W2V_OK)
        goto out;
    st = o->continue_schedule ? continue_schedule(o, &mf, *tok, corpus, model, state, ts, err)
                              : continue_new_text(o, &mf, *tok, corpus, model, state, ts, err);
out:
    w2v_model_file_free(&mf);
    return st;
}

w2v_status train_init_read(train_options *o, train_start *ts, w2v_error *err)
{
    w2v_status st = w2v_vectors_read(o->init_vectors, W2V_FORMAT_AUTO, 0, &ts->init, err);
    if (st)
        return st;
    if (!(o->given & TRAIN_GIVEN_ALPHA))
        o->train.alpha *= TRAIN_CONTINUE_ALPHA_RATIO; /* trained rows: as -continue */
    if (!(o->given & TRAIN_GIVEN_DIM))
        o->dim = ts->init->D;
    else if (ts->init->D != o->dim)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: vectors of dimension %zu, but this run's is "
                             "%zu (-dim)", o->init_vectors, ts->init->D, o->dim);
    return W2V_OK;
}

w2v_status train_init_vectors(const train_options *o, const w2v_vocab *vocab,
                              w2v_model *model, train_start *ts, w2v_error *err)
{
    const w2v_vectors *vec = ts->init;
    w2v_vocab *rows = NULL;
    w2v_status st = w2v_vocab_create(&rows, err);
    for (size_t r = 0; r < vec->V && !st; r++) { /* word -> row (the reader keeps them distinct) */
        uint32_t id;
        st = w2v_vocab_add(rows, vec->words[r], strlen(vec->words[r]), 1, &id, err);
    }
    size_t V = w2v_vocab_size(vocab);
    if (!st)
        st = train_create_model(o, V, model, err);
    if (!st && o->init_warmup > 0 && !(ts->frozen = calloc(V, 1)))
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !st && i < V; i++) {
        const char *w = w2v_vocab_word(vocab, (uint32_t)i);
        uint32_t r = w2v_vocab_find(rows, w, strlen(w));
        if (r == W2V_VOCAB_NONE)
            continue;
        memcpy(model->in + i * model->stride, vec->vecs + (size_t)r * vec->D,
               vec->D * sizeof(float));
        if (ts->frozen)
            ts->frozen[i] = 1;
        ts->matched++;
    }
    if (!st && ts->matched == 0)
        st = w2v_error_set(err, W2V_ERR_ARG, "%s: no word in common with the corpus's %zu-word "
                           "vocabulary", o->init_vectors, V);
    w2v_vocab_free(rows);
    w2v_vectors_free(ts->init);
    ts->init = NULL;
    return st;
}

w2v_status train_save_model(const train_options *o, const w2v_corpus *corpus,
                            const w2v_model *model, const w2v_train_state *state,
                            const train_start *ts, w2v_error *err)
{
    w2v_model_file mf = {
        .vocab = corpus->vocab, .model = *model, .train = o->train, .state = *state,
        .init_range = o->init_range, .regex = (char *)(uintptr_t)o->tok.regex,
        .lowercase = o->tok.lowercase, .max_token_bytes = o->tok.max_token_bytes,
        .corpus_len = corpus->len, .corpus_words = corpus->words,
        .corpus_hash = w2v_checkpoint_corpus_hash(corpus),
        .count_total = ts->count_total ? ts->count_total : corpus->words,
    };
    return w2v_model_file_save(o->save_model, &mf, err);
}
