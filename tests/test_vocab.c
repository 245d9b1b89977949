/*
 * test_vocab.c - interning, counting, finalize order, save/load and bad files.
 */
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

#include "w2v/vocab.h"

static void add(w2v_vocab *v, const char *w, uint64_t n)
{
    uint32_t id;
    T_OK(w2v_vocab_add(v, w, strlen(w), n, &id, NULL));
}

static void test_counts_and_order(void)
{
    w2v_vocab *v;
    T_OK(w2v_vocab_create(&v, NULL));
    add(v, "b", 3);
    add(v, "a", 3);
    add(v, "rare", 1);
    add(v, "top", 10);
    add(v, "a", 1); /* a: 4 */
    T_EQ(w2v_vocab_size(v), 4);
    T_EQ(w2v_vocab_count(v, w2v_vocab_find(v, "a", 1)), 4);
    T_EQ(w2v_vocab_find(v, "zz", 2), W2V_VOCAB_NONE);
    uint32_t *map;
    T_OK(w2v_vocab_finalize(v, 2, 0, &map, NULL));
    T_EQ(w2v_vocab_size(v), 3);
    T_STREQ(w2v_vocab_word(v, 0), "top");
    T_STREQ(w2v_vocab_word(v, 1), "a");
    T_STREQ(w2v_vocab_word(v, 2), "b");
    T_EQ(map[0], 2);                /* b was counting id 0 */
    T_EQ(map[2], W2V_VOCAB_NONE);   /* rare dropped */
    T_EQ(w2v_vocab_find(v, "b", 1), 2);
    T_EQ(w2v_vocab_total(v), 17);
    free(map);
    T_OK(w2v_vocab_finalize(v, 1, 2, NULL, NULL)); /* max-vocab */
    T_EQ(w2v_vocab_size(v), 2);
    T_EQ(w2v_vocab_find(v, "b", 1), W2V_VOCAB_NONE);
    w2v_vocab_free(v);
}

/* Ties keep first-seen order; many words force the table to grow. */
static void test_growth_and_ties(void)
{
    w2v_vocab *v;
    T_OK(w2v_vocab_create(&v, NULL));
    char w[32];
    int added = 0;
    uint32_t id;
    for (int i = 0; i < 50000; i++) {
        snprintf(w, sizeof w, "w%d", i);
        added += w2v_vocab_add(v, w, strlen(w), 1 + (i % 3 == 0), &id, NULL) == W2V_OK;
    }
    T_EQ(added, 50000);
    T_EQ(w2v_vocab_size(v), 50000);
    int found = 0;
    for (int i = 0; i < 50000; i += 97) {
        snprintf(w, sizeof w, "w%d", i);
        found += w2v_vocab_find(v, w, strlen(w)) == (uint32_t)i;
    }
    T_EQ(found, (50000 + 96) / 97);
    T_OK(w2v_vocab_finalize(v, 1, 0, NULL, NULL));
    T_STREQ(w2v_vocab_word(v, 0), "w0");
    T_STREQ(w2v_vocab_word(v, 1), "w3");
    T_STREQ(w2v_vocab_word(v, 16667), "w1");
    w2v_vocab_free(v);
}

/* A declared order of first appearance breaks the ties instead of the ids;
 * an order that is no permutation is refused, naming the id. */
static void test_seen_order(void)
{
    w2v_vocab *v;
    T_OK(w2v_vocab_create(&v, NULL));
    add(v, "a", 2);
    add(v, "b", 5);
    add(v, "c", 2);
    add(v, "d", 2);
    add(v, "e", 1);
    w2v_error err;
    const w2v_row out_of_range[] = {3, 0, 5, 2, 1}, twice[] = {3, 0, 4, 3, 1};
    T_EQ(w2v_vocab_set_seen_order(v, out_of_range, &err), W2V_ERR_ARG);
    T_TRUE(strstr(err.msg, "id 5") != NULL);
    T_EQ(w2v_vocab_set_seen_order(v, twice, &err), W2V_ERR_ARG);
    T_TRUE(strstr(err.msg, "id 3") != NULL && strstr(err.msg, "twice") != NULL);
    const w2v_row order[] = {3, 0, 4, 2, 1}; /* d a e c b */
    T_OK(w2v_vocab_set_seen_order(v, order, NULL));
    w2v_row *map = NULL;
    T_OK(w2v_vocab_finalize(v, 2, 0, &map, NULL));
    T_EQ(w2v_vocab_size(v), 4);
    T_STREQ(w2v_vocab_word(v, 0), "b");
    T_STREQ(w2v_vocab_word(v, 1), "d");
    T_STREQ(w2v_vocab_word(v, 2), "a");
    T_STREQ(w2v_vocab_word(v, 3), "c");
    T_TRUE(map && map[0] == 2 && map[1] == 0 && map[2] == 3 && map[3] == 1 &&
           map[4] == W2V_VOCAB_NONE);
    free(map);
    w2v_vocab_free(v);

    /* Many words, random counts and a random order: the finalized order and
     * its map against the rule itself. */
    enum { N = 20000 };
    static w2v_row perm[N], rank[N];
    static uint64_t count[N];
    uint64_t seed = 7;
    T_OK(w2v_vocab_create(&v, NULL));
    char w[32];
    unsigned added = 0;
    for (unsigned i = 0; i < N; i++) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        count[i] = 1 + (seed >> 33) % 6;
        perm[i] = i;
        snprintf(w, sizeof w, "w%u", i);
        w2v_row id;
        added += w2v_vocab_add(v, w, strlen(w), count[i], &id, NULL) == W2V_OK && id == i;
    }
    T_EQ(added, N);
    for (unsigned i = N - 1; i > 0; i--) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        unsigned j = (unsigned)((seed >> 33) % (i + 1));
        w2v_row t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (unsigned r = 0; r < N; r++)
        rank[perm[r]] = r;
    T_OK(w2v_vocab_set_seen_order(v, perm, NULL));
    T_OK(w2v_vocab_finalize(v, 2, 9000, &map, NULL));
    T_EQ(w2v_vocab_size(v), 9000);
    int ok = map != NULL;
    unsigned mapped = 0;
    for (unsigned i = 0; ok && i < N; i++) {
        if (map[i] == W2V_VOCAB_NONE)
            continue;
        mapped++;
        snprintf(w, sizeof w, "w%u", i);
        ok &= map[i] < 9000 && strcmp(w2v_vocab_word(v, map[i]), w) == 0 &&
              w2v_vocab_count(v, map[i]) == count[i];
    }
    for (unsigned j = 1; ok && j < 9000; j++) {
        unsigned a = (unsigned)atoi(w2v_vocab_word(v, j - 1) + 1);
        unsigned b = (unsigned)atoi(w2v_vocab_word(v, j) + 1);
        ok &= count[a] > count[b] || (count[a] == count[b] && rank[a] < rank[b]);
    }
    /* the cut at 9000 leaves no kept word better than a dropped one */
    unsigned last = (unsigned)atoi(w2v_vocab_word(v, 8999) + 1);
    for (unsigned i = 0; ok && i < N; i++)
        if (map[i] == W2V_VOCAB_NONE && count[i] >= 2)
            ok &= count[i] < count[last] || (count[i] == count[last] && rank[i] > rank[last]);
    T_TRUE(ok && mapped == 9000);
    /* Finalize gave back the entries past the kept ones: the vocabulary
     * grows again from there, and what it held stays. */
    unsigned grown = 0;
    for (unsigned i = 0; i < 5000; i++) {
        snprintf(w, sizeof w, "after%u", i);
        w2v_row id;
        grown += w2v_vocab_add(v, w, strlen(w), 1, &id, NULL) == W2V_OK && id == 9000 + i;
    }
    T_EQ(grown, 5000);
    unsigned found = 0;
    for (unsigned i = 0; i < 5000; i += 7) {
        snprintf(w, sizeof w, "after%u", i);
        found += w2v_vocab_find(v, w, strlen(w)) == 9000 + i;
    }
    T_EQ(found, 715);
    T_EQ(w2v_vocab_find(v, w2v_vocab_word(v, 8999), strlen(w2v_vocab_word(v, 8999))), 8999);
    T_EQ(w2v_vocab_count(v, 8999), count[last]);
    free(map);
    w2v_vocab_free(v);
}

/* Merging the counting vocabularies of two halves gives the words, counts
 * and first-seen ids of counting the whole, and a map from each half's ids;
 * the merge makes the table grow, and a finalized vocabulary merges too. */
static void test_merge(void)
{
    w2v_vocab *whole, *a, *b;
    T_OK(w2v_vocab_create(&whole, NULL));
    T_OK(w2v_vocab_create(&a, NULL));
    T_OK(w2v_vocab_create(&b, NULL));
    char w[32];
    int added = 0;
    uint32_t id;
    for (int i = 0; i < 30000; i++) {
        int k = (i * 7919) % 20011; /* words repeat within and across the halves */
        snprintf(w, sizeof w, "m%d", k);
        uint64_t n = 1 + (uint64_t)(i % 4);
        added += w2v_vocab_add(whole, w, strlen(w), n, &id, NULL) == W2V_OK;
        added += w2v_vocab_add(i < 12000 ? a : b, w, strlen(w), n, &id, NULL) == W2V_OK;
    }
    T_EQ(added, 60000);
    uint32_t *map = malloc(w2v_vocab_size(b) * sizeof *map);
    T_TRUE(map != NULL);
    T_OK(w2v_vocab_merge(a, b, map, NULL));
    T_EQ(w2v_vocab_size(a), w2v_vocab_size(whole));
    T_EQ(w2v_vocab_total(a), w2v_vocab_total(whole));
    int same = 0, mapped = 0;
    for (id = 0; id < w2v_vocab_size(whole); id++)
        same += !strcmp(w2v_vocab_word(a, id), w2v_vocab_word(whole, id)) &&
                w2v_vocab_count(a, id) == w2v_vocab_count(whole, id);
    for (id = 0; id < w2v_vocab_size(b); id++)
        mapped += !strcmp(w2v_vocab_word(a, map[id]), w2v_vocab_word(b, id));
    T_EQ(same, (int)w2v_vocab_size(whole));
    T_EQ(mapped, (int)w2v_vocab_size(b));
    T_EQ(w2v_vocab_find(a, "m5", 2), w2v_vocab_find(whole, "m5", 2));
    free(map);
    /* Into a finalized vocabulary: found words add up, new ones append. */
    T_OK(w2v_vocab_finalize(whole, 2, 0, NULL, NULL));
    w2v_vocab *c;
    T_OK(w2v_vocab_create(&c, NULL));
    add(c, "new", 5);
    add(c, w2v_vocab_word(whole, 0), 1);
    uint64_t top = w2v_vocab_count(whole, 0);
    size_t n = w2v_vocab_size(whole);
    uint32_t cmap[2];
    T_OK(w2v_vocab_merge(whole, c, cmap, NULL));
    T_EQ(cmap[0], n);
    T_EQ(cmap[1], 0);
    T_EQ(w2v_vocab_count(whole, 0), top + 1);
    T_EQ(w2v_vocab_find(whole, "new", 3), n);
    w2v_vocab_free(c);
    w2v_vocab_free(whole);
    w2v_vocab_free(a);
    w2v_vocab_free(b);
}

static void test_bytes(void)
{
    w2v_vocab *v;
    uint32_t id;
    T_OK(w2v_vocab_create(&v, NULL));
    T_OK(w2v_vocab_add(v, "\xff\xfe", 2, 1, &id, NULL));
    T_EQ(w2v_vocab_add(v, "a\0b", 3, 1, &id, NULL), W2V_ERR_ARG);
    T_EQ(w2v_vocab_add(v, "", 0, 1, &id, NULL), W2V_ERR_LIMIT);
    w2v_vocab_free(v);
}

static void expect_bad(const char *text, const char *needle)
{
    w2v_vocab *v;
    w2v_error err;
    w2v_status st = w2v_vocab_load_mem(text, strlen(text), "vocab.txt", &v, &err);
    T_CHECK(st != W2V_OK && v == NULL, "accepted bad vocabulary \"%s\"", text);
    if (st != W2V_OK)
        T_CHECK(strstr(err.msg, needle) != NULL, "message \"%s\" lacks \"%s\"", err.msg, needle);
}

static void test_load(void)
{
    w2v_vocab *v;
    const char *good = "the 10\r\nof 7\n\xc3\xa9t\xc3\xa9 3\n";
    T_OK(w2v_vocab_load_mem(good, strlen(good), "v", &v, NULL));
    T_EQ(w2v_vocab_size(v), 3);
    T_EQ(w2v_vocab_count(v, w2v_vocab_find(v, "of", 2)), 7);
    /* save then load gives the same words and counts */
    char path[] = "/tmp/w2v-vocab-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    T_OK(w2v_vocab_save(v, path, NULL));
    w2v_vocab *back;
    T_OK(w2v_vocab_load(path, &back, NULL));
    T_EQ(w2v_vocab_size(back), 3);
    T_STREQ(w2v_vocab_word(back, 2), "\xc3\xa9t\xc3\xa9");
    T_EQ(w2v_vocab_count(back, 2), 3);
    unlink(path);
    w2v_vocab_free(back);
    w2v_vocab_free(v);
    expect_bad("the 10\nof -3\n", "vocab.txt:2");
    expect_bad("the ten\n", "vocab.txt:1");
    expect_bad("the\n", "vocab.txt:1");
    expect_bad("the 1\nthe 2\n", "duplicate");
    expect_bad("the 99999999999999999999999\n", "vocab.txt:1");
    expect_bad("", "no words");
    expect_bad(" 5\n", "vocab.txt:1");
    w2v_error err;
    T_EQ(w2v_vocab_load("/nonexistent/vocab", &v, &err), W2V_ERR_IO);
    T_TRUE(strstr(err.msg, "/nonexistent/vocab") != NULL);
    T_TRUE(w2v_vocab_load("/tmp", &v, &err) != W2V_OK);
}

int main(void)
{
    test_counts_and_order();
    test_growth_and_ties();
    test_seen_order();
    test_merge();
    test_bytes();
    test_load();
    return T_DONE();
}
