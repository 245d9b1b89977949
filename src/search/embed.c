/*
 * embed.c - sentence embeddings: SIF, mean, mean of unit vectors (search.h).
 *
 * Shape legend: V words, D dimension, N lines.
 *
 * DESIGN: every weighting is a weighted mean of per-word rows, so the
 * embedder precomputes one effective row per word, E[w] = weight(w) *
 * f(vec(w)) (f scales to unit length for W2V_WEIGHT_UNIT, else identity),
 * and embedding a line is the mean of the E rows of its known tokens,
 * accumulated in double.  The index stores E, so queries are embedded from
 * the index alone.  Dividing by the number of known tokens does not change a
 * cosine but does change the principal component (long lines would weigh
 * more), and it is what Arora et al.'s code does.
 *
 * Lines are tokenised with the shared tokenizer, one call per range of
 * lines: each '\n' is one sentence end, so the k-th sentence end closes
 * line k.  Threads take equal ranges of lines.
 */
#include "search/embed.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct w2v_embedder {
    w2v_embed_opts opts;
    w2v_tokenize_opts tok_opts;
    char *regex;            /* owned copy of tok_opts.regex */
    w2v_tokenizer *tok;
    size_t V, D;
    w2v_vocab *lookup;      /* word -> id, ids in table order */
    const char **words;     /* V pointers (into lookup's storage) */
    const float *E;         /* V x D */
    const float *weights;   /* V */
    float *E_owned, *weights_owned;
};

w2v_embed_opts w2v_embed_opts_default(void)
{
    return (w2v_embed_opts){.weight = W2V_WEIGHT_SIF, .sif_a = W2V_SIF_A_DEFAULT,
                            .remove_pc = -1};
}

static const char *const WEIGHT_NAMES[] = {"sif", "mean", "unit"};

const char *w2v_weight_name(w2v_weight w)
{
    return (unsigned)w < 3 ? WEIGHT_NAMES[w] : "?";
}

int w2v_weight_parse(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (!strcmp(s, WEIGHT_NAMES[i]))
            return i;
    return -1;
}

int w2v_embed_removes_pc(const w2v_embed_opts *opts)
{
    return opts->remove_pc < 0 ? opts->weight == W2V_WEIGHT_SIF : opts->remove_pc != 0;
}

void w2v_embedder_free(w2v_embedder *e)
{
    if (!e)
        return;
    w2v_tokenizer_free(e->tok);
    w2v_vocab_free(e->lookup);
    free(e->words);
    free(e->regex);
    free(e->E_owned);
    free(e->weights_owned);
    free(e);
}

/* The parts every constructor shares: options, tokenizer, the word lookup. */
static w2v_status embedder_new(const w2v_embed_opts *opts, const w2v_tokenize_opts *tok,
                               size_t V, size_t D, const char *const *words, const char *name,
                               w2v_embedder **out, w2v_error *err)
{
    *out = NULL;
    if (opts->weight != W2V_WEIGHT_SIF && opts->weight != W2V_WEIGHT_MEAN &&
        opts->weight != W2V_WEIGHT_UNIT)
        return w2v_error_set(err, W2V_ERR_ARG, "unknown weighting %d", (int)opts->weight);
    if (opts->weight == W2V_WEIGHT_SIF && !(opts->sif_a > 0 && isfinite(opts->sif_a)))
        return w2v_error_set(err, W2V_ERR_ARG, "SIF's a must be positive (got %g)",
                             opts->sif_a);
    if (V == 0 || D == 0)
        return w2v_error_set(err, W2V_ERR_EMPTY, "%s: no words to embed with", name);
    w2v_embedder *e = calloc(1, sizeof *e);
    if (!e)
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    e->opts = *opts;
    e->tok_opts = *tok;
    e->V = V;
    e->D = D;
    w2v_status st = W2V_OK;
    if (tok->regex && !(e->regex = strdup(tok->regex)))
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    e->tok_opts.regex = e->regex;
    if (!st)
        st = w2v_tokenizer_create(&e->tok_opts, &e->tok, err);
    if (!st)
        st = w2v_vocab_create(&e->lookup, err);
    if (!st && !(e->words = malloc(V * sizeof *e->words)))
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    for (size_t i = 0; !st && i < V; i++) {
        size_t len = strlen(words[i]);
        uint32_t id;
        if (len == 0 || len > W2V_VOCAB_MAX_WORD_BYTES) {
            st = w2v_error_set(err, W2V_ERR_FORMAT, "%s: word %zu is %s", name, i + 1,
                               len ? "too long" : "empty");
            break;
        }
        st = w2v_vocab_add(e->lookup, words[i], len, 1, &id, err);
        if (!st && id != i)
            st = w2v_error_set(err, W2V_ERR_FORMAT, "%s: word %zu ('%.40s') occurs twice", name,
                               i + 1, words[i]);
        if (!st)
            e->words[i] = w2v_vocab_word(e->lookup, id);
    }
    if (st) {
        w2v_embedder_free(e);
        return st;
    }
    *out = e;
    return W2V_OK;
}

w2v_status w2v_embedder_create(const w2v_embed_opts *opts, const w2v_tokenize_opts *tok,
                               const w2v_vectors *vecs, const w2v_vocab *counts,
                               w2v_embedder **out, w2v_error *err)
{
    *out = NULL;
    double total = 0;
    if (opts->weight == W2V_WEIGHT_SIF) {
        if (!counts)
            return w2v_error_set(err, W2V_ERR_ARG,
                                 "SIF weights need a vocabulary with counts");
        total = (double)w2v_vocab_total(counts);
        if (!(total > 0))
            return w2v_error_set(err, W2V_ERR_ARG, "the vocabulary's counts add up to 0");
    }
    size_t V = vecs->V, D = vecs->D;
    w2v_embedder *e;
    w2v_status st = embedder_new(opts, tok, V, D, (const char *const *)vecs->words,
                                 "the vectors", &e, err);
    if (st)
        return st;
    if (V > SIZE_MAX / sizeof(float) / D ||
        !(e->E_owned = malloc(V * D * sizeof(float))) ||
        !(e->weights_owned = malloc(V * sizeof(float)))) {
        w2v_embedder_free(e);
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for %zu x %zu vectors", V, D);
    }
    for (size_t i = 0; i < V; i++) {
        const float *v = vecs->vecs + i * D;
        double w = 1.0;
        if (opts->weight == W2V_WEIGHT_SIF) {
            const char *word = vecs->words[i];
            uint32_t id = w2v_vocab_find(counts, word, strlen(word));
            double p = id == W2V_VOCAB_NONE ? 0.0 : (double)w2v_vocab_count(counts, id) / total;
            w = opts->sif_a / (opts->sif_a + p);
        } else if (opts->weight == W2V_WEIGHT_UNIT) {
            double s = 0;
            for (size_t j = 0; j < D; j++)
                s += (double)v[j] * v[j];
            w = s > 0 ? 1.0 / sqrt(s) : 0.0;
        }
        e->weights_owned[i] = (float)w;
        for (size_t j = 0; j < D; j++)
            e->E_owned[i * D + j] = (float)(w * v[j]);
    }
    e->E = e->E_owned;
    e->weights = e->weights_owned;
    *out = e;
    return W2V_OK;
}

w2v_status w2v_embedder_wrap(const w2v_embed_opts *opts, const w2v_tokenize_opts *tok,
                             size_t V, size_t D, const char *const *words, const float *E,
                             const float *weights, const char *name, w2v_embedder **out,
                             w2v_error *err)
{
    w2v_status st = embedder_new(opts, tok, V, D, words, name, out, err);
    if (st)
        return st;
    (*out)->E = E;
    (*out)->weights = weights;
    return W2V_OK;
}

w2v_embedder_parts w2v_embedder_get_parts(const w2v_embedder *e)
{
    return (w2v_embedder_parts){.opts = &e->opts, .tok = &e->tok_opts, .V = e->V, .D = e->D,
                                .words = e->words, .E = e->E, .weights = e->weights};
}

size_t w2v_embedder_dim(const w2v_embedder *e) { return e->D; }

float w2v_embedder_weight(const w2v_embedder *e, size_t i)
{
    return i < e->V ? e->weights[i] : 0.0f;
}

/* ---- embedding -------------------------------------------------------------- */

/* One line being summed; for embed_lines also the line cursor. */
typedef struct {
    const w2v_embedder *e;
    double *acc;          /* D */
    uint64_t tokens, known;
    /* lines mode */
    float *out;           /* rows of the range */
    uint32_t *known_out;
    size_t line, nlines;  /* next line to close, lines in the range */
    int lines_mode;
} summer;

static void close_line(summer *s, float *row)
{
    size_t D = s->e->D;
    double inv = s->known ? 1.0 / (double)s->known : 0.0;
    for (size_t j = 0; j < D; j++)
        row[j] = (float)(s->acc[j] * inv);
    memset(s->acc, 0, D * sizeof *s->acc);
}

static int on_token(void *user, const char *tok, size_t len)
{
    summer *s = user;
    if (!tok) {
        if (s->lines_mode && s->line < s->nlines) {
            close_line(s, s->out + s->line * s->e->D);
            if (s->known_out)
                s->known_out[s->line] = s->known > UINT32_MAX ? UINT32_MAX : (uint32_t)s->known;
            s->line++;
            s->known = 0;
        }
        return 0;
    }
    s->tokens++;
    uint32_t id = w2v_vocab_find(s->e->lookup, tok, len);
    if (id == W2V_VOCAB_NONE)
        return 0;
    s->known++;
    const float *r = s->e->E + (size_t)id * s->e->D;
    for (size_t j = 0; j < s->e->D; j++)
        s->acc[j] += r[j];
    return 0;
}

w2v_status w2v_embed_text(const w2v_embedder *e, const char *text, size_t len, float *out,
                          w2v_embed_count *cnt, w2v_error *err)
{
    summer s = {.e = e};
    if (!(s.acc = calloc(e->D, sizeof *s.acc)))
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    w2v_status st = w2v_tokenize_buffer(e->tok, text, len, on_token, &s, NULL, err);
    close_line(&s, out);
    free(s.acc);
    if (cnt)
        *cnt = (w2v_embed_count){.tokens = s.tokens, .known = s.known};
    return st;
}

w2v_status w2v_text_check(const char *buf, size_t len, const char *name, w2v_error *err)
{
    const char *nul = memchr(buf, '\0', len);
    if (!nul)
        return W2V_OK;
    size_t at = (size_t)(nul - buf);
    return w2v_error_set(err, W2V_ERR_FORMAT, "%s:%zu: a NUL byte (at byte %zu)", name,
                         w2v_count_lines(buf, at, NULL) + (at == 0 || buf[at - 1] == '\n'), at);
}

size_t w2v_count_lines(const char *buf, size_t len, uint64_t *offs)
{
    size_t n = 0, start = 0;
    for (const char *p = buf, *end = buf + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (offs)
            offs[n] = start;
        n++;
        if (!nl)
            break;
        p = nl + 1;
        start = (size_t)(p - buf);
    }
    if (offs)
        offs[n] = len;
    return n;
}

typedef struct {
    const w2v_embedder *e;
    const char *buf;
    const uint64_t *offs;
    size_t first, last;   /* lines [first, last) */
    float *out;
    uint32_t *known;
    w2v_status st;
    w2v_error err;
} range_job;

static void *embed_range(void *arg)
{
    range_job *j = arg;
    summer s = {.e = j->e, .lines_mode = 1, .out = j->out + j->first * j->e->D,
                .known_out = j->known ? j->known + j->first : NULL,
                .nlines = j->last - j->first};
    if (!(s.acc = calloc(j->e->D, sizeof *s.acc))) {
        j->st = w2v_error_set(&j->err, W2V_ERR_NOMEM, "out of memory");
        return NULL;
    }
    size_t a = j->offs[j->first], b = j->offs[j->last];
    j->st = w2v_tokenize_buffer(j->e->tok, j->buf + a, b - a, on_token, &s, NULL, &j->err);
    /* the last line of the buffer may lack its '\n' */
    if (!j->st && s.line < s.nlines)
        on_token(&s, NULL, 0);
    for (; s.line < s.nlines; s.line++) { /* cannot happen; keep rows defined */
        memset(s.out + s.line * j->e->D, 0, j->e->D * sizeof(float));
        if (s.known_out)
            s.known_out[s.line] = 0;
    }
    free(s.acc);
    return NULL;
}

w2v_status w2v_embed_lines(const w2v_embedder *e, const char *buf, size_t len, size_t n,
                           float *out, uint32_t *known, unsigned threads, w2v_error *err)
{
    if (n == 0)
        return W2V_OK;
    uint64_t *offs = malloc((n + 1) * sizeof *offs);
    if (!offs)
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for %zu line offsets", n);
    if (w2v_count_lines(buf, len, offs) != n) {
        free(offs);
        return w2v_error_set(err, W2V_ERR_ARG, "line count does not match the text");
    }
    if (threads == 0)
        threads = 1;
    if (threads > n)
        threads = (unsigned)n;
    range_job *jobs = calloc(threads, sizeof *jobs);
    pthread_t *tids = calloc(threads, sizeof *tids);
    w2v_status st = W2V_OK;
    if (!jobs || !tids) {
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
        threads = 0;
    }
    unsigned started = 0;
    for (unsigned t = 0; t < threads; t++) {
        jobs[t] = (range_job){.e = e, .buf = buf, .offs = offs, .first = n * t / threads,
                              .last = n * (t + 1) / threads, .out = out, .known = known};
        if (t == 0)
            continue; /* the calling thread takes range 0 */
        if (pthread_create(&tids[t], NULL, embed_range, &jobs[t]) != 0) {
            st = w2v_error_set(err, W2V_ERR_THREAD, "cannot start an embedding thread");
            break;
        }
        started = t;
    }
    if (threads)
        embed_range(&jobs[0]);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(tids[t], NULL);
    for (unsigned t = 0; !st && t <= started && threads; t++)
        if (jobs[t].st) {
            st = jobs[t].st;
            if (err)
                *err = jobs[t].err;
        }
    free(jobs);
    free(tids);
    free(offs);
    return st;
}
