/*
 * fuzz_plottable.c - the bar-chart table reader (w2v_plot_table_parse) and
 * the bar chart drawn from what it reads.
 *
 * Input: the TSV file.
 *
 * Invariants (plot.h):
 *   - an error leaves *out NULL and a one-line printable message naming the
 *     file;
 *   - a success has at least one group and one series, within
 *     W2V_PLOT_MAX_BARS; no label or series name holds a tab or a line end;
 *     every value is finite or NaN;
 *   - the chart of a table either draws or is refused as too narrow
 *     (W2V_ERR_ARG), and what it draws is valid UTF-8 with exactly one
 *     <rect> per non-NaN value, one per series (the legend) and one
 *     background, no control bytes but '\n', and no '<' or '&' that does
 *     not start markup or an entity.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "w2v/plot.h"

#define NAME "fuzz.tsv"

static size_t count(const char *s, size_t n, const char *what)
{
    size_t c = 0, k = strlen(what);
    for (size_t i = 0; i + k <= n; i++)
        c += memcmp(s + i, what, k) == 0;
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    w2v_plot_table *t = NULL;
    w2v_error err;
    w2v_status st = w2v_plot_table_parse((const char *)data, size, NAME, &t, &err);
    if (st != W2V_OK) {
        FUZZ_CHECK(t == NULL);
        fuzz_check_error(st, &err, NAME);
        return 0;
    }
    FUZZ_CHECK(t->ngroups >= 1 && t->nseries >= 1);
    FUZZ_CHECK(t->ngroups <= W2V_PLOT_MAX_BARS / t->nseries);
    size_t bars = 0;
    for (size_t g = 0; g < t->ngroups; g++)
        FUZZ_CHECK(!strpbrk(t->groups[g], "\t\n"));
    for (size_t s = 0; s < t->nseries; s++)
        FUZZ_CHECK(!strpbrk(t->series[s], "\t\n"));
    for (size_t k = 0; k < t->ngroups * t->nseries; k++) {
        FUZZ_CHECK(isnan(t->values[k]) || isfinite(t->values[k]));
        bars += !isnan(t->values[k]);
    }

    char *svg = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&svg, &len);
    FUZZ_CHECK(fp != NULL);
    w2v_plot_bars_spec spec = {.ngroups = t->ngroups, .nseries = t->nseries,
                               .groups = (const char *const *)t->groups,
                               .series = (const char *const *)t->series, .values = t->values,
                               .title = t->corner, .xlabel = t->corner, .ylabel = "y"};
    st = w2v_plot_bars(fp, &spec, &err);
    fclose(fp);
    if (st != W2V_OK) {
        FUZZ_CHECK(st == W2V_ERR_ARG);
        fuzz_check_error(st, &err, "plot:");
    } else {
        FUZZ_CHECK(fuzz_valid_utf8((const unsigned char *)svg, len));
        FUZZ_CHECK(count(svg, len, "<rect") == bars + t->nseries + 1);
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)svg[i];
            FUZZ_CHECK(c >= 0x20 || c == '\n');
            if (c == '<')
                FUZZ_CHECK(i + 1 < len && (svg[i + 1] == '/' || svg[i + 1] == '?' ||
                                           (svg[i + 1] >= 'a' && svg[i + 1] <= 'z')));
            if (c == '&')
                FUZZ_CHECK(!strncmp(svg + i, "&amp;", 5) || !strncmp(svg + i, "&lt;", 4) ||
                           !strncmp(svg + i, "&gt;", 4) || !strncmp(svg + i, "&quot;", 6) ||
                           !strncmp(svg + i, "&apos;", 6));
        }
    }
    free(svg);
    w2v_plot_table_free(t);
    return 0;
}
