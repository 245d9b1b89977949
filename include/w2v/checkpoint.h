/*
 * checkpoint.h - the full training state in one versioned, checksummed file.
 *
 * DESIGN: a checkpoint holds everything needed to continue a run exactly:
 * the settings, the tokenizer options, the vocabulary with its counts, the
 * matrices in use (W_E, and W_out and/or W_hs), each worker's position /
 * generator / learning rate and the progress counter, plus a fingerprint
 * of the corpus (length, words and a hash of the id stream) so a resume on
 * different text is refused.  The
 * file ends with a 64-bit checksum of everything before it; a truncated,
 * corrupted or foreign file is an error naming the file, never a crash.
 * Integers and floats are stored in the host's byte order, which a marker
 * in the header records (a file from a machine of the other order is
 * refused, not misread).  Writes are atomic (atomic_file.h).
 */
#ifndef W2V_CHECKPOINT_H
#define W2V_CHECKPOINT_H

#include <stdint.h>

#include "w2v/corpus.h"
#include "w2v/error.h"
#include "w2v/model.h"
#include "w2v/tokenize.h"
#include "w2v/train.h"
#include "w2v/vocab.h"

#define W2V_CHECKPOINT_VERSION 1

/* A loaded checkpoint; every pointer is owned by it. */
typedef struct {
    w2v_vocab *vocab;
    w2v_model model;
    w2v_train_opts train;     /* settings only (no callbacks) */
    w2v_train_state state;
    char *regex;              /* NULL: default tokenizer */
    int lowercase;
    uint64_t max_token_bytes;
    char *corpus_path;        /* as given to the original run */
    uint64_t corpus_len, corpus_words, corpus_hash;
} w2v_checkpoint;

/* Fingerprint of a corpus's id stream (stable across runs and machines). */
uint64_t w2v_checkpoint_corpus_hash(const w2v_corpus *c);

/* Fingerprint of a model's W_E (the processes of a resumed data-parallel
 * job must hold the same one). */
uint64_t w2v_checkpoint_model_hash(const w2v_model *m);

/*
 * Write a checkpoint of a run on corpus (read from corpus_path with tok_opts)
 * with settings opts, model and state, atomically to path.
 */
w2v_status w2v_checkpoint_save(const char *path, const char *corpus_path,
                               const w2v_tokenize_opts *tok_opts, const w2v_corpus *corpus,
                               const w2v_model *model, const w2v_train_opts *opts,
                               const w2v_train_state *state, w2v_error *err);

/*
 * Read and verify a checkpoint.  Sizes are checked against the file before
 * anything is allocated; max_bytes caps the model as in w2v_model_opts.
 * @return W2V_OK and *out (free with w2v_checkpoint_free), or W2V_ERR_IO,
 * W2V_ERR_FORMAT (truncated, bad magic/version/checksum), W2V_ERR_LIMIT,
 * W2V_ERR_NOMEM.
 */
w2v_status w2v_checkpoint_load(const char *path, size_t max_bytes, w2v_checkpoint *out,
                               w2v_error *err);

void w2v_checkpoint_free(w2v_checkpoint *ck);

#endif
