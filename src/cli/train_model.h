/*
 * train_model.h - w2v-train's saved models: -save-model, -continue MODEL
 * (with -continue-schedule), -init-vectors FILE (with -freeze-init).
 */
#ifndef W2V_TRAIN_MODEL_H
#define W2V_TRAIN_MODEL_H

#include "train_cli.h"
#include "w2v/model_file.h"
#include "w2v/vecio.h"

/* -continue without -alpha: the model's starting rate times this; and
 * -init-vectors without -alpha: the fresh run's (the measurements behind
 * it are in docs/continue.md). */
#define TRAIN_CONTINUE_ALPHA_RATIO 0.5

/* What a run started from a model carries to its end. */
typedef struct {
    uint64_t count_total;  /* words the vocabulary's counts cover */
    size_t old_words;      /* words the model had (-continue) */
    size_t matched;        /* rows taken from -init-vectors */
    unsigned char *frozen; /* -freeze-init: per word, 1 = row kept fixed */
    size_t new_words, rare_words; /* -continue: words added, new words under -min-count */
    char *regex;           /* the model's token pattern (o->tok.regex points here) */
    w2v_vectors *init;     /* -init-vectors, between reading and use */
} train_start;

/* Free what a train_start holds. */
void train_start_free(train_start *ts);

/*
 * -continue o->cont: load the model, take the settings it fixes (a
 * conflicting flag is an error), read o->corpus and merge its vocabulary
 * into the model's (or, with -continue-schedule, check it is the model's
 * last corpus and restore the schedule's state).  On success *tok, *corpus,
 * *model and *state are the caller's (state initialised for
 * o->train.threads workers).
 */
w2v_status train_continue_from(train_options *o, w2v_tokenizer **tok, w2v_corpus **corpus,
                               w2v_model *model, w2v_train_state *state, train_start *ts,
                               w2v_error *err);

/* -init-vectors, first half (before the corpus is read, so a wrong file
 * fails at once): read the file into ts->init; its dimension must be
 * -dim's, and without -dim it sets o->dim; without -alpha the rate is
 * halved (TRAIN_CONTINUE_ALPHA_RATIO). */
w2v_status train_init_read(train_options *o, train_start *ts, w2v_error *err);

/* Second half: create the model for vocab and copy the file's rows into
 * W_E for the words both have; fills ts->matched and, with a warm-up
 * (-init-warmup, -freeze-init), ts->frozen; frees ts->init.  No word in common is an error. */
w2v_status train_init_vectors(const train_options *o, const w2v_vocab *vocab,
                              w2v_model *model, train_start *ts, w2v_error *err);

/* -save-model: the finished run (state as w2v_train returned it). */
w2v_status train_save_model(const train_options *o, const w2v_corpus *corpus,
                            const w2v_model *model, const w2v_train_state *state,
                            const train_start *ts, w2v_error *err);

#endif
