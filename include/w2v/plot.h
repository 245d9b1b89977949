/*
 * plot.h - pictures of word vectors and of results, as SVG files.
 *
 *   w2v_plot_pca      n vectors -> their coordinates on the first two
 *                     principal components (deterministic);
 *   w2v_plot_scatter  labelled points, with an arrow from the first to the
 *                     second point of each given pair (king -> queen), so
 *                     analogies show as parallel arrows;
 *   w2v_plot_bars     a grouped bar chart (groups of bars, one per series,
 *                     with a legend and the values written above the bars);
 *   w2v_plot_lines    a line chart: series of (x, y) points joined in x
 *                     order, on a linear or logarithmic x axis (accuracy
 *                     against word-updates);
 *   w2v_plot_table_*  the data of either chart from a TSV file.
 *
 * DESIGN: the writers emit one self-contained SVG 1.1 document (no scripts,
 * no external fonts or images, a generic font stack) to a caller-owned
 * FILE*, so the caller decides where it goes (w2v_afile for an atomic file).
 * Every piece of text goes through w2v_plot_xml_escape, so any word gives
 * valid XML.  Text extents are estimated (0.62 em per character), which is
 * enough to keep scatter labels from overlapping one another and the points
 * (a greedy choice among eight positions around each point) and to size the
 * margins of the bar chart.  The library does no rasterising.
 */
#ifndef W2V_PLOT_H
#define W2V_PLOT_H

#include <stddef.h>
#include <stdio.h>

#include "w2v/error.h"

/* Most points in a scatter plot and most bars in a chart: far beyond what
 * stays legible, and it bounds the label-placement work (quadratic). */
#define W2V_PLOT_MAX_POINTS 5000
#define W2V_PLOT_MAX_BARS 20000
/* Largest table file accepted (bytes); a chart table is a few kilobytes. */
#define W2V_PLOT_TABLE_MAX_BYTES (16u << 20)

/*
 * Principal component analysis of n rows (rows[i] points to D floats):
 * the rows are centred on their mean, and xy[2i], xy[2i+1] receive row i's
 * coordinates along the first and second principal directions (largest
 * variance first).  axes (may be NULL) receives the two unit directions,
 * D doubles each; explained (may be NULL) the fraction of the total
 * variance each carries.  A direction with no variance (n < 3, or all rows
 * on a line) gives coordinates 0 and a zero axis.  Signs are fixed so that
 * each axis's largest-magnitude element is positive, and the start vectors
 * are fixed, so every run gives the same picture.  Computed by block
 * power iteration on the covariance (never formed: O(n D) per step) with a
 * Rayleigh-Ritz step, to a relative accuracy of about 1e-10.
 * @return W2V_OK; W2V_ERR_EMPTY when n == 0; W2V_ERR_ARG when D == 0 or a
 * value is not finite; W2V_ERR_NOMEM.
 */
w2v_status w2v_plot_pca(const float *const *rows, size_t n, size_t D, double *xy, double *axes,
                        double explained[2], w2v_error *err);

typedef struct {
    size_t n;                     /* points, 1..W2V_PLOT_MAX_POINTS */
    const double *xy;             /* n (x, y), finite */
    const char *const *labels;    /* n labels (UTF-8; NULL: unlabelled) */
    const size_t *pairs;          /* npairs (from, to) indices into the points */
    size_t npairs;
    const char *title, *xlabel, *ylabel; /* NULL: none */
    unsigned width, height;       /* pixels; 0: 900 x 650 */
    int equal_aspect;             /* non-zero: one unit is as long on both axes */
} w2v_plot_scatter_spec;

/*
 * Write a scatter plot as SVG: grid and tick labels, axis titles, the
 * arrows of the pairs, the points (the first point of a pair blue, the
 * second red, one that is both purple, others grey) and their labels.  @return W2V_OK, W2V_ERR_ARG
 * (no points, too many, a non-finite coordinate, a pair index out of
 * range), W2V_ERR_NOMEM, or W2V_ERR_IO when out reports a write error.
 */
w2v_status w2v_plot_scatter(FILE *out, const w2v_plot_scatter_spec *spec, w2v_error *err);

typedef struct {
    size_t ngroups, nseries;      /* ngroups * nseries <= W2V_PLOT_MAX_BARS */
    const char *const *groups;    /* ngroups labels under the groups */
    const char *const *series;    /* nseries legend entries, or NULL: no legend */
    const double *values;         /* values[g * nseries + s]; NaN: no bar */
    const char *title, *xlabel, *ylabel; /* NULL: none */
    unsigned width, height;       /* pixels; 0: fit the bars / 480 */
    int no_values;                /* non-zero: no number above each bar */
} w2v_plot_bars_spec;

/*
 * Write a grouped bar chart as SVG.  The value axis always includes 0;
 * negative values hang below it.  Group labels that do not fit under their
 * group are slanted.  The document holds exactly one <rect> per drawn bar,
 * one per legend entry and one background.  @return W2V_OK, W2V_ERR_ARG
 * (no groups or series, too many bars, an infinite value), W2V_ERR_NOMEM,
 * W2V_ERR_IO.
 */
w2v_status w2v_plot_bars(FILE *out, const w2v_plot_bars_spec *spec, w2v_error *err);

typedef struct {
    size_t npoints, nseries;      /* rows of x values and series; npoints * nseries
                                     <= W2V_PLOT_MAX_POINTS */
    const double *x;              /* npoints x values, finite (> 0 with log_x), any order */
    const char *const *series;    /* nseries legend entries, or NULL: no legend */
    const double *values;         /* values[p * nseries + s]: series s at x[p]; NaN: none */
    const char *title, *xlabel, *ylabel; /* NULL: none */
    unsigned width, height;       /* pixels; 0: 760 x 480 */
    int log_x;                    /* non-zero: logarithmic x axis */
} w2v_plot_lines_spec;

/*
 * Write a line chart as SVG: each series is one <polyline> through its
 * points in increasing x (skipping its NaN cells; none when it has fewer
 * than two points) with one <circle> per point (a <title> tooltip gives
 * the values), a legend, grid and tick labels (on a log axis 1, 2, 5 times
 * powers of ten, large values as 10k, 1M, 1G).  The y axis spans the data,
 * rounded out to ticks.  @return W2V_OK, W2V_ERR_ARG (no points or series,
 * too many, a non-finite x or value, x <= 0 on a log axis, no value at
 * all), W2V_ERR_NOMEM, W2V_ERR_IO.
 */
w2v_status w2v_plot_lines(FILE *out, const w2v_plot_lines_spec *spec, w2v_error *err);

/*
 * Write s as XML character data or attribute text: & < > " ' become
 * entities, and bytes that are not well-formed UTF-8 or are control
 * characters XML forbids (all below 0x20 except tab and newline) become
 * U+FFFD, so the document stays well-formed whatever s holds.
 */
void w2v_plot_xml_escape(FILE *out, const char *s);

/* A chart's data: a header row, then one row per group (bars) or per x
 * value (lines: the labels are the x values, see w2v_plot_table_x). */
typedef struct {
    size_t ngroups, nseries;
    char **groups;   /* ngroups labels (first cell of each row) */
    char **series;   /* nseries names from the header */
    char *corner;    /* the header's first cell when it names the label
                        column (the header has nseries + 1 cells), else NULL */
    double *values;  /* ngroups * nseries, row-major; NaN for an empty
                        cell, "NA", "nan" or "-" */
    void *arena_;    /* owned storage; not for callers */
} w2v_plot_table;

/*
 * Parse a TSV table: the header holds the series names, optionally after a
 * name for the label column; each following row is label<TAB>v1<TAB>v2...
 * with the same number of cells in every row.  Cells are trimmed of spaces;
 * CRLF, blank lines and lines starting with '#' are accepted.  A malformed
 * number, a row with another number of cells, a missing header or no rows
 * is an error naming name and the line.  @return W2V_OK and *out (free with
 * w2v_plot_table_free), W2V_ERR_FORMAT, W2V_ERR_EMPTY, W2V_ERR_LIMIT,
 * W2V_ERR_NOMEM.
 */
w2v_status w2v_plot_table_parse(const char *data, size_t len, const char *name,
                                w2v_plot_table **out, w2v_error *err);
/* The same from a file (at most W2V_PLOT_TABLE_MAX_BYTES; W2V_ERR_IO). */
w2v_status w2v_plot_table_read(const char *path, w2v_plot_table **out, w2v_error *err);
/*
 * The row labels of t as numbers, for a line chart: x[g] = label of row g.
 * A label that is not a finite number is W2V_ERR_FORMAT naming name and the
 * row.  @return W2V_OK and a malloc'ed *x (caller frees), W2V_ERR_NOMEM.
 */
w2v_status w2v_plot_table_x(const w2v_plot_table *t, const char *name, double **x,
                            w2v_error *err);
/* Free a table; NULL is accepted. */
void w2v_plot_table_free(w2v_plot_table *t);

#endif
