/*
 * heldout.h - the skip-gram negative-sampling loss of a trained model on
 * text it was not trained on.
 *
 * Analogy accuracy measures one narrow skill; the held-out loss measures how
 * well the model predicts words from their contexts in new text, the thing
 * training optimises.  It compares runs of one corpus (same vocabulary, same
 * noise distribution) that differ in a setting, e.g. sub-sampling or the
 * learning rate: the negatives are drawn from a generator seeded by `seed`
 * alone, so every model is scored on the same pairs and the same negatives.
 *
 * The loss of one pair (context c, centre w), with the orientation the
 * trainer uses (input row of c, output row of w) and K negatives n_k:
 *     -log sigma(in_c . out_w) - sum_k log sigma(-in_c . out_n_k)
 * averaged over every pair within the full window (no random shrinking, no
 * sub-sampling: every word of the held-out text counts), with the exact
 * sigmoid in double precision (dot products summed in float lanes, then in
 * double).  Words outside the vocabulary are skipped, as in training.
 * Needs the output matrix of negative sampling (W_out).
 */
#ifndef W2V_HELDOUT_H
#define W2V_HELDOUT_H

#include <stdint.h>

#include "w2v/corpus.h"
#include "w2v/error.h"
#include "w2v/model.h"

/* Centre words of id (rank) below this are "frequent" in the split below:
 * roughly the words that 1e-5 sub-sampling of a 10^7-10^8 word corpus drops
 * most of. */
#define W2V_HELDOUT_FREQUENT_RANK 1000

typedef struct {
    uint64_t pairs;          /* (context, centre) pairs scored */
    double loss;             /* mean loss per pair, positive and negative terms */
    double positive;         /* mean of the positive term, -log sigma(in_c . out_w) */
    uint64_t frequent_pairs; /* pairs whose centre has rank < W2V_HELDOUT_FREQUENT_RANK */
    double frequent_loss;    /* mean loss over those */
    double rare_loss;        /* mean loss over the others */
} w2v_heldout_result;

/*
 * Score model m (trained with negative sampling on a corpus whose
 * vocabulary and counts are `train`'s) on `text`, a corpus built with the
 * same vocabulary (w2v_heldout_corpus).  window >= 1, negative >= 1; the
 * noise distribution is counts^0.75 as in training.
 * @return W2V_OK and *r; W2V_ERR_ARG (no W_out, V mismatch, window or
 * negative 0); W2V_ERR_EMPTY (no pair in the text); W2V_ERR_NOMEM.
 * Thread-safe: reads m, train and text only.
 */
w2v_status w2v_heldout_loss(const w2v_model *m, const w2v_vocab *train, const w2v_corpus *text,
                            unsigned window, unsigned negative, uint64_t seed,
                            w2v_heldout_result *r, w2v_error *err);

/*
 * Build the corpus of the file at path over a copy of vocabulary v (same
 * ids; words outside it are dropped), for w2v_heldout_loss.
 * @return as w2v_corpus_build.
 */
w2v_status w2v_heldout_corpus(const char *path, const w2v_tokenizer *tok, const w2v_vocab *v,
                              w2v_corpus **out, w2v_error *err);

#endif
