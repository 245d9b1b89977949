/*
 * w2v-plot - SVG pictures: words projected by PCA, or a bar or line chart of
 * a TSV.
 *
 *     w2v-plot vectors.bin king queen man woman -pairs -o royal.svg
 *     w2v-plot -bars results.tsv -o chart.svg -title "Analogy accuracy"
 *     w2v-plot -lines curve.tsv -logx -o curve.svg
 *
 * DESIGN: a thin program over plot.h.  The scatter mode reads the vector
 * file, looks the words up exactly (case matters, as in the file), scales
 * each vector to unit length unless -raw (cosine similarity is what the
 * evaluations use, and it keeps one long rare-word vector from owning the
 * first component), and plots the first two principal components of just
 * those words.  Pairs are explicit (-pairs), not inferred from an even
 * count, so a plain list of four words never grows arrows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "w2v/atomic_file.h"
#include "w2v/plot.h"
#include "w2v/vecio.h"

#define PROG "w2v-plot"

static void usage(FILE *fp)
{
    fprintf(fp,
"usage: " PROG " [options] VECTORS WORD... -o OUT.svg\n"
"       " PROG " [options] -bars TABLE.tsv -o OUT.svg\n"
"       " PROG " [options] -lines TABLE.tsv -o OUT.svg [-logx]\n"
"The first form plots the words on the first two principal components of their\n"
"vectors; the second draws a grouped bar chart from a TSV whose header holds the\n"
"series names (optionally after a name for the label column) and whose rows are\n"
"label<TAB>value<TAB>value...  (NA or an empty cell: no bar).  The third draws\n"
"a line chart from the same kind of table, the labels being x values: one line\n"
"per series through its points in x order (NA or empty: no point).\n"
"Options:\n"
"  -o, -output FILE     the SVG to write ('-' = stdout; required)\n"
"  -bars FILE           draw a bar chart of this TSV table (the second form)\n"
"  -lines FILE          draw a line chart of this TSV table (the third form)\n"
"  -pairs               words come in pairs: an arrow from the first of each pair\n"
"                       to the second (king queen man woman); a word may recur\n"
"  -raw                 use the vectors as stored (default: scaled to unit length)\n"
"  -binary 0|1          force the vector file's format (default: detect)\n"
"  -title TEXT          a title above the picture (default: none)\n"
"  -xlabel, -ylabel TEXT  axis titles (default: \"PC1 (N%% of variance)\", ...;\n"
"                       bars, lines: the header's label-column name, and none)\n"
"  -width N, -height N  pixels (scatter 900 x 650; bars: fitted to the bars x 480;\n"
"                       lines 760 x 480)\n"
"  -no-values           bars: no number above each bar\n"
"  -logx                lines: logarithmic x axis\n"
"  --                   the words after it may start with '-'\n"
"  -h, --help           print this help and exit\n"
"  --version            print the version and exit\n"
"Example: " PROG " vectors.bin king queen man woman -pairs -o royal.svg\n");
}

typedef struct {
    const char *vectors, *output, *bars, *title, *xlabel, *ylabel;
    const char *lines_table;      /* -lines TABLE */
    int table_is_lines;           /* o->bars then holds the -lines table */
    const char **words;
    size_t nwords;
    int pairs, raw, no_values, format, log_x;
    unsigned width, height;
} options;

static int parse_args(int argc, char **argv, options *o)
{
    *o = (options){.format = W2V_FORMAT_AUTO};
    o->words = malloc((size_t)argc * sizeof *o->words);
    if (!o->words) {
        cli_error(PROG, "out of memory");
        return -1;
    }
    unsigned binary = 2; /* 2: detect */
    const cli_flag flags[] = {
        {"o", CLI_STR, &o->output, 0, 0},
        {"output", CLI_STR, &o->output, 0, 0},
        {"bars", CLI_STR, &o->bars, 0, 0},
        {"lines", CLI_STR, &o->lines_table, 0, 0},
        {"title", CLI_STR, &o->title, 0, 0},
        {"xlabel", CLI_STR, &o->xlabel, 0, 0},
        {"ylabel", CLI_STR, &o->ylabel, 0, 0},
        {"width", CLI_UINT, &o->width, 200, 20000},
        {"height", CLI_UINT, &o->height, 200, 20000},
        {"binary", CLI_UINT, &binary, 0, 1},
        {"pairs", CLI_BOOL, &o->pairs, 0, 0},
        {"raw", CLI_BOOL, &o->raw, 0, 0},
        {"no-values", CLI_BOOL, &o->no_values, 0, 0},
        {"logx", CLI_BOOL, &o->log_x, 0, 0},
    };
    int only_words = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_words || a[0] != '-' || a[1] == '\0') {
            if (!o->vectors && !o->bars && !o->lines_table)
                o->vectors = a;
            else
                o->words[o->nwords++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_words = 1;
            continue;
        }
        if (!cli_take_option(PROG, usage, flags, sizeof flags / sizeof *flags, argc, argv, &i))
            return -1;
    }
    if (binary != 2)
        o->format = binary ? W2V_FORMAT_BINARY : W2V_FORMAT_TEXT;
    if (o->bars && o->lines_table) {
        cli_error(PROG, "-bars and -lines: one chart at a time");
        return -1;
    }
    if (o->log_x && !o->lines_table) {
        cli_error(PROG, "-logx is for line charts (-lines TABLE)");
        return -1;
    }
    if (o->lines_table) { /* the checks below treat both tables alike */
        o->bars = o->lines_table;
        o->table_is_lines = 1;
    }
    if (o->bars && o->vectors) {
        /* with -bars, the first positional was taken as the vector file */
        cli_error(PROG, "%s draws a table; no vector file or words go with it ('%s')",
                  o->table_is_lines ? "-lines" : "-bars", o->vectors);
        return -1;
    }
    if (o->bars && o->nwords) {
        cli_error(PROG, "%s draws a table; no words go with it ('%s')",
                  o->table_is_lines ? "-lines" : "-bars", o->words[0]);
        return -1;
    }
    if (!o->bars && !o->vectors) {
        cli_error(PROG, "no vector file or -bars/-lines table given (see " PROG " --help)");
        return -1;
    }
    if (!o->bars && o->nwords == 0) {
        cli_error(PROG, "no words given to plot");
        return -1;
    }
    if (!o->bars && o->nwords > W2V_PLOT_MAX_POINTS) {
        cli_error(PROG, "%zu words; at most %d can be plotted", o->nwords, W2V_PLOT_MAX_POINTS);
        return -1;
    }
    if (o->pairs && o->nwords % 2) {
        cli_error(PROG, "-pairs needs an even number of words (got %zu)", o->nwords);
        return -1;
    }
    if (!o->output) {
        cli_error(PROG, "no output given (-o FILE.svg)");
        return -1;
    }
    if (!strcmp(o->output, "-"))
        o->output = "/dev/stdout";
    return 0;
}

/* Write the picture atomically: exactly one of the specs is non-NULL. */
static int write_svg(const char *path, const w2v_plot_scatter_spec *sc,
                     const w2v_plot_bars_spec *bars, const w2v_plot_lines_spec *lines)
{
    w2v_error err;
    w2v_afile *af;
    FILE *fp;
    w2v_status st = w2v_afile_open(path, &af, &fp, &err);
    if (!st) {
        st = sc ? w2v_plot_scatter(fp, sc, &err)
           : bars ? w2v_plot_bars(fp, bars, &err) : w2v_plot_lines(fp, lines, &err);
        if (st)
            w2v_afile_abort(af);
        else
            st = w2v_afile_commit(af, &err);
    }
    if (st) {
        cli_error(PROG, "%s", err.msg);
        return 1;
    }
    return 0;
}

static int draw_bars(const options *o)
{
    w2v_error err;
    w2v_plot_table *t;
    if (w2v_plot_table_read(o->bars, &t, &err) != W2V_OK) {
        cli_error(PROG, "%s", err.msg);
        return 1;
    }
    w2v_plot_bars_spec spec = {
        .ngroups = t->ngroups, .nseries = t->nseries,
        .groups = (const char *const *)t->groups, .series = (const char *const *)t->series,
        .values = t->values, .title = o->title,
        .xlabel = o->xlabel ? o->xlabel : t->corner && *t->corner ? t->corner : NULL,
        .ylabel = o->ylabel, .width = o->width, .height = o->height,
        .no_values = o->no_values};
    int rc = write_svg(o->output, NULL, &spec, NULL);
    w2v_plot_table_free(t);
    return rc;
}

static int draw_lines(const options *o)
{
    w2v_error err;
    w2v_plot_table *t;
    double *x = NULL;
    if (w2v_plot_table_read(o->bars, &t, &err) != W2V_OK) {
        cli_error(PROG, "%s", err.msg);
        return 1;
    }
    if (w2v_plot_table_x(t, o->bars, &x, &err) != W2V_OK) {
        cli_error(PROG, "%s", err.msg);
        w2v_plot_table_free(t);
        return 1;
    }
    w2v_plot_lines_spec spec = {
        .npoints = t->ngroups, .nseries = t->nseries, .x = x,
        .series = (const char *const *)t->series, .values = t->values, .title = o->title,
        .xlabel = o->xlabel ? o->xlabel : t->corner && *t->corner ? t->corner : NULL,
        .ylabel = o->ylabel, .width = o->width, .height = o->height, .log_x = o->log_x};
    int rc = write_svg(o->output, NULL, NULL, &spec);
    free(x);
    w2v_plot_table_free(t);
    return rc;
}

static int draw_scatter(const options *o)
{
    w2v_error err;
    w2v_vectors *v;
    if (w2v_vectors_read(o->vectors, o->format, 0, &v, &err) != W2V_OK) {
        cli_error(PROG, "%s", err.msg);
        return 1;
    }
    size_t n = 0, D = v->D, missing = 0;
    size_t *point = malloc(o->nwords * sizeof *point);   /* word -> point */
    size_t *row = malloc(o->nwords * sizeof *row);       /* point -> vector row */
    const char **labels = malloc(o->nwords * sizeof *labels);
    float *unit = malloc(o->nwords * D * sizeof *unit);
    const float **rows = malloc(o->nwords * sizeof *rows);
    double *xy = malloc(2 * o->nwords * sizeof *xy);
    int rc = 1;
    if (!point || !row || !labels || !unit || !rows || !xy) {
        cli_error(PROG, "out of memory");
        goto out;
    }
    char missing_list[256] = "";
    for (size_t w = 0; w < o->nwords; w++) {
        size_t p = 0;
        while (p < n && strcmp(labels[p], o->words[w]))
            p++;
        if (p == n) { /* a new point */
            size_t r = 0;
            while (r < v->V && strcmp(v->words[r], o->words[w]))
                r++;
            if (r == v->V) {
                size_t used = strlen(missing_list);
                snprintf(missing_list + used, sizeof missing_list - used, "%s'%s'",
                         missing ? ", " : "", o->words[w]);
                missing++;
                continue;
            }
            labels[n] = o->words[w];
            row[n++] = r;
        }
        point[w] = p;
    }
    if (missing) {
        cli_error(PROG, "%s: %zu word%s not in the vocabulary: %s", o->vectors, missing,
                  missing > 1 ? "s" : "", missing_list);
        goto out;
    }
    for (size_t p = 0; p < n; p++) {
        const float *src = v->vecs + row[p] * D;
        float *dst = unit + p * D;
        double norm = 0;
        for (size_t j = 0; j < D; j++)
            norm += (double)src[j] * src[j];
        norm = sqrt(norm);
        for (size_t j = 0; j < D; j++)
            dst[j] = o->raw || norm == 0 ? src[j] : (float)(src[j] / norm);
        rows[p] = dst;
    }
    double explained[2];
    if (w2v_plot_pca(rows, n, D, xy, NULL, explained, &err) != W2V_OK) {
        cli_error(PROG, "%s", err.msg);
        goto out;
    }
    char xl[64], yl[64];
    snprintf(xl, sizeof xl, "PC1 (%.1f%% of variance)", 100 * explained[0]);
    snprintf(yl, sizeof yl, "PC2 (%.1f%% of variance)", 100 * explained[1]);
    w2v_plot_scatter_spec spec = {
        .n = n, .xy = xy, .labels = labels, .pairs = o->pairs ? point : NULL,
        .npairs = o->pairs ? o->nwords / 2 : 0, .title = o->title,
        .xlabel = o->xlabel ? o->xlabel : xl, .ylabel = o->ylabel ? o->ylabel : yl,
        .width = o->width, .height = o->height, .equal_aspect = 1};
    rc = write_svg(o->output, &spec, NULL, NULL);
out:
    free(point);
    free(row);
    free(labels);
    free(unit);
    free(rows);
    free(xy);
    w2v_vectors_free(v);
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_args(argc, argv, &o) != 0) {
        free(o.words);
        return 2;
    }
    int rc = o.table_is_lines ? draw_lines(&o) : o.bars ? draw_bars(&o) : draw_scatter(&o);
    free(o.words);
    return rc;
}
