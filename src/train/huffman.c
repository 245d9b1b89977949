/*
 * huffman.c - two-queue Huffman construction over sorted counts (see
 * huffman.h for the layout and the limits).
 *
 * Nodes are numbered leaves first: word w is node w, inner node k (the
 * k-th merge) is node V + k.  Three passes, each linear:
 *   1. merge: the two-queue method fills parent[] and bit[] for every node
 *      but the root (inner V - 2);
 *   2. depth: a parent is always created after its children, so walking
 *      the inner nodes from the root down gives every depth from its
 *      parent's; a word's code length is its parent's depth + 1;
 *   3. paths: each word climbs to the root, writing its points and bits
 *      from the back: O(total code length), the size of the output.
 * The climb chases parent links, but the upper levels stay in cache (a
 * canonical-code layout, which needs no chasing, measured the same; the
 * figure is in docs/performance.md, "Component timings"): the first touch
 * of the ~90 MB of output a 1M-word vocabulary needs costs more than the
 * work.
 * Scratch: about 19 bytes per word, freed before returning.
 */
#include "train/huffman.h"

#include <stdlib.h>
#include <string.h>

/* Depths are kept in a byte, saturating here; anything above
 * W2V_HUFFMAN_MAX_CODE is rejected anyway. */
#define DEPTH_CAP 255

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

void w2v_huffman_free(w2v_huffman *h)
{
    if (!h)
        return;
    free(h->off);
    free(h->code);
    free(h->point);
    memset(h, 0, sizeof *h);
}

/* The one-word tree: a root with the word as its 0 child. */
static w2v_status build_single(w2v_huffman *h, w2v_error *err)
{
    h->off = malloc(2 * sizeof *h->off);
    h->code = malloc(sizeof *h->code);
    h->point = malloc(sizeof *h->point);
    if (!h->off || !h->code || !h->point) {
        w2v_huffman_free(h);
        return w2v_error_set(err, W2V_ERR_NOMEM, "huffman tree: out of memory");
    }
    h->V = 1;
    h->inner = 1;
    h->max_len = 1;
    h->off[0] = 0;
    h->off[1] = 1;
    h->code[0] = 0;
    h->point[0] = 0;
    return W2V_OK;
}

w2v_status w2v_huffman_build(const uint64_t *counts, size_t V, w2v_huffman *out,
                             w2v_error *err)
{
    memset(out, 0, sizeof *out);
    if (!counts || V == 0 || V > UINT32_MAX)
        return w2v_error_set(err, W2V_ERR_ARG, "huffman tree: %zu words (need 1..%lu)", V,
                             (unsigned long)UINT32_MAX);
    for (size_t i = 1; i < V; i++)
        if (counts[i] > counts[i - 1])
            return w2v_error_set(err, W2V_ERR_ARG,
                                 "huffman tree: counts not in descending order at word %zu "
                                 "(%llu after %llu)",
                                 i, (unsigned long long)counts[i],
                                 (unsigned long long)counts[i - 1]);
    if (V == 1)
        return build_single(out, err);
    /* 2V nodes of scratch and V * W2V_HUFFMAN_MAX_CODE points at most: only
     * a 32-bit size_t can overflow here. */
    if (V > SIZE_MAX / (2 * W2V_HUFFMAN_MAX_CODE * sizeof(uint64_t)))
        return w2v_error_set(err, W2V_ERR_NOMEM, "huffman tree: %zu words too many", V);

    size_t n_inner = V - 1, n_child = 2 * V - 2; /* every node but the root */
    uint64_t *weight = malloc(n_inner * sizeof *weight);
    uint32_t *parent = malloc(n_child * sizeof *parent);
    unsigned char *bit = malloc(n_child);
    unsigned char *depth = malloc(n_inner);
    out->off = malloc((V + 1) * sizeof *out->off);
    out->code = malloc(V * sizeof *out->code);
    w2v_status st = W2V_OK;
    if (!weight || !parent || !bit || !depth || !out->off || !out->code) {
        st = w2v_error_set(err, W2V_ERR_NOMEM, "huffman tree: out of memory");
        goto done;
    }

    /* 1. merge.  Leaves leaf-1, leaf-2, .., 0 are left, lightest first;
     * merges head..k-1 are made but not yet merged themselves.  Ties take
     * the leaf (see huffman.h); the lighter child gets bit 0. */
    size_t leaf = V, head = 0;
    for (size_t k = 0; k < n_inner; k++) {
        uint64_t sum = 0;
        for (int b = 0; b < 2; b++) {
            size_t node;
            uint64_t w;
            if (leaf > 0 && (head == k || counts[leaf - 1] <= weight[head])) {
                node = --leaf;
                w = counts[node];
            } else {
                w = weight[head];
                node = V + head++;
            }
            parent[node] = (uint32_t)k;
            bit[node] = (unsigned char)b;
            sum = add_sat(sum, w);
        }
        weight[k] = sum;
    }

    /* 2. depths, the root (merge V - 2) at 0, and the code lengths. */
    depth[n_inner - 1] = 0;
    for (size_t k = n_inner - 1; k-- > 0;) {
        unsigned d = depth[parent[V + k]] + 1u;
        depth[k] = (unsigned char)(d < DEPTH_CAP ? d : DEPTH_CAP);
    }
    out->off[0] = 0;
    unsigned max_len = 0;
    for (size_t w = 0; w < V; w++) {
        unsigned L = depth[parent[w]] + 1u;
        if (L > W2V_HUFFMAN_MAX_CODE) {
            st = w2v_error_set(err, W2V_ERR_LIMIT,
                               "huffman tree: word %zu (count %llu) needs a code of %s%u "
                               "bits, over the limit of %d; the counts are extremely "
                               "skewed (check the vocabulary file)",
                               w, (unsigned long long)counts[w], L >= DEPTH_CAP ? ">= " : "",
                               L, W2V_HUFFMAN_MAX_CODE);
            goto done;
        }
        if (L > max_len)
            max_len = L;
        out->off[w + 1] = out->off[w] + L;
    }

    /* 3. paths. */
    out->point = malloc(out->off[V] * sizeof *out->point);
    if (!out->point) {
        st = w2v_error_set(err, W2V_ERR_NOMEM, "huffman tree: out of memory");
        goto done;
    }
    for (size_t w = 0; w < V; w++) {
        uint32_t *pt = out->point + out->off[w];
        size_t j = out->off[w + 1] - out->off[w], node = w;
        uint64_t code = 0;
        while (j-- > 0) {
            code |= (uint64_t)bit[node] << j;
            pt[j] = parent[node];
            node = V + parent[node];
        }
        out->code[w] = code;
    }
    out->V = V;
    out->inner = n_inner;
    out->max_len = max_len;

done:
    free(weight);
    free(parent);
    free(bit);
    free(depth);
    if (st)
        w2v_huffman_free(out);
    return st;
}
