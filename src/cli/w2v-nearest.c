/*
 * w2v-nearest - the words nearest to a query by cosine, like word2vec's
 * distance and word-analogy tools.
 *
 * DESIGN: the words after the vector file form ONE query (so quoting is
 * optional: `w2v-nearest v.bin king - man + woman` and
 * `w2v-nearest v.bin "king - man + woman"` are the same); without them,
 * queries come from stdin, one per line.  "+" and "-" must stand alone
 * (words such as "well-known" keep their hyphen); plain words add up, as in
 * word2vec's distance tool.  Query words are never printed as answers.
 * A query with an unknown word prints an error and, on stdin, the next
 * query is read; the exit status is 1 if any query failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "w2v/eval.h"
#include "w2v/vecio.h"

static const char *prog = "w2v-nearest";

/* Longest stdin query line. */
#define LINE_MAX_BYTES 65536

static void usage(FILE *f)
{
    fprintf(f,
            "usage: w2v-nearest [options] VECTORS [QUERY...]\n"
            "Prints the words nearest by cosine to a query: one or more words, with a lone\n"
            "'+' or '-' before a word for analogies, e.g.  king - man + woman\n"
            "The words after VECTORS form one query; without them, queries are read from\n"
            "stdin, one per line (EXIT or end of input stops).  Use -- before a query that\n"
            "starts with '-'.\n"
            "  -n N            neighbours to print (default 10)\n"
            "  -restrict N     search only the N most frequent words (default 0 = all)\n"
            "  -case upper|lower|none  fold case before matching (default none)\n"
            "  -binary 0|1     force the vector file format (default: detect)\n"
            "  -h, --help      this text\n");
}

/* Answer one query; 0 on success. */
static int answer(const w2v_space *sp, const char *query, size_t within, size_t n, w2v_hit *hits,
                  float *vec)
{
    w2v_row rows[W2V_QUERY_MAX_WORDS];
    size_t nrows;
    w2v_error err;
    if (w2v_space_query(sp, query, within, vec, rows, &nrows, &err) != W2V_OK) {
        cli_error(prog, "%s", err.msg);
        return -1;
    }
    size_t k = w2v_space_nearest(sp, vec, within, rows, nrows, n, hits);
    printf("query: %s\n", query);
    for (size_t i = 0; i < k; i++)
        printf("%4zu  %-30s %9.6f\n", i + 1, w2v_space_word(sp, hits[i].row), hits[i].score);
    printf("\n");
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t n = 10, restrict_n = 0, u;
    int fold = W2V_CASE_NONE, format = W2V_FORMAT_AUTO, only_words = 0;
    const char *vec_path = NULL;
    size_t qlen = 0;
    char *query = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_words && a[0] == '-' && a[1]) {
            const char *v = i + 1 < argc ? argv[i + 1] : NULL;
            if (!strcmp(a, "--")) {
                only_words = 1;
                continue;
            } else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
                usage(stdout);
                free(query);
                return 0;
            }
            if (strcmp(a, "-n") && strcmp(a, "-restrict") && strcmp(a, "-case") && strcmp(a, "-binary")) {
                cli_error(prog, "unknown option %s (see -h)", a);
                goto usage_error;
            }
            if (!v) {
                cli_error(prog, "option %s needs a value (see -h)", a);
                goto usage_error;
            }
            i++;
            if (!strcmp(a, "-n")) {
                if (cli_parse_u64(v, 1, 100000, &n) != 0) {
                    cli_error(prog, "-n: '%s' is not a number from 1 to 100000", v);
                    goto usage_error;
                }
            } else if (!strcmp(a, "-restrict")) {
                if (cli_parse_u64(v, 0, UINT32_MAX, &restrict_n) != 0) {
                    cli_error(prog, "-restrict: '%s' is not a number of words (0 = all)", v);
                    goto usage_error;
                }
            } else if (!strcmp(a, "-case")) {
                if (!strcmp(v, "upper"))
                    fold = W2V_CASE_UPPER;
                else if (!strcmp(v, "lower"))
                    fold = W2V_CASE_LOWER;
                else if (!strcmp(v, "none"))
                    fold = W2V_CASE_NONE;
                else {
                    cli_error(prog, "-case: '%s' is not upper, lower or none", v);
                    goto usage_error;
                }
            } else {
                if (cli_parse_u64(v, 0, 1, &u) != 0) {
                    cli_error(prog, "-binary: '%s' is not 0 or 1", v);
                    goto usage_error;
                }
                format = u ? W2V_FORMAT_BINARY : W2V_FORMAT_TEXT;
            }
            continue;
        }
        if (!vec_path) {
            vec_path = a;
            continue;
        }
        size_t len = strlen(a);
        char *nq = realloc(query, qlen + len + 2);
        if (!nq) {
            cli_error(prog, "out of memory");
            free(query);
            return 1;
        }
        query = nq;
        if (qlen)
            query[qlen++] = ' ';
        memcpy(query + qlen, a, len + 1);
        qlen += len;
    }
    if (!vec_path) {
        usage(stderr);
        goto usage_error;
    }

    w2v_vectors *vec = NULL;
    w2v_space *sp = NULL;
    w2v_error err;
    if (w2v_vectors_read(vec_path, format, (size_t)restrict_n, &vec, &err) != W2V_OK ||
        w2v_space_create(vec, (size_t)restrict_n, (w2v_case)fold, &sp, &err) != W2V_OK) {
        cli_error(prog, "%s", err.msg);
        w2v_vectors_free(vec);
        free(query);
        return 1;
    }
    w2v_vectors_free(vec);
    w2v_hit *hits = malloc((size_t)n * sizeof *hits);
    float *qv = malloc(w2v_space_dim(sp) * sizeof *qv);
    char *line = malloc(LINE_MAX_BYTES);
    int failed = 0;
    if (!hits || !qv || !line) {
        cli_error(prog, "out of memory");
        failed = 1;
    } else if (query) {
        failed = answer(sp, query, 0, (size_t)n, hits, qv) != 0;
    } else {
        int tty = isatty(STDIN_FILENO);
        for (;;) {
            if (tty) {
                fprintf(stderr, "query (EXIT to quit)> ");
                fflush(stderr);
            }
            if (!fgets(line, LINE_MAX_BYTES, stdin))
                break;
            size_t len = strlen(line);
            if (len == LINE_MAX_BYTES - 1 && line[len - 1] != '\n') {
                cli_error(prog, "query line longer than %d bytes", LINE_MAX_BYTES - 2);
                int c;
                while ((c = getchar()) != EOF && c != '\n')
                    ;
                failed = 1;
                continue;
            }
            while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
                line[--len] = '\0';
            if (!strcmp(line, "EXIT"))
                break;
            if (strspn(line, " \t") == len)
                continue;
            failed |= answer(sp, line, 0, (size_t)n, hits, qv) != 0;
        }
    }
    free(line);
    free(qv);
    free(hits);
    free(query);
    w2v_space_free(sp);
    return failed ? 1 : 0;

usage_error:
    free(query);
    return 2;
}
