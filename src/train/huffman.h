/*
 * huffman.h - the Huffman tree of hierarchical softmax.
 *
 * Shape legend: V words (the leaves), V - 1 inner nodes (the rows of the
 * hierarchical-softmax output matrix W_hs), L the code length of one word.
 *
 * DESIGN: the vocabulary is already sorted by descending count, so the tree
 * is built in O(V) by the two-queue method (van Leeuwen 1976): the leaves,
 * read from the rarest up, form one queue in ascending order, and inner
 * nodes are created with non-decreasing weights, so they form the second;
 * each step merges the two lightest heads.  Ties go to the leaf queue,
 * which among all optimal codes gives the one with the smallest maximum
 * length and variance (word2vec.c breaks ties the other way: same total
 * cost, deeper rare words).  Inner node k is the k-th merge, so the root is
 * inner node V - 2 and point indices are 0..V-2, as in word2vec.c; the
 * levels near the root, which every word's path visits, are the last,
 * contiguous rows of W_hs.
 *
 * For each word w the tree gives its path from the root: L nodes (the
 * "points") and L branch bits (the "code").  Layout: codes are packed one
 * uint64_t per word (bit j = branch at the j-th node, root first), points
 * are one flat uint32_t array with per-word offsets; together about
 * 16 + 4 L bytes per word (word2vec.c: 200 fixed).  Of two children, the
 * lighter one merged gets bit 0, the other bit 1.
 *
 * Limits: codes longer than W2V_HUFFMAN_MAX_CODE are an error, not a silent
 * overflow (word2vec.c writes past its 40-byte code arrays).  A Huffman code
 * that long needs Fibonacci-like counts: a word at depth 65 needs a total
 * count of at least F(68) - 1 ~ 7.2e13 when every count is >= 1 (words of
 * count 0 add at most log2 of their number), so no real corpus reaches it
 * and a length-limited construction (package-merge) is not worth its code.
 *
 * Not done here: the per-word path rows (the trainer turns points into row
 * pointers).  The struct is read-only once built; any number of threads
 * may read it.
 */
#ifndef W2V_HUFFMAN_H
#define W2V_HUFFMAN_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/error.h"

/* Longest code accepted: one word's code fits one uint64_t, and (above)
 * only corpora of ~7e13 tokens with Fibonacci counts would go deeper. */
#define W2V_HUFFMAN_MAX_CODE 64

typedef struct {
    size_t V;          /* words */
    size_t inner;      /* inner nodes = rows of W_hs: V - 1, and 1 when V == 1 */
    unsigned max_len;  /* longest code */
    size_t *off;       /* V + 1 offsets: word w's points are point[off[w] .. off[w + 1]) */
    uint64_t *code;    /* V codes: bit j of code[w] = branch taken at w's j-th point */
    uint32_t *point;   /* off[V] inner-node indices, each path root (inner - 1) first */
} w2v_huffman;

/*
 * Build the tree for counts[0..V), which must be in non-increasing order
 * (the vocabulary's order).  Counts of 0 are allowed (a read vocabulary may
 * have them); sums saturate at UINT64_MAX.  V == 1: the tree has one inner
 * node (so inner == 1, one W_hs row) and the word the code "0" of length 1,
 * so every word has L >= 1 and callers need no special case.
 * On failure *out is left empty (free is still safe).
 * @return W2V_OK; W2V_ERR_ARG (V == 0, V >= 2^32, counts not sorted, naming
 * the first out-of-order index); W2V_ERR_LIMIT (a code longer than
 * W2V_HUFFMAN_MAX_CODE); W2V_ERR_NOMEM.
 */
w2v_status w2v_huffman_build(const uint64_t *counts, size_t V, w2v_huffman *out,
                             w2v_error *err);

/* Release the arrays and empty *h; NULL and an empty struct are fine. */
void w2v_huffman_free(w2v_huffman *h);

/* Code length L of word w (1..max_len). */
static inline size_t w2v_huffman_len(const w2v_huffman *h, uint32_t w)
{
    return h->off[w + 1] - h->off[w];
}

/* Word w's code: bit j is the branch at w2v_huffman_points(h, w)[j]. */
static inline uint64_t w2v_huffman_code(const w2v_huffman *h, uint32_t w)
{
    return h->code[w];
}

/* Word w's L inner nodes, root first: rows of W_hs. */
static inline const uint32_t *w2v_huffman_points(const w2v_huffman *h, uint32_t w)
{
    return h->point + h->off[w];
}

#endif
