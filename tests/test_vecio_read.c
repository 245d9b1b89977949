/*
 * test_vecio_read.c - the vector-file reader: formats word2vec.c, gensim and
 * fastText write, format detection, duplicates, max_words, and malformed
 * files (each must fail with W2V_ERR_* and a message naming the file and
 * the line or byte).  Also holds the fast decimal parser to strtod.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "w2v/vecio.h"

/* A growable byte buffer for building files. */
typedef struct {
    char *p;
    size_t n, cap;
} buffer;

static void put(buffer *b, const void *s, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}
static void puts_(buffer *b, const char *s) { put(b, s, strlen(s)); }

/* Binary file of V words w<i> with vector values i*10 + k; nl: word2vec.c's
 * newline after each vector (gensim writes none). */
static buffer make_bin(size_t V, size_t D, int nl)
{
    buffer b = {0};
    char h[64];
    snprintf(h, sizeof h, "%zu %zu\n", V, D);
    puts_(&b, h);
    for (size_t i = 0; i < V; i++) {
        snprintf(h, sizeof h, "w%zu ", i);
        puts_(&b, h);
        for (size_t k = 0; k < D; k++) {
            float f = (float)(i * 10 + k) + 0.25f;
            put(&b, &f, 4);
        }
        if (nl)
            puts_(&b, "\n");
    }
    return b;
}

static int has(const char *msg, const char *part) { return strstr(msg, part) != NULL; }

/* Expect failure with status st and a message containing name and where. */
#define T_FAILS(data, len, fmt, st, where)                                                   \
    do {                                                                                     \
        w2v_vectors *v_ = (w2v_vectors *)1;                                                  \
        w2v_error e_;                                                                        \
        w2v_error_clear(&e_);                                                                \
        w2v_status s_ = w2v_vectors_read_mem((data), (len), "bad.vec", (fmt), 0, &v_, &e_);  \
        T_CHECK(s_ == (st), "status %d, want %d (%s)", (int)s_, (int)(st), e_.msg);          \
        T_CHECK(v_ == NULL, "out not NULL on error");                                        \
        T_CHECK(has(e_.msg, "bad.vec") && has(e_.msg, (where)), "message '%s' lacks '%s'",   \
                e_.msg, (where));                                                            \
    } while (0)

static void test_binary_both_styles(void)
{
    for (int nl = 0; nl < 2; nl++) {
        buffer b = make_bin(5, 3, nl);
        for (int fmt = -1; fmt <= 1; fmt += 2) { /* auto, forced binary */
            w2v_vectors *v = NULL;
            w2v_error e;
            T_OK(w2v_vectors_read_mem(b.p, b.n, "x.bin", fmt, 0, &v, &e));
            T_TRUE(v != NULL);
            if (!v)
                continue;
            T_EQ(v->V, 5);
            T_EQ(v->D, 3);
            T_STREQ(v->words[0], "w0");
            T_STREQ(v->words[4], "w4");
            T_NEAR(v->vecs[4 * 3 + 2], 42.25, 0);
            w2v_vectors_free(v);
        }
        free(b.p);
    }
}

static void test_text_variants(void)
{
    /* word2vec.c style (trailing space), fastText (same), CRLF, tabs. */
    const char *files[] = {
        "3 2\nthe 0.5 -1 \nof 1e-3 2.5 \n</s> 0 0 \n",
        "3 2\r\nthe 0.5 -1\r\nof 1e-3 2.5\r\n</s> 0 0\r\n",
        "3 2\nthe\t0.5\t-1\nof  1e-3   2.5\n</s> 0 0",
    };
    for (size_t f = 0; f < 3; f++) {
        w2v_vectors *v = NULL;
        w2v_error e;
        T_OK(w2v_vectors_read_mem(files[f], strlen(files[f]), "t.txt", W2V_FORMAT_AUTO, 0, &v, &e));
        T_TRUE(v != NULL);
        if (!v)
            continue;
        T_EQ(v->V, 3);
        T_STREQ(v->words[1], "of");
        T_STREQ(v->words[2], "</s>");
        T_NEAR(v->vecs[1], -1.0, 0);
        T_NEAR(v->vecs[2], 1e-3f, 0);
        w2v_vectors_free(v);
    }
}

static void test_utf8_words(void)
{
    const char *f = "2 1\nnaïve 1\n日本 2\n";
    w2v_vectors *v = NULL;
    w2v_error e;
    T_OK(w2v_vectors_read_mem(f, strlen(f), "u.txt", W2V_FORMAT_AUTO, 0, &v, &e));
    if (v) {
        T_STREQ(v->words[0], "naïve");
        T_STREQ(v->words[1], "日本");
        w2v_vectors_free(v);
    }
}

static void test_duplicates_and_max_words(void)
{
    const char *f = "4 1\na 1\nb 2\na 3\nc 4\n";
    w2v_vectors *v = NULL;
    w2v_error e;
    T_OK(w2v_vectors_read_mem(f, strlen(f), "d.txt", W2V_FORMAT_AUTO, 0, &v, &e));
    if (v) {
        T_EQ(v->V, 3); /* the second "a" is dropped, its first vector kept */
        T_STREQ(v->words[2], "c");
        T_NEAR(v->vecs[0], 1, 0);
        T_NEAR(v->vecs[2], 4, 0);
        w2v_vectors_free(v);
    }
    /* max_words counts distinct words and reads no further: the junk after
     * the third distinct word is never looked at. */
    const char *g = "5 1\na 1\na 2\nb 3\nc 4\nthis line is junk\n";
    T_OK(w2v_vectors_read_mem(g, strlen(g), "m.txt", W2V_FORMAT_AUTO, 3, &v, &e));
    if (v) {
        T_EQ(v->V, 3);
        T_STREQ(v->words[2], "c");
        w2v_vectors_free(v);
    }
    buffer b = make_bin(50, 4, 1);
    T_OK(w2v_vectors_read_mem(b.p, b.n, "m.bin", W2V_FORMAT_AUTO, 7, &v, &e));
    if (v) {
        T_EQ(v->V, 7);
        T_STREQ(v->words[6], "w6");
        w2v_vectors_free(v);
    }
    free(b.p);
}

static void test_forced_text_on_binary(void)
{
    buffer b = make_bin(3, 4, 1);
    w2v_vectors *v = (w2v_vectors *)1;
    w2v_error e;
    T_TRUE(w2v_vectors_read_mem(b.p, b.n, "f.bin", W2V_FORMAT_TEXT, 0, &v, &e) == W2V_ERR_FORMAT);
    T_TRUE(v == NULL && has(e.msg, "f.bin: line 2"));
    free(b.p);
}

static void test_malformed(void)
{
    T_FAILS("", 0, W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "empty file");
    T_FAILS("hello world\n", 12, W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 1");
    T_FAILS("3\n", 2, W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 1");
    T_FAILS("3 4 5\n", 6, W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 1");
    T_FAILS("1 0\na\n", 6, W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "dimension 0");
    T_FAILS("1 1000000\na 1\n", 14, W2V_FORMAT_AUTO, W2V_ERR_LIMIT, "line 1");
    T_FAILS("0 10\n", 5, W2V_FORMAT_AUTO, W2V_ERR_EMPTY, "line 1");
    T_FAILS("99999999999999999999999 3\n", 26, W2V_FORMAT_AUTO, W2V_ERR_LIMIT, "line 1");
    /* No newline anywhere in the first bytes: not a vector file. */
    char junk[300];
    memset(junk, 'x', sizeof junk);
    T_FAILS(junk, sizeof junk, W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 1");

    /* Header larger than the data: refused before allocating. */
    buffer b = make_bin(4, 8, 1);
    memcpy(b.p, "9", 1); /* "9 8": nine words of 34+ bytes cannot fit */
    T_FAILS(b.p, b.n, W2V_FORMAT_BINARY, W2V_ERR_FORMAT, "line 1");
    b.p[0] = '4';
    /* A huge header over a small file: no 10^12-row allocation happens. */
    const char *huge = "100000000 300\nw 1\n";
    T_FAILS(huge, strlen(huge), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 1");
    /* Truncated binary: the last vector cut short. */
    size_t hdr = 4; /* "4 8\n" */
    size_t rec = 3 + 32 + 1; /* "wN " + 32 bytes + "\n" */
    char where[64];
    snprintf(where, sizeof where, "byte %zu", hdr + 3 * rec + 3);
    T_FAILS(b.p, b.n - 5, W2V_FORMAT_BINARY, W2V_ERR_FORMAT, where);
    /* Header one word more than the data. */
    buffer c = make_bin(4, 8, 0);
    c.p[0] = '5';
    T_FAILS(c.p, c.n, W2V_FORMAT_BINARY, W2V_ERR_FORMAT, "bad.vec");
    /* Header one word less than the data. */
    b.p[0] = '3';
    snprintf(where, sizeof where, "byte %zu", hdr + 3 * rec);
    T_FAILS(b.p, b.n, W2V_FORMAT_BINARY, W2V_ERR_FORMAT, where);
    b.p[0] = '4';
    /* NaN in a binary vector: the byte offset of the value. */
    float nan = __builtin_nanf("");
    memcpy(b.p + hdr + rec + 3 + 4 * 5, &nan, 4);
    snprintf(where, sizeof where, "byte %zu", hdr + rec + 3 + 4 * 5);
    T_FAILS(b.p, b.n, W2V_FORMAT_AUTO, W2V_ERR_FORMAT, where);
    /* ... also in a duplicate word's row, which is otherwise dropped. */
    memcpy(b.p + hdr + rec, "w0", 2); /* record 1 now repeats "w0" */
    T_FAILS(b.p, b.n, W2V_FORMAT_AUTO, W2V_ERR_FORMAT, where);
    memcpy(b.p + hdr + rec, "w1", 2);
    float inf = __builtin_inff();
    memcpy(b.p + hdr + rec + 3 + 4 * 5, &inf, 4);
    T_FAILS(b.p, b.n, W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "infinite");
    /* NUL inside a binary word. */
    buffer d = make_bin(2, 2, 1);
    d.p[4 + 1] = '\0'; /* "w0 " -> "w\0 " is an odd word; "w\0" then space */
    T_FAILS(d.p, d.n, W2V_FORMAT_BINARY, W2V_ERR_FORMAT, "NUL");
    free(b.p);
    free(c.p);
    free(d.p);

    /* Binary garbage after a valid header. */
    unsigned char g[2000];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof g; i++) {
        x = x * 1103515245u + 12345u;
        g[i] = (unsigned char)(x >> 16);
    }
    memcpy(g, "10 16\n", 6);
    {
        w2v_vectors *v = (w2v_vectors *)1;
        w2v_error e;
        w2v_status s = w2v_vectors_read_mem(g, sizeof g, "bad.vec", W2V_FORMAT_AUTO, 0, &v, &e);
        T_CHECK(s == W2V_ERR_FORMAT && v == NULL, "garbage: %d %s", (int)s, e.msg);
        T_CHECK(has(e.msg, "bad.vec") && (has(e.msg, "byte") || has(e.msg, "line")), "%s", e.msg);
    }

    /* Text: non-numeric value, NaN, Inf, overflow, counts, empty lines. */
    const char *t1 = "2 3\na 1 2 3\nb 1 x 3\n";
    T_FAILS(t1, strlen(t1), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 3");
    const char *t2 = "2 3\na 1 2 3\nb 1 nan 3\n";
    T_FAILS(t2, strlen(t2), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 3");
    T_FAILS(t2, strlen(t2), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "not finite");
    const char *t3 = "2 3\na -inf 2 3\nb 1 1 3\n";
    T_FAILS(t3, strlen(t3), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 2");
    const char *t4 = "2 3\na 1 2 3\nb 1 1e39 3\n";
    T_FAILS(t4, strlen(t4), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 3");
    const char *t5 = "2 3\na 1.5 2.5 3.5\nb 1.5 3.5\n";
    T_FAILS(t5, strlen(t5), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 3");
    const char *t6 = "2 3\na 1 2 3\nb 1 3 4 5\n";
    T_FAILS(t6, strlen(t6), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 3");
    const char *t7 = "3 3\na 1.0000 2.0000 3.0000\nb 1.0000 3.0000 4.0000\n";
    T_FAILS(t7, strlen(t7), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 4");
    const char *t13 = "3 3\na 1 2 3\nb 1 3 4\n"; /* cannot hold 3 lines of 3 values */
    T_FAILS(t13, strlen(t13), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 1");
    const char *t8 = "2 3\na 1 2 3\nb 1 3 4\nc 1 2 3\n";
    T_FAILS(t8, strlen(t8), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 4");
    const char *t9 = "2 3\na 1 2 3\n\nb 1 3 4\n";
    T_FAILS(t9, strlen(t9), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 3");
    const char *t10 = "2 3\na 1 2 3\n 1 3 4\n";
    T_FAILS(t10, strlen(t10), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 3");
    const char *t11 = "2 3\na 1 2 3\nb 0x10 3 4\n";
    T_FAILS(t11, strlen(t11), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 3");
    const char *t12 = "2 2\na 1..2 2\nb 1 3\n";
    T_FAILS(t12, strlen(t12), W2V_FORMAT_AUTO, W2V_ERR_FORMAT, "line 2");
    /* Trailing blank lines are fine. */
    const char *ok = "1 2\na 1 2\n\n\n";
    w2v_vectors *v = NULL;
    w2v_error e;
    T_OK(w2v_vectors_read_mem(ok, strlen(ok), "ok.txt", W2V_FORMAT_AUTO, 0, &v, &e));
    w2v_vectors_free(v);
}

/* The fast decimal path must give exactly (float)strtod(token). */
static void test_number_parser_vs_strtod(void)
{
    enum { N = 20000 };
    buffer b = {0};
    static char tok[N][40];
    uint64_t x = 88172645463325252ull;
    puts_(&b, "1 20000\nw");
    for (int i = 0; i < N; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int kind = (int)(x % 6);
        double m = (double)(x >> 11) / 9007199254740992.0 * 2.0 - 1.0;
        int ex = (int)((x >> 3) % 60) - 30;
        switch (kind) {
        case 0: snprintf(tok[i], sizeof tok[i], "%.9g", m); break;
        case 1: snprintf(tok[i], sizeof tok[i], "%.6f", m); break;
        case 2: snprintf(tok[i], sizeof tok[i], "%.9e", m * 1e-3); break;
        case 3: snprintf(tok[i], sizeof tok[i], "%.17g", m); break; /* 17 digits: strtod path */
        case 4: snprintf(tok[i], sizeof tok[i], "%.8fe%d", m, ex); break;
        default: snprintf(tok[i], sizeof tok[i], "%lld", (long long)(x % 2000001) - 1000000); break;
        }
        puts_(&b, " ");
        puts_(&b, tok[i]);
    }
    puts_(&b, "\n");
    w2v_vectors *v = NULL;
    w2v_error e;
    T_OK(w2v_vectors_read_mem(b.p, b.n, "num.txt", W2V_FORMAT_AUTO, 0, &v, &e));
    if (v) {
        int bad = 0;
        for (int i = 0; i < N; i++) {
            float want = (float)strtod(tok[i], NULL);
            if (memcmp(&want, &v->vecs[i], 4) != 0 && bad++ < 5)
                fprintf(stderr, "  %s: got %.9g want %.9g\n", tok[i], v->vecs[i], want);
        }
        T_EQ(bad, 0);
        w2v_vectors_free(v);
    }
    free(b.p);
}

static void test_from_path(void)
{
    char path[] = "/tmp/w2v_test_vecio_XXXXXX";
    int fd = mkstemp(path);
    T_TRUE(fd >= 0);
    if (fd < 0)
        return;
    buffer b = make_bin(20, 5, 1);
    T_EQ(write(fd, b.p, b.n), (long long)b.n);
    close(fd);
    w2v_vectors *v = NULL;
    w2v_error e;
    T_OK(w2v_vectors_read(path, W2V_FORMAT_AUTO, 0, &v, &e));
    if (v) {
        T_EQ(v->V, 20);
        T_STREQ(v->words[19], "w19");
        w2v_vectors_free(v);
    }
    /* Truncated on disk: the message names the path. */
    T_TRUE(truncate(path, (off_t)b.n - 10) == 0);
    T_TRUE(w2v_vectors_read(path, W2V_FORMAT_AUTO, 0, &v, &e) == W2V_ERR_FORMAT);
    T_TRUE(v == NULL && has(e.msg, path) && has(e.msg, "byte"));
    /* Empty file. */
    T_TRUE(truncate(path, 0) == 0);
    T_TRUE(w2v_vectors_read(path, W2V_FORMAT_AUTO, 0, &v, &e) == W2V_ERR_FORMAT);
    T_TRUE(has(e.msg, path) && has(e.msg, "empty"));
    unlink(path);
    T_TRUE(w2v_vectors_read(path, W2V_FORMAT_AUTO, 0, &v, &e) == W2V_ERR_IO);
    T_TRUE(w2v_vectors_read("/tmp", W2V_FORMAT_AUTO, 0, &v, &e) == W2V_ERR_IO);
    free(b.p);
    w2v_vectors_free(NULL);
}

int main(void)
{
    test_binary_both_styles();
    test_text_variants();
    test_utf8_words();
    test_duplicates_and_max_words();
    test_forced_text_on_binary();
    test_malformed();
    test_number_parser_vs_strtod();
    test_from_path();
    return T_DONE();
}
