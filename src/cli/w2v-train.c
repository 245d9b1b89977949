/*
 * w2v-train - train word vectors: skip-gram (default) or CBOW, with negative
 * sampling (default), hierarchical softmax, or both output layers.
 *
 *     w2v-train corpus.txt -dim 300 -o vectors.bin
 *     w2v-train corpus.txt -cbow 1 -hs 1 -negative 0 -o vectors.bin
 *     w2v-train -resume run.ckpt -o vectors.bin
 *
 * A thin program: argv -> option structs -> corpus, model, train, write
 * (the flags, progress line, loss log and checkpoints live in train_cli.c,
 * shared with w2v-train-mpi).  A run is either built from the corpus or
 * resumed from a checkpoint (-resume), which carries the settings and the
 * vocabulary.  word2vec.c's flags are accepted with their meaning so
 * existing scripts run unchanged; modes this trainer does not implement
 * are refused.  Every output is probed before the corpus is read, so an
 * unwritable path fails before any work, not after training.
 */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "train_cli.h"
#include "train_model.h"
#include "w2v/atomic_file.h"
#include "w2v/checkpoint.h"
#include "w2v/corpus.h"
#include "w2v/heldout.h"
#include "w2v/model.h"
#include "w2v/tokenize.h"
#include "w2v/train.h"
#include "w2v/vecio.h"

#define PROG "w2v-train"

static int fail(const w2v_error *err)
{
    cli_error(PROG, "%s", err->msg);
    return 1;
}

/* -heldout: one line on stderr, also under -quiet (it was asked for). */
static w2v_status report_heldout(const train_options *o, const w2v_tokenizer *tok,
                                 const w2v_corpus *corpus, const w2v_model *model,
                                 w2v_error *err)
{
    w2v_corpus *text = NULL;
    w2v_heldout_result r;
    struct timespec c0, c1; /* this thread's CPU time: wall time is inflated on a busy machine */
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    double t0 = cli_now();
    w2v_status st = w2v_heldout_corpus(o->heldout, tok, corpus->vocab, &text, err);
    if (!st)
        st = w2v_heldout_loss(model, corpus->vocab, text, o->train.window, o->train.negative,
                              o->train.seed, &r, err);
    w2v_corpus_free(text);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    if (!st)
        fprintf(stderr, "held-out loss %.5f (positive term %.5f; centre rank < %d: %.5f, "
                "the rest: %.5f) over %llu pairs of %s in %.1f s (%.1f s CPU)\n", r.loss,
                r.positive, W2V_HELDOUT_FREQUENT_RANK, r.frequent_loss, r.rare_loss,
                (unsigned long long)r.pairs, o->heldout, cli_now() - t0,
                (double)(c1.tv_sec - c0.tv_sec) + 1e-9 * (double)(c1.tv_nsec - c0.tv_nsec));
    return st;
}

int main(int argc, char **argv)
{
    train_options o;
    if (train_parse_args(argc, argv, &o, PROG, 0) != 0)
        return 2;
    w2v_error err;
    w2v_error_clear(&err);

    const char *outs[] = {o.output, o.save_vocab, o.checkpoint, o.save_loss, o.save_model};
    if (train_probe_outputs(outs, 5, &err) != W2V_OK)
        return fail(&err);

    w2v_tokenizer *tok = NULL;
    w2v_corpus *corpus = NULL;
    w2v_model model = {0};
    w2v_checkpoint ck = {0};
    w2v_train_state state = {0};
    train_start start = {0};
    int rc = 1;
    double t0 = cli_now(), t_read;
    if (o.resume) {
        if (train_resume_from(&o, o.resume, 0, 1, &ck, &tok, &corpus, &err) != W2V_OK)
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
    } else if (o.cont) {
        if (train_continue_from(&o, &tok, &corpus, &model, &state, &start, &err) != W2V_OK)
            goto out;
        t_read = cli_now() - t0;
        if (!o.quiet)
            fprintf(stderr, "continuing %s: %zu words, %zu new (%zu more under -min-count), "
                    "dim %zu; %s\n", o.cont, start.old_words, start.new_words,
                    start.rare_words, o.dim, o.continue_schedule ? "its learning-rate "
                    "schedule goes on" : "a new learning-rate schedule");
    } else {
        if (o.init_vectors && train_init_read(&o, &start, &err) != W2V_OK)
            goto out;
        if (o.read_vocab && w2v_vocab_load(o.read_vocab, &o.corp.vocab, &err) != W2V_OK)
            goto out;
        if (w2v_tokenizer_create(&o.tok, &tok, &err) != W2V_OK) {
            w2v_vocab_free(o.corp.vocab);
            goto out;
        }
        if (w2v_corpus_build(o.corpus, tok, &o.corp, &corpus, &err) != W2V_OK)
            goto out;
        t_read = cli_now() - t0;
    }
    double read_peak_mb = (double)cli_peak_rss() / 1e6; /* the read's own peak */
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
    if (!o.resume && !o.cont) {
        if (o.init_vectors) {
            if (train_init_vectors(&o, corpus->vocab, &model, &start, &err) != W2V_OK)
                goto out;
            if (!o.quiet)
                fprintf(stderr, "init-vectors %s: %zu of %zu words start from it (%.1f%%)%s\n",
                        o.init_vectors, start.matched, V, 100.0 * (double)start.matched /
                        (double)V, o.init_warmup >= 1 ? ", kept fixed" : "");
            if (!o.quiet && o.init_warmup > 0 && o.init_warmup < 1)
                fprintf(stderr, "init-vectors: those rows wait for the first %g%% of the run\n",
                        100.0 * o.init_warmup);
            o.train.frozen = start.frozen;
            o.train.frozen_until = o.init_warmup;
        } else if (train_create_model(&o, V, &model, &err) != W2V_OK)
            goto out;
        if (o.train.threads > corpus->words)
            o.train.threads = (unsigned)corpus->words; /* a thread per word at most */
        if (w2v_train_state_init(&state, o.train.threads, &err) != W2V_OK)
            goto out;
    }

    if (!o.quiet)
        fprintf(stderr, "training %s: dim %zu, window %u, negative %u, alpha %g, sample %g, "
                "%u epoch(s), %u thread(s)\n", train_mode_name(&o.train), o.dim, o.train.window,
                o.train.negative, o.train.alpha, o.train.sample, o.train.epochs,
                o.train.threads);
    train_progress ps = {.tty = isatty(STDERR_FILENO), .quiet = o.quiet};
    if (!o.quiet || o.save_loss) {
        o.train.progress = train_on_progress;
        o.train.progress_user = &ps;
    }
    o.train.track_loss = o.save_loss != NULL;
    train_ckpt cc = {.o = &o, .path = o.checkpoint, .corpus = corpus, .model = &model,
                     .train = &o.train, .tok = &o.tok};
    if (o.checkpoint) {
        o.train.checkpoint = train_save_checkpoint;
        o.train.checkpoint_user = &cc;
        o.train.checkpoint_every = o.checkpoint_every;
    }
    o.train.stop = cli_catch_stop_signals();
    w2v_train_stats ts;
    w2v_status tst = w2v_train(corpus, &model, &o.train, &state, &ts, &err);
    if (o.save_loss && (tst == W2V_OK || tst == W2V_ERR_INTERRUPTED)) {
        w2v_error lerr;
        if (train_save_loss(o.save_loss, &ps, &lerr) != W2V_OK)
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

    if (o.heldout && report_heldout(&o, tok, corpus, &model, &err) != W2V_OK)
        goto out;
    double t_write = cli_now();
    if (train_write_vectors(&o, corpus->vocab, &model, &err) != W2V_OK)
        goto out;
    if (o.save_model &&
        train_save_model(&o, corpus, &model, &state, &start, &err) != W2V_OK)
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
                (double)cli_peak_rss() / 1e6, ts.kernel, train_mode_name(&o.train), o.output);
        if (o.verbose)
            fprintf(stderr,
                    "time: read+vocabulary %.2f s (%.0f MB/s, peak memory %.1f MB), training "
                    "%.2f s, writing %.2f s; %.1f%% of the run outside the training kernel\n",
                    t_read, t_read > 0 ? (double)corpus->tok.bytes / 1e6 / t_read : 0.0,
                    read_peak_mb, ts.seconds, t_write, 100.0 * (wall - ts.seconds) / wall);
    }
    rc = 0;
out:
    if (rc == 1)
        fail(&err);
    w2v_train_state_free(&state);
    train_start_free(&start);
    w2v_checkpoint_free(&ck);
    w2v_model_free(&model);
    w2v_corpus_free(corpus);
    w2v_tokenizer_free(tok);
    return rc;
}
