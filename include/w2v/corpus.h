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
} w2v_corpus_opts;

typedef struct {
    w2v_vocab *vocab;         /* final vocabulary, ids 0..V-1 by descending count */
    uint32_t *ids;            /* the stream: word ids and W2V_CORPUS_EOS */
    size_t len;               /* entries in ids */
    uint64_t words;           /* word ids in the stream (len minus markers) */
    uint64_t dropped;         /* tokens not in the final vocabulary */
    w2v_tokenize_stats tok;   /* what the tokenizer saw */
    size_t mapped_bytes;      /* non-zero: ids is a mapping of the spill file */
} w2v_corpus;

w2v_corpus_opts w2v_corpus_opts_default(void);

/*
 * Read path ("-" for stdin) with tok and build the corpus.
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

void w2v_corpus_free(w2v_corpus *c);

#endif
