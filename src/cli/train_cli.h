/*
 * train_cli.h - the parts of w2v-train that w2v-train-mpi shares: options
 * and their parsing, the progress line, the loss log, checkpoints.
 */
#ifndef W2V_TRAIN_CLI_H
#define W2V_TRAIN_CLI_H

#include <stdio.h>

#include "w2v/checkpoint.h"
#include "w2v/corpus.h"
#include "w2v/model.h"
#include "w2v/tokenize.h"
#include "w2v/train.h"

/* -init-warmup's default: the share of the run the start rows stay fixed
 * (docs/continue.md measures it) */
#define TRAIN_INIT_WARMUP_DEFAULT 0.75

typedef struct {
    const char *corpus, *output, *save_vocab, *read_vocab, *checkpoint, *resume, *save_loss,
               *heldout;
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
    const char *prog;      /* the program's name, for messages */
    int mpi;               /* w2v-train-mpi: the data-parallel flags below */
    double sync_words;     /* -sync-every N: words per process between syncs */
    double sync_seconds;   /* -sync-every Ns: seconds between syncs */
    int sync_mode;         /* -sync-mode: 0 sum, 1 mean, 2 auto (w2v_delta_mode) */
    int threads_given;     /* -threads was on the command line */
    /* a saved model (train_model.h) */
    const char *save_model, *cont, *init_vectors; /* -save-model, -continue, -init-vectors */
    int continue_schedule, freeze_init;
    double init_warmup; /* the share of the run the -init-vectors rows stay fixed
                           (-freeze-init: 1, the whole run) */
    unsigned given;        /* TRAIN_GIVEN_* bits: flags on the command line */
} train_options;

/* Flags given on the command line: a continued model supplies the value of
 * those not given; -init-warmup's bit tells whether it was. */
enum {
    TRAIN_GIVEN_DIM = 1 << 0, TRAIN_GIVEN_WINDOW = 1 << 1, TRAIN_GIVEN_NEGATIVE = 1 << 2,
    TRAIN_GIVEN_SAMPLE = 1 << 3, TRAIN_GIVEN_ALPHA = 1 << 4, TRAIN_GIVEN_SEED = 1 << 5,
    TRAIN_GIVEN_KERNEL = 1 << 6, TRAIN_GIVEN_CBOW = 1 << 7, TRAIN_GIVEN_HS = 1 << 8,
    TRAIN_GIVEN_TOKENS = 1 << 9, TRAIN_GIVEN_INIT_RANGE = 1 << 10,
    TRAIN_GIVEN_SCHEDULE = 1 << 11, TRAIN_GIVEN_EPOCHS = 1 << 12,
    TRAIN_GIVEN_INIT_WARMUP = 1 << 13,
};

/* The usage text; mpi adds the data-parallel flags. */
void train_usage(FILE *fp, const char *prog, int mpi);

/* argv -> options; prints the usage and exits on -help; on a bad flag
 * prints the reason (naming prog) and returns -1. */
int train_parse_args(int argc, char **argv, train_options *o, const char *prog, int mpi);

/* Progress printing and the -save-loss log. */
typedef struct {
    int tty, quiet;
    double last_line;
    char *loss;          /* -save-loss lines, written at the end */
    size_t loss_len, loss_cap;
} train_progress;

/* A w2v_progress_fn: user is a train_progress. */
void train_on_progress(const w2v_progress *p, void *user);
/* Write the -save-loss lines collected so far, atomically. */
w2v_status train_save_loss(const char *path, const train_progress *ps, w2v_error *err);

/* "skip-gram+ns batch", "cbow+hs", ... */
const char *train_mode_name(const w2v_train_opts *t);

/* What a checkpoint holds besides the training state. */
typedef struct {
    const train_options *o;
    const char *path;          /* the file to write */
    const w2v_corpus *corpus;
    const w2v_model *model;
    const w2v_train_opts *train;
    const w2v_tokenize_opts *tok;
} train_ckpt;

/* A w2v_checkpoint_fn: user is a train_ckpt. */
w2v_status train_save_checkpoint(const w2v_train_state *st, void *user, w2v_error *err);

/*
 * Load the checkpoint path and rebuild its corpus (share of shares, as
 * w2v_tokenize_split cuts it, when shares > 1) with the checkpoint's
 * vocabulary; refuses a corpus other than the one it was made on.
 * Settings come from the checkpoint, only how to run from the flags.
 */
w2v_status train_resume_from(train_options *o, const char *path, unsigned share,
                             unsigned shares, w2v_checkpoint *ck, w2v_tokenizer **tok,
                             w2v_corpus **corpus, w2v_error *err);

/* The model the options ask for (seed, init range, memory cap, matrices). */
w2v_status train_create_model(const train_options *o, size_t V, w2v_model *model,
                              w2v_error *err);

/* Write W_E with the vocabulary's words to o->output (atomically). */
w2v_status train_write_vectors(const train_options *o, const w2v_vocab *vocab,
                               const w2v_model *model, w2v_error *err);

/* Fail on an unwritable output now, not after hours of training: open and
 * drop a temporary file beside each path (NULL entries are skipped). */
w2v_status train_probe_outputs(const char *const *paths, size_t n, w2v_error *err);

#endif
