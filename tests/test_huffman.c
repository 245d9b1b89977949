/*
 * test_huffman.c - the Huffman tree: hand-computed codes, structural
 * invariants (prefix-free, Kraft equality, one root, points forming a
 * tree), optimal cost against an independent heap-based Huffman, edge
 * cases and limits, and a 100k-word Zipf vocabulary.
 */
#include "t.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "train/huffman.h"
#include "train/rng.h"

/* ---- an independent reference: the optimal cost by a binary heap ---- */

static void heap_push(uint64_t *hp, size_t *n, uint64_t v)
{
    size_t i = (*n)++;
    while (i > 0 && hp[(i - 1) / 2] > v) {
        hp[i] = hp[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    hp[i] = v;
}

static uint64_t heap_pop(uint64_t *hp, size_t *n)
{
    uint64_t top = hp[0], last = hp[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && hp[c + 1] < hp[c])
            c++;
        if (hp[c] >= last)
            break;
        hp[i] = hp[c];
        i = c;
    }
    hp[i] = last;
    return top;
}

/* Sum over words of count * code length of an optimal code = the sum of the
 * weights of all merges (counts small enough not to overflow). */
static uint64_t optimal_cost(const uint64_t *counts, size_t V)
{
    if (V == 1)
        return counts[0]; /* our convention: one word, one bit */
    uint64_t *hp = malloc(V * sizeof *hp), cost = 0;
    size_t n = 0;
    for (size_t i = 0; i < V; i++)
        heap_push(hp, &n, counts[i]);
    while (n > 1) {
        uint64_t s = heap_pop(hp, &n) + heap_pop(hp, &n);
        cost += s;
        heap_push(hp, &n, s);
    }
    free(hp);
    return cost;
}

/* ---- structural checks ---- */

/*
 * Everything a tree must satisfy, whatever the counts: lengths in range and
 * max_len exact; unused code bits zero; the codes prefix-free and complete
 * (Kraft sum exactly 1, by folding the length histogram, no floating
 * point); every path starts at the same root; and the points are the tree:
 * two words share a point at depth j exactly when their codes share the
 * first j bits (checked by inserting the codes into a binary trie whose
 * internal nodes must map one-to-one onto the inner nodes 0..inner-1).
 */
static void check_tree(const w2v_huffman *h, size_t V, const char *what)
{
    T_CHECK(h->V == V, "%s: V %zu", what, h->V);
    T_CHECK(h->inner == (V > 1 ? V - 1 : 1), "%s: inner %zu", what, h->inner);
    size_t total = h->off[V];
    /* trie: node 0 is the root; at most total + 1 nodes */
    size_t cap = total + 1, used = 1;
    int64_t (*child)[2] = malloc(cap * sizeof *child);
    int64_t *inner_of = malloc(cap * sizeof *inner_of);
    char *is_word = calloc(cap, 1);
    int64_t *owner = malloc(h->inner * sizeof *owner);
    for (size_t i = 0; i < cap; i++)
        child[i][0] = child[i][1] = inner_of[i] = -1;
    for (size_t k = 0; k < h->inner; k++)
        owner[k] = -1;
    uint64_t hist[W2V_HUFFMAN_MAX_CODE + 1] = {0};
    unsigned max_len = 0;
    int bad_len = 0, bad_bits = 0, bad_root = 0, bad_range = 0, bad_tree = 0, not_prefix = 0;
    for (size_t w = 0; w < V; w++) {
        size_t L = w2v_huffman_len(h, (uint32_t)w);
        if (L < 1 || L > W2V_HUFFMAN_MAX_CODE) {
            bad_len++;
            continue;
        }
        hist[L]++;
        if (L > max_len)
            max_len = (unsigned)L;
        uint64_t code = w2v_huffman_code(h, (uint32_t)w);
        if (L < 64 && (code >> L) != 0)
            bad_bits++;
        const uint32_t *pt = w2v_huffman_points(h, (uint32_t)w);
        if (pt[0] != h->inner - 1)
            bad_root++;
        size_t node = 0;
        for (size_t j = 0; j < L; j++) {
            if (pt[j] >= h->inner) {
                bad_range++;
                break;
            }
            if (is_word[node])
                not_prefix++;
            if (inner_of[node] < 0)
                inner_of[node] = pt[j];
            else if (inner_of[node] != (int64_t)pt[j])
                bad_tree++;
            if (owner[pt[j]] < 0)
                owner[pt[j]] = (int64_t)node;
            else if (owner[pt[j]] != (int64_t)node)
                bad_tree++;
            int b = (int)((code >> j) & 1u);
            if (child[node][b] < 0)
                child[node][b] = (int64_t)used++;
            node = (size_t)child[node][b];
        }
        if (is_word[node] || child[node][0] >= 0 || child[node][1] >= 0)
            not_prefix++;
        is_word[node] = 1;
    }
    T_CHECK(!bad_len, "%s: %d code lengths out of range", what, bad_len);
    T_CHECK(max_len == h->max_len, "%s: max_len %u, longest %u", what, h->max_len, max_len);
    T_CHECK(!bad_bits, "%s: %d codes with bits past their length", what, bad_bits);
    T_CHECK(!bad_root, "%s: %d paths not starting at the root", what, bad_root);
    T_CHECK(!bad_range, "%s: %d points out of range", what, bad_range);
    T_CHECK(!bad_tree, "%s: points and codes disagree %d times", what, bad_tree);
    T_CHECK(!not_prefix, "%s: %d codes are prefixes of others", what, not_prefix);
    size_t owned = 0;
    for (size_t k = 0; k < h->inner; k++)
        owned += owner[k] >= 0;
    T_CHECK(owned == h->inner, "%s: %zu of %zu inner nodes on some path", what, owned, h->inner);
    /* Kraft: sum 2^-L == 1  <=>  folding pairs from the deepest level up
     * leaves exactly one node at depth 0 (V == 1: one half-empty level). */
    uint64_t carry = 0;
    int kraft = 1;
    for (unsigned L = W2V_HUFFMAN_MAX_CODE; L >= 1; L--) {
        uint64_t n = hist[L] + carry;
        if (n % 2 && !(V == 1 && L == 1))
            kraft = 0;
        carry = (n + 1) / 2;
    }
    T_CHECK(kraft && carry == 1, "%s: Kraft sum is not 1", what);
    free(child);
    free(inner_of);
    free(is_word);
    free(owner);
}

static uint64_t cost_of(const w2v_huffman *h, const uint64_t *counts)
{
    uint64_t c = 0;
    for (size_t w = 0; w < h->V; w++)
        c += counts[w] * w2v_huffman_len(h, (uint32_t)w);
    return c;
}

/* ---- hand-computed trees ---- */

static void test_textbook(void)
{
    /* CLRS's example sorted descending.  Merges (lighter child bit 0):
     * I0 = 5+9, I1 = 12+13, I2 = I0+16, I3 = I1+I2, I4 = 45+I3 (root). */
    const uint64_t counts[] = {45, 16, 13, 12, 9, 5};
    const size_t len[] = {1, 3, 3, 3, 4, 4};
    const uint64_t code[] = {0, 7, 5, 1, 11, 3}; /* bit j = j-th branch */
    const uint32_t pts[][4] = {{4}, {4, 3, 2}, {4, 3, 1}, {4, 3, 1}, {4, 3, 2, 0}, {4, 3, 2, 0}};
    w2v_huffman h;
    w2v_error e;
    T_OK(w2v_huffman_build(counts, 6, &h, &e));
    check_tree(&h, 6, "textbook");
    for (uint32_t w = 0; w < 6; w++) {
        T_EQ(w2v_huffman_len(&h, w), len[w]);
        T_EQ(w2v_huffman_code(&h, w), code[w]);
        for (size_t j = 0; j < len[w]; j++)
            T_EQ(w2v_huffman_points(&h, w)[j], pts[w][j]);
    }
    T_EQ(h.max_len, 4);
    T_EQ(cost_of(&h, counts), 224);
    T_EQ(optimal_cost(counts, 6), 224);
    w2v_huffman_free(&h);
}

static void test_ties(void)
{
    /* 4,2,2,1,1 has two optimal codes: lengths {1,2,3,4,4} (ties to inner
     * nodes, word2vec.c) and {2,2,2,3,3} (ties to leaves); both cost 22.
     * We promise the second, the smallest maximum length. */
    const uint64_t counts[] = {4, 2, 2, 1, 1};
    const size_t len[] = {2, 2, 2, 3, 3};
    w2v_huffman h;
    T_OK(w2v_huffman_build(counts, 5, &h, NULL));
    check_tree(&h, 5, "ties");
    for (uint32_t w = 0; w < 5; w++)
        T_EQ(w2v_huffman_len(&h, w), len[w]);
    T_EQ(cost_of(&h, counts), 22);
    w2v_huffman_free(&h);

    const uint64_t eight[8] = {7, 7, 7, 7, 7, 7, 7, 7};
    T_OK(w2v_huffman_build(eight, 8, &h, NULL));
    check_tree(&h, 8, "equal");
    T_EQ(h.max_len, 3);
    for (uint32_t w = 0; w < 8; w++)
        T_EQ(w2v_huffman_len(&h, w), 3);
    w2v_huffman_free(&h);
}

static void test_small_and_zero(void)
{
    w2v_huffman h;
    const uint64_t one[] = {42};
    T_OK(w2v_huffman_build(one, 1, &h, NULL));
    check_tree(&h, 1, "V=1");
    T_EQ(h.inner, 1);
    T_EQ(w2v_huffman_len(&h, 0), 1);
    T_EQ(w2v_huffman_code(&h, 0), 0);
    T_EQ(w2v_huffman_points(&h, 0)[0], 0);
    w2v_huffman_free(&h);

    const uint64_t two[] = {3, 3};
    T_OK(w2v_huffman_build(two, 2, &h, NULL));
    check_tree(&h, 2, "V=2");
    T_EQ(h.inner, 1);
    T_EQ(w2v_huffman_len(&h, 0), 1);
    T_EQ(w2v_huffman_len(&h, 1), 1);
    T_EQ(w2v_huffman_code(&h, 0), 1); /* the later-merged child */
    T_EQ(w2v_huffman_code(&h, 1), 0);
    T_EQ(w2v_huffman_points(&h, 0)[0], 0);
    T_EQ(w2v_huffman_points(&h, 1)[0], 0);
    w2v_huffman_free(&h);

    const uint64_t two0[] = {5, 0};
    T_OK(w2v_huffman_build(two0, 2, &h, NULL));
    check_tree(&h, 2, "V=2 with a zero");
    w2v_huffman_free(&h);

    /* All zero: ties to leaves give a balanced tree. */
    const uint64_t zeros[5] = {0};
    T_OK(w2v_huffman_build(zeros, 5, &h, NULL));
    check_tree(&h, 5, "zeros");
    T_EQ(h.max_len, 3);
    T_EQ(w2v_huffman_len(&h, 0), 2);
    w2v_huffman_free(&h);

    const uint64_t mixed[] = {10, 3, 1, 0, 0, 0};
    T_OK(w2v_huffman_build(mixed, 6, &h, NULL));
    check_tree(&h, 6, "mixed zeros");
    T_EQ(cost_of(&h, mixed), optimal_cost(mixed, 6));
    w2v_huffman_free(&h);

    /* Saturating sums: still a valid tree. */
    const uint64_t big[] = {UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX / 2, 1};
    T_OK(w2v_huffman_build(big, 5, &h, NULL));
    check_tree(&h, 5, "saturated");
    w2v_huffman_free(&h);
}

static void test_errors(void)
{
    w2v_huffman h;
    w2v_error e;
    const uint64_t c[] = {1, 2, 1};
    T_EQ(w2v_huffman_build(c, 0, &h, &e), W2V_ERR_ARG);
    T_EQ(w2v_huffman_build(NULL, 3, &h, &e), W2V_ERR_ARG);
    T_EQ(w2v_huffman_build(c, 3, &h, &e), W2V_ERR_ARG);
    T_TRUE(strstr(e.msg, "word 1") != NULL);
    T_TRUE(h.off == NULL && h.point == NULL && h.code == NULL);
    w2v_huffman_free(&h); /* harmless on a failed build */
    w2v_huffman_free(NULL);

    /* Fibonacci counts make a chain: n words, longest code n - 1.  65 words
     * (total F(67) - 1 ~ 4.5e13) reach the limit exactly; 66..90 exceed it
     * (F(90) is the largest that keeps the sum inside uint64_t). */
    uint64_t fib[90];
    for (size_t n = 65; n <= 90; n++) {
        uint64_t a = 1, b = 1;
        for (size_t i = 0; i < n; i++) {
            fib[n - 1 - i] = a;
            uint64_t t = a + b;
            a = b;
            b = t;
        }
        w2v_status st = w2v_huffman_build(fib, n, &h, &e);
        if (n == 65) {
            T_OK(st);
            T_EQ(h.max_len, 64);
            check_tree(&h, n, "fibonacci 65");
            T_EQ(cost_of(&h, fib), optimal_cost(fib, n));
        } else {
            T_CHECK(st == W2V_ERR_LIMIT, "fibonacci %zu: status %d", n, (int)st);
        }
        w2v_huffman_free(&h);
        if (n == 66)
            T_TRUE(strstr(e.msg, "65 bits") != NULL);
    }
}

/* Random sorted counts, heavy ties: valid and optimal. */
static void test_random(void)
{
    w2v_rng r = w2v_rng_seed(5, 0);
    for (int round = 0; round < 200; round++) {
        size_t V = 1 + w2v_rng_below(&r, round < 100 ? 12 : 600);
        uint64_t *c = malloc(V * sizeof *c);
        uint32_t range = 1 + w2v_rng_below(&r, round % 3 ? 1000 : 4);
        for (size_t i = 0; i < V; i++)
            c[i] = w2v_rng_below(&r, range);
        /* sort descending (insertion sort is fine at this size) */
        for (size_t i = 1; i < V; i++)
            for (size_t j = i; j > 0 && c[j] > c[j - 1]; j--) {
                uint64_t t = c[j];
                c[j] = c[j - 1];
                c[j - 1] = t;
            }
        w2v_huffman h;
        char what[64];
        snprintf(what, sizeof what, "random round %d (V=%zu)", round, V);
        T_OK(w2v_huffman_build(c, V, &h, NULL));
        check_tree(&h, V, what);
        T_CHECK(cost_of(&h, c) == optimal_cost(c, V), "%s: cost %llu, optimum %llu", what,
                (unsigned long long)cost_of(&h, c), (unsigned long long)optimal_cost(c, V));
        w2v_huffman_free(&h);
        free(c);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A realistic vocabulary: 100k words, Zipf counts down to min-count 5. */
static void test_zipf(void)
{
    size_t V = 100000;
    uint64_t *c = malloc(V * sizeof *c);
    for (size_t i = 0; i < V; i++) {
        uint64_t z = 50000000 / (i + 1);
        c[i] = z < 5 ? 5 : z;
    }
    w2v_huffman h;
    double t0 = now();
    T_OK(w2v_huffman_build(c, V, &h, NULL));
    double dt = now() - t0;
    printf("zipf V=%zu: built in %.1f ms, max code %u, mean %.2f\n", V, 1e3 * dt, h.max_len,
           (double)h.off[V] / (double)V);
    T_CHECK(dt < 1.0, "100k-word tree took %.3f s", dt);
    T_CHECK(h.max_len >= 17 && h.max_len <= 40, "max code length %u", h.max_len);
    check_tree(&h, V, "zipf");
    T_EQ(cost_of(&h, c), optimal_cost(c, V));
    /* the most frequent word gets the shortest code */
    T_TRUE(w2v_huffman_len(&h, 0) <= w2v_huffman_len(&h, (uint32_t)(V - 1)));
    w2v_huffman_free(&h);
    free(c);
}

int main(void)
{
    test_textbook();
    test_ties();
    test_small_and_zero();
    test_errors();
    test_random();
    test_zipf();
    return T_DONE();
}
