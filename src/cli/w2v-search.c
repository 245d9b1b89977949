/*
 * w2v-search - which lines of a document file are about this?  Builds a
 * search index from word vectors and a text, and answers queries from it.
 *
 *     w2v-search -build vectors.bin vocab.txt docs.txt -o docs.w2vi
 *     w2v-search docs.w2vi how do plants make sugar
 *     w2v-search docs.w2vi -json < queries.txt
 *
 * A thin program over search.h.  The words after INDEX form ONE query (as
 * in w2v-nearest); without them, queries are read from stdin, one per
 * line, and answered in batches of -batch queries, so the documents are
 * read once per batch, not once per query.  The index holds the text and
 * the embedder, so nothing but the index file is needed to search.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "w2v/search.h"
#include "w2v/vecio.h"
#include "w2v/vocab.h"

#define PROG "w2v-search"
/* Longest stdin query line; longer ones are refused with their line number. */
#define QUERY_MAX_BYTES (1u << 20)

typedef struct {
    int build, json, quiet;
    const char *pos[3];
    int npos;
    const char *output, *weight;
    char *query;        /* the words after INDEX, joined; NULL: stdin */
    double sif_a;
    uint64_t n, batch;
    unsigned threads;
    w2v_tokenize_opts tok;
} options;

static void usage(FILE *fp)
{
    fprintf(fp,
"usage: " PROG " -build VECTORS [VOCAB] DOCS -o INDEX [options]\n"
"       " PROG " INDEX [QUERY...] [options]\n"
"Build: embeds each line of DOCS (w2v-embed's weighting; VOCAB, the word counts\n"
"from w2v-train -save-vocab, is needed for sif) into an index that also holds\n"
"the text and the word vectors.  Search: the words after INDEX form one query;\n"
"without them, queries are read from stdin, one per line.  Prints the -n best\n"
"lines by cosine: rank, score, line number, text.\n"
"  -build                 build an index instead of searching one\n"
"  -o FILE                the index to write (-build)\n"
"  -weight sif|mean|unit  as in w2v-embed (sif)\n"
"  -sif-a A               SIF's a (1e-3)\n"
"  -token-regex RE        PCRE2 pattern for tokens (-build; the index keeps the\n"
"                         tokenisation for its queries)\n"
"  -lowercase             fold case (-build)\n"
"  -max-token-bytes N     longer tokens are cut at a UTF-8 boundary (-build; 100)\n"
"  -n N                   answers per query (10)\n"
"  -json                  one JSON object per query and line\n"
"  -batch N               stdin queries answered together (1000; 1 on a terminal)\n"
"  -threads N             threads (the cores this process may use)\n"
"  -quiet                 no summary on stderr\n"
"  -h, --help             print this help and exit\n"
"  --version              print the version and exit\n");
}

static int parse_args(int argc, char **argv, options *o)
{
    uint64_t max_token = W2V_TOKENIZE_MAX_TOKEN_DEFAULT;
    *o = (options){.sif_a = W2V_SIF_A_DEFAULT, .n = 10, .batch = 1000,
                   .threads = cli_ncores(), .weight = "sif"};
    o->tok = w2v_tokenize_opts_default();
    const cli_flag flags[] = {
        {"o", CLI_STR, &o->output, 0, 0},
        {"output", CLI_STR, &o->output, 0, 0},
        {"weight", CLI_STR, &o->weight, 0, 0},
        {"sif-a", CLI_DBL, &o->sif_a, 1e-12, 1e12},
        {"n", CLI_U64, &o->n, 1, 100000},
        {"batch", CLI_U64, &o->batch, 1, 1000000},
        {"threads", CLI_UINT, &o->threads, 1, 1024},
        {"token-regex", CLI_STR, &o->tok.regex, 0, 0},
        {"max-token-bytes", CLI_U64, &max_token, 1, W2V_VOCAB_MAX_WORD_BYTES},
        {"lowercase", CLI_BOOL, &o->tok.lowercase, 0, 0},
        {"build", CLI_BOOL, &o->build, 0, 0},
        {"json", CLI_BOOL, &o->json, 0, 0},
        {"quiet", CLI_BOOL, &o->quiet, 0, 0},
    };
    int words_only = 0, any_tok = 0, nargs = 0;
    const char **args = calloc((size_t)argc + 1, sizeof *args);
    if (!args) {
        cli_error(PROG, "out of memory");
        return -1;
    }
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (words_only || a[0] != '-' || a[1] == '\0') {
            args[nargs++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            words_only = 1;
            continue;
        }
        const cli_flag *f = cli_take_option(PROG, usage, flags, sizeof flags / sizeof *flags,
                                            argc, argv, &i);
        if (!f) {
            free(args);
            return -1;
        }
        if (!strcmp(f->name, "token-regex") || !strcmp(f->name, "max-token-bytes") ||
            !strcmp(f->name, "lowercase"))
            any_tok = 1;
    }
    o->tok.max_token_bytes = (size_t)max_token;
    /* build: VECTORS [VOCAB] DOCS; search: INDEX, then the words of one query */
    for (int i = 0; i < nargs; i++) {
        if (o->build || i == 0) {
            if (o->npos == 3) {
                cli_error(PROG, "unexpected argument '%s'", args[i]);
                free(args);
                return -1;
            }
            o->pos[o->npos++] = args[i];
            continue;
        }
        size_t l = strlen(args[i]), have = o->query ? strlen(o->query) : 0;
        char *q = realloc(o->query, have + l + 2);
        if (!q) {
            cli_error(PROG, "out of memory");
            free(args);
            return -1;
        }
        o->query = q;
        if (have)
            q[have++] = ' ';
        memcpy(q + have, args[i], l + 1);
    }
    free(args);
    if (w2v_weight_parse(o->weight) < 0) {
        cli_error(PROG, "-weight: '%s' is not sif, mean or unit", o->weight);
        return -1;
    }
    if (o->build) {
        int sif = w2v_weight_parse(o->weight) == W2V_WEIGHT_SIF;
        if (o->npos < 2 || (sif && o->npos < 3)) {
            cli_error(PROG, "-build needs VECTORS%s DOCS (see " PROG " --help)",
                      sif ? " VOCAB" : " [VOCAB]");
            return -1;
        }
        if (!o->output) {
            cli_error(PROG, "-build needs -o INDEX");
            return -1;
        }
        return 0;
    }
    if (o->npos == 0) {
        cli_error(PROG, "no index given (see " PROG " --help)");
        return -1;
    }
    if (o->output) {
        cli_error(PROG, "-o is for -build; searching prints to stdout");
        return -1;
    }
    if (any_tok) {
        cli_error(PROG, "tokenisation options are fixed when the index is built "
                        "(-build); a search uses the index's");
        return -1;
    }
    return 0;
}

static int build(const options *o)
{
    w2v_error err;
    w2v_vectors *vecs = NULL;
    w2v_vocab *counts = NULL;
    w2v_embedder *emb = NULL;
    w2v_embed_opts eo = w2v_embed_opts_default();
    eo.weight = (w2v_weight)w2v_weight_parse(o->weight);
    eo.sif_a = o->sif_a;
    const char *docs = o->pos[o->npos - 1];
    double t0 = cli_now();
    w2v_index_report rep;
    int rc = 1;
    if (w2v_vectors_read(o->pos[0], W2V_FORMAT_AUTO, 0, &vecs, &err) ||
        (eo.weight == W2V_WEIGHT_SIF && w2v_vocab_load(o->pos[1], &counts, &err)) ||
        w2v_embedder_create(&eo, &o->tok, vecs, counts, &emb, &err) ||
        w2v_index_build(o->output, emb, docs, o->threads, &rep, &err)) {
        cli_error(PROG, "%s", err.msg);
        goto out;
    }
    if (!o->quiet)
        fprintf(stderr,
                PROG ": indexed %llu lines of %s (%llu with no known word), %zu words x %zu "
                "dimensions, weight %s; embed %.2f s, component %.2f s, write %.2f s, "
                "total %.2f s; peak memory %.0f MB\n",
                (unsigned long long)rep.docs, docs, (unsigned long long)rep.empty, vecs->V,
                vecs->D, o->weight, rep.embed_seconds, rep.pc_seconds, rep.write_seconds,
                cli_now() - t0, (double)cli_peak_rss() / 1e6);
    rc = 0;
out:
    w2v_embedder_free(emb);
    w2v_vectors_free(vecs);
    w2v_vocab_free(counts);
    return rc;
}

/* s as a JSON string: escapes, control bytes as \u00XX, invalid UTF-8 as U+FFFD. */
static void json_str(const char *s, size_t n)
{
    putchar('"');
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        if (c == '"' || c == '\\') {
            printf("\\%c", c);
            i++;
        } else if (c < 0x20 || c == 0x7f) {
            printf("\\u%04x", c);
            i++;
        } else if (c < 0x80) {
            putchar((int)c);
            i++;
        } else {
            size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                       : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
            int ok = len && i + len <= n;
            for (size_t j = 1; ok && j < len; j++)
                ok = (p[i + j] & 0xC0) == 0x80;
            if (ok && len == 3) { /* overlong and surrogates */
                unsigned v = ((c & 0x0F) << 6) | (p[i + 1] & 0x3F);
                ok = v >= 0x20 && !(v >= 0x360 && v < 0x380);
            }
            if (ok && len == 4) {
                unsigned v = ((c & 0x07) << 6) | (p[i + 1] & 0x3F);
                ok = v >= 0x10 && v < 0x110;
            }
            if (ok) {
                fwrite(p + i, 1, len, stdout);
                i += len;
            } else {
                fputs("\\ufffd", stdout);
                i++;
            }
        }
    }
    putchar('"');
}

static void print_answers(const options *o, const w2v_index *ix, const char *query,
                          const w2v_doc_hit *h, uint64_t known)
{
    if (o->json) {
        fputs("{\"query\":", stdout);
        json_str(query, strlen(query));
        printf(",\"known_words\":%llu,\"hits\":[", (unsigned long long)known);
        for (size_t r = 0; r < o->n && h[r].doc != UINT64_MAX; r++) {
            size_t len;
            const char *t = w2v_index_text(ix, (size_t)h[r].doc, &len);
            printf("%s{\"rank\":%zu,\"score\":%.6f,\"line\":%llu,\"text\":", r ? "," : "", r + 1,
                   h[r].score, (unsigned long long)h[r].doc + 1);
            json_str(t, len);
            putchar('}');
        }
        fputs(known ? "]}\n" : "],\"note\":\"no word of the query has a vector\"}\n", stdout);
        return;
    }
    printf("query: %s\n", query);
    if (!known)
        printf("  (no word of the query has a vector: no answer)\n");
    for (size_t r = 0; r < o->n && h[r].doc != UINT64_MAX; r++) {
        size_t len;
        const char *t = w2v_index_text(ix, (size_t)h[r].doc, &len);
        printf("%4zu  %9.6f  %8llu  %.*s\n", r + 1, h[r].score,
               (unsigned long long)h[r].doc + 1, (int)(len > 400 ? 400 : len), t);
    }
    printf("\n");
}

/* Answer queries[0..Q); 0 on success. */
static int answer(const options *o, const w2v_index *ix, const char *const *queries, size_t Q,
                  w2v_doc_hit *hits, uint64_t *known, uint64_t *no_known)
{
    w2v_error err;
    if (w2v_index_search(ix, queries, Q, (size_t)o->n, o->threads, hits, known, &err)) {
        cli_error(PROG, "%s", err.msg);
        return -1;
    }
    for (size_t i = 0; i < Q; i++) {
        print_answers(o, ix, queries[i], hits + i * o->n, known[i]);
        *no_known += known[i] == 0;
    }
    fflush(stdout);
    return ferror(stdout) ? -1 : 0;
}

/* Current resident memory by kind, in MB, from /proc (0 where unknown). */
static void rss_kinds(double *anon_mb, double *file_mb)
{
    *anon_mb = *file_mb = 0;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        unsigned long long kb;
        if (sscanf(line, "RssAnon: %llu", &kb) == 1)
            *anon_mb = (double)kb * 1024.0 / 1e6;
        if (sscanf(line, "RssFile: %llu", &kb) == 1)
            *file_mb = (double)kb * 1024.0 / 1e6;
    }
    fclose(f);
}

static int search(const options *o)
{
    w2v_error err;
    w2v_index *ix;
    double t0 = cli_now();
    if (w2v_index_open(o->pos[0], &ix, &err)) {
        cli_error(PROG, "%s", err.msg);
        return 1;
    }
    double t_open = cli_now() - t0;
    /* a person typing queries wants each answered at once */
    size_t cap = o->query || isatty(STDIN_FILENO) ? 1 : (size_t)o->batch;
    w2v_doc_hit *hits = malloc(cap * o->n * sizeof *hits);
    uint64_t *known = malloc(cap * sizeof *known);
    char **qs = calloc(cap, sizeof *qs);
    uint64_t nq = 0, no_known = 0;
    int rc = 1;
    double t1 = cli_now();
    if (!hits || !known || !qs) {
        cli_error(PROG, "out of memory for %zu queries", cap);
        goto out;
    }
    if (o->query) {
        const char *q = o->query;
        if (answer(o, ix, &q, 1, hits, known, &no_known))
            goto out;
        nq = 1;
    } else {
        char *line = NULL;
        size_t lcap = 0, m = 0;
        ssize_t got;
        uint64_t lineno = 0;
        int bad = 0;
        for (;;) {
            errno = 0;
            got = getline(&line, &lcap, stdin);
            if (got >= 0) {
                lineno++;
                if ((size_t)got > QUERY_MAX_BYTES) {
                    cli_error(PROG, "stdin line %llu: a query of %zd bytes (at most %u)",
                              (unsigned long long)lineno, got, QUERY_MAX_BYTES);
                    bad = 1;
                    break;
                }
                if (got && line[got - 1] == '\n')
                    line[--got] = '\0';
                if (got && line[got - 1] == '\r')
                    line[--got] = '\0';
                if (strlen(line) != (size_t)got) {
                    cli_error(PROG, "stdin line %llu: a NUL byte in the query",
                              (unsigned long long)lineno);
                    bad = 1;
                    break;
                }
                if (!(qs[m++] = strdup(line))) {
                    cli_error(PROG, "out of memory");
                    bad = 1;
                    break;
                }
            } else if (ferror(stdin)) {
                cli_error(PROG, "reading stdin: %s", strerror(errno));
                bad = 1;
                break;
            }
            if (m && (m == cap || got < 0)) {
                if (answer(o, ix, (const char *const *)qs, m, hits, known, &no_known)) {
                    bad = 1;
                    break;
                }
                nq += m;
                for (size_t i = 0; i < m; i++) {
                    free(qs[i]);
                    qs[i] = NULL;
                }
                m = 0;
            }
            if (got < 0)
                break;
        }
        free(line);
        if (bad)
            goto out;
    }
    rc = 0;
    if (!o->quiet) {
        double anon, file;
        rss_kinds(&anon, &file);
        double dt = cli_now() - t1;
        fprintf(stderr,
                PROG ": %llu queries (%llu with no known word) over %zu documents in %.3f s "
                "(%.1f queries/s; open and check %.3f s); peak memory %.0f MB, now %.0f MB "
                "private + %.0f MB mapped from the index\n",
                (unsigned long long)nq, (unsigned long long)no_known, w2v_index_size(ix), dt,
                dt > 0 ? (double)nq / dt : 0.0, t_open, (double)cli_peak_rss() / 1e6, anon,
                file);
    }
out:
    for (size_t i = 0; qs && i < cap; i++)
        free(qs[i]);
    free(qs);
    free(hits);
    free(known);
    w2v_index_close(ix);
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_args(argc, argv, &o)) {
        free(o.query);
        return 2;
    }
    int rc = o.build ? build(&o) : search(&o);
    free(o.query);
    return rc;
}
