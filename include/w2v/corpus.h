/*
 * corpus.h - a text file read once into a vocabulary and a stream of ids.
 *
 * DESIGN: one pass over the text does everything: each token is interned
 * (counted) and its counting id appended to an in-memory stream; sentence
 * ends are appended as W2V_CORPUS_EOS.  After the pass the vocabulary is
 * finalized (min-count, max-vocab, frequency order) and the stream is
 * rewritten in place to final ids, dropping words that did not survive.
 * Every epoch then trains from this array: no re-tokenising, and corpora
 * that can be read only once (stdin, FIFOs) work.
 *
 * Memory: 4 bytes per corpus token (68 MB for 17 M words, 4 GB for one
 * billion) plus the vocabulary; the text itself is never held whole.  A
 * stream larger than spill_bytes moves to an unlinked temporary file that
 * is then memory-mapped: the same array to the trainer, but pages the
 * kernel can drop and reread, so corpora beyond RAM still train.
 */
#ifndef W2V_CORPUS_H
#define W2V_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/error.h"
#include "w2v/tokenize.h"
#include "w2v/vocab.h"

/* Sentence-end marker in the id stream. */
#define W2V_CORPUS_EOS UINT32_MAX

typedef struct {
    uint64_t min_count;   /* drop words seen fewer times (default 5) */
    size_t max_vocab;     /* keep at most this many words, most frequent first; 0 = all */
    w2v_vocab *vocab;     /* non-NULL: use this vocabulary (its counts) instead of
                             counting; the corpus takes ownership */
    size_t spill_bytes;   /* keep at most this much of the stream in memory, then
                             continue in a mapped temporary file; 0 = never */
    const char *spill_dir;/* where that file goes (NULL: $TMPDIR or /tmp) */
    uint64_t range_begin; /* read only bytes [range_begin, range_end) of the file */
    uint64_t range_end;   /* (0, 0: all of it); see w2v_tokenize_split.  A range
                             may come out with no words (no W2V_ERR_EMPTY): it
                             is a share of a job, which checks the whole */
    int share;            /* 1: this is one share of a corpus read by several
                             processes: keep the counting vocabulary as it is
                             (no min-count, ids in first-seen order, an empty
                             share is fine) until w2v_corpus_finish */
    unsigned threads;     /* read a regular file with up to this many threads (0 or
                             1: one).  The vocabulary and stream are exactly those
                             of one thread; see w2v_corpus_build for when it
                             falls back to one */
} w2v_corpus_opts;

typedef struct {
    w2v_vocab *vocab;         /* final vocabulary, ids 0..V-1 by descending count */
    w2v_row *ids;             /* the stream: word ids and W2V_CORPUS_EOS */
    size_t len;               /* entries in ids */
    uint64_t words;           /* word ids in the stream (len minus markers) */
    uint64_t dropped;         /* tokens not in the final vocabulary */
    w2v_tokenize_stats tok;   /* what the tokenizer saw */
    size_t mapped_bytes;      /* non-zero: ids is a mapping of this many bytes (of the
                                 spill file, or pages of a parallel read's own) */
    int share;                /* non-zero: an unfinished share (opts->share): vocab is
                                 its counting vocabulary, ids its counting ids (sentence
                                 ends not yet trimmed) until w2v_corpus_finish */
} w2v_corpus;

w2v_corpus_opts w2v_corpus_opts_default(void);

/*
 * Read path ("-" for stdin) with tok and build the corpus.
 * With opts->threads > 1 a regular file is cut into byte ranges
 * (w2v_tokenize_split_at), large first and small last, that up to that many
 * threads count as they free up; their vocabularies are merged (with the
 * file's first-seen order, which breaks count ties) and their streams
 * joined in file order, with a sentence end between two ranges exactly
 * where the text has one: the vocabulary and stream of one thread's read.
 * It reads with one thread instead for standard input, a byte range, a
 * share, a given vocabulary, a pattern tokenizer whose cuts would fall
 * mid-line (a pattern may match across a blank), a file under 1 MiB, a
 * stream that might need to spill, and to report any error (so messages
 * name the line as one pass counts it).
 * @return W2V_OK and *out, or an error (I/O naming the path, W2V_ERR_EMPTY
 * when no word survives min-count, W2V_ERR_NOMEM, or the vocabulary's error
 * for a token it refuses, a NUL byte or one over W2V_VOCAB_MAX_WORD_BYTES,
 * as "path:line: ...") with *out == NULL.  opts->vocab is consumed either
 * way.
 */
w2v_status w2v_corpus_build(const char *path, const w2v_tokenizer *tok,
                            const w2v_corpus_opts *opts, w2v_corpus **out, w2v_error *err);

/* The same from a buffer in memory (tests, fuzzing); name labels errors. */
w2v_status w2v_corpus_build_mem(const char *text, size_t len, const char *name,
                                const w2v_tokenizer *tok, const w2v_corpus_opts *opts,
                                w2v_corpus **out, w2v_error *err);

/*
 * Finish a share (built with opts->share = 1) once the vocabulary of the
 * whole corpus is known: final holds the final words in their final order
 * (as w2v_vocab_finalize left them on the merged counts); the stream is
 * mapped to its ids, words it lacks are dropped (counted in c->dropped) and
 * sentence ends collapsed, exactly as a single build would have done.  The
 * corpus takes ownership of final (also on error) and frees its counting
 * vocabulary.  The result may hold no words.  @return W2V_OK; W2V_ERR_ARG
 * if c is not an unfinished share; W2V_ERR_NOMEM.
 */
w2v_status w2v_corpus_finish(w2v_corpus *c, w2v_vocab *final, w2v_error *err);

/*
 * A corpus from tokens handed over one at a time, for callers that tokenize
 * themselves (the Python module's sentences=).  The result is what
 * w2v_corpus_build gives for a file holding the same tokens, one sentence
 * a line: the same vocabulary, ids and sentence ends.  Tokens are taken as
 * given (no tokenizer, no cut at max_token_bytes); empty ones are skipped.
 */
typedef struct w2v_corpus_feed w2v_corpus_feed;

/* Start a feed with opts (opts->vocab consumed either way; the byte range
 * is ignored); name labels messages ("name:N: ..." for sentence N).
 * @return W2V_OK and *out; W2V_ERR_NOMEM. */
w2v_status w2v_corpus_feed_create(const char *name, const w2v_corpus_opts *opts,
                                  w2v_corpus_feed **out, w2v_error *err);

/* Add one token (tok[0..len)), or a sentence end (tok == NULL).  @return
 * W2V_OK; the vocabulary's error for a token it refuses (a NUL byte, over
 * W2V_VOCAB_MAX_WORD_BYTES), W2V_ERR_NOMEM, W2V_ERR_IO (spill file): the
 * feed then stays failed and every later call returns that error. */
w2v_status w2v_corpus_feed_token(w2v_corpus_feed *f, const char *tok, size_t len,
                                 w2v_error *err);

/* End the last sentence, finalize as w2v_corpus_build does and free f.
 * @return W2V_OK and *out, or the feed's first error, W2V_ERR_EMPTY, ... */
w2v_status w2v_corpus_feed_finish(w2v_corpus_feed *f, w2v_corpus **out, w2v_error *err);

/* Abandon a feed without building; NULL is accepted. */
void w2v_corpus_feed_free(w2v_corpus_feed *f);

void w2v_corpus_free(w2v_corpus *c);

#endif
