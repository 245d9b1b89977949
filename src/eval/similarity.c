/*
 * similarity.c - word-pair similarity files, and Spearman's rho and
 * Pearson's r against the cosines of the pairs.
 *
 * DESIGN: a pair file is parsed strictly (three fields per line, a finite
 * number last), unlike gensim's evaluate_word_pairs, which skips a line it
 * cannot split on tabs without saying so; a skipped line silently changes
 * the figure, an error gets the file fixed.  The statistics are computed in
 * double: Pearson with two passes (mean first, then centred sums), Spearman
 * as Pearson of average ranks, which is scipy.stats.spearmanr's definition,
 * so results agree with gensim to rounding.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_text.h"
#include "eval/space.h"
#include "w2v/eval.h"

struct w2v_pairs {
    char *bytes;   /* the words, NUL-terminated */
    size_t n;
    size_t *w;     /* two offsets per pair */
    double *score;
    size_t *line;
};

void w2v_pairs_free(w2v_pairs *p)
{
    if (!p)
        return;
    free(p->bytes);
    free(p->w);
    free(p->score);
    free(p->line);
    free(p);
}

/* A score field: a finite decimal number, nothing else. */
static int parse_score(const unsigned char *s, const unsigned char *e, double *out)
{
    char buf[64];
    size_t n = (size_t)(e - s);
    if (n == 0 || n >= sizeof buf)
        return -1;
    for (size_t i = 0; i < n; i++) /* no hex, no "inf"/"nan", no spaces */
        if (!strchr("0123456789+-.eE", s[i]))
            return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end;
    double v = strtod(buf, &end);
    if (*end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

w2v_status w2v_pairs_parse(const void *data, size_t len, const char *name, w2v_pairs **out,
                           w2v_error *err)
{
    if (!out || (!data && len))
        return w2v_error_set(err, W2V_ERR_ARG, "w2v_pairs_parse: NULL argument");
    *out = NULL;
    if (!name)
        name = "(memory)";
    /* Every pair needs at least "a b 0\n" (6 bytes): bound the arrays by the
     * length, and the word bytes by the length too. */
    size_t maxn = len / 5 + 1;
    w2v_pairs *p = calloc(1, sizeof *p);
    if (p) {
        p->bytes = malloc(len + 1);
        p->w = malloc(2 * maxn * sizeof *p->w);
        p->score = malloc(maxn * sizeof *p->score);
        p->line = malloc(maxn * sizeof *p->line);
    }
    if (!p || !p->bytes || !p->w || !p->score || !p->line) {
        w2v_pairs_free(p);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
    }
    txt_lines it;
    txt_init(&it, data, len);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        it.p += 3;
    const unsigned char *s, *e;
    size_t used = 0;
    w2v_status st = W2V_OK;
    while (txt_next(&it, &s, &e)) {
        size_t col = txt_binary_at(s, e);
        if (col) {
            st = w2v_error_set(err, W2V_ERR_FORMAT,
                               "%s:%zu: control byte 0x%02x at column %zu: not a text pair file",
                               name, it.line, s[col - 1], col);
            break;
        }
        if (txt_skip(s, e))
            continue;
        const unsigned char *fs[3], *fe[3];
        size_t nf = txt_fields(s, e, fs, fe, 3);
        if (nf != 3) {
            st = w2v_error_set(err, W2V_ERR_FORMAT,
                               "%s:%zu: expected 'word1 word2 score', found %zu field%s", name,
                               it.line, nf, nf == 1 ? "" : "s");
            break;
        }
        double v;
        if (parse_score(fs[2], fe[2], &v) != 0) {
            st = w2v_error_set(err, W2V_ERR_FORMAT, "%s:%zu: score \"%.*s\" is not a finite number",
                               name, it.line, (int)((fe[2] - fs[2]) < 40 ? fe[2] - fs[2] : 40),
                               (const char *)fs[2]);
            break;
        }
        for (int k = 0; k < 2; k++) {
            size_t n = (size_t)(fe[k] - fs[k]);
            memcpy(p->bytes + used, fs[k], n);
            p->bytes[used + n] = '\0';
            p->w[2 * p->n + (size_t)k] = used;
            used += n + 1;
        }
        p->score[p->n] = v;
        p->line[p->n] = it.line;
        p->n++;
    }
    if (st == W2V_OK && p->n == 0)
        st = w2v_error_set(err, W2V_ERR_EMPTY, "%s: no word pairs", name);
    if (st != W2V_OK) {
        w2v_pairs_free(p);
        return st;
    }
    *out = p;
    return W2V_OK;
}

w2v_status w2v_pairs_load(const char *path, w2v_pairs **out, w2v_error *err)
{
    char *data;
    size_t len;
    w2v_status st = w2v_eval_read_file(path, &data, &len, err);
    if (st != W2V_OK)
        return st;
    st = w2v_pairs_parse(data, len, path, out, err);
    free(data);
    return st;
}

size_t w2v_pairs_count(const w2v_pairs *p) { return p->n; }

void w2v_pairs_get(const w2v_pairs *p, size_t i, const char **w1, const char **w2, double *score,
                   size_t *line)
{
    if (w1)
        *w1 = p->bytes + p->w[2 * i];
    if (w2)
        *w2 = p->bytes + p->w[2 * i + 1];
    if (score)
        *score = p->score[i];
    if (line)
        *line = p->line[i];
}

/* ---- statistics -------------------------------------------------------------- */

double w2v_pearson(const double *x, const double *y, size_t n)
{
    if (n < 2)
        return NAN;
    double mx = 0.0, my = 0.0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx == 0.0 || syy == 0.0)
        return NAN;
    double r = sxy / sqrt(sxx * syy);
    return r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
}

typedef struct {
    double v;
    size_t i;
} keyed;

static int by_value(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->v < q->v)
        return -1;
    if (p->v > q->v)
        return 1;
    return p->i < q->i ? -1 : p->i > q->i;
}

int w2v_rank_average(const double *x, size_t n, double *rank)
{
    keyed *k = malloc((n ? n : 1) * sizeof *k);
    if (!k)
        return -1;
    for (size_t i = 0; i < n; i++) {
        k[i].v = x[i];
        k[i].i = i;
    }
    qsort(k, n, sizeof *k, by_value);
    for (size_t a = 0; a < n;) {
        size_t b = a + 1;
        while (b < n && k[b].v == k[a].v)
            b++;
        /* positions a..b-1 hold equal values: ranks a+1..b, average (a+1+b)/2 */
        double r = 0.5 * (double)(a + 1 + b);
        for (size_t j = a; j < b; j++)
            rank[k[j].i] = r;
        a = b;
    }
    free(k);
    return 0;
}

double w2v_spearman(const double *x, const double *y, size_t n)
{
    if (n < 2)
        return NAN;
    double *rx = malloc(2 * n * sizeof *rx);
    if (!rx)
        return NAN;
    double *ry = rx + n, rho = NAN;
    if (w2v_rank_average(x, n, rx) == 0 && w2v_rank_average(y, n, ry) == 0)
        rho = w2v_pearson(rx, ry, n);
    free(rx);
    return rho;
}

w2v_status w2v_pairs_eval(const w2v_space *sp, const w2v_pairs *p, size_t restrict_rows, int dummy,
                          w2v_sim_result *res, w2v_error *err)
{
    if (!sp || !p || !res)
        return w2v_error_set(err, W2V_ERR_ARG, "w2v_pairs_eval: NULL argument");
    memset(res, 0, sizeof *res);
    res->spearman = res->pearson = NAN;
    res->pairs = p->n;
    double *gold = malloc(2 * p->n * sizeof *gold);
    if (!gold)
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for %zu pairs", p->n);
    double *model = gold + p->n;
    size_t m = 0;
    for (size_t i = 0; i < p->n; i++) {
        const char *w1, *w2;
        double g;
        w2v_pairs_get(p, i, &w1, &w2, &g, NULL);
        w2v_row a = w2v_space_find(sp, w1, restrict_rows), b = w2v_space_find(sp, w2, restrict_rows);
        double cos = 0.0;
        if (a == W2V_ROW_NONE || b == W2V_ROW_NONE) {
            res->oov++;
            if (!dummy)
                continue;
        } else {
            const float *u = w2v_space_unit(sp, a), *v = w2v_space_unit(sp, b);
            for (size_t d = 0; d < sp->D; d++)
                cos += (double)u[d] * v[d];
        }
        gold[m] = g;
        model[m] = cos;
        m++;
    }
    res->used = m;
    if (m == 0) {
        free(gold);
        return w2v_error_set(err, W2V_ERR_EMPTY, "no pair has both words in the vocabulary");
    }
    res->pearson = w2v_pearson(gold, model, m);
    res->spearman = w2v_spearman(gold, model, m);
    free(gold);
    return W2V_OK;
}
