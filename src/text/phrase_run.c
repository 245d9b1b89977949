/*
 * phrase_run.c - several phrase passes from one file to another (see
 * phrase.h, w2v_phrase_run).
 *
 * DESIGN: every pass reads its input twice (count, then rewrite), so the
 * input must be a file that can be read again: standard input and pipes are
 * refused up front rather than spooled, which would silently need as much
 * disk as the text.  Pass k reads what pass k-1 wrote to a mkstemp file
 * ("<out>.pass<k>.XXXXXX" beside the output, or in tmp_dir), and each
 * temporary is removed as soon as the next pass has read it, so at most two
 * exist at once.  The output is opened (atomic_file.h) before the first
 * pass, so an unwritable destination fails before any work, and is
 * committed only when the last pass has written all of it.
 *
 * Later passes read text this module wrote, so they split at whitespace
 * with no token length cut: the user's pattern, case folding and length
 * limit were applied by pass 1, and a pattern might split a joined phrase
 * ("new_york" by "[a-z]+") if it were applied again.
 */
#include "w2v/phrase.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "w2v/atomic_file.h"

/* Output buffer of each pass: the text is written in small pieces. */
#define WRITE_BUFFER (1u << 20)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static w2v_status check_input(const char *in, w2v_error *err)
{
    if (!strcmp(in, "-"))
        return w2v_error_set(err, W2V_ERR_ARG,
                             "standard input cannot be used: the text is read twice per pass "
                             "(count, then rewrite); save it to a file first");
    struct stat sb;
    if (stat(in, &sb) != 0)
        return w2v_error_set(err, W2V_ERR_IO, "%s: %s", in, strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return w2v_error_set(err, W2V_ERR_IO, "%s: is a directory", in);
    if (!S_ISREG(sb.st_mode))
        return w2v_error_set(err, W2V_ERR_ARG,
                             "%s: not a regular file; the text is read twice per pass, so a "
                             "pipe or device cannot be used (save it to a file first)", in);
    return W2V_OK;
}

/* A fresh temporary for pass `pass`; *path is malloc'ed. */
static w2v_status open_tmp(const char *tmp_dir, const char *out, unsigned pass, char **path,
                           FILE **fp, w2v_error *err)
{
    *fp = NULL;
    size_t n = strlen(tmp_dir ? tmp_dir : out) + 64;
    char *p = malloc(n);
    if (!p)
        return w2v_error_set(err, W2V_ERR_NOMEM, "phrase: out of memory");
    if (tmp_dir)
        snprintf(p, n, "%s/w2v-phrase.pass%u.XXXXXX", tmp_dir, pass);
    else
        snprintf(p, n, "%s.pass%u.XXXXXX", out, pass);
    int fd = mkstemp(p);
    if (fd < 0) {
        w2v_status st = w2v_error_set(err, W2V_ERR_IO, "%s: cannot create a temporary file: %s",
                                      p, strerror(errno));
        free(p);
        return st;
    }
    *fp = fdopen(fd, "wb");
    if (!*fp) {
        close(fd);
        unlink(p);
        free(p);
        return w2v_error_set(err, W2V_ERR_NOMEM, "phrase: out of memory");
    }
    *path = p;
    return W2V_OK;
}

/* Remove and forget a temporary (NULL is accepted). */
static void drop_tmp(char **path)
{
    if (*path) {
        unlink(*path);
        free(*path);
        *path = NULL;
    }
}

w2v_status w2v_phrase_run(const char *in, const char *out, const w2v_tokenizer *tok,
                          const w2v_phrase_opts *opts, w2v_error *err)
{
    w2v_status st = w2v_phrase_opts_check(opts, err);
    if (!st)
        st = check_input(in, err);
    if (st)
        return st;
    w2v_afile *af;
    FILE *final_fp;
    st = w2v_afile_open(out, &af, &final_fp, err);
    if (st)
        return st;
    w2v_tokenizer *plain = NULL;
    if (opts->passes > 1) {
        w2v_tokenize_opts to = w2v_tokenize_opts_default();
        to.max_token_bytes = W2V_TOKENIZE_MAX_TOKEN_LIMIT;
        st = w2v_tokenizer_create(&to, &plain, err);
    }
    char *src_tmp = NULL, *dst_tmp = NULL; /* what this pass reads and writes */
    const char *src = in;
    double threshold = opts->threshold;
    for (unsigned pass = 1; !st && pass <= opts->passes; pass++) {
        int last = pass == opts->passes;
        const w2v_tokenizer *t = pass == 1 ? tok : plain;
        w2v_phrase_opts po = *opts;
        po.threshold = threshold;
        w2v_phrase_pass_report rep = {.pass = pass, .passes = opts->passes,
                                      .threshold = threshold,
                                      .delta = opts->delta < 0 ? (double)opts->min_count
                                                               : opts->delta};
        w2v_phrase_counts *pc;
        st = w2v_phrase_counts_create(opts, &pc, err);
        if (st)
            break;
        double t0 = now();
        st = w2v_phrase_count_file(pc, t, src, &rep.tok, err);
        rep.count_seconds = now() - t0;
        rep.unigrams = w2v_phrase_unigrams(pc);
        rep.bigrams = w2v_phrase_bigrams(pc);
        rep.prune_floor = w2v_phrase_prune_floor(pc);
        FILE *fp = final_fp;
        if (!st && !last)
            st = open_tmp(opts->tmp_dir, out, pass, &dst_tmp, &fp, err);
        if (!st) {
            setvbuf(fp, NULL, _IOFBF, WRITE_BUFFER);
            t0 = now();
            st = w2v_phrase_rewrite_file(pc, &po, t, src, fp, &rep.joined, err);
            if (!last && fclose(fp) != 0 && !st)
                st = w2v_error_set(err, W2V_ERR_IO, "%s: write failed: %s", dst_tmp,
                                   strerror(errno));
            rep.write_seconds = now() - t0;
            rep.tokens_out = rep.tok.tokens - rep.joined;
        }
        if (!st && opts->on_pass && opts->on_pass(opts->on_pass_user, &rep, pc))
            st = w2v_error_set(err, W2V_ERR_INTERRUPTED, "phrase: stopped after pass %u", pass);
        w2v_phrase_counts_free(pc);
        drop_tmp(&src_tmp); /* read twice now: no longer needed */
        src_tmp = dst_tmp;
        dst_tmp = NULL;
        src = src_tmp;
        threshold *= opts->threshold_decay;
    }
    drop_tmp(&src_tmp);
    drop_tmp(&dst_tmp);
    w2v_tokenizer_free(plain);
    if (st) {
        w2v_afile_abort(af);
        return st;
    }
    return w2v_afile_commit(af, err);
}
