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
"Options:\n"
"  -n N                 neighbours to print (10)\n"
"  -restrict N          search only the N most frequent words (0 = all)\n"
"  -case upper|lower|none  fold case before matching (none)\n"
"  -binary 0|1          force the vector file format (default: detect)\n"
"  -h, --help           print this help and exit\n"
"  --version            print the version and exit\n"
"Example: w2v-nearest vectors.bin king - man + woman\n");
}

typedef struct {
    const char *vectors;
    uint64_t n, restrict_n;
    int fold, format;
    char *query; /* the words after VECTORS joined by spaces, or NULL: stdin */
} options;

/* Append word to the query, space-separated.  @return 0, or -1 (memory). */
static int add_query_word(options *o, const char *word)
{
    size_t qlen = o->query ? strlen(o->query) : 0, len = strlen(word);
    char *nq = realloc(o->query, qlen + len + 2);
    if (!nq)
        return -1;
    o->query = nq;
    if (qlen)
        nq[qlen++] = ' ';
    memcpy(nq + qlen, word, len + 1);
    return 0;
}

/* Where the program goes after parsing: on, or out with an exit status. */
enum { GO_ON = -1 };

/* argv -> options.  @return GO_ON, or the exit status: 0 after --help or
 * --version, 1 out of memory, 2 for a usage error. */
static int parse_args(int argc, char **argv, options *o)
{
    static const int folds[] = {W2V_CASE_UPPER, W2V_CASE_LOWER, W2V_CASE_NONE};
    unsigned binary = 2; /* 2: detect */
    int fold = 2, only_words = 0;
    cli_choice cases = {"upper|lower|none", &fold};
    *o = (options){.n = 10};
    const cli_flag flags[] = {
        {"n", CLI_U64, &o->n, 1, 100000},
        {"restrict", CLI_U64, &o->restrict_n, 0, UINT32_MAX},
        {"case", CLI_CHOICE, &cases, 0, 0},
        {"binary", CLI_UINT, &binary, 0, 1},
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_words || a[0] != '-' || a[1] == '\0') {
            if (!o->vectors) {
                o->vectors = a;
            } else if (add_query_word(o, a) != 0) {
                cli_error(prog, "out of memory");
                return 1;
            }
        } else if (!strcmp(a, "--")) {
            only_words = 1;
        } else if (!cli_take_option(prog, usage, flags, sizeof flags / sizeof *flags, argc,
                                    argv, &i)) {
            return 2;
        }
    }
    if (!o->vectors) {
        usage(stderr);
        return 2;
    }
    o->fold = folds[fold];
    o->format = binary == 2 ? W2V_FORMAT_AUTO : binary ? W2V_FORMAT_BINARY : W2V_FORMAT_TEXT;
    return GO_ON;
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
    options o;
    int rc = parse_args(argc, argv, &o);
    if (rc != GO_ON) {
        free(o.query);
        return rc;
    }
    w2v_vectors *vec = NULL;
    w2v_space *sp = NULL;
    w2v_error err;
    if (w2v_vectors_read(o.vectors, o.format, (size_t)o.restrict_n, &vec, &err) != W2V_OK ||
        w2v_space_create(vec, (size_t)o.restrict_n, (w2v_case)o.fold, &sp, &err) != W2V_OK) {
        cli_error(prog, "%s", err.msg);
        w2v_vectors_free(vec);
        free(o.query);
        return 1;
    }
    w2v_vectors_free(vec);
    w2v_hit *hits = malloc((size_t)o.n * sizeof *hits);
    float *qv = malloc(w2v_space_dim(sp) * sizeof *qv);
    char *line = malloc(LINE_MAX_BYTES);
    int failed = 0;
    if (!hits || !qv || !line) {
        cli_error(prog, "out of memory");
        failed = 1;
    } else if (o.query) {
        failed = answer(sp, o.query, 0, (size_t)o.n, hits, qv) != 0;
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
            failed |= answer(sp, line, 0, (size_t)o.n, hits, qv) != 0;
        }
    }
    free(line);
    free(qv);
    free(hits);
    free(o.query);
    w2v_space_free(sp);
    return failed ? 1 : 0;
}
