/*
 * phrase.c - bigram counts, the phrase score, and rewriting text with the
 * phrases joined (see phrase.h for the score and its scale).
 *
 * DESIGN: tokens are interned in a w2v_vocab (ids in order of first
 * appearance, never renumbered: counting never finalizes it), and a bigram
 * is the pair of its tokens' ids in a w2v_idpairs table (idpairs.h), whose slots
 * hold key and count inline.  Bigram tables are much larger than the
 * caches, so the cost of a pass is cache misses per token: a string-keyed
 * "a b" w2v_vocab entry costs three (slot, entry, bytes), the pair table
 * one, which more than halved the time of a pass (docs/performance.md,
 * "Component timings").  Both the counter and the rewriter remember only
 * the previous token's id and count.
 *
 * Pruning (max_bigrams) drops the rarest pairs in one step: the new floor
 * is read off the sorted counts, where word2phrase raises it by one per
 * reduce.  Counting is single-threaded: the tables are not built for
 * concurrent writers, and a pass is rarely the bottleneck next to
 * training.
 */
#include "w2v/phrase.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/idpairs.h"
#include "w2v/vocab.h"

/* Tokens between two looks at the stop flag: rare enough to cost nothing,
 * often enough (a few ms) to stop at once. */
#define STOP_EVERY 65536u

struct w2v_phrase_counts {
    w2v_vocab *uni;
    w2v_idpairs bi;
    uint64_t tokens;     /* N */
    size_t max_bigrams;  /* 0: no cap */
    uint64_t floor;      /* 0: never pruned */
    atomic_int *stop;    /* optional */
};

static int stop_set(atomic_int *stop, uint64_t n)
{
    return stop && n % STOP_EVERY == 0 && atomic_load_explicit(stop, memory_order_relaxed);
}

w2v_phrase_opts w2v_phrase_opts_default(void)
{
    return (w2v_phrase_opts){.min_count = 5, .delta = -1.0, .threshold = 100.0,
                             .max_bigrams = 0, .passes = 1, .threshold_decay = 0.5};
}

w2v_status w2v_phrase_opts_check(const w2v_phrase_opts *o, w2v_error *err)
{
    if (o->min_count < 1)
        return w2v_error_set(err, W2V_ERR_ARG, "phrase: min_count must be at least 1");
    if (!isfinite(o->delta))
        return w2v_error_set(err, W2V_ERR_ARG, "phrase: delta must be a finite number");
    if (!isfinite(o->threshold) || o->threshold < 0)
        return w2v_error_set(err, W2V_ERR_ARG, "phrase: threshold must be >= 0");
    if (o->max_bigrams != 0 && o->max_bigrams < W2V_PHRASE_MIN_BIGRAMS)
        return w2v_error_set(err, W2V_ERR_ARG, "phrase: max_bigrams must be 0 or at least %d",
                             W2V_PHRASE_MIN_BIGRAMS);
    if (o->passes < 1 || o->passes > W2V_PHRASE_MAX_PASSES)
        return w2v_error_set(err, W2V_ERR_ARG, "phrase: passes must be in [1, %d]",
                             W2V_PHRASE_MAX_PASSES);
    if (!(o->threshold_decay > 0 && o->threshold_decay <= 1))
        return w2v_error_set(err, W2V_ERR_ARG, "phrase: threshold_decay must be in (0, 1]");
    return W2V_OK;
}

w2v_status w2v_phrase_counts_create(const w2v_phrase_opts *opts, w2v_phrase_counts **out,
                                    w2v_error *err)
{
    *out = NULL;
    size_t max_bigrams = opts->max_bigrams;
    if (max_bigrams != 0 && max_bigrams < W2V_PHRASE_MIN_BIGRAMS)
        return w2v_error_set(err, W2V_ERR_ARG, "phrase: max_bigrams must be 0 or at least %d",
                             W2V_PHRASE_MIN_BIGRAMS);
    w2v_phrase_counts *pc = calloc(1, sizeof *pc);
    if (!pc)
        return w2v_error_set(err, W2V_ERR_NOMEM, "phrase: out of memory");
    w2v_status st = w2v_vocab_create(&pc->uni, err);
    if (st) {
        free(pc);
        return st;
    }
    w2v_idpairs_init(&pc->bi);
    pc->max_bigrams = max_bigrams;
    pc->stop = opts->stop;
    *out = pc;
    return W2V_OK;
}

void w2v_phrase_counts_free(w2v_phrase_counts *pc)
{
    if (!pc)
        return;
    w2v_vocab_free(pc->uni);
    w2v_idpairs_free(&pc->bi);
    free(pc);
}

uint64_t w2v_phrase_tokens(const w2v_phrase_counts *pc) { return pc->tokens; }
size_t w2v_phrase_unigrams(const w2v_phrase_counts *pc) { return w2v_vocab_size(pc->uni); }
size_t w2v_phrase_bigrams(const w2v_phrase_counts *pc) { return pc->bi.n; }
uint64_t w2v_phrase_prune_floor(const w2v_phrase_counts *pc) { return pc->floor; }

/* Can the vocabulary hold this token?  (The byte scanner passes NUL bytes
 * and, with a large max_token_bytes, tokens longer than the table takes.) */
static int internable(const char *s, size_t len)
{
    return len <= W2V_VOCAB_MAX_WORD_BYTES && !memchr(s, '\0', len);
}

/* Id of a token, W2V_VOCAB_NONE for one never counted (or not internable). */
static uint32_t find(const w2v_phrase_counts *pc, const char *s, size_t len)
{
    return internable(s, len) ? w2v_vocab_find(pc->uni, s, len) : W2V_VOCAB_NONE;
}

uint64_t w2v_phrase_count(const w2v_phrase_counts *pc, const char *a, size_t alen)
{
    uint32_t id = find(pc, a, alen);
    return id == W2V_VOCAB_NONE ? 0 : w2v_vocab_count(pc->uni, id);
}

uint64_t w2v_phrase_pair_count(const w2v_phrase_counts *pc, const char *a, size_t alen,
                               const char *b, size_t blen)
{
    uint32_t ia = find(pc, a, alen), ib = find(pc, b, blen);
    if (ia == W2V_VOCAB_NONE || ib == W2V_VOCAB_NONE)
        return 0;
    return w2v_idpairs_get(&pc->bi, ia, ib);
}

static double delta_of(const w2v_phrase_opts *o)
{
    return o->delta < 0 ? (double)o->min_count : o->delta;
}

/* The score of phrase.h; callers have checked eligibility. */
static double score_of(uint64_t ab, uint64_t a, uint64_t b, double delta, uint64_t n)
{
    return ((double)ab - delta) / ((double)a * (double)b) * (double)n;
}

double w2v_phrase_score(const w2v_phrase_counts *pc, const w2v_phrase_opts *o, const char *a,
                        size_t alen, const char *b, size_t blen)
{
    uint64_t ca = w2v_phrase_count(pc, a, alen), cb = w2v_phrase_count(pc, b, blen);
    if (ca < o->min_count || cb < o->min_count)
        return 0.0;
    uint64_t cab = w2v_phrase_pair_count(pc, a, alen, b, blen);
    if (cab < o->min_count)
        return 0.0;
    return score_of(cab, ca, cb, delta_of(o), pc->tokens);
}

/* ---- counting ------------------------------------------------------------ */

static int desc_u64(const void *pa, const void *pb)
{
    uint64_t x = *(const uint64_t *)pa, y = *(const uint64_t *)pb;
    return x > y ? -1 : x < y;
}

/*
 * Drop the rarest pairs so that at most half the cap remain: the new floor
 * is one more than the count of the (cap/2 + 1)-th most frequent pair (and
 * above the last floor).  Pruning halves the table, so its O(n log n) cost
 * is paid rarely.
 */
static w2v_status prune(w2v_phrase_counts *pc, w2v_error *err)
{
    const w2v_idpairs *t = &pc->bi;
    size_t target = pc->max_bigrams / 2;
    uint64_t f = pc->floor + 1;
    if (t->n > target) {
        uint64_t *c = malloc(t->n * sizeof *c);
        if (!c)
            return w2v_error_set(err, W2V_ERR_NOMEM, "phrase: out of memory while pruning");
        size_t k = 0;
        for (size_t i = 0; i < t->nslots; i++)
            if (t->s[i].count)
                c[k++] = t->s[i].count;
        qsort(c, k, sizeof *c, desc_u64);
        if (c[target] + 1 > f)
            f = c[target] + 1;
        free(c);
    }
    if (f < 2)
        f = 2;
    if (w2v_idpairs_prune(&pc->bi, f) != 0)
        return w2v_error_set(err, W2V_ERR_NOMEM, "phrase: out of memory while pruning");
    pc->floor = f;
    return W2V_OK;
}

typedef struct {
    w2v_phrase_counts *pc;
    uint32_t prev;   /* id of the previous token on this line, or NONE */
    w2v_status st;   /* first failure inside the callback */
    w2v_error cb_err;
} counter;

static int count_token(void *user, const char *tok, size_t len)
{
    counter *c = user;
    if (!tok) {
        c->prev = W2V_VOCAB_NONE;
        return 0;
    }
    w2v_phrase_counts *pc = c->pc;
    if (stop_set(pc->stop, ++pc->tokens)) {
        c->st = w2v_error_set(&c->cb_err, W2V_ERR_INTERRUPTED, "phrase: stopped on request");
        return -1;
    }
    if (!internable(tok, len)) {
        c->prev = W2V_VOCAB_NONE; /* copied through, never part of a pair */
        return 0;
    }
    uint32_t id;
    c->st = w2v_vocab_add(pc->uni, tok, len, 1, &id, &c->cb_err);
    if (c->st)
        return -1;
    if (c->prev != W2V_VOCAB_NONE) {
        if (w2v_idpairs_add(&pc->bi, c->prev, id, 1) != 0) {
            c->st = w2v_error_set(&c->cb_err, W2V_ERR_NOMEM,
                                  "phrase: out of memory with %zu distinct pairs "
                                  "(max_bigrams bounds them)", pc->bi.n);
            return -1;
        }
        if (pc->max_bigrams && pc->bi.n > pc->max_bigrams &&
            (c->st = prune(pc, &c->cb_err)) != W2V_OK)
            return -1;
    }
    c->prev = id;
    return 0;
}

static w2v_status count_any(w2v_phrase_counts *pc, const w2v_tokenizer *tok, const char *path,
                            const char *buf, size_t len, w2v_tokenize_stats *stats,
                            w2v_error *err)
{
    counter c = {.pc = pc, .prev = W2V_VOCAB_NONE};
    w2v_status st = path ? w2v_tokenize_file(tok, path, count_token, &c, stats, err)
                         : w2v_tokenize_buffer(tok, buf, len, count_token, &c, stats, err);
    if (c.st) { /* the callback's own error beats "interrupted" */
        st = c.st;
        if (err)
            *err = c.cb_err;
    }
    return st;
}

w2v_status w2v_phrase_count_buffer(w2v_phrase_counts *pc, const w2v_tokenizer *tok,
                                   const char *buf, size_t len, w2v_tokenize_stats *stats,
                                   w2v_error *err)
{
    return count_any(pc, tok, NULL, buf, len, stats, err);
}

w2v_status w2v_phrase_count_file(w2v_phrase_counts *pc, const w2v_tokenizer *tok,
                                 const char *path, w2v_tokenize_stats *stats, w2v_error *err)
{
    return count_any(pc, tok, path, NULL, 0, stats, err);
}

/* ---- listing --------------------------------------------------------------- */

static int cmp_bytes(const char *x, size_t xn, const char *y, size_t yn)
{
    int d = memcmp(x, y, xn < yn ? xn : yn);
    return d ? d : (xn > yn) - (xn < yn);
}

static int by_score(const void *pa, const void *pb)
{
    const w2v_phrase_item *x = pa, *y = pb;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    int d = cmp_bytes(x->a, x->alen, y->a, y->alen);
    return d ? d : cmp_bytes(x->b, x->blen, y->b, y->blen);
}

w2v_status w2v_phrase_list(const w2v_phrase_counts *pc, const w2v_phrase_opts *o,
                           w2v_phrase_item **items, size_t *n, w2v_error *err)
{
    *items = NULL;
    *n = 0;
    size_t k = 0, cap = 0;
    double delta = delta_of(o);
    w2v_phrase_item *it = NULL;
    for (size_t i = 0; i < pc->bi.nslots; i++) {
        uint64_t cab = pc->bi.s[i].count, key = pc->bi.s[i].key;
        if (cab < o->min_count) /* also skips empty slots */
            continue;
        uint32_t ia = w2v_idpair_a(key), ib = w2v_idpair_b(key);
        uint64_t ca = w2v_vocab_count(pc->uni, ia), cb = w2v_vocab_count(pc->uni, ib);
        if (ca < o->min_count || cb < o->min_count)
            continue;
        double s = score_of(cab, ca, cb, delta, pc->tokens);
        if (!(s > o->threshold))
            continue;
        if (k == cap) {
            cap = cap ? 2 * cap : 1024;
            w2v_phrase_item *grown = realloc(it, cap * sizeof *it);
            if (!grown) {
                free(it);
                return w2v_error_set(err, W2V_ERR_NOMEM, "phrase: out of memory");
            }
            it = grown;
        }
        const char *a = w2v_vocab_word(pc->uni, ia), *b = w2v_vocab_word(pc->uni, ib);
        it[k++] = (w2v_phrase_item){.a = a, .alen = strlen(a), .b = b, .blen = strlen(b),
                                    .count = cab, .count_a = ca, .count_b = cb, .score = s};
    }
    if (!k)
        return W2V_OK;
    qsort(it, k, sizeof *it, by_score);
    w2v_phrase_item *shrunk = realloc(it, k * sizeof *it);
    *items = shrunk ? shrunk : it;
    *n = k;
    return W2V_OK;
}

/* ---- rewriting ------------------------------------------------------------- */

typedef struct {
    const w2v_phrase_counts *pc;
    uint64_t min_count;
    double delta, threshold;
    FILE *out;
    uint32_t prev;       /* id of the previous token if it may start a pair, else NONE */
    uint64_t prev_count;
    int started;         /* a token was written on this line */
    uint64_t joined, tokens;
    atomic_int *stop;
    int stopped;
} rewriter;

static int rewrite_token(void *user, const char *tok, size_t len)
{
    rewriter *r = user;
    if (!tok) {
        putc('\n', r->out);
        r->started = 0;
        r->prev = W2V_VOCAB_NONE;
        return 0;
    }
    if (stop_set(r->stop, ++r->tokens)) {
        r->stopped = 1;
        return -1;
    }
    const w2v_phrase_counts *pc = r->pc;
    uint32_t id = find(pc, tok, len);
    uint64_t cb = id == W2V_VOCAB_NONE ? 0 : w2v_vocab_count(pc->uni, id);
    if (cb < r->min_count)
        id = W2V_VOCAB_NONE; /* too rare to be part of a phrase, on either side */
    int join = 0;
    if (r->prev != W2V_VOCAB_NONE && id != W2V_VOCAB_NONE) {
        uint64_t cab = w2v_idpairs_get(&pc->bi, r->prev, id);
        join = cab >= r->min_count &&
               score_of(cab, r->prev_count, cb, r->delta, pc->tokens) > r->threshold;
    }
    if (r->started)
        putc(join ? W2V_PHRASE_JOIN : ' ', r->out);
    fwrite(tok, 1, len, r->out);
    r->started = 1;
    if (join) {
        r->joined++;
        id = W2V_VOCAB_NONE; /* the right half of a pair does not start another */
    }
    r->prev = id;
    r->prev_count = cb;
    return 0;
}

static w2v_status rewrite_any(const w2v_phrase_counts *pc, const w2v_phrase_opts *o,
                              const w2v_tokenizer *tok, const char *path, const char *buf,
                              size_t len, FILE *out, uint64_t *joined, w2v_error *err)
{
    rewriter r = {.pc = pc, .min_count = o->min_count, .delta = delta_of(o),
                  .threshold = o->threshold, .out = out, .prev = W2V_VOCAB_NONE,
                  .stop = o->stop};
    w2v_status st = path ? w2v_tokenize_file(tok, path, rewrite_token, &r, NULL, err)
                         : w2v_tokenize_buffer(tok, buf, len, rewrite_token, &r, NULL, err);
    if (r.stopped)
        st = w2v_error_set(err, W2V_ERR_INTERRUPTED, "phrase: stopped on request");
    /* A buffer's end ends its last line, as a file's end does (tokenize.h). */
    if (!st && !path && len > 0 && buf[len - 1] != '\n')
        rewrite_token(&r, NULL, 0);
    if (!st && ferror(out))
        st = w2v_error_set(err, W2V_ERR_IO, "phrase: write error");
    if (joined)
        *joined = r.joined;
    return st;
}

w2v_status w2v_phrase_rewrite_buffer(const w2v_phrase_counts *pc, const w2v_phrase_opts *opts,
                                     const w2v_tokenizer *tok, const char *buf, size_t len,
                                     FILE *out, uint64_t *joined, w2v_error *err)
{
    return rewrite_any(pc, opts, tok, NULL, buf, len, out, joined, err);
}

w2v_status w2v_phrase_rewrite_file(const w2v_phrase_counts *pc, const w2v_phrase_opts *opts,
                                   const w2v_tokenizer *tok, const char *path, FILE *out,
                                   uint64_t *joined, w2v_error *err)
{
    return rewrite_any(pc, opts, tok, path, NULL, 0, out, joined, err);
}
