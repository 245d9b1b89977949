/*
 * mpi_job.h - the MPI side of w2v-train-mpi: one corpus read in shares,
 * one vocabulary, and models kept in step by periodic synchronisation.
 *
 * DESIGN: data parallelism over the single-node engine.  Each process
 * (rank) reads its own byte range of the corpus (w2v_tokenize_split), the
 * ranks' word counts are merged on rank 0 in rank order, which gives
 * exactly the single-node vocabulary, and each rank trains its share with
 * its own Hogwild threads into its own copy of the model (all copies start
 * identical: same seed).  w2v_train calls mpi_job_sync (a w2v_sync_fn)
 * from its control thread every tick; when this rank's trigger fires
 * (-sync-every words or seconds, or its workers have finished) the ranks
 * meet in a round:
 *   1. a small allreduce of words done, finished workers, stop and
 *      checkpoint requests, so every rank takes the same decision;
 *   2. the model exchange of delta.h: per matrix an allreduce of the
 *      touched-row marks, then of the packed changes of the rows any rank
 *      touched, in chunks of at most MPI_JOB_CHUNK_BYTES.
 * The workers keep training while the control thread waits and exchanges,
 * so communication overlaps with computation; changes made meanwhile
 * travel with the next round.  A checkpoint or a stop pauses every rank's
 * workers in the same round and exchanges once more, exactly, so all
 * copies are equal when each rank saves its own file.  Only the control
 * (main) thread calls MPI (MPI_THREAD_FUNNELED).
 *
 * Failure: an error on one rank in a phase all ranks go through together
 * (reading, merging) is agreed on, so all stop with the failing rank's
 * message; an error during training, or a rank that dies, ends the whole
 * job through MPI_Abort or mpirun, never a hang.
 */
#ifndef W2V_MPI_JOB_H
#define W2V_MPI_JOB_H

#include <mpi.h>
#include <stdatomic.h>
#include <stdint.h>

#include "w2v/corpus.h"
#include "train/delta.h"
#include "w2v/error.h"
#include "w2v/model.h"
#include "w2v/tokenize.h"
#include "w2v/train.h"

/* Largest piece of packed rows one allreduce carries: bounds the two
 * exchange buffers and keeps each message well inside MPI's int counts. */
#define MPI_JOB_CHUNK_BYTES ((size_t)32 << 20)

typedef struct {
    MPI_Comm comm;
    int rank, size;
    /* settings */
    w2v_delta_mode mode;
    double sync_words;       /* per rank between rounds (0: by time) */
    double sync_seconds;     /* between rounds (0: by words) */
    double ckpt_every;       /* seconds between checkpoints; 0: only on stop */
    int ckpt;                /* checkpoints are taken (-checkpoint) */
    atomic_int *stop;        /* this rank's SIGINT/SIGTERM flag */
    /* state */
    w2v_model *model;
    float *base_in, *base_out, *base_hs;  /* the model as agreed at the last round */
    uint16_t *touched, *count;            /* per row */
    float *own, *sum;                     /* exchange buffers, MPI_JOB_CHUNK_BYTES each */
    uint64_t next_words;     /* local words at which the next round is due */
    double next_time, next_ckpt;
    uint64_t round_local, round_global; /* words at the last round: this rank, all */
    int stop_agreed;         /* the last round decided to stop */
    /* what the rounds cost (this rank) */
    uint64_t rounds, rows_moved, bytes_sent;
    double seconds_waiting;    /* in the first allreduce of a round, for the others */
    double seconds_exchanging; /* marking, packing, reducing and applying changes */
} mpi_job;

/* Rank and size of comm; nothing else set up yet. */
void mpi_job_init(mpi_job *job, MPI_Comm comm);

/*
 * Agree on a phase every rank went through: if any rank's st is not OK,
 * every rank gets W2V_ERR_ARG (or its own error) and the lowest failing
 * rank's message in err, prefixed with its rank.
 */
w2v_status mpi_job_agree(mpi_job *job, w2v_status st, w2v_error *err);

/*
 * Read this rank's share of path and finish it with the job's vocabulary
 * (counts merged on rank 0 in rank order, then min-count and max-vocab as
 * in opts).  opts->vocab (a -read-vocab vocabulary) skips the merge: each
 * rank reads its share against it.  stats receives the tokenizer's totals
 * over all ranks.  Collective; the status is agreed.
 */
w2v_status mpi_job_read_corpus(mpi_job *job, const char *path, const w2v_tokenizer *tok,
                               const w2v_corpus_opts *opts, w2v_corpus **out,
                               w2v_tokenize_stats *stats, w2v_error *err);

/* This rank's byte range of path (for a resume); collective, agreed. */
w2v_status mpi_job_range(mpi_job *job, const char *path, uint64_t *begin, uint64_t *end,
                         w2v_error *err);

/* Start synchronising model (identical on every rank): allocates the
 * agreed copies and buffers.  Not collective. */
w2v_status mpi_job_start(mpi_job *job, w2v_model *model, w2v_error *err);

/* The w2v_sync_fn (user = the job). */
w2v_status mpi_job_sync(w2v_sync_call *call, void *user, w2v_sync_answer *answer,
                        w2v_error *err);

/* Sum of x over all ranks (words, counters). */
uint64_t mpi_job_sum(mpi_job *job, uint64_t x);

/* The tokenizer's counts summed over all ranks. */
w2v_tokenize_stats mpi_job_sum_stats(mpi_job *job, const w2v_tokenize_stats *mine);

void mpi_job_free(mpi_job *job);

#endif
