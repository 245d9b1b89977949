/*
 * w2v-train - train skip-gram word vectors with negative sampling.
 *
 *     w2v-train corpus.txt -dim 300 -o vectors.bin
 *
 * A thin program: argv -> option structs -> corpus, model, train, write.
 * word2vec.c's flags are accepted with their meaning so existing scripts
 * run unchanged; modes this trainer does not implement are refused.
 */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "w2v/atomic_file.h"
#include "w2v/checkpoint.h"
#include "w2v/corpus.h"
#include "w2v/model.h"
#include "w2v/tokenize.h"
#include "w2v/train.h"
#include "w2v/vecio.h"

#define PROG "w2v-train"
#define DEFAULT_OUTPUT "vectors.bin"

typedef struct {
    const char *corpus, *output, *save_vocab, *read_vocab, *checkpoint, *resume, *save_loss;
    double checkpoint_every;
    int corpus_given;
    int binary; /* -1: from the output name */
    int quiet, verbose;
    double max_memory_gib;
    double init_range;
    w2v_tokenize_opts tok;
    w2v_corpus_opts corp;
    w2v_train_opts train;
    size_t dim;
} options;

static void usage(FILE *fp)
{
    fprintf(fp,
"usage: " PROG " CORPUS [options]        (or -train CORPUS; CORPUS '-' is stdin)\n"
"Trains skip-gram vectors with negative sampling; writes word2vec .bin/.txt.\n"
"  -o, -output FILE     vectors file (default " DEFAULT_OUTPUT ")\n"
"  -binary 0|1          text or binary (default: binary iff FILE ends in .bin)\n"
"  -dim, -size N        dimensions (100)\n"
"  -window N            max context distance, shrunk at random per word (5)\n"
"  -negative N          negative samples per positive, 0 = none (5)\n"
"  -sample T            sub-sampling threshold, 0 = off (1e-3)\n"
"  -min-count N         drop words rarer than N (5)\n"
"  -max-vocab N         keep only the N most frequent words (0 = all)\n"
"  -alpha A             starting learning rate, linear decay to A*1e-4 (0.025)\n"
"  -epochs, -iter N     passes over the corpus (5)\n"
"  -threads N           worker threads (number of cores)\n"
"  -seed N              random seed; -threads 1 + seed = identical vectors (1)\n"
"  -init-range R        W_E starts uniform in [-R/dim, R/dim); word2vec.c: 0.5 (8)\n"
"  -kernel batch|pair   skip-gram + NS: shared-negative batches (HogBatch) or\n"
"                       word2vec.c's per-pair updates (batch)\n"
"  -token-regex RE      PCRE2 pattern for tokens (default: runs of non-space)\n"
"  -lowercase           fold case (Unicode-aware on UTF-8)\n"
"  -max-token-bytes N   longer tokens are cut at a UTF-8 boundary (100)\n"
"  -save-vocab FILE     write the vocabulary (\"word count\" lines)\n"
"  -read-vocab FILE     use this vocabulary and its counts instead of counting\n"
"  -max-memory GIB      refuse models larger than this (the machine's memory)\n"
"  -corpus-memory GIB   word ids (4 bytes a token) beyond this go to a mapped\n"
"                       temporary file in $TMPDIR (half the machine's memory)\n"
"  -checkpoint FILE     save the full training state every -checkpoint-every\n"
"                       seconds (600) and on SIGINT/SIGTERM\n"
"  -resume FILE         continue a checkpointed run (settings from the checkpoint)\n"
"  -quiet / -verbose    no progress / extra statistics on stderr (word2vec.c's\n"
"                       -debug N: 0 = -quiet, 3 or more = -verbose)\n"
"  -save-loss FILE      record the mean training loss every -progress-every\n"
"                       seconds (1): seconds, words, fraction, alpha, loss\n"
"  -cbow 0|1            skip-gram (0) or CBOW (1; alpha then defaults to 0.05)\n"
"  -hs 0|1              hierarchical softmax (with -negative 0: instead of NS)\n");
}

static int parse_args(int argc, char **argv, options *o)
{
    unsigned binary = 2, cbow = 0, hs = 0, debug = 2;
    int alpha_given = 0;
    const char *kernel = "batch";
    uint64_t dim = 100, max_vocab = 0, max_token = W2V_TOKENIZE_MAX_TOKEN_DEFAULT;
    const char *regex = NULL;
    *o = (options){.binary = -1, .max_memory_gib = 64.0, .init_range = W2V_MODEL_INIT_RANGE_DEFAULT,
                   .checkpoint_every = 600};
    o->tok = w2v_tokenize_opts_default();
    o->corp = w2v_corpus_opts_default();
    o->train = w2v_train_opts_default();
    o->train.threads = cli_ncores();
    /* A model that cannot fit in memory should fail before training, not swap. */
    uint64_t phys = cli_phys_memory();
    double corpus_gib = phys ? (double)phys / 2 / 1073741824.0 : 8.0;
    if (phys)
        o->max_memory_gib = (double)phys / 1073741824.0;
    const cli_flag flags[] = {
        {"train", CLI_STR, &o->corpus, 0, 0},
        {"o", CLI_STR, &o->output, 0, 0},
        {"output", CLI_STR, &o->output, 0, 0},
        {"binary", CLI_UINT, &binary, 0, 1},
        {"dim", CLI_U64, &dim, 1, W2V_MODEL_MAX_DIM},
        {"size", CLI_U64, &dim, 1, W2V_MODEL_MAX_DIM},
        {"window", CLI_UINT, &o->train.window, 1, W2V_TRAIN_MAX_WINDOW},
        {"negative", CLI_UINT, &o->train.negative, 0, W2V_TRAIN_MAX_NEGATIVE},
        {"sample", CLI_DBL, &o->train.sample, 0, 1},
        {"min-count", CLI_U64, &o->corp.min_count, 1, 1e18},
        {"max-vocab", CLI_U64, &max_vocab, 0, W2V_VOCAB_MAX_WORDS},
        {"alpha", CLI_DBL, &o->train.alpha, 1e-9, 10},
        {"epochs", CLI_UINT, &o->train.epochs, 1, 100000},
        {"iter", CLI_UINT, &o->train.epochs, 1, 100000},
        {"threads", CLI_UINT, &o->train.threads, 1, W2V_TRAIN_MAX_THREADS},
        {"seed", CLI_U64, &o->train.seed, 0, CLI_U64_ALL},
        {"kernel", CLI_STR, &kernel, 0, 0},
        {"token-regex", CLI_STR, &regex, 0, 0},
        /* a token longer than a vocabulary word could never be stored */
        {"max-token-bytes", CLI_U64, &max_token, 1, W2V_VOCAB_MAX_WORD_BYTES},
        {"save-vocab", CLI_STR, &o->save_vocab, 0, 0},
        {"read-vocab", CLI_STR, &o->read_vocab, 0, 0},
        {"max-memory", CLI_DBL, &o->max_memory_gib, 1e-6, 1e6},
        {"corpus-memory", CLI_DBL, &corpus_gib, 0, 1e6},
        {"init-range", CLI_DBL, &o->init_range, 1e-6, 1e6},
        {"checkpoint", CLI_STR, &o->checkpoint, 0, 0},
        {"checkpoint-every", CLI_DBL, &o->checkpoint_every, 0, 1e9},
        {"resume", CLI_STR, &o->resume, 0, 0},
        {"save-loss", CLI_STR, &o->save_loss, 0, 0},
        {"progress-every", CLI_DBL, &o->train.progress_every, 0.01, 3600},
        {"cbow", CLI_UINT, &cbow, 0, 1},
        {"hs", CLI_UINT, &hs, 0, 1},
        {"debug", CLI_UINT, &debug, 0, 1000}, /* word2vec.c's verbosity */
    };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') { /* positional corpus, or "-" = stdin */
            if (o->corpus) {
                cli_error(PROG, "more than one corpus given ('%s' and '%s')", o->corpus, a);
                return -1;
            }
            o->corpus = a;
            continue;
        }
        const char *name = a + 1 + (a[1] == '-'); /* -flag and --flag alike */
        if (!strcmp(name, "h") || !strcmp(name, "help")) {
            usage(stdout);
            exit(0);
        }
        if (!strcmp(name, "quiet")) { o->quiet = 1; continue; }
        if (!strcmp(name, "verbose")) { o->verbose = 1; continue; }
        if (!strcmp(name, "lowercase")) { o->tok.lowercase = 1; continue; }
        if (!strcmp(name, "classes")) {
            cli_error(PROG, "%s: word2vec.c's k-means -classes is not implemented", a);
            return -1;
        }
        const cli_flag *f = cli_flag_take(PROG, flags, sizeof flags / sizeof *flags, name,
                                          argc, argv, &i);
        if (!f)
            return -1;
        alpha_given |= f->dst == &o->train.alpha;
    }
    if (debug == 0)
        o->quiet = 1;
    else if (debug > 2)
        o->verbose = 1;
    o->train.cbow = (int)cbow;
    o->train.hs = (int)hs;
    if (cbow && !alpha_given)
        o->train.alpha = 0.05; /* word2vec.c's CBOW default */
    if (o->train.negative == 0 && !hs) {
        cli_error(PROG, "-negative 0 needs -hs 1 (there would be no output layer)");
        return -1;
    }
    if (!strcmp(kernel, "batch"))
        o->train.kernel = W2V_KERNEL_BATCH;
    else if (!strcmp(kernel, "pair"))
        o->train.kernel = W2V_KERNEL_PAIR;
    else {
        cli_error(PROG, "-kernel: '%s' is neither 'batch' nor 'pair'", kernel);
        return -1;
    }
    o->corpus_given = o->corpus != NULL;
    if (!o->corpus && !o->resume) {
        cli_error(PROG, "no corpus given (see " PROG " -help)");
        return -1;
    }
    if (o->resume && o->read_vocab) {
        cli_error(PROG, "-resume takes the vocabulary from the checkpoint; drop -read-vocab");
        return -1;
    }
    if (!o->output)
        o->output = DEFAULT_OUTPUT;
    if (binary == 2) {
        size_t n = strlen(o->output);
        o->binary = n >= 4 && !strcmp(o->output + n - 4, ".bin");
    } else {
        o->binary = (int)binary;
    }
    o->dim = (size_t)dim;
    o->corp.max_vocab = (size_t)max_vocab;
    o->corp.spill_bytes = (size_t)(corpus_gib * 1073741824.0);
    o->tok.regex = regex;
    o->tok.max_token_bytes = (size_t)max_token;
    return 0;
}

typedef struct {
    int tty, quiet;
    double last_line;
    char *loss;          /* -save-loss lines, written at the end */
    size_t loss_len, loss_cap;
} progress_state;

/* Append one "seconds words fraction alpha loss" line for -save-loss. */
static void log_loss(progress_state *ps, const w2v_progress *p)
{
    if (isnan(p->loss))
        return;
    char line[160];
    int n = snprintf(line, sizeof line, "%.3f %llu %.6f %.8f %.6f\n", p->elapsed,
                     (unsigned long long)p->words_done, p->fraction, p->alpha, p->loss);
    if (n <= 0 || (size_t)n >= sizeof line)
        return;
    if (ps->loss_len + (size_t)n > ps->loss_cap) {
        size_t cap = ps->loss_cap ? ps->loss_cap * 2 : 65536;
        char *b = realloc(ps->loss, cap);
        if (!b)
            return; /* the curve loses a point; training goes on */
        ps->loss = b;
        ps->loss_cap = cap;
    }
    memcpy(ps->loss + ps->loss_len, line, (size_t)n);
    ps->loss_len += (size_t)n;
}

static w2v_status save_loss(const char *path, const progress_state *ps, w2v_error *err)
{
    w2v_afile *af;
    FILE *fp;
    w2v_status st = w2v_afile_open(path, &af, &fp, err);
    if (st)
        return st;
    fputs("# seconds words_done fraction alpha mean_loss_per_pair_since_previous_line\n", fp);
    fwrite(ps->loss, 1, ps->loss_len, fp);
    return w2v_afile_commit(af, err);
}

static void fmt_duration(char *buf, size_t n, double s)
{
    unsigned long t = s > 0 && s < 1e8 ? (unsigned long)(s + 0.5) : 0;
    snprintf(buf, n, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
}

static void on_progress(const w2v_progress *p, void *user)
{
    progress_state *ps = user;
    log_loss(ps, p);
    if (ps->quiet)
        return;
    /* On a terminal redraw one line; in a log write a line every 10 s. */
    if (!ps->tty && p->fraction < 1.0 && p->elapsed - ps->last_line < 10.0)
        return;
    ps->last_line = p->elapsed;
    char eta[32];
    fmt_duration(eta, sizeof eta, p->eta);
    fprintf(stderr, "%sprogress %5.1f%%  epoch %u  %7.1fk words/s  alpha %.6f  ETA %s%s",
            ps->tty ? "\r" : "", 100.0 * p->fraction, p->epoch, p->words_per_sec / 1e3,
            p->alpha, eta, ps->tty ? "  " : "\n");
    fflush(stderr);
}

static const char *mode_name(const w2v_train_opts *t)
{
    if (t->cbow)
        return t->hs ? (t->negative ? "cbow+hs+ns" : "cbow+hs") : "cbow+ns";
    if (t->hs)
        return t->negative ? "skip-gram+hs+ns" : "skip-gram+hs";
    return t->kernel == W2V_KERNEL_BATCH ? "skip-gram+ns batch" : "skip-gram+ns pair";
}

static int fail(const w2v_error *err)
{
    cli_error(PROG, "%s", err->msg);
    return 1;
}

typedef struct {
    const options *o;
    const w2v_corpus *corpus;
    const w2v_model *model;
    const w2v_train_opts *train;
    const w2v_tokenize_opts *tok;
} ckpt_ctx;

static w2v_status save_checkpoint(const w2v_train_state *st, void *user, w2v_error *err)
{
    ckpt_ctx *c = user;
    double t = cli_now();
    w2v_status s = w2v_checkpoint_save(c->o->checkpoint, c->o->corpus, c->tok, c->corpus,
                                       c->model, c->train, st, err);
    if (!s && c->o->verbose)
        fprintf(stderr, "\ncheckpoint %s written in %.1f s\n", c->o->checkpoint, cli_now() - t);
    return s;
}

/* Load a checkpoint and rebuild its corpus; checks the corpus is the same. */
static w2v_status resume_from(options *o, w2v_checkpoint *ck, w2v_tokenizer **tok,
                              w2v_corpus **corpus, w2v_error *err)
{
    w2v_status st = w2v_checkpoint_load(o->resume, (size_t)(o->max_memory_gib * 1073741824.0),
                                        ck, err);
    if (st)
        return st;
    o->tok.regex = ck->regex && *ck->regex ? ck->regex : NULL;
    o->tok.lowercase = ck->lowercase;
    o->tok.max_token_bytes = (size_t)ck->max_token_bytes;
    if (!o->corpus_given)
        o->corpus = ck->corpus_path;
    st = w2v_tokenizer_create(&o->tok, tok, err);
    if (st)
        return st;
    w2v_corpus_opts co = w2v_corpus_opts_default();
    co.spill_bytes = o->corp.spill_bytes;
    co.min_count = 0;
    co.vocab = ck->vocab; /* the corpus takes it over */
    ck->vocab = NULL;
    st = w2v_corpus_build(o->corpus, *tok, &co, corpus, err);
    if (st)
        return st;
    if ((*corpus)->len != ck->corpus_len || (*corpus)->words != ck->corpus_words ||
        w2v_checkpoint_corpus_hash(*corpus) != ck->corpus_hash)
        return w2v_error_set(err, W2V_ERR_ARG,
                             "%s: this is not the corpus the checkpoint %s was made on "
                             "(it was %s)", o->corpus, o->resume, ck->corpus_path);
    /* Settings come from the checkpoint; only how to run comes from flags. */
    w2v_train_opts t = ck->train;
    t.progress_every = o->train.progress_every;
    o->train = t;
    o->dim = ck->model.D;
    return W2V_OK;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_args(argc, argv, &o) != 0)
        return 2;
    w2v_error err;
    w2v_error_clear(&err);

    /* Fail on an unwritable output now, not after hours of training. */
    w2v_afile *probe;
    FILE *probe_fp;
    const char *outs[] = {o.output, o.save_vocab, o.checkpoint, o.save_loss};
    for (size_t i = 0; i < 4; i++) {
        if (!outs[i])
            continue;
        if (w2v_afile_open(outs[i], &probe, &probe_fp, &err) != W2V_OK)
            return fail(&err);
        w2v_afile_abort(probe);
    }

    w2v_tokenizer *tok = NULL;
    w2v_corpus *corpus = NULL;
    w2v_model model = {0};
    w2v_checkpoint ck = {0};
    w2v_train_state state = {0};
    int rc = 1;
    double t0 = cli_now(), t_read;
    if (o.resume) {
        if (resume_from(&o, &ck, &tok, &corpus, &err) != W2V_OK)
            goto out;
        model = ck.model;
        memset(&ck.model, 0, sizeof ck.model);
        state = ck.state;
        memset(&ck.state, 0, sizeof ck.state);
        t_read = cli_now() - t0;
        if (!o.quiet)
            fprintf(stderr, "resuming %s at %.1f%% (%u threads, dim %zu; settings from the "
                    "checkpoint)\n", o.resume,
                    100.0 * (double)state.words_done / (double)(corpus->words * o.train.epochs),
                    o.train.threads, o.dim);
    } else {
        if (o.read_vocab && w2v_vocab_load(o.read_vocab, &o.corp.vocab, &err) != W2V_OK)
            return fail(&err);
        if (w2v_tokenizer_create(&o.tok, &tok, &err) != W2V_OK) {
            w2v_vocab_free(o.corp.vocab);
            return fail(&err);
        }
        if (w2v_corpus_build(o.corpus, tok, &o.corp, &corpus, &err) != W2V_OK)
            goto out;
        t_read = cli_now() - t0;
    }
    size_t V = w2v_vocab_size(corpus->vocab);
    if (!o.quiet) {
        fprintf(stderr,
                "corpus %s: %llu tokens, %llu sentences, %.1f MB in %.2f s (%.0f MB/s); "
                "vocabulary %zu words (min-count %llu), %llu training words\n",
                o.corpus, (unsigned long long)corpus->tok.tokens,
                (unsigned long long)corpus->tok.sentences, (double)corpus->tok.bytes / 1e6,
                t_read, t_read > 0 ? (double)corpus->tok.bytes / 1e6 / t_read : 0.0, V,
                (unsigned long long)o.corp.min_count, (unsigned long long)corpus->words);
        if (corpus->tok.overlong)
            fprintf(stderr, PROG ": note: %llu tokens longer than %zu bytes were cut "
                    "(-max-token-bytes)\n", (unsigned long long)corpus->tok.overlong,
                    o.tok.max_token_bytes);
    }
    if (o.save_vocab && w2v_vocab_save(corpus->vocab, o.save_vocab, &err) != W2V_OK)
        goto out;
    if (!o.resume) {
        w2v_model_opts mo = w2v_model_opts_default();
        mo.seed = o.train.seed;
        mo.init_range = o.init_range;
        mo.max_bytes = (size_t)(o.max_memory_gib * 1073741824.0);
        mo.ns = o.train.negative > 0;
        mo.hs = o.train.hs;
        if (w2v_model_create(&model, V, o.dim, &mo, &err) != W2V_OK)
            goto out;
        if (o.train.threads > corpus->words)
            o.train.threads = (unsigned)corpus->words; /* a thread per word at most */
        if (w2v_train_state_init(&state, o.train.threads, &err) != W2V_OK)
            goto out;
    }

    if (!o.quiet)
        fprintf(stderr, "training %s: dim %zu, window %u, negative %u, alpha %g, sample %g, "
                "%u epoch(s), %u thread(s)\n", mode_name(&o.train), o.dim, o.train.window,
                o.train.negative, o.train.alpha, o.train.sample, o.train.epochs,
                o.train.threads);
    progress_state ps = {.tty = isatty(STDERR_FILENO), .quiet = o.quiet};
    if (!o.quiet || o.save_loss) {
        o.train.progress = on_progress;
        o.train.progress_user = &ps;
    }
    o.train.track_loss = o.save_loss != NULL;
    ckpt_ctx cc = {.o = &o, .corpus = corpus, .model = &model, .train = &o.train,
                   .tok = &o.tok};
    if (o.checkpoint) {
        o.train.checkpoint = save_checkpoint;
        o.train.checkpoint_user = &cc;
        o.train.checkpoint_every = o.checkpoint_every;
    }
    o.train.stop = cli_catch_stop_signals();
    w2v_train_stats ts;
    w2v_status tst = w2v_train(corpus, &model, &o.train, &state, &ts, &err);
    if (o.save_loss && (tst == W2V_OK || tst == W2V_ERR_INTERRUPTED)) {
        w2v_error lerr;
        if (save_loss(o.save_loss, &ps, &lerr) != W2V_OK)
            cli_error(PROG, "%s", lerr.msg);
    }
    free(ps.loss);
    if (!o.quiet && ps.tty)
        fputc('\n', stderr);
    if (tst == W2V_ERR_INTERRUPTED) {
        if (o.checkpoint)
            cli_error(PROG, "interrupted at %.1f%%; checkpoint written to %s (continue with "
                      "-resume %s)", 100.0 * (double)state.words_done /
                      (double)(corpus->words * o.train.epochs), o.checkpoint, o.checkpoint);
        else
            cli_error(PROG, "interrupted; nothing written (-checkpoint FILE makes a run "
                      "resumable)");
        rc = 130;
        w2v_error_clear(&err);
        goto out;
    }
    if (tst)
        goto out;

    const char **words = malloc(V * sizeof *words);
    if (!words) {
        w2v_error_set(&err, W2V_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < V; i++)
        words[i] = w2v_vocab_word(corpus->vocab, (uint32_t)i);
    double t_write = cli_now();
    w2v_status st = w2v_vectors_write(o.output, o.binary, V, o.dim, words, model.in,
                                      model.stride, &err);
    free(words);
    if (st)
        goto out;
    t_write = cli_now() - t_write;
    double wall = cli_now() - t0;
    if (!o.quiet) {
        fprintf(stderr,
                "trained %llu words (%llu kept after sub-sampling) in %.1f s: "
                "%.1fk words/s over the whole run, %.1fk words/s training; peak memory %.0f MB; "
                "kernel %s/%s; wrote %s\n",
                (unsigned long long)ts.words, (unsigned long long)ts.trained, wall,
                (double)ts.words / wall / 1e3, (double)ts.words / ts.seconds / 1e3,
                (double)cli_peak_rss() / 1e6, ts.kernel, mode_name(&o.train), o.output);
        if (o.verbose)
            fprintf(stderr,
                    "time: read+vocabulary %.2f s (%.0f MB/s), training %.2f s, writing %.2f s; "
                    "%.1f%% of the run outside the training kernel\n",
                    t_read, t_read > 0 ? (double)corpus->tok.bytes / 1e6 / t_read : 0.0,
                    ts.seconds, t_write, 100.0 * (wall - ts.seconds) / wall);
    }
    rc = 0;
out:
    if (rc == 1)
        fail(&err);
    w2v_train_state_free(&state);
    w2v_checkpoint_free(&ck);
    w2v_model_free(&model);
    w2v_corpus_free(corpus);
    w2v_tokenizer_free(tok);
    return rc;
}
