/*
 * hot_rows.h - private copies of the most written output rows.
 *
 * In skip-gram hierarchical softmax every path starts at the root, so the
 * W_hs rows of the heaviest inner nodes are written by every thread for
 * nearly every centre word and their cache lines move between cores all
 * the time.  With several threads each worker trains those rows in a copy
 * of its own and folds what it added into the shared rows every
 * W2V_HOT_FOLD_EVERY centre words: the shared rows get every update, a
 * little late, as a data-parallel job's rows do between its syncs.
 */
#ifndef W2V_HOT_ROWS_H
#define W2V_HOT_ROWS_H

#include <stddef.h>

/* Rows kept private per worker (the last merges of the Huffman tree: the
 * root and about the seven levels under it). */
#define W2V_HOT_ROWS 127

/* Centre words between folds.  Folding after every span (10,000 words)
 * cost about a point of analogy accuracy on enwiki8 (each worker's steps
 * on the same rows add up unseen by the other for longer); every 128 kept
 * the accuracy; a fold reads and writes 3 x 127 rows, a few per cent of
 * the time 128 centre words take to train. */
#define W2V_HOT_FOLD_EVERY 128

/* Take a copy of n floats of shared rows into copy and base (base keeps
 * them as they were, to tell this worker's updates apart later). */
void w2v_hot_rows_take(float *copy, float *base, const float *shared, size_t n);

/*
 * Add what the worker added to its copy since the last take or fold
 * (copy - base) to the shared rows, and make the sum the new copy and base.
 * Two workers folding at once may lose a little of one update, as Hogwild's
 * unsynchronised writes can (the intended race, tests/tsan.supp).
 */
void w2v_hot_rows_fold(float *copy, float *base, float *shared, size_t n);

#endif
