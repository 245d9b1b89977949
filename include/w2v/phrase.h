/*
 * phrase.h - find phrases ("new york") by bigram statistics and join them
 * ("new_york"), as in Mikolov et al. 2013, "Distributed Representations of
 * Words and Phrases and their Compositionality", section 4.
 *
 * The score of two adjacent tokens a b is the paper's
 *
 *     score(a, b) = (count(ab) - delta) / (count(a) * count(b)) * N
 *
 * where N is the number of tokens counted in the pass.  The factor N is
 * word2vec.c's word2phrase scale: it makes the score count(ab)/N divided by
 * (count(a)/N * count(b)/N), i.e. how many times more often b follows a
 * than chance (less the discount), so a threshold means about the same on
 * a small and on a large corpus, and word2phrase's defaults (threshold 100,
 * min-count 5, delta = min-count) carry over with their meaning.  A pair is joined when
 * count(a), count(b) and count(ab) are all >= min_count and score > threshold.
 *
 * DESIGN: a pass reads its input twice.  Counting interns tokens in a
 * w2v_vocab and counts each bigram under the pair of its tokens' ids in a
 * table that holds key and count inline (one cache miss per lookup; the
 * tables of a real corpus are far larger than the caches).  Rewriting then
 * streams the tokens again and decides, left to right, for each token
 * whether it joins the one before it: a token that was just joined onto its
 * left neighbour does not join its right one in the same pass
 * (word2phrase's rule), so one pass makes phrases of two tokens and pass k
 * of up to 2^k.  Bigrams never cross a line end (word2phrase's do), and the
 * output has one line per input line with its tokens separated by single
 * spaces and joined pairs by W2V_PHRASE_JOIN.  Several passes
 * (w2v_phrase_run) read the previous pass's output from a temporary file,
 * with the threshold multiplied by threshold_decay after each pass.
 *
 * Memory: about 60 bytes per distinct token and 23-46 per distinct bigram
 * (enwiki8, 17M tokens: 219k tokens, 4.0M bigrams, 230 MB peak).
 * max_bigrams bounds the bigram table the way word2phrase's reduce step
 * does: when it is exceeded, the rarest bigrams are dropped and a floor
 * rises, so later counts of surviving bigrams are lower bounds.
 *
 * Not here: sub-sampling, vocabulary files, printing.  Tokens that cannot be
 * interned (longer than W2V_VOCAB_MAX_WORD_BYTES or holding a NUL byte) are
 * never joined but are copied through unchanged.
 */
#ifndef W2V_PHRASE_H
#define W2V_PHRASE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "w2v/error.h"
#include "w2v/tokenize.h"

/* The byte between the tokens of a joined phrase. */
#define W2V_PHRASE_JOIN '_'
/* Most passes w2v_phrase_run makes; the paper uses 2-4, and pass k can
 * already make phrases of 2^k tokens. */
#define W2V_PHRASE_MAX_PASSES 16
/* Smallest accepted max_bigrams (other than 0 = no cap): a smaller table
 * would be pruned every few tokens and keep nothing useful. */
#define W2V_PHRASE_MIN_BIGRAMS 1000

typedef struct w2v_phrase_counts w2v_phrase_counts;
typedef struct w2v_phrase_pass_report w2v_phrase_pass_report;

/* Called by w2v_phrase_run after each pass; pc holds that pass's counts and
 * is valid only during the call.  Return non-zero to stop the run. */
typedef int (*w2v_phrase_pass_fn)(void *user, const w2v_phrase_pass_report *rep,
                                  const w2v_phrase_counts *pc);

typedef struct {
    uint64_t min_count;      /* a, b and ab must each occur >= this (5) */
    double delta;            /* the paper's discount; < 0: min_count (-1) */
    double threshold;        /* join when score > threshold (100) */
    size_t max_bigrams;      /* prune the bigram table beyond this; 0 = never (0) */
    unsigned passes;         /* w2v_phrase_run: 1..W2V_PHRASE_MAX_PASSES (1) */
    double threshold_decay;  /* pass k uses threshold * decay^(k-1), in (0, 1] (0.5) */
    const char *tmp_dir;     /* between passes; NULL: the output's directory */
    w2v_phrase_pass_fn on_pass; /* optional, see above */
    void *on_pass_user;
    atomic_int *stop;        /* optional: set non-zero (a signal handler may)
                                to stop counting or rewriting within 64k tokens */
} w2v_phrase_opts;

/* What one pass of w2v_phrase_run did. */
struct w2v_phrase_pass_report {
    unsigned pass, passes;   /* 1-based */
    double threshold;        /* the threshold of this pass */
    double delta;            /* the discount in effect */
    w2v_tokenize_stats tok;  /* of the counting read */
    size_t unigrams, bigrams; /* distinct, after any pruning */
    uint64_t prune_floor;    /* 0: exact counts; else bigrams rarer than this
                                may have been dropped while counting */
    uint64_t joined;         /* pairs joined in the written text */
    uint64_t tokens_out;     /* tokens written (tokens in - joined) */
    double count_seconds, write_seconds; /* wall clock */
};

/* A bigram and its statistics; a and b point into the counts. */
typedef struct {
    const char *a, *b;
    size_t alen, blen;
    uint64_t count, count_a, count_b;
    double score;
} w2v_phrase_item;

/* Defaults as documented in w2v_phrase_opts (word2phrase's). */
w2v_phrase_opts w2v_phrase_opts_default(void);

/*
 * Check opts (ranges above).  @return W2V_OK or W2V_ERR_ARG naming the field.
 */
w2v_status w2v_phrase_opts_check(const w2v_phrase_opts *opts, w2v_error *err);

/*
 * Empty counts that take opts->max_bigrams (0 or >= W2V_PHRASE_MIN_BIGRAMS)
 * and opts->stop (kept, so it must outlive the counts).  @return W2V_OK and
 * *out (free with w2v_phrase_counts_free), W2V_ERR_ARG, W2V_ERR_NOMEM.
 */
w2v_status w2v_phrase_counts_create(const w2v_phrase_opts *opts, w2v_phrase_counts **out,
                                    w2v_error *err);
/* Free counts; NULL is accepted. */
void w2v_phrase_counts_free(w2v_phrase_counts *pc);

/*
 * Count the unigrams and the bigrams within lines of buf[0..len); the end of
 * the buffer ends its last line.  Adds to what pc holds.  stats (may be
 * NULL) is added to.  Not thread-safe for one pc.  @return W2V_OK, or the
 * tokenizer's error, W2V_ERR_NOMEM, W2V_ERR_LIMIT (more than
 * W2V_VOCAB_MAX_WORDS distinct tokens), W2V_ERR_INTERRUPTED (stop set).
 */
w2v_status w2v_phrase_count_buffer(w2v_phrase_counts *pc, const w2v_tokenizer *tok,
                                   const char *buf, size_t len, w2v_tokenize_stats *stats,
                                   w2v_error *err);
/* The same for a file, streamed (see w2v_tokenize_file; "-" is stdin). */
w2v_status w2v_phrase_count_file(w2v_phrase_counts *pc, const w2v_tokenizer *tok,
                                 const char *path, w2v_tokenize_stats *stats, w2v_error *err);

/* N: every token counted (including ones that could not be interned). */
uint64_t w2v_phrase_tokens(const w2v_phrase_counts *pc);
/* Distinct unigrams and bigrams held. */
size_t w2v_phrase_unigrams(const w2v_phrase_counts *pc);
size_t w2v_phrase_bigrams(const w2v_phrase_counts *pc);
/* 0 if never pruned; else the count below which bigrams were dropped. */
uint64_t w2v_phrase_prune_floor(const w2v_phrase_counts *pc);
/* Count of token a, and of a followed by b on one line (0 if unseen). */
uint64_t w2v_phrase_count(const w2v_phrase_counts *pc, const char *a, size_t alen);
uint64_t w2v_phrase_pair_count(const w2v_phrase_counts *pc, const char *a, size_t alen,
                               const char *b, size_t blen);

/*
 * score(a, b) as defined at the top, with opts' min_count and delta; 0 when
 * the pair is not eligible (a, b or ab seen fewer than min_count times).
 * Reads only; thread-safe once counting is done.
 */
double w2v_phrase_score(const w2v_phrase_counts *pc, const w2v_phrase_opts *opts,
                        const char *a, size_t alen, const char *b, size_t blen);

/*
 * Every eligible bigram with score > opts->threshold, best first (ties:
 * higher count, then a's bytes, then b's).  *items is malloc'ed (caller
 * frees; NULL when *n == 0) and points into pc.  @return W2V_OK or
 * W2V_ERR_NOMEM.
 */
w2v_status w2v_phrase_list(const w2v_phrase_counts *pc, const w2v_phrase_opts *opts,
                           w2v_phrase_item **items, size_t *n, w2v_error *err);

/*
 * Write the text of buf[0..len) (or of a file) to out with the pairs that
 * score above opts->threshold joined (see DESIGN).  joined (may be NULL)
 * receives the number of pairs joined.  Every output line ends with '\n',
 * including a last input line that did not.  @return W2V_OK, the
 * tokenizer's error, W2V_ERR_IO on a write error, or W2V_ERR_INTERRUPTED
 * (opts->stop set; the output then ends mid-line).
 */
w2v_status w2v_phrase_rewrite_buffer(const w2v_phrase_counts *pc, const w2v_phrase_opts *opts,
                                     const w2v_tokenizer *tok, const char *buf, size_t len,
                                     FILE *out, uint64_t *joined, w2v_error *err);
w2v_status w2v_phrase_rewrite_file(const w2v_phrase_counts *pc, const w2v_phrase_opts *opts,
                                   const w2v_tokenizer *tok, const char *path, FILE *out,
                                   uint64_t *joined, w2v_error *err);

/*
 * The whole job: opts->passes passes from the file in to the file out,
 * each counting then rewriting.  Pass 1 reads with tok (the user's token
 * options, so its output is in tok's tokens, e.g. lowercased); later passes
 * split the previous output at whitespace.  in must be a regular file (it
 * is read twice per pass): standard input, FIFOs and directories are
 * W2V_ERR_ARG.  out is written atomically (atomic_file.h) and may be in;
 * intermediate passes go to temporary files in opts->tmp_dir (or out's
 * directory), removed in every case but a kill.  @return W2V_OK,
 * W2V_ERR_INTERRUPTED when on_pass or opts->stop stopped it, or the first
 * error (out is then left as it was).
 */
w2v_status w2v_phrase_run(const char *in, const char *out, const w2v_tokenizer *tok,
                          const w2v_phrase_opts *opts, w2v_error *err);

#endif
