/*
 * train_cli.c - what w2v-train and w2v-train-mpi share: their flags and
 * usage text, the progress line and loss log, checkpoint saving and
 * resuming (see train_cli.h).
 */
#include "train_cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "w2v/atomic_file.h"
#include "w2v/checkpoint.h"
#include "w2v/vecio.h"

#define DEFAULT_OUTPUT "vectors.bin"

void train_usage(FILE *fp, const char *prog, int mpi)
{
    fprintf(fp,
"usage: %s [options] CORPUS        (CORPUS '-' is stdin)\n"
"Trains word vectors (skip-gram or CBOW; negative sampling and/or hierarchical\n"
"softmax) on a text corpus and writes them in word2vec's .bin or .txt format.\n"
"Options:\n"
"  -train FILE          the corpus (word2vec.c's spelling of CORPUS)\n"
"  -o, -output FILE     vectors file (%s)\n"
"  -binary 0|1          text or binary (default: binary iff FILE ends in .bin)\n"
"  -dim, -size N        dimensions (100)\n"
"  -window N            max context distance, shrunk at random per word (5)\n"
"  -negative N          negative samples per positive, 0 = none (5)\n"
"  -hs 0|1              hierarchical softmax (with -negative 0: instead of NS) (0)\n"
"  -cbow 0|1            skip-gram (0) or CBOW (1; alpha then defaults to 0.05) (0)\n"
"  -sample T            sub-sampling threshold, 0 = off (1e-3)\n"
"  -min-count N         drop words rarer than N (5)\n"
"  -max-vocab N         keep only the N most frequent words (0 = all)\n"
"  -alpha A             starting learning rate, linear decay to A*1e-4 (0.025)\n"
"  -epochs, -iter N     passes over the corpus (5)\n"
"  -threads N           worker threads (the number of cores)\n"
"  -seed N              random seed; -threads 1 + seed = identical vectors (1)\n"
"  -init-range R        W_E starts uniform in [-R/dim, R/dim); word2vec.c: 0.5 (8)\n"
"  -kernel batch|pair   skip-gram: one update per centre word for all its\n"
"                       contexts (HogBatch) or word2vec.c's per-pair updates (batch)\n"
"  -token-regex RE      PCRE2 pattern for tokens (default: runs of non-space)\n"
"  -lowercase           fold case (Unicode-aware on UTF-8)\n"
"  -max-token-bytes N   longer tokens are cut at a UTF-8 boundary (100)\n"
"  -save-vocab FILE     write the vocabulary (\"word count\" lines)\n"
"  -read-vocab FILE     use this vocabulary and its counts instead of counting\n"
"  -max-memory GIB      refuse models larger than this (the machine's memory)\n"
"  -corpus-memory GIB   word ids (4 bytes a token) beyond this go to a mapped\n"
"                       temporary file in $TMPDIR (half the machine's memory)\n"
"  -checkpoint FILE     save the full training state every -checkpoint-every\n"
"                       seconds and on SIGINT/SIGTERM\n"
"  -checkpoint-every S  seconds between checkpoints, 0 = only on a signal (600)\n"
"  -resume FILE         continue a checkpointed run (settings from the checkpoint)\n"
"  -quiet / -verbose    no progress / extra statistics on stderr\n"
"  -debug N             word2vec.c's verbosity: 0 = -quiet, 3 or more = -verbose (2)\n"
"  -save-loss FILE      record the mean training loss every -progress-every\n"
"                       seconds: seconds, words, fraction, alpha, loss\n"
"  -progress-every S    seconds between progress updates and loss records (1)\n",
            prog, DEFAULT_OUTPUT);
    if (!mpi)
        fputs(
"  -save-model FILE     also save the model (vocabulary, counts, both layers) to\n"
"                       train further with -continue; w2v-eval/-nearest read it\n"
"  -continue FILE       train the saved model FILE on CORPUS: new words join the\n"
"                       vocabulary, counts add up; alpha defaults to half the\n"
"                       model's (docs/continue.md)\n"
"  -continue-schedule   with -continue on the same corpus: go on down the saved\n"
"                       learning-rate schedule (-epochs N more; default: the\n"
"                       rest), exactly as one longer run would\n"
"  -schedule-epochs N   let the learning rate decay over N epochs (> -epochs:\n"
"                       stop part way, for -continue-schedule later)\n"
"  -init-vectors FILE   start W_E rows from a vector file's (word2vec, .vec);\n"
"                       alpha defaults to half (docs/continue.md)\n"
"  -init-warmup F       keep those rows fixed for the first F of the run while\n"
"                       the fresh output layer learns (0..1; default 0.75)\n"
"  -freeze-init         keep those rows fixed to the end\n"
"  -heldout FILE        after training, print the negative-sampling loss on\n"
"                       FILE (text not trained on; docs/reproduction.md)\n", fp);
    if (mpi)
        fprintf(fp,
"Data-parallel options (run as: mpirun -np N %s CORPUS ...; -threads counts\n"
"per process; with -checkpoint FILE each process saves FILE.rank<R>, and\n"
"-resume FILE reads them):\n"
"  -sync-every N|Ns     exchange the processes' model changes every N words a\n"
"                       process trains, or every N seconds (200000)\n"
"  -sync-mode auto|sum|mean  combine a word's changes from the processes:\n"
"                       their sum, their mean over the processes that changed\n"
"                       it, or between the two by how much they agree (auto)\n",
            prog);
    fprintf(fp,
"  -h, --help           print this help and exit\n"
"  --version            print the version and exit\n"
"Example: %s corpus.txt -dim 300 -o vectors.bin\n", mpi ? "mpirun -np 4 w2v-train-mpi" : prog);
}

/* -sync-every N (words) or Ns (seconds); -sync-mode mean|sum. */
static int parse_sync(train_options *o, const char *every, const char *mode)
{
    size_t n = strlen(every);
    int seconds = n > 1 && every[n - 1] == 's';
    char num[64];
    double v;
    if (n - (size_t)seconds >= sizeof num) {
        cli_error(o->prog, "-sync-every: '%s' is not a number of words or seconds", every);
        return -1;
    }
    memcpy(num, every, n - (size_t)seconds);
    num[n - (size_t)seconds] = '\0';
    if (cli_parse_double(num, seconds ? 0.001 : 1, seconds ? 1e6 : 1e15, &v) != 0) {
        cli_error(o->prog, "-sync-every: '%s' is not a number of words (1 or more) or of "
                  "seconds ('5s')", every);
        return -1;
    }
    o->sync_words = seconds ? 0 : v;
    o->sync_seconds = seconds ? v : 0;
    static const char *const modes[] = {"sum", "mean", "auto"}; /* w2v_delta_mode order */
    for (int i = 0; i < 3; i++)
        if (!strcmp(mode, modes[i])) {
            o->sync_mode = i;
            return 0;
        }
    cli_error(o->prog, "-sync-mode: '%s' is not 'auto', 'sum' or 'mean'", mode);
    return -1;
}

int train_parse_args(int argc, char **argv, train_options *o, const char *prog, int mpi)
{
    unsigned binary = 2, cbow = 0, hs = 0, debug = 2;
    int alpha_given = 0;
    const char *kernel = "batch";
    uint64_t dim = 100, max_vocab = 0, max_token = W2V_TOKENIZE_MAX_TOKEN_DEFAULT;
    const char *regex = NULL;
    const char *sync_every = "200000", *sync_mode = "auto";
    unsigned schedule_epochs = 0;
    *o = (train_options){.binary = -1, .max_memory_gib = 64.0,
                         .init_range = W2V_MODEL_INIT_RANGE_DEFAULT, .checkpoint_every = 600,
                         .init_warmup = TRAIN_INIT_WARMUP_DEFAULT, .prog = prog, .mpi = mpi};
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
        {"heldout", CLI_STR, &o->heldout, 0, 0},
        {"progress-every", CLI_DBL, &o->train.progress_every, 0.01, 3600},
        {"cbow", CLI_UINT, &cbow, 0, 1},
        {"hs", CLI_UINT, &hs, 0, 1},
        {"debug", CLI_UINT, &debug, 0, 1000}, /* word2vec.c's verbosity */
        {"save-model", CLI_STR, &o->save_model, 0, 0},
        {"continue", CLI_STR, &o->cont, 0, 0},
        {"schedule-epochs", CLI_UINT, &schedule_epochs, 1, 100000},
        {"init-vectors", CLI_STR, &o->init_vectors, 0, 0},
        {"init-warmup", CLI_DBL, &o->init_warmup, 0, 1},
        {"freeze-init", CLI_BOOL, &o->freeze_init, 0, 0},
        {"continue-schedule", CLI_BOOL, &o->continue_schedule, 0, 0},
        {"lowercase", CLI_BOOL, &o->tok.lowercase, 0, 0},
        {"quiet", CLI_BOOL, &o->quiet, 0, 0},
        {"verbose", CLI_BOOL, &o->verbose, 0, 0},
        /* the data-parallel flags come last: only w2v-train-mpi has them */
        {"sync-every", CLI_STR, &sync_every, 0, 0},
        {"sync-mode", CLI_STR, &sync_mode, 0, 0},
    };
    size_t nflags = sizeof flags / sizeof *flags - (mpi ? 0 : 2);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') { /* positional corpus, or "-" = stdin */
            if (o->corpus) {
                cli_error(o->prog, "more than one corpus given ('%s' and '%s')", o->corpus, a);
                return -1;
            }
            o->corpus = a;
            continue;
        }
        const char *name = a + 1 + (a[1] == '-'); /* -flag and --flag alike */
        if (cli_is_help(a)) {
            train_usage(stdout, prog, mpi);
            exit(0);
        }
        if (cli_is_version(a)) {
            cli_print_version(prog);
            exit(0);
        }
        if (!strcmp(name, "classes")) {
            cli_error(o->prog, "%s: word2vec.c's k-means -classes is not implemented", a);
            return -1;
        }
        const cli_flag *f = cli_flag_take(o->prog, flags, nflags, name,
                                          argc, argv, &i);
        if (!f)
            return -1;
        alpha_given |= f->dst == &o->train.alpha;
        o->threads_given |= f->dst == &o->train.threads;
        const void *given[] = {&dim, &o->train.window, &o->train.negative, &o->train.sample,
                               &o->train.alpha, &o->train.seed, &kernel, &cbow, &hs, &regex,
                               &o->init_range, &schedule_epochs, &o->train.epochs,
                               &o->init_warmup};
        for (unsigned k = 0; k < sizeof given / sizeof *given; k++)
            o->given |= f->dst == given[k] ? 1u << k : 0;
        o->given |= f->dst == &max_token || f->dst == &o->tok.lowercase ? TRAIN_GIVEN_TOKENS : 0;
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
        cli_error(o->prog, "-negative 0 needs -hs 1 (there would be no output layer)");
        return -1;
    }
    if (!strcmp(kernel, "batch"))
        o->train.kernel = W2V_KERNEL_BATCH;
    else if (!strcmp(kernel, "pair"))
        o->train.kernel = W2V_KERNEL_PAIR;
    else {
        cli_error(o->prog, "-kernel: '%s' is neither 'batch' nor 'pair'", kernel);
        return -1;
    }
    o->corpus_given = o->corpus != NULL;
    if (!o->corpus && !o->resume) {
        cli_error(o->prog, "no corpus given (see %s --help)", o->prog);
        return -1;
    }
    if (o->resume && o->read_vocab) {
        cli_error(o->prog, "-resume takes the vocabulary from the checkpoint; drop -read-vocab");
        return -1;
    }
    if (mpi && (o->save_model || o->cont || o->init_vectors)) {
        cli_error(o->prog, "-save-model, -continue and -init-vectors are w2v-train's");
        return -1;
    }
    if ((o->cont != NULL) + (o->resume != NULL) + (o->init_vectors != NULL) > 1) {
        cli_error(o->prog, "-continue, -resume and -init-vectors exclude each other");
        return -1;
    }
    if (o->continue_schedule && !o->cont) {
        cli_error(o->prog, "-continue-schedule needs -continue MODEL");
        return -1;
    }
    int warmup_given = (o->given & TRAIN_GIVEN_INIT_WARMUP) != 0;
    if ((o->freeze_init || warmup_given) && !o->init_vectors) {
        cli_error(o->prog, "%s needs -init-vectors FILE",
                  o->freeze_init ? "-freeze-init" : "-init-warmup");
        return -1;
    }
    if (o->freeze_init && warmup_given) {
        cli_error(o->prog, "-freeze-init keeps the rows fixed to the end, -init-warmup F for "
                  "the first F of the run: give one");
        return -1;
    }
    if (o->freeze_init)
        o->init_warmup = 1;
    if (o->checkpoint && (o->cont || (o->init_vectors && o->init_warmup > 0))) {
        cli_error(o->prog, "-checkpoint does not record a continued model's merged counts or "
                  "frozen rows yet; drop it (-save-model and -continue instead; with "
                  "-init-vectors, -init-warmup 0)");
        return -1;
    }
    if (o->cont && o->read_vocab) {
        cli_error(o->prog, "-continue takes the vocabulary from the model; drop -read-vocab");
        return -1;
    }
    o->train.schedule_epochs = schedule_epochs;
    if (mpi && o->heldout) {
        cli_error(o->prog, "-heldout is w2v-train's");
        return -1;
    }
    if (o->heldout && o->train.negative == 0) {
        cli_error(o->prog, "-heldout scores negative sampling; it needs -negative N, N > 0");
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
    o->corp.threads = o->train.threads; /* the text is read with the training threads */
    o->tok.regex = regex;
    o->tok.max_token_bytes = (size_t)max_token;
    if (mpi && parse_sync(o, sync_every, sync_mode) != 0)
        return -1;
    return 0;
}

/* Append one "seconds words fraction alpha loss" line for -save-loss. */
static void log_loss(train_progress *ps, const w2v_progress *p)
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

w2v_status train_save_loss(const char *path, const train_progress *ps, w2v_error *err)
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

void train_on_progress(const w2v_progress *p, void *user)
{
    train_progress *ps = user;
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

const char *train_mode_name(const w2v_train_opts *t)
{
    if (t->cbow)
        return t->hs ? (t->negative ? "cbow+hs+ns" : "cbow+hs") : "cbow+ns";
    int batch = t->kernel == W2V_KERNEL_BATCH;
    if (t->hs)
        return t->negative ? "skip-gram+hs+ns" : batch ? "skip-gram+hs batch" : "skip-gram+hs pair";
    return batch ? "skip-gram+ns batch" : "skip-gram+ns pair";
}

w2v_status train_save_checkpoint(const w2v_train_state *st, void *user, w2v_error *err)
{
    train_ckpt *c = user;
    double t = cli_now();
    w2v_status s = w2v_checkpoint_save(c->path, c->o->corpus, c->tok, c->corpus,
                                       c->model, c->train, st, err);
    if (!s && c->o->verbose)
        fprintf(stderr, "\ncheckpoint %s written in %.1f s\n", c->path, cli_now() - t);
    return s;
}

/* Load a checkpoint and rebuild its corpus; checks the corpus is the same. */
w2v_status train_resume_from(train_options *o, const char *path, unsigned share,
                             unsigned shares, w2v_checkpoint *ck, w2v_tokenizer **tok,
                             w2v_corpus **corpus, w2v_error *err)
{
    w2v_status st = w2v_checkpoint_load(path, (size_t)(o->max_memory_gib * 1073741824.0),
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
    if (shares > 1) {
        uint64_t *cuts = malloc(((size_t)shares + 1) * sizeof *cuts);
        st = cuts ? w2v_tokenize_split(o->corpus, shares, cuts, err)
                  : w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
        if (!st) {
            co.range_begin = cuts[share];
            co.range_end = cuts[share + 1];
        }
        free(cuts);
        if (st)
            return st;
    }
    co.vocab = ck->vocab; /* the corpus takes it over */
    ck->vocab = NULL;
    st = w2v_corpus_build(o->corpus, *tok, &co, corpus, err);
    if (st)
        return st;
    if ((*corpus)->len != ck->corpus_len || (*corpus)->words != ck->corpus_words ||
        w2v_checkpoint_corpus_hash(*corpus) != ck->corpus_hash)
        return w2v_error_set(err, W2V_ERR_ARG,
                             "%s: this is not the corpus%s the checkpoint %s was made on "
                             "(it was %s%s)", o->corpus, shares > 1 ? " share" : "", path,
                             ck->corpus_path, shares > 1 ? ", with as many processes?" : "");
    /* Settings come from the checkpoint; only how to run comes from flags. */
    w2v_train_opts t = ck->train;
    t.progress_every = o->train.progress_every;
    o->train = t;
    o->dim = ck->model.D;
    return W2V_OK;
}


w2v_status train_write_vectors(const train_options *o, const w2v_vocab *vocab,
                               const w2v_model *model, w2v_error *err)
{
    size_t V = w2v_vocab_size(vocab);
    const char **words = malloc(V * sizeof *words);
    if (!words)
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < V; i++)
        words[i] = w2v_vocab_word(vocab, (uint32_t)i);
    w2v_status st = w2v_vectors_write(o->output, o->binary, V, o->dim, words, model->in,
                                      model->stride, err);
    free(words);
    return st;
}

w2v_status train_probe_outputs(const char *const *paths, size_t n, w2v_error *err)
{
    for (size_t i = 0; i < n; i++) {
        w2v_afile *probe;
        FILE *fp;
        if (!paths[i])
            continue;
        w2v_status st = w2v_afile_open(paths[i], &probe, &fp, err);
        if (st)
            return st;
        w2v_afile_abort(probe);
    }
    return W2V_OK;
}

w2v_status train_create_model(const train_options *o, size_t V, w2v_model *model,
                              w2v_error *err)
{
    w2v_model_opts mo = w2v_model_opts_default();
    mo.seed = o->train.seed;
    mo.init_range = o->init_range;
    mo.max_bytes = (size_t)(o->max_memory_gib * 1073741824.0);
    mo.ns = o->train.negative > 0;
    mo.hs = o->train.hs;
    mo.threads = o->train.threads;
    return w2v_model_create(model, V, o->dim, &mo, err);
}
