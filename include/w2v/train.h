/*
 * train.h - the Hogwild trainer: skip-gram or CBOW, with negative sampling,
 * hierarchical softmax or both.
 *
 * DESIGN (Hogwild, Niu et al. 2011): T threads update the shared matrices
 * without locks.  Updates of one sparse SGD step touch a few rows; two
 * threads rarely touch the same row at once, and when they do one update is
 * partly lost, which SGD tolerates.  That race on the weights is the only
 * one and it is intended.  Everything else shared is atomic: the progress
 * counter, from which each thread computes the learning rate
 *     alpha(p) = alpha0 * max(1 - p, 1e-4),  p = words done / (epochs * words)
 * (schedule_epochs in place of epochs when set),
 * and the stop flag.  Thread i trains the i-th contiguous shard of the id
 * stream (shard ends are sentence ends) with its own random stream, so with
 * one thread and a fixed seed two runs give bit-identical vectors.
 */
#ifndef W2V_TRAIN_H
#define W2V_TRAIN_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "w2v/corpus.h"
#include "w2v/error.h"
#include "w2v/model.h"

/* Words a thread trains before it publishes progress and rereads alpha. */
#define W2V_TRAIN_CHUNK 10000
/* Longest run of kept words trained as one span; a longer sentence is cut
 * here (word2vec.c cuts at 1000; at 10,000 the windows lost are 0.05%). */
#define W2V_TRAIN_SPAN 10000
#define W2V_TRAIN_MAX_THREADS 1024
#define W2V_TRAIN_MAX_WINDOW 128
#define W2V_TRAIN_MAX_NEGATIVE 256

typedef enum { W2V_KERNEL_BATCH = 0, W2V_KERNEL_PAIR = 1 } w2v_kernel;

typedef struct {
    double fraction;     /* of all epochs, 0..1 */
    uint64_t words_done; /* corpus words processed (before sub-sampling) */
    uint64_t words_total;
    double alpha;        /* current learning rate */
    double elapsed;      /* wall seconds since training started */
    double words_per_sec;/* wall clock, all threads together */
    double eta;          /* seconds left at the current speed */
    unsigned epoch;      /* 1-based epoch of the slowest thread */
    double loss;         /* with track_loss: mean loss per (context, centre)
                            pair since the previous call (NaN if none) */
} w2v_progress;

typedef void (*w2v_progress_fn)(const w2v_progress *p, void *user);

/* Where one worker stands: enough to continue exactly there. */
typedef struct {
    uint32_t epoch;    /* epochs this worker has completed */
    uint64_t pos;      /* next index into corpus->ids (inside its shard) */
    uint64_t rng;      /* generator state */
    uint64_t pending;  /* words trained but not yet added to words_done */
    float alpha;       /* learning rate in use */
    uint64_t tail;     /* once finished: the pending words it published at the
                          end (a saved model's schedule takes them back, so a
                          continued run publishes exactly where an
                          uninterrupted one would; model_file.h) */
} w2v_worker_state;

/* The whole schedule: with the two matrices, a checkpoint. */
typedef struct {
    unsigned threads;
    int saved;                    /* non-zero once it holds a position */
    uint64_t words_done;          /* the shared progress counter */
    w2v_worker_state *workers;    /* threads entries */
} w2v_train_state;

/* Called with the workers paused; a non-OK return ends training with it. */
typedef w2v_status (*w2v_checkpoint_fn)(const w2v_train_state *state, void *user,
                                        w2v_error *err);

/* Allocate room for threads worker states (all zero); free with _free. */
w2v_status w2v_train_state_init(w2v_train_state *state, unsigned threads, w2v_error *err);
void w2v_train_state_free(w2v_train_state *state);

/*
 * The link of a data-parallel job (several processes, each training its own
 * share of the corpus into its own copy of the model) to the other
 * processes.  The trainer calls it once with paused = 1 before the workers
 * start (to learn where the job stands), then from its control thread
 * every tick (20 ms) while the workers train, so the hook can exchange model changes
 * while they go on, and keeps calling it after its own workers have
 * finished, until the hook answers W2V_SYNC_DONE.  An answer of
 * W2V_SYNC_PAUSE stops the workers at span boundaries and calls the hook
 * once more with paused = 1 (an exact synchronisation point); after that
 * call the trainer saves a checkpoint (if opts->checkpoint is set) and goes
 * on, or, if that call answers W2V_SYNC_STOP, ends the run with
 * W2V_ERR_INTERRUPTED.  In a data-parallel job the hook, not opts->stop,
 * decides when to stop, since every process has to stop at the same point.
 */
typedef enum {
    W2V_SYNC_GO_ON = 0,  /* nothing to do (or done); call again next tick */
    W2V_SYNC_PAUSE = 1,  /* pause the workers and call again with paused = 1 */
    W2V_SYNC_STOP = 2,   /* (paused call) checkpoint and end the run interrupted */
    W2V_SYNC_DONE = 3,   /* (after finished) the whole job is done */
} w2v_sync_answer;

typedef struct {
    w2v_model *model;       /* the matrices this process's workers update */
    uint64_t words_done;    /* this process's corpus words so far */
    int finished;           /* every worker here has finished every epoch */
    int paused;             /* the workers are stopped (PAUSE was answered) */
    uint64_t others_done;   /* set by the hook: the other processes' words so
                               far; the learning rate follows the sum */
} w2v_sync_call;

typedef w2v_status (*w2v_sync_fn)(w2v_sync_call *call, void *user, w2v_sync_answer *answer,
                                  w2v_error *err);

typedef struct {
    unsigned window;      /* max context distance, shrunk at random per centre word */
    unsigned negative;    /* K negatives per positive */
    unsigned epochs;
    unsigned threads;
    double alpha;         /* starting learning rate */
    double sample;        /* sub-sampling threshold t; 0 disables */
    uint64_t seed;
    w2v_kernel kernel;    /* skip-gram with negative sampling only */
    int cbow;             /* 1: CBOW (mean of the context predicts the centre) */
    int hs;               /* 1: hierarchical softmax (with or without negatives) */
    int scalar_only;      /* use the reference kernels (tests, debugging) */
    int track_loss;       /* compute the loss for w2v_progress (costs a log per pair) */
    w2v_progress_fn progress; /* called from the calling thread; may be NULL */
    void *progress_user;
    double progress_every; /* seconds between progress calls */
    atomic_int *stop;     /* optional: set non-zero to stop early */
    w2v_checkpoint_fn checkpoint; /* optional: saves the state (see w2v_train) */
    void *checkpoint_user;
    double checkpoint_every;      /* seconds between checkpoints; 0: only on stop */
    w2v_sync_fn sync;             /* optional: a data-parallel job (above) */
    void *sync_user;
    uint64_t job_words;           /* with sync: corpus words of the whole job, one
                                     epoch (the learning rate's schedule); 0: this
                                     corpus's */
    unsigned schedule_epochs;     /* epochs the learning rate decays over; 0: epochs.
                                     More than epochs ends the run part way down
                                     the schedule, for a saved model to continue */
    uint64_t count_total;         /* the words the vocabulary's counts were taken
                                     over, for the sub-sampling frequencies (a
                                     continued model's counts cover earlier text
                                     too); 0: epoch words */
    const unsigned char *frozen;  /* optional, one flag per word: W_E rows that
                                     stay fixed (the kernels update a copy) */
    double frozen_until;          /* with frozen: the fraction of the run (of
                                     its word-updates) after which those rows
                                     train too, a warm-up of the fresh output
                                     layer against them; 0 or 1: fixed to the
                                     end */
} w2v_train_opts;

typedef struct {
    uint64_t words;        /* corpus words processed, all epochs */
    uint64_t trained;      /* words kept after sub-sampling (centre words) */
    uint64_t pairs;        /* kernel steps: (context, centre) pairs for
                              skip-gram, centre words with a context for CBOW */
    double seconds;        /* wall time of training */
    const char *kernel;    /* name of the kernel variant that ran */
} w2v_train_stats;

/* word2vec.c's skip-gram defaults: window 5, 5 negatives, 5 epochs,
 * alpha 0.025, sample 1e-3, 1 thread, seed 1, batch kernel, no CBOW, no HS.
 * (word2vec.c uses alpha 0.05 for CBOW: the program sets that.) */
w2v_train_opts w2v_train_opts_default(void);

/* Check opts against the limits above; W2V_ERR_ARG names the bad field. */
w2v_status w2v_train_check(const w2v_train_opts *opts, w2v_error *err);

/*
 * Train model (created for corpus->vocab) on corpus.  Blocks until done;
 * starts opts->threads workers and uses the calling thread for progress.
 * state: NULL, or initialised by w2v_train_state_init: if it was saved by
 * an earlier run (saved != 0) training resumes from it (same corpus, options and threads);
 * on return it holds where training ended.  Every checkpoint_every seconds,
 * and once more when *stop ends the run, the workers pause at a span
 * boundary and opts->checkpoint gets the state.  With one thread, a run
 * resumed from any checkpoint ends bit-identical to an uninterrupted one.
 * @return W2V_OK; W2V_ERR_ARG; W2V_ERR_NOMEM; the checkpoint callback's
 * error; W2V_ERR_INTERRUPTED if *stop was set (the model holds the partial
 * training and the final checkpoint was taken).
 */
w2v_status w2v_train(const w2v_corpus *corpus, w2v_model *model, const w2v_train_opts *opts,
                     w2v_train_state *state, w2v_train_stats *stats, w2v_error *err);

#endif
