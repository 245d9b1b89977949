/*
 * w2v-embed - one vector per line of a text: SIF, mean, or mean of unit
 * vectors of its words.
 *
 *     w2v-embed vectors.bin sentences.txt -vocab vocab.txt -o sentences.vec
 *
 * A thin program: argv -> w2v_embed_opts + tokenizer options -> embedder ->
 * w2v_embed_lines -> (component) -> w2v_vectors_write.  The output is a
 * word2vec file whose keys are the 1-based line numbers, so every tool that
 * reads word vectors reads it.  -pc FILE makes the component reusable: the
 * first run computes and saves it, later runs (queries embedded against a
 * corpus) load it, and say which they did.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "w2v/search.h"
#include "w2v/vecio.h"
#include "w2v/vocab.h"

#define PROG "w2v-embed"

typedef struct {
    const char *vectors, *text, *output, *vocab, *pc_path, *weight;
    double sif_a;
    unsigned binary, remove_pc, threads;
    int quiet;
    w2v_tokenize_opts tok;
} options;

static void usage(FILE *fp)
{
    fprintf(fp,
"usage: " PROG " VECTORS TEXT -o OUT [options]      (TEXT '-' is stdin)\n"
"Writes one vector per line of TEXT, keyed by its line number (1, 2, ...), in\n"
"word2vec format.  A line's vector is the weighted mean of its known words'\n"
"vectors; a line with no known word gets zeros (counted in the report).\n"
"  -o, -output FILE       the line vectors (required)\n"
"  -binary 0|1            text or binary (default: binary iff FILE ends in .bin)\n"
"  -weight sif|mean|unit  sif: a/(a+p(w)), then the first principal component\n"
"                         removed (Arora et al. 2017); mean: plain mean; unit:\n"
"                         mean of unit-length vectors, as fastText (sif)\n"
"  -vocab FILE            words with counts for p(w) (w2v-train -save-vocab);\n"
"                         required by sif\n"
"  -sif-a A               SIF's a (1e-3)\n"
"  -remove-pc 0|1         remove the first component (default: 1 for sif only)\n"
"  -pc FILE               the component: loaded from FILE if it exists, else\n"
"                         computed from TEXT and saved there, so queries can be\n"
"                         embedded against a corpus's component\n"
"  -threads N             threads (the cores this process may use)\n"
"  -token-regex RE        PCRE2 pattern for tokens (default: runs of non-space)\n"
"  -lowercase             fold case (Unicode-aware on UTF-8)\n"
"  -max-token-bytes N     longer tokens are cut at a UTF-8 boundary (100)\n"
"  -quiet                 no report on stderr\n"
"  -h, --help             print this help and exit\n"
"  --version              print the version and exit\n");
}

static int parse_args(int argc, char **argv, options *o)
{
    uint64_t max_token = W2V_TOKENIZE_MAX_TOKEN_DEFAULT;
    *o = (options){.sif_a = W2V_SIF_A_DEFAULT, .binary = 2, .remove_pc = 2,
                   .threads = cli_ncores(), .weight = "sif"};
    o->tok = w2v_tokenize_opts_default();
    const cli_flag flags[] = {
        {"o", CLI_STR, &o->output, 0, 0},
        {"output", CLI_STR, &o->output, 0, 0},
        {"binary", CLI_UINT, &o->binary, 0, 1},
        {"weight", CLI_STR, &o->weight, 0, 0},
        {"vocab", CLI_STR, &o->vocab, 0, 0},
        {"sif-a", CLI_DBL, &o->sif_a, 1e-12, 1e12},
        {"remove-pc", CLI_UINT, &o->remove_pc, 0, 1},
        {"pc", CLI_STR, &o->pc_path, 0, 0},
        {"threads", CLI_UINT, &o->threads, 1, 1024},
        {"token-regex", CLI_STR, &o->tok.regex, 0, 0},
        {"max-token-bytes", CLI_U64, &max_token, 1, W2V_VOCAB_MAX_WORD_BYTES},
        {"lowercase", CLI_BOOL, &o->tok.lowercase, 0, 0},
        {"quiet", CLI_BOOL, &o->quiet, 0, 0},
    };
    const char *pos[2];
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            if (npos == 2) {
                cli_error(PROG, "unexpected argument '%s' (VECTORS and TEXT already given)", a);
                return -1;
            }
            pos[npos++] = a;
            continue;
        }
        if (!cli_take_option(PROG, usage, flags, sizeof flags / sizeof *flags, argc, argv, &i))
            return -1;
    }
    if (npos < 2) {
        cli_error(PROG, "need VECTORS and TEXT (see " PROG " --help)");
        return -1;
    }
    o->vectors = pos[0];
    o->text = pos[1];
    if (!o->output) {
        cli_error(PROG, "no output given (-o FILE)");
        return -1;
    }
    if (w2v_weight_parse(o->weight) < 0) {
        cli_error(PROG, "-weight: '%s' is not sif, mean or unit", o->weight);
        return -1;
    }
    if (w2v_weight_parse(o->weight) == W2V_WEIGHT_SIF && !o->vocab) {
        cli_error(PROG, "-weight sif needs -vocab FILE (word counts: w2v-train -save-vocab)");
        return -1;
    }
    if (o->binary == 2) {
        size_t n = strlen(o->output);
        o->binary = n >= 4 && !strcmp(o->output + n - 4, ".bin");
    }
    o->tok.max_token_bytes = (size_t)max_token;
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_args(argc, argv, &o))
        return 2;
    double t0 = cli_now();
    w2v_error err;
    w2v_vectors *vecs = NULL;
    w2v_vocab *counts = NULL;
    w2v_embedder *emb = NULL;
    char *text = NULL, *keys = NULL;
    const char **keyp = NULL;
    float *X = NULL, *pc = NULL;
    uint32_t *known = NULL;
    int rc = 1;
    w2v_embed_opts eo = w2v_embed_opts_default();
    eo.weight = (w2v_weight)w2v_weight_parse(o.weight);
    eo.sif_a = o.sif_a;
    eo.remove_pc = o.remove_pc == 2 ? -1 : (int)o.remove_pc;
    int remove = w2v_embed_removes_pc(&eo);
    if (o.pc_path && !remove) {
        cli_error(PROG, "-pc needs component removal (-weight sif or -remove-pc 1)");
        return 2;
    }
    if (w2v_vectors_read(o.vectors, W2V_FORMAT_AUTO, 0, &vecs, &err) ||
        (o.vocab && eo.weight == W2V_WEIGHT_SIF && w2v_vocab_load(o.vocab, &counts, &err)) ||
        w2v_embedder_create(&eo, &o.tok, vecs, counts, &emb, &err)) {
        cli_error(PROG, "%s", err.msg);
        goto out;
    }
    size_t len, D = vecs->D;
    if (w2v_read_all(o.text, &text, &len, &err) || w2v_text_check(text, len, o.text, &err)) {
        cli_error(PROG, "%s", err.msg);
        goto out;
    }
    size_t N = w2v_count_lines(text, len, NULL);
    if (N == 0) {
        cli_error(PROG, "%s: no lines to embed", o.text);
        goto out;
    }
    if (N > SIZE_MAX / sizeof(float) / D || !(X = malloc(N * D * sizeof *X)) ||
        !(known = malloc(N * sizeof *known)) || !(pc = malloc(D * sizeof *pc)) ||
        !(keyp = malloc(N * sizeof *keyp)) || !(keys = malloc(N * 21))) {
        cli_error(PROG, "out of memory for %zu x %zu line vectors", N, D);
        goto out;
    }
    if (w2v_embed_lines(emb, text, len, N, X, known, o.threads, &err)) {
        cli_error(PROG, "%s", err.msg);
        goto out;
    }
    uint64_t empty = 0, nknown = 0;
    for (size_t i = 0; i < N; i++) {
        empty += known[i] == 0;
        nknown += known[i];
    }
    const char *pc_note = "";
    if (remove) {
        int load = o.pc_path && access(o.pc_path, F_OK) == 0;
        w2v_status st = load ? w2v_pc_load(o.pc_path, pc, D, &err)
                             : w2v_pc_compute(X, N, D, pc, &err);
        if (st == W2V_ERR_EMPTY) {
            cli_error(PROG, "%s: no line has a word with a vector: nothing to take a "
                            "component from", o.text);
            goto out;
        }
        if (!st && !load && o.pc_path)
            st = w2v_pc_save(o.pc_path, pc, D, &err);
        if (st) {
            cli_error(PROG, "%s", err.msg);
            goto out;
        }
        w2v_pc_remove(X, N, D, pc);
        pc_note = load ? "; component read from " : o.pc_path ? "; component saved to "
                                                                : "; component removed";
    }
    for (size_t i = 0; i < N; i++) {
        keyp[i] = keys + i * 21;
        snprintf(keys + i * 21, 21, "%zu", i + 1);
    }
    if (w2v_vectors_write(o.output, (int)o.binary, N, D, keyp, X, D, &err)) {
        cli_error(PROG, "%s", err.msg);
        goto out;
    }
    if (!o.quiet)
        fprintf(stderr,
                PROG ": %zu lines (%llu with no known word: zero vectors), %llu known tokens, "
                "weight %s%s%s; %.2f s, peak memory %.0f MB\n",
                N, (unsigned long long)empty, (unsigned long long)nknown, o.weight, pc_note,
                remove && o.pc_path ? o.pc_path : "", cli_now() - t0,
                (double)cli_peak_rss() / 1e6);
    rc = 0;
out:
    w2v_embedder_free(emb);
    w2v_vectors_free(vecs);
    w2v_vocab_free(counts);
    free(text);
    free(X);
    free(known);
    free(pc);
    free(keyp);
    free(keys);
    return rc;
}
