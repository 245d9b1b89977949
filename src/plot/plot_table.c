/*
 * plot_table.c - the TSV table behind a bar chart (see plot.h).
 *
 * DESIGN: the whole file is read into one arena (a copy of the text), cells
 * are cut in place with '\0', and the table's strings point into it, so a
 * table is three allocations whatever its size.  Whether the header names
 * the label column is decided by its cell count against the first data
 * row's; every later row must match that row.  Numbers are parsed strictly
 * (the whole cell, finite), so "0.5x" or "1e999" is an error naming the
 * line and column, never a silent zero.
 */
#include "w2v/plot.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *text;      /* the arena: a NUL-terminated copy of the file */
    char **strs;     /* groups then series */
} arena;

/* Trim spaces (not tabs: they separate cells) from both ends, in place. */
static char *trim(char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && s[n - 1] == ' ')
        s[--n] = '\0';
    return s;
}

/* Cut line into cells at tabs; returns the number of cells (cells may be
 * NULL to count only). */
static size_t split(char *line, char **cells, size_t max)
{
    size_t n = 0;
    for (char *p = line;; n++) {
        char *tab = strchr(p, '\t');
        if (cells && n < max) {
            if (tab)
                *tab = '\0';
            cells[n] = trim(p);
        }
        if (!tab)
            return n + 1;
        p = tab + 1;
    }
}

/* At most 40 bytes of s for a message, control bytes shown as '?', so a
 * hostile file cannot garble a terminal or a log. */
static void printable(char *dst, size_t cap, const char *s)
{
    size_t n = 0;
    for (; s[n] && n < 40 && n + 1 < cap; n++)
        dst[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
    dst[n] = '\0';
}

static int parse_value(const char *s, double *v)
{
    if (!*s || !strcmp(s, "-") || !strcasecmp(s, "na") || !strcasecmp(s, "nan")) {
        *v = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (*end || errno || !isfinite(d))
        return -1;
    *v = d;
    return 0;
}

void w2v_plot_table_free(w2v_plot_table *t)
{
    if (!t)
        return;
    arena *a = t->arena_;
    if (a) {
        free(a->text);
        free(a->strs);
        free(a);
    }
    free(t->values);
    free(t);
}

w2v_status w2v_plot_table_parse(const char *data, size_t len, const char *name,
                                w2v_plot_table **out, w2v_error *err)
{
    *out = NULL;
    if (len > W2V_PLOT_TABLE_MAX_BYTES)
        return w2v_error_set(err, W2V_ERR_LIMIT, "%s: larger than %u bytes", name,
                             W2V_PLOT_TABLE_MAX_BYTES);
    if (memchr(data, '\0', len))
        return w2v_error_set(err, W2V_ERR_FORMAT, "%s: contains a NUL byte", name);
    w2v_plot_table *t = calloc(1, sizeof *t);
    arena *a = calloc(1, sizeof *a);
    if (t)
        t->arena_ = a;
    if (!t || !a || !(a->text = malloc(len + 1))) {
        if (!t)
            free(a);
        w2v_plot_table_free(t);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
    }
    memcpy(a->text, data, len);
    a->text[len] = '\0';

    /* Pass 1: find the lines that count (not blank, not '#'), cut at '\n'. */
    size_t nlines = 0, cap = 0;
    char **lines = NULL;
    size_t *lineno = NULL;
    w2v_status st = W2V_OK;
    size_t no = 0;
    for (char *p = a->text; p && *p;) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        no++;
        size_t n = strlen(p);
        if (n && p[n - 1] == '\r')
            p[--n] = '\0';
        char *q = p;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q && *q != '#') {
            if (nlines == cap) {
                cap = cap ? 2 * cap : 64;
                char **nlp = realloc(lines, cap * sizeof *lines);
                size_t *nnp = nlp ? realloc(lineno, cap * sizeof *lineno) : NULL;
                if (nlp)
                    lines = nlp;
                if (!nlp || !nnp) {
                    st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
                    break;
                }
                lineno = nnp;
            }
            lines[nlines] = p;
            lineno[nlines++] = no;
        }
        p = nl ? nl + 1 : NULL;
    }
    if (!st && nlines == 0)
        st = w2v_error_set(err, W2V_ERR_EMPTY, "%s: no header row", name);
    else if (!st && nlines == 1)
        st = w2v_error_set(err, W2V_ERR_EMPTY, "%s:%zu: a header but no rows", name, lineno[0]);
    size_t hcells = 0, cells = 0;
    if (!st) {
        hcells = split(lines[0], NULL, 0);
        cells = split(lines[1], NULL, 0);
        if (cells < 2)
            st = w2v_error_set(err, W2V_ERR_FORMAT,
                               "%s:%zu: expected a label and at least one value separated by "
                               "tabs", name, lineno[1]);
        else if (hcells != cells && hcells != cells - 1)
            st = w2v_error_set(err, W2V_ERR_FORMAT,
                               "%s:%zu: the header has %zu cells, the first row %zu (the "
                               "header must name each value column, and may name the label "
                               "column first)", name, lineno[0], hcells, cells);
    }
    if (!st) {
        t->nseries = cells - 1;
        t->ngroups = nlines - 1;
        if (t->ngroups > W2V_PLOT_MAX_BARS / t->nseries)
            st = w2v_error_set(err, W2V_ERR_LIMIT, "%s: %zu rows of %zu values (at most %d bars)",
                               name, t->ngroups, t->nseries, W2V_PLOT_MAX_BARS);
    }
    char **row = NULL;
    if (!st) {
        a->strs = malloc((t->ngroups + t->nseries + 1) * sizeof *a->strs);
        t->values = malloc(t->ngroups * t->nseries * sizeof *t->values);
        row = malloc((cells + 1) * sizeof *row);
        if (!a->strs || !t->values || !row)
            st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
    }
    if (!st) {
        t->groups = a->strs;
        t->series = a->strs + t->ngroups;
        split(lines[0], row, cells);
        size_t first = hcells == cells;
        t->corner = first ? row[0] : NULL;
        for (size_t k = 0; k < t->nseries; k++)
            t->series[k] = row[first + k];
    }
    for (size_t r = 1; !st && r < nlines; r++) {
        size_t n = split(lines[r], NULL, 0);
        if (n != cells) {
            st = w2v_error_set(err, W2V_ERR_FORMAT, "%s:%zu: %zu cells where the first row has %zu",
                               name, lineno[r], n, cells);
            break;
        }
        split(lines[r], row, cells);
        t->groups[r - 1] = row[0];
        for (size_t k = 0; k < t->nseries; k++)
            if (parse_value(row[k + 1], &t->values[(r - 1) * t->nseries + k]) != 0) {
                char shown[48];
                printable(shown, sizeof shown, row[k + 1]);
                st = w2v_error_set(err, W2V_ERR_FORMAT,
                                   "%s:%zu: column %zu: \"%s\" is not a finite number (use "
                                   "NA or an empty cell for no value)",
                                   name, lineno[r], k + 2, shown);
                break;
            }
    }
    free(row);
    free(lines);
    free(lineno);
    if (st) {
        w2v_plot_table_free(t);
        return st;
    }
    *out = t;
    return W2V_OK;
}

w2v_status w2v_plot_table_read(const char *path, w2v_plot_table **out, w2v_error *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return w2v_error_set(err, W2V_ERR_IO, "%s: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    w2v_status st = buf ? W2V_OK : w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", path);
    while (!st) {
        if (len == cap) {
            if (cap > W2V_PLOT_TABLE_MAX_BYTES) {
                st = w2v_error_set(err, W2V_ERR_LIMIT, "%s: larger than %u bytes", path,
                                   W2V_PLOT_TABLE_MAX_BYTES);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            if (ferror(fp))
                st = w2v_error_set(err, W2V_ERR_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
    }
    fclose(fp);
    if (!st)
        st = w2v_plot_table_parse(buf, len, path, out, err);
    free(buf);
    return st;
}

w2v_status w2v_plot_table_x(const w2v_plot_table *t, const char *name, double **x,
                            w2v_error *err)
{
    *x = malloc((t->ngroups ? t->ngroups : 1) * sizeof **x);
    if (!*x)
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
    for (size_t g = 0; g < t->ngroups; g++) {
        const char *s = t->groups[g] ? t->groups[g] : "";
        if (parse_value(s, &(*x)[g]) != 0 || isnan((*x)[g])) {
            char shown[48];
            printable(shown, sizeof shown, s);
            free(*x);
            *x = NULL;
            return w2v_error_set(err, W2V_ERR_FORMAT, "%s: row %zu: x value '%s' is not a "
                                 "number", name, g + 1, shown);
        }
    }
    return W2V_OK;
}
