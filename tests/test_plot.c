/*
 * test_plot.c - PCA against planted directions and a dense reference, XML
 * escaping, the scatter and bar SVG writers, and the TSV table reader.
 */
#include "t.h"

#include <stdint.h>
#include <stdlib.h>

#include "w2v/plot.h"

/* ---- helpers ---------------------------------------------------------------- */

static uint64_t rng_state = 12345;
static double uniform(void) /* in [-1, 1) */
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(rng_state >> 11) / 9007199254740992.0 * 2 - 1;
}

static double dotd(const double *a, const double *b, size_t D)
{
    double s = 0;
    for (size_t j = 0; j < D; j++)
        s += a[j] * b[j];
    return s;
}

/* Capture what a writer prints. */
typedef struct {
    char *buf;
    size_t len;
    FILE *fp;
} capture;

static void cap_open(capture *c)
{
    c->buf = NULL;
    c->len = 0;
    c->fp = open_memstream(&c->buf, &c->len);
}

static void cap_close(capture *c)
{
    fclose(c->fp);
}

static int occurrences(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

/* Arrows drawn: the <line> elements inside the group that carries the
 * arrowhead marker (one group, one line per pair); -1 without the group. */
static int arrows(const char *s)
{
    const char *g = strstr(s, "marker-end=");
    if (!g)
        return -1;
    const char *end = strstr(g, "</g>");
    int n = 0;
    for (const char *p = g; (p = strstr(p, "<line")) != NULL && (!end || p < end); p += 5)
        n++;
    return n;
}

/* Tags open and close in order: a rough well-formedness check (no DTD, no
 * CDATA in our output), plus no '<' or '&' that is not markup or entity. */
static int well_formed(const char *s)
{
    const char *stack[64];
    size_t depth = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '&') {
            if (strncmp(p, "&amp;", 5) && strncmp(p, "&lt;", 4) && strncmp(p, "&gt;", 4) &&
                strncmp(p, "&quot;", 6) && strncmp(p, "&apos;", 6))
                return 0;
            continue;
        }
        if (*p != '<')
            continue;
        const char *end = strchr(p, '>');
        if (!end)
            return 0;
        if (p[1] == '?') {
            p = end;
            continue;
        }
        if (memchr(p + 1, '<', (size_t)(end - p - 1)))
            return 0;
        if (p[1] == '/') {
            if (!depth)
                return 0;
            const char *open = stack[--depth];
            size_t n = strcspn(open + 1, " />");
            if (strncmp(open + 1, p + 2, n) || p[2 + n] != '>')
                return 0;
        } else if (end[-1] != '/') {
            if (depth == 64)
                return 0;
            stack[depth++] = p;
        }
        p = end;
    }
    return depth == 0;
}

/* ---- PCA ---------------------------------------------------------------------- */

/* Reference: dense covariance, power iteration with deflation. */
static void pca_reference(const double *X, size_t n, size_t D, double *v1, double *v2)
{
    double *C = calloc(D * D, sizeof *C), *mean = calloc(D, sizeof *mean);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < D; j++)
            mean[j] += X[i * D + j] / (double)n;
    for (size_t i = 0; i < n; i++)
        for (size_t a = 0; a < D; a++)
            for (size_t b = 0; b < D; b++)
                C[a * D + b] += (X[i * D + a] - mean[a]) * (X[i * D + b] - mean[b]);
    double *v[2] = {v1, v2}, *w = malloc(D * sizeof *w);
    for (int k = 0; k < 2; k++) {
        for (size_t j = 0; j < D; j++)
            v[k][j] = 1.0 + 0.1 * (double)j;
        for (int it = 0; it < 4000; it++) {
            for (size_t a = 0; a < D; a++)
                w[a] = dotd(C + a * D, v[k], D);
            double norm = sqrt(dotd(w, w, D));
            for (size_t j = 0; j < D; j++)
                v[k][j] = w[j] / norm;
        }
        double lambda = 0;
        for (size_t a = 0; a < D; a++)
            lambda += v[k][a] * dotd(C + a * D, v[k], D);
        for (size_t a = 0; a < D; a++) /* deflate */
            for (size_t b = 0; b < D; b++)
                C[a * D + b] -= lambda * v[k][a] * v[k][b];
    }
    free(C);
    free(mean);
    free(w);
}

static void test_pca_planted(void)
{
    enum { N = 60, D = 20 };
    /* u: the dominant direction, v: a weaker one orthogonal to it */
    double u[D] = {0}, v[D] = {0};
    for (size_t j = 0; j < D; j++)
        u[j] = uniform();
    double nu = sqrt(dotd(u, u, D));
    for (size_t j = 0; j < D; j++)
        u[j] /= nu;
    for (size_t j = 0; j < D; j++)
        v[j] = uniform();
    double r = dotd(u, v, D);
    for (size_t j = 0; j < D; j++)
        v[j] -= r * u[j];
    double nv = sqrt(dotd(v, v, D));
    for (size_t j = 0; j < D; j++)
        v[j] /= nv;

    static float data[N][D];
    const float *rows[N];
    /* spreads along u and v, centred and uncorrelated in the sample (were
     * they correlated, the sample's axes would tilt away from u and v) */
    double t[N], sv[N], mt = 0, ms = 0, ts = 0, tt = 0;
    for (size_t i = 0; i < N; i++) {
        t[i] = 10 * uniform();
        sv[i] = 3 * uniform();
        mt += t[i] / N;
        ms += sv[i] / N;
    }
    for (size_t i = 0; i < N; i++) {
        t[i] -= mt;
        sv[i] -= ms;
        ts += t[i] * sv[i];
        tt += t[i] * t[i];
    }
    for (size_t i = 0; i < N; i++) {
        sv[i] -= ts / tt * t[i];
        for (size_t j = 0; j < D; j++)
            data[i][j] = (float)(5.0 + t[i] * u[j] + sv[i] * v[j] + 0.01 * uniform());
        rows[i] = data[i];
    }
    double xy[2 * N], axes[2 * D], ex[2];
    T_OK(w2v_plot_pca(rows, N, D, xy, axes, ex, NULL));
    T_NEAR(fabs(dotd(axes, u, D)), 1.0, 1e-4);
    T_NEAR(fabs(dotd(axes + D, v, D)), 1.0, 1e-3);
    T_NEAR(dotd(axes, axes, D), 1.0, 1e-9);
    T_NEAR(dotd(axes, axes + D, D), 0.0, 1e-9);
    T_TRUE(ex[0] > 0.85 && ex[1] > 0.05 && ex[0] + ex[1] < 1 && ex[0] + ex[1] > 0.99);
    /* the coordinates are the centred rows on the axes */
    double mean[D] = {0};
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < D; j++)
            mean[j] += data[i][j] / (double)N;
    int ok = 1;
    for (size_t i = 0; i < N; i++) {
        double c0 = 0, c1 = 0;
        for (size_t j = 0; j < D; j++) {
            c0 += (data[i][j] - mean[j]) * axes[j];
            c1 += (data[i][j] - mean[j]) * axes[D + j];
        }
        ok &= fabs(c0 - xy[2 * i]) < 1e-9 && fabs(c1 - xy[2 * i + 1]) < 1e-9;
    }
    T_TRUE(ok);
    /* signs: each axis's largest element is positive */
    for (int k = 0; k < 2; k++) {
        size_t big = 0;
        for (size_t j = 1; j < D; j++)
            if (fabs(axes[k * D + j]) > fabs(axes[k * D + big]))
                big = j;
        T_TRUE(axes[k * D + big] > 0);
    }
    /* deterministic */
    double xy2[2 * N];
    T_OK(w2v_plot_pca(rows, N, D, xy2, NULL, NULL, NULL));
    T_TRUE(memcmp(xy, xy2, sizeof xy) == 0);
}

/* Random data with no planted structure: agrees with the dense reference. */
static void test_pca_reference(void)
{
    enum { N = 30, D = 12 };
    static float data[N][D];
    double X[N * D];
    const float *rows[N];
    for (size_t i = 0; i < N; i++) {
        for (size_t j = 0; j < D; j++) {
            data[i][j] = (float)(uniform() * (1.0 + 0.2 * (double)j));
            X[i * D + j] = data[i][j];
        }
        rows[i] = data[i];
    }
    double xy[2 * N], axes[2 * D], v1[D], v2[D];
    T_OK(w2v_plot_pca(rows, N, D, xy, axes, NULL, NULL));
    pca_reference(X, N, D, v1, v2);
    T_NEAR(fabs(dotd(axes, v1, D)), 1.0, 1e-8);
    T_NEAR(fabs(dotd(axes + D, v2, D)), 1.0, 1e-8);

    /* more directions than the block holds (D = 300, like real vectors) */
    enum { N2 = 16, D2 = 300 };
    static float big[N2][D2];
    static double XB[N2 * D2];
    const float *rows2[N2];
    for (size_t i = 0; i < N2; i++) {
        for (size_t j = 0; j < D2; j++)
            XB[i * D2 + j] = big[i][j] = (float)uniform();
        rows2[i] = big[i];
    }
    static double axes2[2 * D2], w1[D2], w2[D2];
    double xy2[2 * N2];
    T_OK(w2v_plot_pca(rows2, N2, D2, xy2, axes2, NULL, NULL));
    pca_reference(XB, N2, D2, w1, w2);
    T_NEAR(fabs(dotd(axes2, w1, D2)), 1.0, 1e-6);
    T_NEAR(fabs(dotd(axes2 + D2, w2, D2)), 1.0, 1e-6);
}

static void test_pca_edges(void)
{
    float a[3] = {1, 2, 3}, b[3] = {3, 2, 1}, c[3] = {2, 2, 2}, bad[3] = {1, NAN, 0};
    const float *rows[3] = {a, b, c};
    double xy[6], axes[6], ex[2];
    T_EQ(w2v_plot_pca(rows, 0, 3, xy, NULL, NULL, NULL), W2V_ERR_EMPTY);
    T_EQ(w2v_plot_pca(rows, 2, 0, xy, NULL, NULL, NULL), W2V_ERR_ARG);
    /* one row: everything at the origin */
    T_OK(w2v_plot_pca(rows, 1, 3, xy, axes, ex, NULL));
    T_EQ(xy[0], 0);
    T_EQ(xy[1], 0);
    T_EQ(ex[0], 0);
    /* two rows (and a third on their line): one direction, the second is 0 */
    T_OK(w2v_plot_pca(rows, 3, 3, xy, axes, ex, NULL));
    T_NEAR(ex[0], 1.0, 1e-12);
    T_EQ(ex[1], 0);
    T_NEAR(fabs(axes[0]), sqrt(0.5), 1e-9);
    T_NEAR(xy[0] - xy[2], -2 * sqrt(2.0) * (axes[0] > 0 ? 1 : -1), 1e-9);
    T_EQ(xy[1], 0);
    T_EQ(xy[5], 0);
    T_NEAR(xy[4], 0.0, 1e-12); /* c is the mean */
    /* a single dimension */
    T_OK(w2v_plot_pca(rows, 3, 1, xy, axes, ex, NULL));
    T_NEAR(fabs(xy[0] - xy[2]), 2.0, 1e-12);
    const float *badrows[2] = {a, bad};
    w2v_error err;
    T_EQ(w2v_plot_pca(badrows, 2, 3, xy, NULL, NULL, &err), W2V_ERR_ARG);
    T_TRUE(strstr(err.msg, "row 1") != NULL);
}

/* ---- escaping and the writers ----------------------------------------------------- */

static char *escaped(const char *s)
{
    capture c;
    cap_open(&c);
    w2v_plot_xml_escape(c.fp, s);
    cap_close(&c);
    return c.buf;
}

static void test_escape(void)
{
    const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "plain"},
        {"a&b<c>\"d'e", "a&amp;b&lt;c&gt;&quot;d&apos;e"},
        {"&amp;", "&amp;amp;"},
        {"caf\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80"},
        {"x\xFFy", "x\xEF\xBF\xBDy"},                          /* stray byte */
        {"\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},               /* overlong '/' */
        {"\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* surrogate */
        {"\xE6\x9D", "\xEF\xBF\xBD\xEF\xBF\xBD"},               /* cut short */
        {"a\x01" "b\tc\nd", "a\xEF\xBF\xBD" "b\tc\nd"},           /* control chars */
        {"\xEF\xBF\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"}, /* U+FFFF */
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *got = escaped(cases[i].in);
        T_CHECK(!strcmp(got, cases[i].out), "case %zu: \"%s\"", i, got);
        free(got);
    }
}

static void test_scatter(void)
{
    double xy[] = {0, 0, 1, 1, -1, 0.5, 2, -1};
    const char *labels[] = {"king", "queen & co", "<man>", "wo\"man'"};
    size_t pairs[] = {0, 1, 2, 3};
    w2v_plot_scatter_spec s = {.n = 4, .xy = xy, .labels = labels, .pairs = pairs,
                               .npairs = 2, .title = "A & B", .xlabel = "PC1",
                               .ylabel = "PC2", .equal_aspect = 1};
    capture c;
    cap_open(&c);
    T_OK(w2v_plot_scatter(c.fp, &s, NULL));
    cap_close(&c);
    T_TRUE(strncmp(c.buf, "<?xml", 5) == 0);
    T_TRUE(well_formed(c.buf));
    T_EQ(occurrences(c.buf, "<circle"), 4);
    T_EQ(occurrences(c.buf, "marker-end"), 1);
    T_EQ(arrows(c.buf), 2); /* king -> queen, <man> -> wo"man' */
    T_TRUE(strstr(c.buf, ">queen &amp; co</text>") != NULL);
    T_TRUE(strstr(c.buf, ">&lt;man&gt;</text>") != NULL);
    T_TRUE(strstr(c.buf, ">wo&quot;man&apos;</text>") != NULL);
    T_TRUE(strstr(c.buf, "<title>A &amp; B</title>") != NULL);
    T_TRUE(strstr(c.buf, "<man>") == NULL);
    T_TRUE(strstr(c.buf, "http://") == NULL || strstr(c.buf, "xmlns=\"http://www.w3.org/2000/svg\""));
    T_TRUE(strstr(c.buf, "href") == NULL); /* self-contained */
    free(c.buf);

    /* no pairs: no arrows; one point and identical points still draw */
    s.npairs = 0;
    s.pairs = NULL;
    double same[] = {1, 1, 1, 1};
    s.xy = same;
    s.n = 2;
    cap_open(&c);
    T_OK(w2v_plot_scatter(c.fp, &s, NULL));
    cap_close(&c);
    T_EQ(occurrences(c.buf, "marker"), 0);
    T_EQ(occurrences(c.buf, "<circle"), 2);
    T_TRUE(well_formed(c.buf));
    T_TRUE(strstr(c.buf, "nan") == NULL && strstr(c.buf, "inf") == NULL);
    free(c.buf);

    /* errors */
    FILE *null = fopen("/dev/null", "w");
    s.n = 0;
    T_EQ(w2v_plot_scatter(null, &s, NULL), W2V_ERR_ARG);
    double bad[] = {0, NAN};
    s.n = 1;
    s.xy = bad;
    T_EQ(w2v_plot_scatter(null, &s, NULL), W2V_ERR_ARG);
    s.xy = xy;
    s.n = 2;
    size_t out_of_range[] = {0, 2};
    s.pairs = out_of_range;
    s.npairs = 1;
    T_EQ(w2v_plot_scatter(null, &s, NULL), W2V_ERR_ARG);
    s.npairs = 0;
    s.width = 100;
    T_EQ(w2v_plot_scatter(null, &s, NULL), W2V_ERR_ARG);
    fclose(null);
}

static void test_bars(void)
{
    const char *groups[] = {"word2vec.c", "gensim", "w2v <new>"};
    const char *series[] = {"semantic", "syntactic"};
    double values[] = {18.69, 31.58, 24.58, NAN, -3.5, 42.96};
    w2v_plot_bars_spec s = {.ngroups = 3, .nseries = 2, .groups = groups, .series = series,
                            .values = values, .title = "Accuracy", .ylabel = "%"};
    capture c;
    cap_open(&c);
    T_OK(w2v_plot_bars(c.fp, &s, NULL));
    cap_close(&c);
    /* 5 bars + 2 legend swatches + the background */
    T_EQ(occurrences(c.buf, "<rect"), 5 + 2 + 1);
    T_TRUE(well_formed(c.buf));
    T_TRUE(strstr(c.buf, ">w2v &lt;new&gt;</text>") != NULL);
    T_TRUE(strstr(c.buf, ">43.0</text>") != NULL); /* one decimal for all */
    T_TRUE(strstr(c.buf, ">-3.5</text>") != NULL);
    T_TRUE(strstr(c.buf, ">semantic</text>") != NULL);
    free(c.buf);

    /* no legend, no values, many groups */
    enum { G = 40 };
    const char *many[G];
    double vals[G];
    char names[G][16];
    for (int g = 0; g < G; g++) {
        snprintf(names[g], sizeof names[g], "group %d", g);
        many[g] = names[g];
        vals[g] = g;
    }
    w2v_plot_bars_spec m = {.ngroups = G, .nseries = 1, .groups = many, .values = vals,
                            .no_values = 1};
    cap_open(&c);
    T_OK(w2v_plot_bars(c.fp, &m, NULL));
    cap_close(&c);
    T_EQ(occurrences(c.buf, "<rect"), G + 1);
    T_TRUE(well_formed(c.buf));
    T_TRUE(strstr(c.buf, "rotate(-35") != NULL); /* labels slanted */
    free(c.buf);

    FILE *null = fopen("/dev/null", "w");
    m.ngroups = 0;
    T_EQ(w2v_plot_bars(null, &m, NULL), W2V_ERR_ARG);
    m.ngroups = 2;
    vals[1] = INFINITY;
    T_EQ(w2v_plot_bars(null, &m, NULL), W2V_ERR_ARG);
    vals[1] = 1;
    m.nseries = 20000;
    T_EQ(w2v_plot_bars(null, &m, NULL), W2V_ERR_ARG);
    fclose(null);
}

/* ---- the table reader ---------------------------------------------------------------- */

static w2v_status parse(const char *text, w2v_plot_table **t, w2v_error *err)
{
    return w2v_plot_table_parse(text, strlen(text), "t.tsv", t, err);
}

static void test_table(void)
{
    w2v_plot_table *t;
    w2v_error err;
    T_OK(parse("system\tsem\tsyn\r\n# comment\n\nw2v\t1.5\t2\r\ngensim \t NA\t-3e-1\nx\t\t4\n", &t,
               &err));
    T_EQ(t->ngroups, 3);
    T_EQ(t->nseries, 2);
    T_STREQ(t->corner, "system");
    T_STREQ(t->series[1], "syn");
    T_STREQ(t->groups[1], "gensim");
    T_NEAR(t->values[0], 1.5, 0);
    T_TRUE(isnan(t->values[2]));
    T_NEAR(t->values[3], -0.3, 1e-15);
    T_TRUE(isnan(t->values[4]));
    w2v_plot_table_free(t);

    /* a header of series names only */
    T_OK(parse("a\tb\nrow one\t1\t2\n", &t, NULL));
    T_TRUE(t->corner == NULL);
    T_STREQ(t->series[0], "a");
    T_STREQ(t->groups[0], "row one");
    w2v_plot_table_free(t);

    T_EQ(parse("", &t, &err), W2V_ERR_EMPTY);
    T_TRUE(t == NULL);
    T_EQ(parse("# only\n\n", &t, &err), W2V_ERR_EMPTY);
    T_EQ(parse("a\tb\n", &t, &err), W2V_ERR_EMPTY);
    T_EQ(parse("a\tb\nx\t1\t2\ny\t1\n", &t, &err), W2V_ERR_FORMAT);
    T_TRUE(strstr(err.msg, "t.tsv:3:") != NULL);
    T_EQ(parse("a\tb\nx\t1\t2x\n", &t, &err), W2V_ERR_FORMAT);
    T_TRUE(strstr(err.msg, "t.tsv:2: column 3") != NULL);
    T_EQ(parse("a\tb\nx\t1e999\t2\n", &t, &err), W2V_ERR_FORMAT);
    T_EQ(parse("a\tb\tc\td\nx\t1\n", &t, &err), W2V_ERR_FORMAT);
    T_TRUE(strstr(err.msg, "header") != NULL);
    T_EQ(parse("a\nx\n", &t, &err), W2V_ERR_FORMAT);
    T_EQ(w2v_plot_table_parse("a\tb\nx\0\t1\n", 10, "t.tsv", &t, &err), W2V_ERR_FORMAT);
    T_EQ(w2v_plot_table_read("/nonexistent.tsv", &t, &err), W2V_ERR_IO);
    T_TRUE(strstr(err.msg, "/nonexistent.tsv") != NULL);
    T_EQ(w2v_plot_table_read("/", &t, &err), W2V_ERR_IO);
}

int main(void)
{
    test_pca_planted();
    test_pca_reference();
    test_pca_edges();
    test_escape();
    test_scatter();
    test_bars();
    test_table();
    return T_DONE();
}
