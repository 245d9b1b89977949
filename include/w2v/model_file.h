/*
 * model_file.h - a finished model in one versioned, checksummed file, to
 * be trained further later (w2v-train -save-model / -continue) or read by
 * the evaluation tools as a vector file.
 *
 * DESIGN: a model file holds what a later run needs to go on from the end
 * of this one: the settings (dimension, window, negatives, mode, learning
 * rate and its schedule, seed, initialisation range, tokenizer options),
 * the vocabulary with its counts, W_E, W_out (with negative sampling) and
 * W_hs (with hierarchical softmax; its Huffman tree is a function of the
 * stored counts, rebuilt the same way on loading), and where each worker
 * ended (generator, learning rate, words not yet published) together with
 * a fingerprint of the last corpus, so that on the same corpus the
 * learning-rate schedule can be continued exactly.  The format follows the
 * checkpoint's (checkpoint.h): host byte order with a marker, a 64-bit
 * checksum of every byte before it at the end, every size checked against
 * the bytes present and against limits before anything is allocated, every
 * float finite.  Writes are atomic (atomic_file.h).  What it does not hold:
 * the corpus, and the id stream's position inside an unfinished epoch (a
 * checkpoint is for that).
 *
 * Layout (no padding between fields):
 *   "W2VMODEL"  u32 version  u32 0x01020304 (byte-order marker)
 *   u64 V, D, seed, max_token_bytes, corpus_len, corpus_words, corpus_hash,
 *       words_done, count_total
 *   u32 window, negative, epochs, schedule_epochs, threads, kernel, cbow, hs,
 *       lowercase, regex_len
 *   f64 alpha, sample, init_range
 *   regex bytes
 *   per thread: u32 epoch, f32 alpha, u64 pos, rng, pending, tail
 *   per word:   u32 len, bytes, u64 count
 *   W_E: V rows of D f32; W_out (if negative > 0): the same; W_hs (if hs):
 *   max(V-1, 1) rows
 *   u64 checksum
 */
#ifndef W2V_MODEL_FILE_H
#define W2V_MODEL_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/error.h"
#include "w2v/model.h"
#include "w2v/train.h"
#include "w2v/vocab.h"

#define W2V_MODEL_FILE_VERSION 1
/* The first 8 bytes of every model file (no vector file starts so). */
#define W2V_MODEL_FILE_MAGIC "W2VMODEL"
/* Longest token pattern stored. */
#define W2V_MODEL_FILE_MAX_REGEX 65536u

/* A model in memory.  Loaded: every pointer is owned by it (free with
 * w2v_model_file_free).  To save: the caller's pointers, only read. */
typedef struct {
    w2v_vocab *vocab;         /* the words of the rows, with their counts */
    w2v_model model;
    w2v_train_opts train;     /* settings only (no callbacks); epochs: epochs
                                 trained on the last corpus */
    w2v_train_state state;    /* where each worker ended, as w2v_train left it */
    double init_range;        /* of W_E, for rows a continued run adds */
    char *regex;              /* NULL or "": the default tokenizer */
    int lowercase;
    uint64_t max_token_bytes;
    uint64_t corpus_len, corpus_words, corpus_hash; /* the last corpus */
    uint64_t count_total;     /* words the counts were taken over (all corpora) */
} w2v_model_file;

/* Non-zero when data starts as a model file does (its magic). */
int w2v_model_file_is(const void *data, size_t len);

/*
 * Write mf atomically to path.  mf->state must hold mf->train.threads
 * workers (or be empty: threads 0).  @return W2V_OK; W2V_ERR_ARG for an
 * inconsistent mf; W2V_ERR_IO naming the path.
 */
w2v_status w2v_model_file_save(const char *path, const w2v_model_file *mf, w2v_error *err);

/*
 * Read and verify a model file from memory; name labels errors.  max_bytes
 * caps the matrices as in w2v_model_opts (0: the default cap).
 * @return W2V_OK and *out (free with w2v_model_file_free), or, with *out
 * zeroed: W2V_ERR_FORMAT (truncated, bad magic, version, checksum, a field
 * out of range, a non-finite value), W2V_ERR_LIMIT, W2V_ERR_NOMEM; the
 * message names the file and, for a truncation, the byte.
 */
w2v_status w2v_model_file_read_mem(const void *data, size_t len, const char *name,
                                   size_t max_bytes, w2v_model_file *out, w2v_error *err);

/* The same from a file (mapped, not copied).  Also W2V_ERR_IO. */
w2v_status w2v_model_file_load(const char *path, size_t max_bytes, w2v_model_file *out,
                               w2v_error *err);

/* Free a loaded model file; a zeroed one is fine. */
void w2v_model_file_free(w2v_model_file *mf);

#endif
