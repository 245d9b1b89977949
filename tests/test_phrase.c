/*
 * test_phrase.c - bigram counts, exact scores, joining, min-count and
 * threshold edges, line boundaries, pruning, and multi-pass runs on files.
 */
#include "t.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text/idpairs.h" /* private to the library; tested here, its one user */
#include "w2v/phrase.h"

static w2v_tokenizer *tokenizer(int lowercase)
{
    w2v_tokenize_opts o = w2v_tokenize_opts_default();
    o.lowercase = lowercase;
    w2v_tokenizer *t = NULL;
    T_OK(w2v_tokenizer_create(&o, &t, NULL));
    return t;
}

static w2v_phrase_counts *count(const w2v_tokenizer *t, const char *text, size_t max_bigrams)
{
    w2v_phrase_counts *pc = NULL;
    w2v_phrase_opts o = w2v_phrase_opts_default();
    o.max_bigrams = max_bigrams;
    T_OK(w2v_phrase_counts_create(&o, &pc, NULL));
    T_OK(w2v_phrase_count_buffer(pc, t, text, strlen(text), NULL, NULL));
    return pc;
}

/* Rewrite text with pc's counts; returns a malloc'ed string. */
static char *rewrite(const w2v_phrase_counts *pc, const w2v_phrase_opts *o,
                     const w2v_tokenizer *t, const char *text, size_t len, uint64_t *joined)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    T_TRUE(fp != NULL);
    T_OK(w2v_phrase_rewrite_buffer(pc, o, t, text, len, fp, joined, NULL));
    fclose(fp);
    return buf;
}

static double score(const w2v_phrase_counts *pc, const w2v_phrase_opts *o, const char *a,
                    const char *b)
{
    return w2v_phrase_score(pc, o, a, strlen(a), b, strlen(b));
}

static uint64_t pair(const w2v_phrase_counts *pc, const char *a, const char *b)
{
    return w2v_phrase_pair_count(pc, a, strlen(a), b, strlen(b));
}

/* Lines "a b c", "a b", "c a": N = 7, a 3, b 2, c 2, ab 2, bc 1, ca 1.  Were
 * pairs to cross line ends, "c a" and "b c" would both be 2. */
static void test_counts_and_exact_scores(void)
{
    w2v_tokenizer *t = tokenizer(0);
    w2v_phrase_counts *pc = count(t, "a b c\na b\nc a", 0);
    T_EQ(w2v_phrase_tokens(pc), 7);
    T_EQ(w2v_phrase_unigrams(pc), 3);
    T_EQ(w2v_phrase_bigrams(pc), 3);
    T_EQ(w2v_phrase_count(pc, "a", 1), 3);
    T_EQ(pair(pc, "a", "b"), 2);
    T_EQ(pair(pc, "b", "c"), 1);
    T_EQ(pair(pc, "c", "a"), 1);
    T_EQ(pair(pc, "b", "a"), 0);
    T_EQ(pair(pc, "a", "zz"), 0);
    T_EQ(w2v_phrase_prune_floor(pc), 0);

    w2v_phrase_opts o = w2v_phrase_opts_default();
    o.min_count = 1;
    o.delta = 0;
    T_NEAR(score(pc, &o, "a", "b"), 14.0 / 6.0, 1e-12);  /* 2 * 7 / (3 * 2) */
    T_NEAR(score(pc, &o, "b", "c"), 7.0 / 4.0, 1e-12);   /* 1 * 7 / (2 * 2) */
    T_NEAR(score(pc, &o, "c", "a"), 7.0 / 6.0, 1e-12);
    o.delta = 1;
    T_NEAR(score(pc, &o, "a", "b"), 7.0 / 6.0, 1e-12);   /* (2 - 1) * 7 / 6 */
    T_NEAR(score(pc, &o, "b", "c"), 0.0, 1e-12);
    o.delta = 0.5;
    T_NEAR(score(pc, &o, "a", "b"), 1.5 * 7.0 / 6.0, 1e-12);
    /* delta < 0 means min_count, as in word2phrase */
    o.delta = -1;
    o.min_count = 2;
    T_NEAR(score(pc, &o, "a", "b"), 0.0, 1e-12);         /* (2 - 2) * 7 / 6 */
    T_EQ(score(pc, &o, "b", "c"), 0);                     /* bc seen once < 2 */
    w2v_phrase_counts_free(pc);
    w2v_tokenizer_free(t);
}

/* 10 x "new york", 5 x "new car", 5 x "old york", 80 x "filler":
 * N = 120; new 15, york 15, car 5, old 5; with delta 0 the scores are
 * new york 10*120/225 = 5.33, new car 5*120/75 = 8, old york 8. */
static char *corpus_newyork(void)
{
    size_t cap = 2048, n = 0;
    char *s = malloc(cap);
    for (int i = 0; i < 100; i++) {
        const char *line = i < 10 ? "new york\n" : i < 15 ? "new car\n" : i < 20 ? "old york\n"
                                                                           : "filler\n";
        size_t k = strlen(line);
        memcpy(s + n, line, k);
        n += k;
    }
    s[n] = '\0';
    return s;
}

static int count_lines(const char *s, const char *line)
{
    int c = 0;
    size_t k = strlen(line);
    for (const char *p = s; (p = strstr(p, line)) != NULL; p += k)
        if (p == s || p[-1] == '\n')
            c++;
    return c;
}

static void test_threshold_and_min_count(void)
{
    w2v_tokenizer *t = tokenizer(0);
    char *text = corpus_newyork();
    w2v_phrase_counts *pc = count(t, text, 0);
    w2v_phrase_opts o = w2v_phrase_opts_default();
    o.delta = 0;
    T_NEAR(score(pc, &o, "new", "york"), 1200.0 / 225.0, 1e-12);
    T_NEAR(score(pc, &o, "new", "car"), 8.0, 1e-12);
    T_NEAR(score(pc, &o, "old", "york"), 8.0, 1e-12);
    /* default delta = min_count = 5: the pairs seen exactly 5 times score 0 */
    o.delta = -1;
    T_NEAR(score(pc, &o, "new", "york"), 600.0 / 225.0, 1e-12);
    T_NEAR(score(pc, &o, "new", "car"), 0.0, 1e-12);
    o.delta = 0;

    uint64_t joined;
    o.threshold = 5;
    char *out = rewrite(pc, &o, t, text, strlen(text), &joined);
    T_EQ(joined, 20);
    T_EQ(count_lines(out, "new_york\n"), 10);
    T_EQ(count_lines(out, "new_car\n"), 5);
    T_EQ(count_lines(out, "old_york\n"), 5);
    T_EQ(count_lines(out, "filler\n"), 80);
    free(out);
    /* the threshold is strict: a score of exactly 8 does not join */
    o.threshold = 8;
    out = rewrite(pc, &o, t, text, strlen(text), &joined);
    T_EQ(joined, 0);
    T_TRUE(strcmp(out, text) == 0);
    free(out);
    o.threshold = 7.999;
    out = rewrite(pc, &o, t, text, strlen(text), &joined);
    T_EQ(joined, 10);
    T_EQ(count_lines(out, "new york\n"), 10);
    T_EQ(count_lines(out, "old_york\n"), 5);
    free(out);
    /* min_count 6: car and old (5 each) are too rare; new york (10) is fine */
    o.threshold = 0;
    o.min_count = 6;
    T_EQ(score(pc, &o, "new", "car"), 0);
    out = rewrite(pc, &o, t, text, strlen(text), &joined);
    T_EQ(joined, 10);
    T_EQ(count_lines(out, "new car\n"), 5);
    free(out);
    /* min_count 11: the pair itself (10) is too rare */
    o.min_count = 11;
    T_EQ(score(pc, &o, "new", "york"), 0);
    out = rewrite(pc, &o, t, text, strlen(text), &joined);
    T_EQ(joined, 0);
    free(out);
    /* min_count 5 is met exactly */
    o.min_count = 5;
    T_NEAR(score(pc, &o, "new", "car"), 8.0, 1e-12);

    /* the list: above the threshold, best first, ties by count then bytes */
    w2v_phrase_item *it;
    size_t n;
    o.threshold = 5;
    T_OK(w2v_phrase_list(pc, &o, &it, &n, NULL));
    T_EQ(n, 3);
    if (n == 3) {
        T_STREQ(it[0].a, "new");
        T_STREQ(it[0].b, "car");
        T_STREQ(it[1].a, "old");
        T_STREQ(it[2].b, "york");
        T_EQ(it[2].count, 10);
        T_EQ(it[2].count_a, 15);
        T_EQ(it[2].alen, 3);
        T_NEAR(it[2].score, 1200.0 / 225.0, 1e-12);
    }
    free(it);
    o.threshold = 100;
    T_OK(w2v_phrase_list(pc, &o, &it, &n, NULL));
    T_EQ(n, 0);
    T_TRUE(it == NULL);
    w2v_phrase_counts_free(pc);
    free(text);
    w2v_tokenizer_free(t);
}

/* A token joined onto its left neighbour does not join its right one. */
static void test_greedy_left_to_right(void)
{
    w2v_tokenizer *t = tokenizer(0);
    const char *text = "x y z\nx y z\nx y z\nx y z\nx y z\n";
    w2v_phrase_counts *pc = count(t, text, 0);
    w2v_phrase_opts o = w2v_phrase_opts_default();
    o.min_count = 1;
    o.delta = 0;
    o.threshold = 1; /* xy and yz both score 5 * 15 / 25 = 3 */
    T_NEAR(score(pc, &o, "y", "z"), 3.0, 1e-12);
    uint64_t joined;
    char *out = rewrite(pc, &o, t, text, strlen(text), &joined);
    T_STREQ(out, "x_y z\nx_y z\nx_y z\nx_y z\nx_y z\n");
    T_EQ(joined, 5);
    free(out);
    w2v_phrase_counts_free(pc);
    w2v_tokenizer_free(t);
}

/* Lines stay lines: no pair across '\n', blank lines kept, whitespace
 * normalised to single spaces, a last line without '\n' gets one. */
static void test_lines(void)
{
    w2v_tokenizer *t = tokenizer(0);
    const char *text = "p\nq\np\nq\np\nq\np\nq\n";
    w2v_phrase_counts *pc = count(t, text, 0);
    T_EQ(w2v_phrase_bigrams(pc), 0);
    T_EQ(pair(pc, "p", "q"), 0);
    w2v_phrase_opts o = w2v_phrase_opts_default();
    o.min_count = 1;
    o.threshold = 0;
    uint64_t joined;
    char *out = rewrite(pc, &o, t, text, strlen(text), &joined);
    T_STREQ(out, text);
    T_EQ(joined, 0);
    free(out);
    w2v_phrase_counts_free(pc);

    const char *messy = "  a\t b  \n\n\r\n c";
    pc = count(t, messy, 0);
    out = rewrite(pc, &o, t, messy, strlen(messy), NULL);
    T_STREQ(out, "a b\n\n\nc\n");
    free(out);
    out = rewrite(pc, &o, t, "", 0, NULL);
    T_STREQ(out, "");
    free(out);
    w2v_phrase_counts_free(pc);

    /* tokens the vocabulary cannot hold (a NUL byte) pass through unjoined */
    const char nul[] = "k\0k m\nk\0k m\n";
    T_OK(w2v_phrase_counts_create(&o, &pc, NULL));
    T_OK(w2v_phrase_count_buffer(pc, t, nul, sizeof nul - 1, NULL, NULL));
    T_EQ(w2v_phrase_tokens(pc), 4);
    T_EQ(w2v_phrase_unigrams(pc), 1);
    out = rewrite(pc, &o, t, nul, sizeof nul - 1, &joined);
    T_TRUE(memcmp(out, nul, sizeof nul - 1) == 0);
    T_EQ(joined, 0);
    free(out);
    w2v_phrase_counts_free(pc);
    w2v_tokenizer_free(t);
}

/* Past max_bigrams the rarest pairs go; a frequent one survives exactly. */
static void test_pruning(void)
{
    w2v_tokenizer *t = tokenizer(0);
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    for (int i = 0; i < 50; i++)
        n += (size_t)snprintf(text + n, cap - n, "hot pair\n");
    for (int i = 0; i < 3000; i++)
        n += (size_t)snprintf(text + n, cap - n, "w%d v%d\n", i, i);
    w2v_phrase_counts *pc = NULL;
    w2v_phrase_opts o = w2v_phrase_opts_default();
    o.max_bigrams = 999;
    T_EQ(w2v_phrase_counts_create(&o, &pc, NULL), W2V_ERR_ARG);
    pc = count(t, text, 1000);
    T_TRUE(w2v_phrase_bigrams(pc) <= 1000);
    T_TRUE(w2v_phrase_prune_floor(pc) >= 2);
    T_EQ(pair(pc, "hot", "pair"), 50);
    T_EQ(w2v_phrase_unigrams(pc), 6002); /* tokens are never pruned */
    w2v_phrase_counts_free(pc);
    free(text);
    w2v_tokenizer_free(t);
}

/* A stop flag ends counting and rewriting within STOP_EVERY tokens. */
static void test_stop(void)
{
    w2v_tokenizer *t = tokenizer(0);
    size_t n = 200000 * 2;
    char *text = malloc(n + 1);
    for (size_t i = 0; i < n; i += 2)
        memcpy(text + i, i % 4 ? "b " : "a ", 2);
    text[n] = '\0';
    atomic_int stop = 1;
    w2v_phrase_opts o = w2v_phrase_opts_default();
    o.stop = &stop;
    w2v_phrase_counts *pc;
    T_OK(w2v_phrase_counts_create(&o, &pc, NULL));
    w2v_error err;
    T_EQ(w2v_phrase_count_buffer(pc, t, text, n, NULL, &err), W2V_ERR_INTERRUPTED);
    T_TRUE(strstr(err.msg, "stopped") != NULL);
    T_EQ(w2v_phrase_tokens(pc), 65536);
    FILE *null = fopen("/dev/null", "w");
    T_EQ(w2v_phrase_rewrite_buffer(pc, &o, t, text, n, null, NULL, &err), W2V_ERR_INTERRUPTED);
    atomic_store(&stop, 0);
    T_OK(w2v_phrase_rewrite_buffer(pc, &o, t, text, n, null, NULL, &err));
    fclose(null);
    w2v_phrase_counts_free(pc);
    free(text);
    w2v_tokenizer_free(t);
}

/* The id-pair table: growth, lookups, saturation, pruning. */
static void test_idpairs(void)
{
    w2v_idpairs t;
    w2v_idpairs_init(&t);
    T_EQ(w2v_idpairs_get(&t, 1, 2), 0); /* empty, never allocated */
    int ok = 1;
    for (uint32_t i = 0; i < 100000; i++)
        ok &= w2v_idpairs_add(&t, i % 1000, i, 1 + i % 7) == 0;
    T_TRUE(ok);
    T_EQ(t.n, 100000);
    T_TRUE(t.n * 10 <= t.nslots * 7);
    ok = 1;
    for (uint32_t i = 0; i < 100000; i++)
        ok &= w2v_idpairs_get(&t, i % 1000, i) == 1 + i % 7;
    T_TRUE(ok);
    T_EQ(w2v_idpairs_get(&t, 1, 0), 0);    /* (a, b) is not (b, a) */
    T_EQ(w2v_idpairs_get(&t, 0, 999), 0); /* never added */
    T_OK(w2v_idpairs_add(&t, 5000, 1, 5));
    T_OK(w2v_idpairs_add(&t, 5000, 1, 1));
    T_EQ(w2v_idpairs_get(&t, 5000, 1), 6);
    T_OK(w2v_idpairs_add(&t, 5000, 1, UINT64_MAX));
    T_TRUE(w2v_idpairs_get(&t, 5000, 1) == UINT64_MAX);
    T_OK(w2v_idpairs_add(&t, UINT32_MAX - 1, UINT32_MAX - 1, 3)); /* largest ids */
    T_EQ(w2v_idpairs_get(&t, UINT32_MAX - 1, UINT32_MAX - 1), 3);
    /* keep counts >= 7: i % 7 == 6, and the saturated pair */
    T_OK(w2v_idpairs_prune(&t, 7));
    T_EQ(t.n, 100000 / 7 + 1);
    T_TRUE(w2v_idpairs_get(&t, 5000, 1) == UINT64_MAX);
    T_TRUE(t.nslots < 131072);
    ok = 1;
    for (uint32_t i = 0; i < 100000; i++)
        ok &= w2v_idpairs_get(&t, i % 1000, i) == (i % 7 == 6 ? 7u : 0u);
    T_TRUE(ok);
    T_EQ(w2v_idpairs_get(&t, UINT32_MAX - 1, UINT32_MAX - 1), 0);
    w2v_idpairs_free(&t);
    T_EQ(t.n, 0);
}

/* ---- w2v_phrase_run on files ----------------------------------------------- */

static char dir[64];

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    T_TRUE(fp != NULL);
    fputs(text, fp);
    fclose(fp);
}

static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = malloc(1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* Entries in dir (to see that no temporary is left). */
static int dir_entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

typedef struct {
    int calls;
    double thresholds[4];
    uint64_t joined[4];
} seen;

static int on_pass(void *user, const w2v_phrase_pass_report *r, const w2v_phrase_counts *pc)
{
    seen *s = user;
    if (s->calls < 4) {
        s->thresholds[s->calls] = r->threshold;
        s->joined[s->calls] = r->joined;
    }
    s->calls++;
    T_EQ(r->tok.tokens, w2v_phrase_tokens(pc));
    return 0;
}

static int stop_now(void *user, const w2v_phrase_pass_report *r, const w2v_phrase_counts *pc)
{
    (void)user, (void)r, (void)pc;
    return 1;
}

/* Pass 1 makes x_y, pass 2 (threshold halved) x_y_z. */
static void test_multi_pass(void)
{
    char in[128], out[128];
    snprintf(in, sizeof in, "%s/in.txt", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    /* pass 1: N 30, x y z 10 each, xy yz 10: score 10*30/100 = 3 > 2.5,
     * only x_y joins (greedy); pass 2: N 20, x_y 10, z 10, (x_y z) 10:
     * score 10*20/100 = 2 > 1.25 */
    size_t n = 0;
    char text[512];
    for (int i = 0; i < 10; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "X Y Z\n");
    write_file(in, text);
    w2v_tokenizer *t = tokenizer(1);
    w2v_phrase_opts o = w2v_phrase_opts_default();
    o.min_count = 1;
    o.delta = 0;
    o.threshold = 2.5;
    o.passes = 2;
    seen s = {0};
    o.on_pass = on_pass;
    o.on_pass_user = &s;
    T_OK(w2v_phrase_run(in, out, t, &o, NULL));
    char *got = read_file(out);
    T_TRUE(got && count_lines(got, "x_y_z\n") == 10 && strlen(got) == 60);
    free(got);
    T_EQ(s.calls, 2);
    T_NEAR(s.thresholds[1], 1.25, 1e-15);
    T_EQ(s.joined[0], 10);
    T_EQ(s.joined[1], 10);
    T_EQ(dir_entries(), 2); /* no temporaries left */

    /* one pass at the same threshold: two-word phrases only */
    o.passes = 1;
    T_OK(w2v_phrase_run(in, out, t, &o, NULL));
    got = read_file(out);
    T_TRUE(got && count_lines(got, "x_y z\n") == 10);
    free(got);

    /* a decay of 1 keeps the threshold: 2 < 2.5, so pass 2 joins nothing */
    o.passes = 3;
    o.threshold_decay = 1;
    s.calls = 0;
    T_OK(w2v_phrase_run(in, out, t, &o, NULL));
    got = read_file(out);
    T_TRUE(got && count_lines(got, "x_y z\n") == 10);
    free(got);
    T_EQ(s.calls, 3);
    T_EQ(s.joined[1], 0);
    T_EQ(dir_entries(), 2);

    /* in place: out may be in */
    o.threshold_decay = 0.5;
    o.passes = 2;
    T_OK(w2v_phrase_run(in, in, t, &o, NULL));
    got = read_file(in);
    T_TRUE(got && count_lines(got, "x_y_z\n") == 10);
    free(got);
    T_EQ(dir_entries(), 2);

    /* a callback that stops: error, out untouched, nothing left behind */
    write_file(out, "old\n");
    o.on_pass = stop_now;
    T_EQ(w2v_phrase_run(in, out, t, &o, NULL), W2V_ERR_INTERRUPTED);
    got = read_file(out);
    T_STREQ(got ? got : "", "old\n");
    free(got);
    T_EQ(dir_entries(), 2);
    w2v_tokenizer_free(t);
}

static void test_run_errors(void)
{
    char in[128], out[128], fifo[128];
    snprintf(in, sizeof in, "%s/in.txt", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    w2v_tokenizer *t = tokenizer(0);
    w2v_phrase_opts o = w2v_phrase_opts_default();
    w2v_error err;
    T_EQ(w2v_phrase_run("-", out, t, &o, &err), W2V_ERR_ARG);
    T_TRUE(strstr(err.msg, "standard input") != NULL);
    T_EQ(w2v_phrase_run("/nonexistent/x.txt", out, t, &o, &err), W2V_ERR_IO);
    T_TRUE(strstr(err.msg, "/nonexistent/x.txt") != NULL);
    T_EQ(w2v_phrase_run(dir, out, t, &o, &err), W2V_ERR_IO);
    T_TRUE(mkfifo(fifo, 0600) == 0);
    T_EQ(w2v_phrase_run(fifo, out, t, &o, &err), W2V_ERR_ARG);
    T_TRUE(strstr(err.msg, "regular file") != NULL);
    unlink(fifo);
    T_EQ(w2v_phrase_run(in, "/nonexistent/out.txt", t, &o, &err), W2V_ERR_IO);
    o.passes = 0;
    T_EQ(w2v_phrase_run(in, out, t, &o, &err), W2V_ERR_ARG);
    o.passes = W2V_PHRASE_MAX_PASSES + 1;
    T_EQ(w2v_phrase_opts_check(&o, NULL), W2V_ERR_ARG);
    o = w2v_phrase_opts_default();
    o.threshold_decay = 0;
    T_EQ(w2v_phrase_opts_check(&o, NULL), W2V_ERR_ARG);
    o.threshold_decay = 1.5;
    T_EQ(w2v_phrase_opts_check(&o, NULL), W2V_ERR_ARG);
    o = w2v_phrase_opts_default();
    o.min_count = 0;
    T_EQ(w2v_phrase_opts_check(&o, NULL), W2V_ERR_ARG);
    o = w2v_phrase_opts_default();
    o.threshold = -1;
    T_EQ(w2v_phrase_opts_check(&o, NULL), W2V_ERR_ARG);
    o.threshold = 100;
    o.passes = 3;
    T_OK(w2v_phrase_opts_check(&o, NULL));
    /* an unwritable temporary directory fails before pass 2, out untouched */
    write_file(out, "old\n");
    o.tmp_dir = "/nonexistent";
    T_EQ(w2v_phrase_run(in, out, t, &o, &err), W2V_ERR_IO);
    T_TRUE(strstr(err.msg, "temporary") != NULL);
    char *got = read_file(out);
    T_STREQ(got ? got : "", "old\n");
    free(got);
    /* an empty input gives an empty output */
    write_file(in, "");
    o.tmp_dir = NULL;
    T_OK(w2v_phrase_run(in, out, t, &o, &err));
    got = read_file(out);
    T_STREQ(got ? got : "x", "");
    free(got);
    T_EQ(dir_entries(), 2);
    w2v_tokenizer_free(t);
}

int main(void)
{
    test_counts_and_exact_scores();
    test_threshold_and_min_count();
    test_greedy_left_to_right();
    test_lines();
    test_pruning();
    test_idpairs();
    test_stop();
    snprintf(dir, sizeof dir, "/tmp/w2v-phrase-test.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_multi_pass();
    test_run_errors();
    char path[128];
    snprintf(path, sizeof path, "%s/in.txt", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    unlink(path);
    rmdir(dir);
    return T_DONE();
}
