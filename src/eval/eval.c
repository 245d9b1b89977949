/*
 * eval.c - the prepared vector space (normalisation, case-folded lookup),
 * nearest neighbours, query strings, and evaluation-file helpers.
 *
 * Shape legend: R rows kept, D dimension, Dp padded dimension (space.h).
 *
 * DESIGN: normalise once, look up by folded form.  Rows are copied into one
 * 64-byte-aligned R x Dp matrix of unit vectors, so a cosine is a dot
 * product and the gemm kernel streams whole cache lines.  The index maps a
 * folded word to the first row of that form (gensim keeps the first of
 * several case variants too); canon[] maps every row to that first row, so
 * "is this candidate one of the question words" and "is this answer the
 * expected word" are integer comparisons in the hot loops.  Restricting to
 * the first N rows needs no second index: the first row of a form lies
 * within the first N rows exactly when some row of that form does.
 *
 * Case folding is ASCII only (as word2vec.c's compute-accuracy).  gensim's
 * str.upper() also folds non-ASCII letters; that changes nothing for the
 * ASCII evaluation sets unless a vocabulary holds non-ASCII words that
 * upper-case to ASCII ones (such as U+0131 'dotless i'), which we accept.
 */
#include "w2v/eval.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/bigalloc.h"
#include "eval/eval_text.h"
#include "eval/space.h"
#include "eval/gemm.h"

/* Rows scored per gemm call in w2v_space_nearest (a 16 KiB buffer). */
#define NEAREST_CHUNK 4096

static unsigned char fold_c(unsigned char c, w2v_case f)
{
    if (f == W2V_CASE_UPPER && c >= 'a' && c <= 'z')
        return (unsigned char)(c - 32);
    if (f == W2V_CASE_LOWER && c >= 'A' && c <= 'Z')
        return (unsigned char)(c + 32);
    return c;
}

static uint64_t fold_hash(const char *w, w2v_case f)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over the folded bytes */
    for (const unsigned char *p = (const unsigned char *)w; *p; p++)
        h = (h ^ fold_c(*p, f)) * 1099511628211ull;
    return h ^ (h >> 29);
}

static int fold_eq(const char *a, const char *b, w2v_case f)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    for (; *p && *q; p++, q++)
        if (fold_c(*p, f) != fold_c(*q, f))
            return 0;
    return *p == *q;
}

/* Row + 1 of the index slot for word (0 when absent); *slot receives the
 * slot where it is or would go. */
static uint32_t index_probe(const w2v_space *sp, const char *word, size_t *slot)
{
    size_t i = (size_t)fold_hash(word, sp->fold) & sp->mask;
    for (;;) {
        uint32_t v = sp->index[i];
        if (v == 0 || fold_eq(sp->words[v - 1], word, sp->fold)) {
            *slot = i;
            return v;
        }
        i = (i + 1) & sp->mask;
    }
}

void w2v_space_free(w2v_space *sp)
{
    if (!sp)
        return;
    free(sp->unit);
    free(sp->words);
    free(sp->wbytes);
    free(sp->canon);
    free(sp->index);
    free(sp);
}

w2v_status w2v_space_create(const w2v_vectors *vec, size_t rows, w2v_case fold, w2v_space **out,
                            w2v_error *err)
{
    if (!vec || !out)
        return w2v_error_set(err, W2V_ERR_ARG, "w2v_space_create: NULL argument");
    *out = NULL;
    if (fold != W2V_CASE_NONE && fold != W2V_CASE_UPPER && fold != W2V_CASE_LOWER)
        return w2v_error_set(err, W2V_ERR_ARG, "w2v_space_create: unknown case rule %d", (int)fold);
    size_t R = rows && rows < vec->V ? rows : vec->V, D = vec->D;
    if (R == 0 || D == 0)
        return w2v_error_set(err, W2V_ERR_EMPTY, "no vectors to evaluate");
    if (R > W2V_VOCAB_MAX_WORDS || D > SIZE_MAX / sizeof(float) - W2V_SPACE_PAD)
        return w2v_error_set(err, W2V_ERR_LIMIT, "%zu x %zu vectors exceed the limits", R, D);
    size_t Dp = (D + W2V_SPACE_PAD - 1) / W2V_SPACE_PAD * W2V_SPACE_PAD;
    if (Dp > SIZE_MAX / sizeof(float) / R)
        return w2v_error_set(err, W2V_ERR_NOMEM, "%zu x %zu vectors overflow memory", R, D);

    w2v_space *sp = calloc(1, sizeof *sp);
    if (!sp)
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    sp->R = R;
    sp->D = D;
    sp->Dp = Dp;
    sp->fold = fold;
    size_t wbytes = 0;
    for (size_t r = 0; r < R; r++)
        wbytes += strlen(vec->words[r]) + 1;
    size_t cap = 16;
    while (cap < 2 * R)
        cap *= 2;
    sp->unit = big_alloc(R * Dp * sizeof(float));
    sp->words = malloc(R * sizeof *sp->words);
    sp->wbytes = malloc(wbytes);
    sp->canon = malloc(R * sizeof *sp->canon);
    sp->index = calloc(cap, sizeof *sp->index);
    sp->mask = cap - 1;
    if (!sp->unit || !sp->words || !sp->wbytes || !sp->canon || !sp->index) {
        w2v_space_free(sp);
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for %zu x %zu vectors", R, D);
    }
    char *wp = sp->wbytes;
    for (size_t r = 0; r < R; r++) {
        size_t n = strlen(vec->words[r]) + 1;
        memcpy(wp, vec->words[r], n);
        sp->words[r] = wp;
        wp += n;
        size_t slot;
        uint32_t first = index_probe(sp, wp - n, &slot);
        if (first == 0) {
            sp->index[slot] = (uint32_t)r + 1;
            sp->canon[r] = (uint32_t)r;
        } else {
            sp->canon[r] = first - 1;
        }
        /* Unit row: the norm in double, so long rows lose nothing. */
        const float *x = vec->vecs + r * D;
        float *u = sp->unit + r * Dp;
        double ss = 0.0;
        for (size_t k = 0; k < D; k++)
            ss += (double)x[k] * x[k];
        float inv = ss > 0.0 ? (float)(1.0 / sqrt(ss)) : 0.0f;
        for (size_t k = 0; k < D; k++)
            u[k] = x[k] * inv;
        for (size_t k = D; k < Dp; k++)
            u[k] = 0.0f;
    }
    *out = sp;
    return W2V_OK;
}

size_t w2v_space_rows(const w2v_space *sp) { return sp->R; }
size_t w2v_space_dim(const w2v_space *sp) { return sp->D; }
w2v_case w2v_space_case(const w2v_space *sp) { return sp->fold; }
const char *w2v_space_word(const w2v_space *sp, w2v_row row) { return sp->words[row]; }
const float *w2v_space_unit(const w2v_space *sp, w2v_row row)
{
    return sp->unit + (size_t)row * sp->Dp;
}
w2v_row w2v_space_canon(const w2v_space *sp, w2v_row row) { return sp->canon[row]; }

w2v_row w2v_space_find(const w2v_space *sp, const char *word, size_t within)
{
    if (!word)
        return W2V_ROW_NONE;
    size_t slot, lim = within && within < sp->R ? within : sp->R;
    uint32_t v = index_probe(sp, word, &slot);
    return v != 0 && v - 1 < lim ? (w2v_row)(v - 1) : W2V_ROW_NONE;
}

/* ---- nearest neighbours --------------------------------------------------- */

size_t w2v_space_nearest(const w2v_space *sp, const float *query, size_t within,
                         const w2v_row *exclude, size_t nexclude, size_t k, w2v_hit *hits)
{
    size_t lim = within && within < sp->R ? within : sp->R, n = 0;
    if (k == 0)
        return 0;
    float *q = aligned_alloc(64, sp->Dp * sizeof(float));
    if (!q)
        return 0;
    memcpy(q, query, sp->D * sizeof(float));
    for (size_t d = sp->D; d < sp->Dp; d++)
        q[d] = 0.0f;
    float score[NEAREST_CHUNK];
    for (size_t r0 = 0; r0 < lim; r0 += NEAREST_CHUNK) {
        size_t m = lim - r0 < NEAREST_CHUNK ? lim - r0 : NEAREST_CHUNK;
        w2v_gemm_nt(1, m, sp->Dp, q, sp->Dp, sp->unit + r0 * sp->Dp, sp->Dp, score, m);
        for (size_t j = 0; j < m; j++) {
            float s = score[j];
            if (n == k && !(s > hits[k - 1].score))
                continue; /* ties keep the lower row, which came first */
            size_t r = r0 + j, c = sp->canon[r];
            int skip = 0;
            for (size_t e = 0; e < nexclude && !skip; e++)
                skip = exclude[e] < sp->R && sp->canon[exclude[e]] == c;
            if (skip)
                continue;
            size_t at = n < k ? n++ : k - 1; /* insertion into the sorted list */
            while (at > 0 && s > hits[at - 1].score) {
                hits[at] = hits[at - 1];
                at--;
            }
            hits[at].row = (w2v_row)r;
            hits[at].score = s;
        }
    }
    free(q);
    return n;
}

w2v_status w2v_space_query(const w2v_space *sp, const char *text, size_t within, float *vec,
                           w2v_row *rows, size_t *nrows, w2v_error *err)
{
    if (!sp || !text || !vec || !rows || !nrows)
        return w2v_error_set(err, W2V_ERR_ARG, "w2v_space_query: NULL argument");
    *nrows = 0;
    size_t D = sp->D, n = 0;
    double *sum = calloc(D, sizeof *sum);
    if (!sum)
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    const unsigned char *p = (const unsigned char *)text, *e = p + strlen(text);
    int sign = 0; /* 0: none pending, +1 / -1 after an operator */
    char word[W2V_VECIO_MAX_WORD + 1];
    w2v_status st = W2V_OK;
    for (;;) {
        while (p < e && txt_sep(*p))
            p++;
        if (p >= e)
            break;
        const unsigned char *t = p;
        while (p < e && !txt_sep(*p))
            p++;
        size_t len = (size_t)(p - t);
        if (len == 1 && (*t == '+' || *t == '-')) {
            if (sign) {
                st = w2v_error_set(err, W2V_ERR_ARG, "two operators in a row in \"%s\"", text);
                break;
            }
            sign = *t == '-' ? -1 : 1;
            continue;
        }
        if (len > W2V_VECIO_MAX_WORD || n == W2V_QUERY_MAX_WORDS) {
            st = w2v_error_set(err, W2V_ERR_ARG, "query too long (at most %d words of %d bytes)",
                               W2V_QUERY_MAX_WORDS, W2V_VECIO_MAX_WORD);
            break;
        }
        memcpy(word, t, len);
        word[len] = '\0';
        w2v_row r = w2v_space_find(sp, word, within);
        if (r == W2V_ROW_NONE) {
            size_t lim = within && within < sp->R ? within : sp->R;
            st = w2v_error_set(err, W2V_ERR_EMPTY, "'%s' is not in the vocabulary (%zu words)", word,
                               lim);
            break;
        }
        const float *u = w2v_space_unit(sp, r);
        double w = sign < 0 ? -1.0 : 1.0;
        for (size_t d = 0; d < D; d++)
            sum[d] += w * u[d];
        rows[n++] = r;
        sign = 0;
    }
    if (st == W2V_OK && sign)
        st = w2v_error_set(err, W2V_ERR_ARG, "operator without a word after it in \"%s\"", text);
    if (st == W2V_OK && n == 0)
        st = w2v_error_set(err, W2V_ERR_ARG, "empty query");
    if (st == W2V_OK) {
        double ss = 0.0;
        for (size_t d = 0; d < D; d++)
            ss += sum[d] * sum[d];
        double inv = ss > 0.0 ? 1.0 / sqrt(ss) : 0.0;
        for (size_t d = 0; d < D; d++)
            vec[d] = (float)(sum[d] * inv);
        *nrows = n;
    }
    free(sum);
    return st;
}

/* ---- evaluation files ------------------------------------------------------- */

w2v_eval_kind w2v_eval_detect(const void *data, size_t len)
{
    txt_lines it;
    const unsigned char *s, *e;
    txt_init(&it, data, len);
    while (txt_next(&it, &s, &e)) {
        if (txt_skip(s, e))
            continue;
        while (s < e && txt_sep(*s))
            s++;
        if (*s == ':')
            return W2V_EVAL_ANALOGY;
        /* Four words is a question; four fields ending in a number is a
         * pair file with an extra column (SimLex's part of speech), which
         * the pair parser then reports. */
        const unsigned char *fs[5], *fe[5];
        if (txt_fields(s, e, fs, fe, 5) != 4)
            return W2V_EVAL_SIMILARITY;
        char num[64];
        size_t n = (size_t)(fe[3] - fs[3]);
        if (n >= sizeof num)
            return W2V_EVAL_ANALOGY;
        memcpy(num, fs[3], n);
        num[n] = '\0';
        char *end;
        (void)strtod(num, &end);
        return *end == '\0' ? W2V_EVAL_SIMILARITY : W2V_EVAL_ANALOGY;
    }
    return W2V_EVAL_SIMILARITY;
}

w2v_status w2v_eval_read_file(const char *path, char **data, size_t *len, w2v_error *err)
{
    if (!path || !data || !len)
        return w2v_error_set(err, W2V_ERR_ARG, "w2v_eval_read_file: NULL argument");
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return w2v_error_set(err, W2V_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
        fclose(f);
        return w2v_error_set(err, W2V_ERR_IO, "%s: %s", path,
                             S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file or a pipe");
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        if (n == cap) {
            if (cap >= W2V_EVAL_MAX_FILE) {
                free(buf);
                fclose(f);
                return w2v_error_set(err, W2V_ERR_LIMIT, "%s: larger than %zu bytes", path,
                                     (size_t)W2V_EVAL_MAX_FILE);
            }
            char *nb = realloc(buf, 2 * cap + 1);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (!buf) {
        fclose(f);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", path);
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        fclose(f);
        return w2v_error_set(err, W2V_ERR_IO, "%s: read error: %s", path, strerror(e));
    }
    fclose(f);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return W2V_OK;
}

double w2v_tally_accuracy(const w2v_tally *t, int dummy)
{
    size_t d = dummy ? t->total : t->seen;
    return d ? (double)t->correct / (double)d : 0.0;
}
