/*
 * w2v-phrase - join frequent word pairs into phrases ("new york" ->
 * "new_york") before training, as Mikolov et al. 2013 did.
 *
 *     w2v-phrase corpus.txt -o phrased.txt -passes 2 -threshold 200
 *
 * A thin program: argv -> w2v_phrase_opts + tokenizer -> w2v_phrase_run.
 * word2vec.c's word2phrase flags (-train -output -min-count -threshold
 * -debug) work with their meaning and defaults.  The corpus must be a file:
 * it is read twice per pass, so standard input is refused, not spooled.
 * SIGINT/SIGTERM stop the run within a few milliseconds and SIGPIPE is
 * ignored (a write then fails), so the temporaries between passes are
 * removed and the output is left as it was.
 */
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "w2v/atomic_file.h"
#include "w2v/phrase.h"
#include "w2v/tokenize.h"
#include "w2v/vocab.h"

#define PROG "w2v-phrase"

typedef struct {
    const char *corpus, *output, *save_phrases;
    int quiet, verbose;
    w2v_tokenize_opts tok;
    w2v_phrase_opts ph;
} options;

static void usage(FILE *fp)
{
    fprintf(fp,
"usage: " PROG " [options] CORPUS -o OUTPUT\n"
"Joins adjacent words a b whose score (count(ab) - delta) / (count(a) count(b)) * N\n"
"(N = tokens in the pass) is above the threshold into a_b, one output line per\n"
"input line.  CORPUS must be a file (it is read twice per pass), not stdin.\n"
"Options:\n"
"  -train FILE          the corpus (word2phrase's spelling of CORPUS)\n"
"  -o, -output FILE     the joined text (required; '-' = stdout)\n"
"  -min-count N         a, b and 'a b' must each occur N times (5)\n"
"  -threshold T         join when score > T (100)\n"
"  -delta D             discount subtracted from count(ab) (= min-count)\n"
"  -passes N            passes; pass k finds phrases of up to 2^k words (1)\n"
"  -threshold-decay F   each pass multiplies the threshold by F, 0 < F <= 1 (0.5)\n"
"  -max-bigrams N       prune the rarest pairs beyond N distinct (0 = never;\n"
"                       each distinct pair costs 23-46 bytes)\n"
"  -save-phrases FILE   write the pairs above the threshold, best first:\n"
"                       pass, phrase, score, count(ab), count(a), count(b)\n"
"  -tmp-dir DIR         temporary files between passes (the output's directory;\n"
"                       $TMPDIR or /tmp when the output is stdout or a device)\n"
"  -token-regex RE      PCRE2 pattern for tokens (default: runs of non-space)\n"
"  -lowercase           fold case (Unicode-aware on UTF-8)\n"
"  -max-token-bytes N   longer tokens are cut at a UTF-8 boundary (100)\n"
"  -quiet / -verbose    no summary / per-pass details on stderr\n"
"  -debug N             word2phrase's flag: 0 = -quiet, 1 or more = summary (2)\n"
"  -h, --help           print this help and exit\n"
"  --version            print the version and exit\n"
"Example: " PROG " corpus.txt -o phrased.txt -passes 2 -threshold 200\n");
}

static int parse_args(int argc, char **argv, options *o)
{
    uint64_t max_token = W2V_TOKENIZE_MAX_TOKEN_DEFAULT, passes = 1, max_bigrams = 0;
    uint64_t debug = 2;
    double delta = -1;
    *o = (options){0};
    o->tok = w2v_tokenize_opts_default();
    o->ph = w2v_phrase_opts_default();
    const cli_flag flags[] = {
        {"train", CLI_STR, &o->corpus, 0, 0},
        {"o", CLI_STR, &o->output, 0, 0},
        {"output", CLI_STR, &o->output, 0, 0},
        {"min-count", CLI_U64, &o->ph.min_count, 1, 1e18},
        {"threshold", CLI_DBL, &o->ph.threshold, 0, 1e300},
        {"delta", CLI_DBL, &delta, 0, 1e18},
        {"passes", CLI_U64, &passes, 1, W2V_PHRASE_MAX_PASSES},
        {"threshold-decay", CLI_DBL, &o->ph.threshold_decay, 1e-9, 1},
        {"max-bigrams", CLI_U64, &max_bigrams, 0, W2V_VOCAB_MAX_WORDS},
        {"save-phrases", CLI_STR, &o->save_phrases, 0, 0},
        {"tmp-dir", CLI_STR, &o->ph.tmp_dir, 0, 0},
        {"token-regex", CLI_STR, &o->tok.regex, 0, 0},
        /* a token longer than a vocabulary word could never be stored */
        {"max-token-bytes", CLI_U64, &max_token, 1, W2V_VOCAB_MAX_WORD_BYTES},
        {"debug", CLI_U64, &debug, 0, 1000},
        {"lowercase", CLI_BOOL, &o->tok.lowercase, 0, 0},
        {"quiet", CLI_BOOL, &o->quiet, 0, 0},
        {"verbose", CLI_BOOL, &o->verbose, 0, 0},
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            if (o->corpus) {
                cli_error(PROG, "more than one corpus given ('%s' and '%s')", o->corpus, a);
                return -1;
            }
            o->corpus = a;
            continue;
        }
        if (!cli_take_option(PROG, usage, flags, sizeof flags / sizeof *flags, argc, argv, &i))
            return -1;
    }
    if (!o->corpus) {
        cli_error(PROG, "no corpus given (see " PROG " --help)");
        return -1;
    }
    if (!strcmp(o->corpus, "-")) {
        cli_error(PROG, "the corpus cannot be standard input: it is read twice per pass "
                        "(count, then rewrite); save it to a file first");
        return -1;
    }
    if (!o->output) {
        cli_error(PROG, "no output given (-o FILE)");
        return -1;
    }
    if (max_bigrams != 0 && max_bigrams < W2V_PHRASE_MIN_BIGRAMS) {
        cli_error(PROG, "-max-bigrams: '%llu' is below %d (use 0 for no cap)",
                  (unsigned long long)max_bigrams, W2V_PHRASE_MIN_BIGRAMS);
        return -1;
    }
    if (!strcmp(o->output, "-"))
        o->output = "/dev/stdout";
    /* Temporaries go beside the output, unless that is a device or pipe. */
    struct stat sb;
    if (!o->ph.tmp_dir && stat(o->output, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        const char *t = getenv("TMPDIR");
        o->ph.tmp_dir = t && *t ? t : "/tmp";
    }
    if (debug == 0)
        o->quiet = 1;
    o->ph.delta = delta;
    o->ph.passes = (unsigned)passes;
    o->ph.max_bigrams = (size_t)max_bigrams;
    o->tok.max_token_bytes = (size_t)max_token;
    return 0;
}

typedef struct {
    const options *o;
    FILE *phrases;      /* -save-phrases, or NULL */
    w2v_error err;      /* why listing failed, when it did */
    int failed;
} pass_state;

/* After each pass: the summary line, and the phrases found if asked for. */
static int on_pass(void *user, const w2v_phrase_pass_report *r, const w2v_phrase_counts *pc)
{
    pass_state *ps = user;
    const options *o = ps->o;
    if (!o->quiet) {
        fprintf(stderr,
                "pass %u/%u: threshold %g, %llu tokens, %zu distinct words, %zu distinct "
                "pairs; joined %llu pairs, %llu tokens out; count %.2f s (%.0f MB/s), "
                "write %.2f s\n",
                r->pass, r->passes, r->threshold, (unsigned long long)r->tok.tokens,
                r->unigrams, r->bigrams, (unsigned long long)r->joined,
                (unsigned long long)r->tokens_out, r->count_seconds,
                r->count_seconds > 0 ? (double)r->tok.bytes / 1e6 / r->count_seconds : 0.0,
                r->write_seconds);
        if (r->prune_floor)
            fprintf(stderr, PROG ": note: pass %u pruned pairs seen fewer than %llu times "
                    "(-max-bigrams %zu); the counts of the others are lower bounds\n",
                    r->pass, (unsigned long long)r->prune_floor, o->ph.max_bigrams);
        if (r->pass == 1 && r->tok.overlong)
            fprintf(stderr, PROG ": note: %llu tokens longer than %zu bytes were cut "
                    "(-max-token-bytes)\n", (unsigned long long)r->tok.overlong,
                    o->tok.max_token_bytes);
        if (o->verbose)
            fprintf(stderr, "pass %u: %llu lines, %.1f MB read, delta %g, peak memory %.0f MB\n",
                    r->pass, (unsigned long long)r->tok.sentences, (double)r->tok.bytes / 1e6,
                    r->delta, (double)cli_peak_rss() / 1e6);
    }
    if (!ps->phrases)
        return 0;
    w2v_phrase_opts po = o->ph;
    po.threshold = r->threshold;
    w2v_phrase_item *it;
    size_t n;
    if (w2v_phrase_list(pc, &po, &it, &n, &ps->err) != W2V_OK) {
        ps->failed = 1;
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        fprintf(ps->phrases, "%u\t%.*s%c%.*s\t%.6g\t%llu\t%llu\t%llu\n", r->pass,
                (int)it[i].alen, it[i].a, W2V_PHRASE_JOIN, (int)it[i].blen, it[i].b,
                it[i].score, (unsigned long long)it[i].count,
                (unsigned long long)it[i].count_a, (unsigned long long)it[i].count_b);
    free(it);
    return 0;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_args(argc, argv, &o) != 0)
        return 2;
    w2v_error err;
    w2v_error_clear(&err);
    w2v_tokenizer *tok = NULL;
    w2v_afile *paf = NULL;
    pass_state ps = {.o = &o};
    if (w2v_phrase_opts_check(&o.ph, &err) != W2V_OK ||
        w2v_tokenizer_create(&o.tok, &tok, &err) != W2V_OK ||
        (o.save_phrases && w2v_afile_open(o.save_phrases, &paf, &ps.phrases, &err) != W2V_OK)) {
        cli_error(PROG, "%s", err.msg);
        w2v_tokenizer_free(tok);
        return 1;
    }
    if (o.tok.lowercase && !w2v_tokenizer_unicode_lowercase(tok) && !o.quiet)
        fprintf(stderr, PROG ": note: no UTF-8 locale; -lowercase folds ASCII only\n");
    if (ps.phrases)
        fprintf(ps.phrases, "pass\tphrase\tscore\tcount\tcount_a\tcount_b\n");
    o.ph.on_pass = on_pass;
    o.ph.on_pass_user = &ps;
    atomic_int *stop = cli_catch_stop_signals();
    o.ph.stop = stop;
    signal(SIGPIPE, SIG_IGN);
    double t0 = cli_now();
    w2v_status st = w2v_phrase_run(o.corpus, o.output, tok, &o.ph, &err);
    w2v_tokenizer_free(tok);
    if (!st && paf)
        st = w2v_afile_commit(paf, &err);
    else
        w2v_afile_abort(paf);
    if (st == W2V_ERR_INTERRUPTED && atomic_load(stop)) {
        cli_error(PROG, "interrupted; %s left as it was", o.output);
        return 130;
    }
    if (st) {
        cli_error(PROG, "%s", ps.failed ? ps.err.msg : err.msg);
        return 1;
    }
    if (!o.quiet)
        fprintf(stderr, "wrote %s in %.1f s; peak memory %.0f MB\n", o.output, cli_now() - t0,
                (double)cli_peak_rss() / 1e6);
    return 0;
}
