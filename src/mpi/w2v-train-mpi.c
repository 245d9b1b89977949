/*
 * w2v-train-mpi - w2v-train across processes and machines with MPI.
 *
 *     mpirun -np 4 w2v-train-mpi corpus.txt -dim 300 -o vectors.bin
 *
 * The same flags as w2v-train (-threads counts per process), plus
 * -sync-every and -sync-mode.  Each process reads and trains its own share
 * of the corpus; mpi_job.h says how they stay one model.  Rank 0 prints
 * and writes the outputs; with -checkpoint FILE every rank R saves
 * FILE.rank<R> at the same synchronisation point.
 */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mpi_job.h"
#include "train_cli.h"
#include "w2v/checkpoint.h"
#include "w2v/vocab.h"

#define PROG "w2v-train-mpi"

typedef struct {
    mpi_job job;
    train_options o;
    char ckpt_path[4096], resume_path[4096];
    w2v_tokenizer *tok;
    w2v_corpus *corpus;
    w2v_model model;
    w2v_checkpoint ck;
    w2v_train_state state;
    w2v_tokenize_stats tstats; /* all ranks */
    uint64_t job_words;        /* corpus words of all ranks, one epoch */
    double t0, t_read;
} run;

/* 1 for --help, 2 for --version (whichever comes first), else 0. */
static int is_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i]) || cli_is_version(argv[i]))
            return cli_is_help(argv[i]) ? 1 : 2;
    return 0;
}

/* Parse on every rank; only rank 0 says what is wrong. */
static int parse(run *r, int argc, char **argv)
{
    int saved = -1;
    if (r->job.rank != 0) {
        fflush(stderr);
        saved = dup(STDERR_FILENO);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDERR_FILENO);
            close(null);
        }
    }
    int bad = train_parse_args(argc, argv, &r->o, PROG, 1) != 0;
    if (saved >= 0) {
        fflush(stderr);
        dup2(saved, STDERR_FILENO);
        close(saved);
    }
    return bad;
}

/* Default threads: the cores this process is bound to, or, unbound, the
 * machine's cores shared by the ranks on it. */
static unsigned local_threads(const mpi_job *job)
{
    unsigned mine = cli_ncores();
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online > 0 && mine < (unsigned)online)
        return mine;
    MPI_Comm local;
    int n = 1;
    if (MPI_Comm_split_type(job->comm, MPI_COMM_TYPE_SHARED, job->rank, MPI_INFO_NULL,
                            &local) == MPI_SUCCESS) {
        MPI_Comm_size(local, &n);
        MPI_Comm_free(&local);
    }
    unsigned t = mine / (unsigned)(n > 0 ? n : 1);
    return t ? t : 1;
}

/* mpirun binds each process to one core by default when there are at
 * least as many cores as processes: more threads than that share it. */
static void warn_binding(const run *r)
{
    int over = r->o.train.threads > cli_ncores(), any;
    MPI_Allreduce(&over, &any, 1, MPI_INT, MPI_MAX, r->job.comm);
    if (any && r->job.rank == 0)
        fprintf(stderr, PROG ": note: %u threads a process, but a process is bound to fewer "
                "cores (rank 0: %u); run mpirun with --bind-to none or --map-by "
                "slot:PE=%u\n", r->o.train.threads, cli_ncores(), r->o.train.threads);
}

static w2v_status resume(run *r, w2v_error *err)
{
    mpi_job *job = &r->job;
    snprintf(r->resume_path, sizeof r->resume_path, "%s.rank%d", r->o.resume, job->rank);
    w2v_status st = train_resume_from(&r->o, r->resume_path, (unsigned)job->rank,
                                      (unsigned)job->size, &r->ck, &r->tok, &r->corpus, err);
    st = mpi_job_agree(job, st, err);
    if (st)
        return st;
    r->model = r->ck.model;
    memset(&r->ck.model, 0, sizeof r->ck.model);
    r->state = r->ck.state;
    memset(&r->ck.state, 0, sizeof r->ck.state);
    /* One MIN over (h, ~h) gives the least h and the complement of the greatest. */
    uint64_t h = w2v_checkpoint_model_hash(&r->model), mine[2] = {h, ~h}, least[2];
    MPI_Allreduce(mine, least, 2, MPI_UINT64_T, MPI_MIN, job->comm);
    if (least[0] != ~least[1])
        return w2v_error_set(err, W2V_ERR_FORMAT, "%s.rank*: the ranks' checkpoints hold "
                             "different models (not written at the same point; a rank's "
                             "write failed?)", r->o.resume);
    r->tstats = mpi_job_sum_stats(job, &r->corpus->tok);
    return W2V_OK;
}

static w2v_status start(run *r, w2v_error *err)
{
    mpi_job *job = &r->job;
    train_options *o = &r->o;
    if (o->checkpoint)
        snprintf(r->ckpt_path, sizeof r->ckpt_path, "%s.rank%d", o->checkpoint, job->rank);
    const char *outs[] = {job->rank == 0 ? o->output : NULL, job->rank == 0 ? o->save_vocab : NULL,
                          job->rank == 0 ? o->save_loss : NULL, o->checkpoint ? r->ckpt_path : NULL};
    w2v_status st = mpi_job_agree(job, train_probe_outputs(outs, 4, err), err);
    if (st)
        return st;
    r->t0 = cli_now();
    if (o->resume) {
        st = resume(r, err);
    } else {
        if (o->read_vocab)
            st = w2v_vocab_load(o->read_vocab, &o->corp.vocab, err);
        if (!st)
            st = w2v_tokenizer_create(&o->tok, &r->tok, err);
        st = mpi_job_agree(job, st, err);
        if (st) {
            w2v_vocab_free(o->corp.vocab);
            return st;
        }
        st = mpi_job_read_corpus(job, o->corpus, r->tok, &o->corp, &r->corpus, &r->tstats, err);
    }
    if (st)
        return st;
    r->t_read = cli_now() - r->t0;
    r->job_words = mpi_job_sum(job, r->corpus->words);
    if (job->rank == 0 && o->save_vocab)
        st = w2v_vocab_save(r->corpus->vocab, o->save_vocab, err);
    if (!st && !o->resume) {
        st = train_create_model(o, w2v_vocab_size(r->corpus->vocab), &r->model, err);
        /* Every rank starts from the same model; their workers draw their
         * own random streams. */
        o->train.seed ^= (uint64_t)job->rank * 0x9E3779B97F4A7C15ull;
        if (!st)
            st = w2v_train_state_init(&r->state, o->train.threads, err);
    }
    if (!st)
        st = mpi_job_start(job, &r->model, err);
    return mpi_job_agree(job, st, err);
}

static void say_start(const run *r)
{
    const train_options *o = &r->o;
    fprintf(stderr,
            "corpus %s: %llu tokens, %.1f MB in %.2f s, read in %d shares; vocabulary %zu "
            "words (min-count %llu), %llu training words\n",
            o->corpus, (unsigned long long)r->tstats.tokens, (double)r->tstats.bytes / 1e6,
            r->t_read, r->job.size, w2v_vocab_size(r->corpus->vocab),
            (unsigned long long)o->corp.min_count, (unsigned long long)r->job_words);
    if (r->o.resume)
        fprintf(stderr, "resuming %s.rank* (settings from the checkpoints)\n", o->resume);
    fprintf(stderr, "training %s: dim %zu, window %u, negative %u, alpha %g, sample %g, "
            "%u epoch(s); %d processes x %u thread(s); sync every %g %s (%s)\n",
            train_mode_name(&o->train), o->dim, o->train.window, o->train.negative,
            o->train.alpha, o->train.sample, o->train.epochs, r->job.size, o->train.threads,
            o->sync_words > 0 ? o->sync_words : o->sync_seconds,
            o->sync_words > 0 ? "words a process" : "seconds",
            (const char *[]){"sum", "mean", "auto"}[o->sync_mode]);
}

/* What the synchronisation cost: totals over the ranks, times of the
 * slowest. */
static void say_sync(const run *r, double wall, const w2v_train_stats *ts)
{
    const mpi_job *job = &r->job;
    uint64_t mine[3] = {job->rows_moved, job->bytes_sent, ts->words}, all[3];
    double secs[2] = {job->seconds_exchanging, job->seconds_waiting}, most[2];
    MPI_Reduce(mine, all, 3, MPI_UINT64_T, MPI_SUM, 0, job->comm);
    MPI_Reduce(secs, most, 2, MPI_DOUBLE, MPI_MAX, 0, job->comm);
    if (job->rank != 0 || r->o.quiet)
        return;
    double rounds = job->rounds ? (double)job->rounds : 1;
    fprintf(stderr,
            "trained %llu words in %.1f s (%.1fk words/s, all processes); peak memory %.0f MB "
            "(rank 0); wrote %s\n",
            (unsigned long long)all[2], wall, (double)all[2] / wall / 1e3,
            (double)cli_peak_rss() / 1e6, r->o.output);
    fprintf(stderr,
            "sync: %llu rounds, %.0f words (rows) moved a round a process, %.2f MB sent a round "
            "a process, %.1f MB by all processes together; exchanging %.2f s a round, waiting "
            "%.2f s in all (slowest rank; the workers train meanwhile)\n",
            (unsigned long long)job->rounds, (double)job->rows_moved / rounds,
            (double)job->bytes_sent / rounds / 1e6, (double)all[1] / 1e6, most[0] / rounds,
            most[1]);
}

static int train(run *r, w2v_error *err)
{
    mpi_job *job = &r->job;
    train_options *o = &r->o;
    if (job->rank == 0 && !o->quiet)
        say_start(r);
    warn_binding(r);
    train_progress ps = {.tty = isatty(STDERR_FILENO), .quiet = o->quiet || job->rank != 0};
    if (job->rank == 0 && (!o->quiet || o->save_loss)) {
        o->train.progress = train_on_progress;
        o->train.progress_user = &ps;
    }
    o->train.track_loss = job->rank == 0 && o->save_loss != NULL;
    train_ckpt cc = {.o = o, .path = r->ckpt_path, .corpus = r->corpus, .model = &r->model,
                     .train = &o->train, .tok = &o->tok};
    if (o->checkpoint) {
        o->train.checkpoint = train_save_checkpoint;
        o->train.checkpoint_user = &cc;
    }
    o->train.checkpoint_every = 0; /* the job decides when, for every rank at once */
    o->train.stop = NULL;          /* likewise when to stop */
    o->train.sync = mpi_job_sync;
    o->train.sync_user = job;
    o->train.job_words = r->job_words;
    w2v_train_stats ts;
    w2v_status st = w2v_train(r->corpus, &r->model, &o->train, &r->state, &ts, err);
    if (o->save_loss && job->rank == 0 && (st == W2V_OK || st == W2V_ERR_INTERRUPTED)) {
        w2v_error lerr;
        if (train_save_loss(o->save_loss, &ps, &lerr) != W2V_OK)
            cli_error(PROG, "%s", lerr.msg);
    }
    free(ps.loss);
    if (job->rank == 0 && !o->quiet && ps.tty)
        fputc('\n', stderr);
    if (st == W2V_ERR_INTERRUPTED) { /* every rank stopped at the same round */
        if (job->rank == 0 && o->checkpoint)
            cli_error(PROG, "interrupted; checkpoints written to %s.rank* (continue with "
                      "mpirun -np %d ... -resume %s)", o->checkpoint, job->size, o->checkpoint);
        else if (job->rank == 0)
            cli_error(PROG, "interrupted; nothing written (-checkpoint FILE makes a run "
                      "resumable)");
        return 130;
    }
    if (st) { /* this rank alone: the others may wait in a collective */
        cli_error(PROG, "rank %d: %s", job->rank, err->msg);
        MPI_Abort(job->comm, 1);
        return 1;
    }
    if (job->rank == 0)
        st = train_write_vectors(o, r->corpus->vocab, &r->model, err);
    if (mpi_job_agree(job, st, err) != W2V_OK) {
        if (job->rank == 0)
            cli_error(PROG, "%s", err->msg);
        return 1;
    }
    say_sync(r, cli_now() - r->t0, &ts);
    return 0;
}

/*
 * Open MPI: take the ring allreduce for the exchange.  It is bandwidth-
 * optimal for large messages (the scaling model assumes it), and Open MPI's
 * own choice was 4-5 times slower on one machine (docs/mpi.md;
 * scripts/bench-allreduce.sh measures it).  A
 * setting of the user's (mpirun --mca, or the environment) wins; other
 * MPIs ignore these variables.
 */
static void prefer_ring_allreduce(void)
{
    setenv("OMPI_MCA_coll_tuned_use_dynamic_rules", "1", 0);
    setenv("OMPI_MCA_coll_tuned_allreduce_algorithm", "4", 0);
}

int main(int argc, char **argv)
{
    int provided;
    prefer_ring_allreduce();
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    run *r = calloc(1, sizeof *r);
    if (!r) {
        cli_error(PROG, "out of memory");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    mpi_job_init(&r->job, MPI_COMM_WORLD);
    int rc;
    w2v_error err;
    w2v_error_clear(&err);
    int help = is_help(argc, argv);
    if (help) {
        if (r->job.rank == 0 && help == 1)
            train_usage(stdout, PROG, 1);
        else if (r->job.rank == 0)
            cli_print_version(PROG);
        rc = 0;
    } else if (parse(r, argc, argv) != 0) {
        rc = 2;
    } else {
        if (!r->o.threads_given)
            r->o.train.threads = local_threads(&r->job);
        r->job.mode = (w2v_delta_mode)r->o.sync_mode;
        r->job.sync_words = r->o.sync_words;
        r->job.sync_seconds = r->o.sync_seconds;
        r->job.ckpt = r->o.checkpoint != NULL;
        r->job.ckpt_every = r->o.checkpoint_every;
        r->job.stop = cli_catch_stop_signals();
        if (r->job.rank != 0)
            r->o.quiet = 1;
        if (start(r, &err) != W2V_OK) {
            if (r->job.rank == 0)
                cli_error(PROG, "%s", err.msg);
            rc = 1;
        } else {
            rc = train(r, &err);
        }
    }
    w2v_train_state_free(&r->state);
    w2v_checkpoint_free(&r->ck);
    w2v_model_free(&r->model);
    w2v_corpus_free(r->corpus);
    w2v_tokenizer_free(r->tok);
    mpi_job_free(&r->job);
    free(r);
    MPI_Finalize();
    return rc;
}
