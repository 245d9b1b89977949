/*
 * test_tokenize.c - the tokenizer: a table of nasty strings (blanks,
 * newlines, CRLF, NUL, invalid and truncated UTF-8, overlong tokens cut
 * next to multi-byte characters); the byte scanner against PCRE2 (the
 * default pattern byte-wise on random bytes, and the library's own UTF-8
 * pattern path on valid and invalid random text); the JIT against the
 * interpreter; overlong cuts against a naive reference; Unicode patterns
 * and lowercase; the match limit; empty matches; callbacks that stop; and
 * files: longer than a chunk, one token longer than a chunk, no final
 * newline, empty, missing, a directory, a FIFO, standard input.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wctype.h>

#include "t.h"
#include "w2v/tokenize.h"

static int has(const char *msg, const char *part) { return strstr(msg, part) != NULL; }

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static size_t rand_below(size_t n) { return (size_t)(next_rand() % n); }

/* ---- a sink that renders what the callback saw -------------------------------- */

/*
 * Tokens are written separated by one space, a sentence end as "|".  With
 * esc, every byte outside 0x21..0x7e (and '\') is written \xHH, so the text
 * is an exact record of the calls; without it tokens are copied raw (for
 * readable Unicode expectations).
 */
typedef struct {
    char *s;
    size_t len, cap;
    int esc;
    long calls;       /* callback invocations */
    long stop_at;     /* return 1 on this call (1-based); 0: never */
    size_t max_seen;  /* longest token */
} sink;

static void put(sink *k, const char *p, size_t n)
{
    if (k->len + n + 1 > k->cap) {
        size_t cap = k->cap ? k->cap : 256;
        while (cap < k->len + n + 1)
            cap *= 2;
        char *s = realloc(k->s, cap);
        if (!s) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        k->s = s;
        k->cap = cap;
    }
    memcpy(k->s + k->len, p, n);
    k->len += n;
    k->s[k->len] = '\0';
}

static int on_token(void *user, const char *tok, size_t len)
{
    sink *k = user;
    k->calls++;
    if (k->len)
        put(k, " ", 1);
    if (!tok) {
        put(k, "|", 1);
    } else if (!k->esc) {
        put(k, tok, len);
    } else {
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)tok[i];
            char hex[5];
            if (c > 0x20 && c < 0x7f && c != '\\') {
                put(k, (const char *)&c, 1);
            } else {
                snprintf(hex, sizeof hex, "\\x%02x", c);
                put(k, hex, 4);
            }
        }
    }
    if (tok && len > k->max_seen)
        k->max_seen = len;
    return k->stop_at && k->calls == k->stop_at;
}

static void sink_reset(sink *k, int esc)
{
    free(k->s);
    memset(k, 0, sizeof *k);
    k->esc = esc;
    put(k, "", 0);
}

static w2v_tokenizer *make_tok(const char *regex, int lowercase, size_t max, int jit)
{
    w2v_tokenize_opts o = w2v_tokenize_opts_default();
    o.regex = regex;
    o.lowercase = lowercase;
    o.max_token_bytes = max;
    o.jit = jit;
    w2v_tokenizer *t = NULL;
    w2v_error e;
    if (w2v_tokenizer_create(&o, &t, &e) != W2V_OK)
        fprintf(stderr, "make_tok(%s): %s\n", regex ? regex : "default", e.msg);
    return t;
}

/* Tokenize buf into k (reset first); @return the status. */
static w2v_status run_buf(const w2v_tokenizer *t, const char *buf, size_t len, sink *k,
                          int esc, w2v_tokenize_stats *st)
{
    sink_reset(k, esc);
    w2v_error e;
    w2v_status s = w2v_tokenize_buffer(t, buf, len, on_token, k, st, &e);
    if (s != W2V_OK && s != W2V_ERR_INTERRUPTED)
        fprintf(stderr, "run_buf: %s\n", e.msg);
    return s;
}

/* ---- references ------------------------------------------------------------------ */

/*
 * Length of the well-formed sequence at s (0 if none), straight from the
 * Unicode table of well-formed UTF-8 byte sequences (a different
 * formulation from the library's decoder on purpose).
 */
static size_t ref_wellformed(const unsigned char *s, size_t n)
{
    unsigned b = s[0];
    unsigned lo = 0x80, hi = 0xBF;
    size_t len;
    if (b <= 0x7F)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        len = 2;
    else if (b == 0xE0)
        len = 3, lo = 0xA0;
    else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF)
        len = 3;
    else if (b == 0xED)
        len = 3, hi = 0x9F;
    else if (b == 0xF0)
        len = 4, lo = 0x90;
    else if (b >= 0xF1 && b <= 0xF3)
        len = 4;
    else if (b == 0xF4)
        len = 4, hi = 0x8F;
    else
        return 0;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    return len;
}

/* Copy of s where every byte that does not start a well-formed sequence is a space. */
static void ref_mask_invalid(const unsigned char *s, size_t n, unsigned char *out)
{
    for (size_t i = 0; i < n;) {
        size_t len = ref_wellformed(s + i, n - i);
        if (len == 0) {
            out[i++] = ' ';
        } else {
            memcpy(out + i, s + i, len);
            i += len;
        }
    }
}

/* Naive overlong cut: whole units (well-formed sequences or single bytes) that fit. */
static size_t ref_cut(const unsigned char *s, size_t n, size_t max)
{
    size_t i = 0;
    while (i < n) {
        size_t len = ref_wellformed(s + i, n - i);
        if (len == 0)
            len = 1;
        if (i + len > max)
            break;
        i += len;
    }
    return i;
}

/*
 * The default pattern run by PCRE2 byte-wise (no UTF), one line at a time,
 * one sentence end per '\n', tokens cut with ref_cut(): what the byte
 * scanner must give on any bytes.
 */
static void ref_pcre2_bytes(const unsigned char *s, size_t n, size_t max, sink *k)
{
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)W2V_TOKENIZE_DEFAULT_REGEX,
                                     PCRE2_ZERO_TERMINATED, 0, &ec, &eo, NULL);
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    sink_reset(k, 1);
    size_t i = 0;
    while (i <= n) {
        const unsigned char *nl = i < n ? memchr(s + i, '\n', n - i) : NULL;
        size_t end = nl ? (size_t)(nl - s) : n;
        size_t off = 0;
        while (off < end - i) {
            if (pcre2_match(code, s + i, end - i, off, 0, md, NULL) < 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            size_t len = ov[1] - ov[0];
            size_t cut = len > max ? ref_cut(s + i + ov[0], len, max) : len;
            if (cut)
                on_token(k, (const char *)s + i + ov[0], cut);
            off = ov[1];
        }
        if (!nl)
            break;
        on_token(k, NULL, 0);
        i = end + 1;
    }
    pcre2_match_data_free(md);
    pcre2_code_free(code);
}

/* ---- options and create ---------------------------------------------------------- */

static void test_create(void)
{
    w2v_tokenize_opts o = w2v_tokenize_opts_default();
    T_TRUE(o.regex == NULL);
    T_EQ(o.lowercase, 0);
    T_EQ(o.max_token_bytes, W2V_TOKENIZE_MAX_TOKEN_DEFAULT);
    T_EQ(o.match_limit, W2V_TOKENIZE_MATCH_LIMIT_DEFAULT);
    T_EQ(o.jit, 1);

    w2v_tokenizer *t = (w2v_tokenizer *)&o; /* must be reset to NULL on error */
    w2v_error e;
    o.max_token_bytes = 0;
    T_EQ(w2v_tokenizer_create(&o, &t, &e), W2V_ERR_ARG);
    T_TRUE(t == NULL);
    T_TRUE(has(e.msg, "maximum token length"));
    o.max_token_bytes = W2V_TOKENIZE_MAX_TOKEN_LIMIT + 1;
    T_EQ(w2v_tokenizer_create(&o, &t, &e), W2V_ERR_ARG);
    o.max_token_bytes = W2V_TOKENIZE_MAX_TOKEN_LIMIT;
    T_OK(w2v_tokenizer_create(&o, &t, &e));
    w2v_tokenizer_free(t);
    o.max_token_bytes = 100;
    o.match_limit = 0;
    T_EQ(w2v_tokenizer_create(&o, &t, &e), W2V_ERR_ARG);
    o.match_limit = 1000;
    T_EQ(w2v_tokenizer_create(NULL, &t, &e), W2V_ERR_ARG);
    T_EQ(w2v_tokenizer_create(&o, NULL, &e), W2V_ERR_ARG);

    o.regex = "";
    T_EQ(w2v_tokenizer_create(&o, &t, &e), W2V_ERR_REGEX);
    o.regex = "ab(c";
    T_EQ(w2v_tokenizer_create(&o, &t, &e), W2V_ERR_REGEX);
    T_TRUE(t == NULL);
    T_TRUE(has(e.msg, "offset 4"));
    T_TRUE(has(e.msg, "ab(c"));
    o.regex = "a\\Cb"; /* could match half a character: refused */
    T_EQ(w2v_tokenizer_create(&o, &t, &e), W2V_ERR_REGEX);
    T_TRUE(has(e.msg, "offset"));
    o.regex = "\\p{L}+";
    T_OK(w2v_tokenizer_create(&o, &t, &e));
    T_EQ(w2v_tokenizer_unicode_lowercase(t), 0); /* not asked to fold */
    w2v_tokenizer_free(t);
    o.jit = 0;
    T_OK(w2v_tokenizer_create(&o, &t, &e));
    T_EQ(w2v_tokenizer_jit(t), 0);
    w2v_tokenizer_free(t);
    w2v_tokenizer_free(NULL);

    /* Bad calls are errors, not crashes. */
    t = make_tok(NULL, 0, 100, 1);
    sink k = {0};
    T_EQ(w2v_tokenize_buffer(t, NULL, 3, on_token, &k, NULL, &e), W2V_ERR_ARG);
    T_EQ(w2v_tokenize_buffer(t, "a", 1, NULL, &k, NULL, &e), W2V_ERR_ARG);
    T_EQ(w2v_tokenize_buffer(NULL, "a", 1, on_token, &k, NULL, &e), W2V_ERR_ARG);
    T_OK(w2v_tokenize_buffer(t, NULL, 0, on_token, &k, NULL, &e));
    T_EQ(k.calls, 0);
    T_EQ(w2v_tokenize_file(t, NULL, on_token, &k, NULL, &e), W2V_ERR_ARG);
    w2v_tokenizer_free(t);
    free(k.s);
}

/* ---- the nasty table ------------------------------------------------------------- */

typedef struct {
    const char *in;
    size_t len;       /* 0: strlen(in) */
    size_t max;       /* max_token_bytes */
    const char *want; /* escaped rendering (see sink) */
    int overlong;
} nasty;

#define N(s) s, sizeof(s) - 1

static const nasty table[] = {
    {N(""), 100, "", 0},
    {N("   "), 100, "", 0},
    {N(" \t\v\f\r "), 100, "", 0},
    {N("\n"), 100, "|", 0},
    {N("\n\n\n"), 100, "| | |", 0},        /* one sentence end per newline */
    {N("a\n\n\nb"), 100, "a | | | b", 0},
    {N("a\r\nb\r\n"), 100, "a | b |", 0},  /* CRLF: '\r' is a blank */
    {N("\r\r\n\r"), 100, "|", 0},
    {N("\ta\t\tb\t"), 100, "a b", 0},
    {N("  lead"), 100, "lead", 0},
    {N("trail  "), 100, "trail", 0},
    {N("no newline at end"), 100, "no newline at end", 0}, /* a buffer end ends no sentence */
    {N("a\0b \0"), 100, "a\\x00b \\x00", 0},               /* NUL is a token byte */
    {N("\0\0\n\0"), 100, "\\x00\\x00 | \\x00", 0},
    {N("x\x1fy\x7f"), 100, "x\\x1fy\\x7f", 0},             /* other controls too */
    {N("a\xc2\xa0"
       "b"),
     100, "a\\xc2\\xa0b", 0}, /* NBSP is not ASCII whitespace */
    {N("a\xe2\x80\xa8"
       "b \xc2\x85"),
     100, "a\\xe2\\x80\\xa8b \\xc2\\x85", 0}, /* nor U+2028, U+0085 */
    {N("\xff\xfe ab\xc3"), 100, "\\xff\\xfe ab\\xc3", 0},   /* invalid bytes stay in tokens */
    {N("\xe2\x82 \xed\xa0\x80 \xc0\xaf"), 100, "\\xe2\\x82 \\xed\\xa0\\x80 \\xc0\\xaf", 0},
    /* overlong tokens */
    {N("abcde"), 5, "abcde", 0},   /* exactly max */
    {N("abcdef"), 5, "abcde", 1},  /* the rest is dropped, not another token */
    {N("abcdefghijklmnop q"), 5, "abcde q", 1},
    {N("abc\xc3\xa9"), 5, "abc\\xc3\\xa9", 0},             /* 5 bytes with a 2-byte char */
    {N("abcd\xc3\xa9"), 5, "abcd", 1},                     /* never half an e-acute */
    {N("ab\xe2\x82\xac\xe2\x82\xac"), 5, "ab\\xe2\\x82\\xac", 1},
    {N("ab\xe2\x82\xac\xe2\x82\xac"), 4, "ab", 1},
    {N("ab\xe2\x82\xac\xe2\x82\xac"), 6, "ab\\xe2\\x82\\xac", 1},
    {N("a\xf0\x9f\x98\x80"), 4, "a", 1},
    {N("a\xf0\x9f\x98\x80"), 5, "a\\xf0\\x9f\\x98\\x80", 0},
    {N("a\xf0\x9f\x98\x80z"), 5, "a\\xf0\\x9f\\x98\\x80", 1},
    {N("abcd\xc3\xc3\xc3"), 5, "abcd\\xc3", 1},            /* invalid: cut at the limit */
    {N("abcd\xe2\x82x"), 5, "abcd\\xe2", 1},               /* truncated sequence: invalid */
    {N("abc\x80\x80\x80\x80"), 5, "abc\\x80\\x80", 1},     /* stray continuation bytes */
    {N("\xc3\xa9 a"), 1, "a", 1},  /* first character longer than max: dropped, counted */
    {N("\xc3\xa9\xc3\xa9"), 3, "\\xc3\\xa9", 1},
    {N("ab\ncdefgh\nij"), 3, "ab | cde | ij", 1},
};

static void test_nasty_table(void)
{
    sink k = {0}, kr = {0};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const nasty *c = &table[i];
        w2v_tokenizer *t = make_tok(NULL, 0, c->max, 1);
        w2v_tokenize_stats st = {0};
        T_OK(run_buf(t, c->in, c->len, &k, 1, &st));
        T_CHECK(strcmp(k.s, c->want) == 0, "case %zu: got \"%s\", want \"%s\"", i, k.s, c->want);
        T_CHECK(st.overlong == (uint64_t)c->overlong, "case %zu: overlong %llu", i,
                (unsigned long long)st.overlong);
        T_EQ(st.bytes, c->len);
        T_TRUE(k.max_seen <= c->max);
        /* The calls agree with the counts. */
        T_EQ((uint64_t)k.calls, st.tokens + st.sentences);

        /* The same table through PCRE2 byte-wise. */
        ref_pcre2_bytes((const unsigned char *)c->in, c->len, c->max, &kr);
        T_CHECK(strcmp(k.s, kr.s) == 0, "case %zu: scanner \"%s\" vs PCRE2 bytes \"%s\"", i, k.s,
                kr.s);

        /* And through the library's pattern path, on the input with its
         * invalid bytes read as blanks (which is what a UTF-8 pattern does). */
        unsigned char *m = malloc(c->len + 1);
        ref_mask_invalid((const unsigned char *)c->in, c->len, m);
        for (int jit = 0; jit <= 1; jit++) {
            w2v_tokenizer *tr = make_tok(W2V_TOKENIZE_DEFAULT_REGEX, 0, c->max, jit);
            T_OK(run_buf(tr, c->in, c->len, &kr, 1, NULL));
            T_OK(run_buf(t, (const char *)m, c->len, &k, 1, NULL));
            T_CHECK(strcmp(k.s, kr.s) == 0, "case %zu jit %d: pattern \"%s\" vs scanner \"%s\"",
                    i, jit, kr.s, k.s);
            w2v_tokenizer_free(tr);
        }
        free(m);
        w2v_tokenizer_free(t);
    }
    free(k.s);
    free(kr.s);
}

static void test_stats_accumulate(void)
{
    w2v_tokenizer *t = make_tok(NULL, 0, 3, 1);
    sink k = {0};
    w2v_tokenize_stats st = {0};
    const char *in = "one two\nthree\n";
    T_OK(run_buf(t, in, strlen(in), &k, 1, &st));
    T_OK(run_buf(t, in, strlen(in), &k, 1, &st));
    T_EQ(st.bytes, 2 * strlen(in));
    T_EQ(st.tokens, 6);
    T_EQ(st.sentences, 4);
    T_EQ(st.overlong, 2); /* "three" twice */
    T_STREQ(k.s, "one two | thr |");
    w2v_tokenizer_free(t);
    free(k.s);
}

/* ---- random inputs: scanner vs PCRE2 --------------------------------------------- */

/* Random bytes, drawn from a pool that makes blanks, newlines and
 * multi-byte sequences (whole, cut, or broken) common. */
static size_t random_text(unsigned char *s, size_t cap, int valid_only)
{
    static const char *const valid[] = {"a", "b", "Z", "0", " ", " ", "\t", "\n", "\r\n", "\v",
                                        "\f", "\r", "\0", "\xc3\xa9", "\xe2\x82\xac",
                                        "\xf0\x9f\x98\x80", "\xc2\x85", "\xe2\x80\xa8",
                                        "\xc2\xa0", "\xce\xa3", "\xd0\x96", "\xe4\xb8\x96",
                                        "word", "longerword", "WoRd", "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                        "\xc3\x89", "\xc8\xba", "\xc4\xb0", "[@`{"};
    static const char *const broken[] = {"\x80", "\xbf", "\xc3", "\xe2\x82", "\xf0\x9f\x98",
                                         "\xff", "\xfe", "\xc0\xaf", "\xed\xa0\x80",
                                         "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80"};
    size_t target = rand_below(cap < 300 ? cap : 300), n = 0;
    int dense = rand_below(3) == 0; /* long tokens: blanks rare */
    int raw = !valid_only && rand_below(4) == 0;
    while (n < target) {
        if (raw) {
            s[n++] = (unsigned char)next_rand();
            continue;
        }
        const char *piece;
        size_t len;
        if (!valid_only && rand_below(6) == 0) {
            piece = broken[rand_below(sizeof broken / sizeof broken[0])];
            len = strlen(piece);
        } else {
            size_t j = rand_below(sizeof valid / sizeof valid[0]);
            if (dense && j >= 4 && j <= 12)
                j = 0;
            piece = valid[j];
            len = j == 12 ? 1 : strlen(piece); /* the NUL entry */
        }
        if (n + len > cap)
            break;
        memcpy(s + n, piece, len);
        n += len;
    }
    return n;
}

static void test_random_vs_pcre2(void)
{
    enum { ROUNDS = 3000, CAP = 400 };
    static const size_t maxes[] = {100, 7, 3, 1};
    unsigned char s[CAP], m[CAP];
    sink k = {0}, kr = {0};
    int bad_bytes = 0, bad_valid = 0, bad_masked = 0, bad_status = 0;
    for (size_t mi = 0; mi < sizeof maxes / sizeof maxes[0]; mi++) {
        size_t max = maxes[mi];
        w2v_tokenizer *scan = make_tok(NULL, 0, max, 1);
        w2v_tokenizer *pat[2] = {make_tok(W2V_TOKENIZE_DEFAULT_REGEX, 0, max, 0),
                                 make_tok(W2V_TOKENIZE_DEFAULT_REGEX, 0, max, 1)};
        for (int round = 0; round < ROUNDS; round++) {
            int valid_only = round % 2;
            size_t n = random_text(s, CAP, valid_only);
            /* 1. the scanner is the default pattern applied byte-wise */
            bad_status += run_buf(scan, (const char *)s, n, &k, 1, NULL) != W2V_OK;
            ref_pcre2_bytes(s, n, max, &kr);
            if (strcmp(k.s, kr.s) != 0 && bad_bytes++ < 3)
                fprintf(stderr, "bytes: scanner \"%s\"\n   PCRE2 \"%s\"\n", k.s, kr.s);
            /* 2. on valid UTF-8, the library's pattern path gives the same;
             * 3. on anything, it gives the scanner's tokens of the masked text */
            ref_mask_invalid(s, n, m);
            for (int jit = 0; jit <= 1; jit++) {
                bad_status += run_buf(pat[jit], (const char *)s, n, &kr, 1, NULL) != W2V_OK;
                if (valid_only) {
                    if (strcmp(k.s, kr.s) != 0 && bad_valid++ < 3)
                        fprintf(stderr, "valid (jit %d): scanner \"%s\"\n   pattern \"%s\"\n",
                                jit, k.s, kr.s);
                } else {
                    sink km = {0};
                    bad_status += run_buf(scan, (const char *)m, n, &km, 1, NULL) != W2V_OK;
                    if (strcmp(km.s, kr.s) != 0 && bad_masked++ < 3)
                        fprintf(stderr, "masked (jit %d): scanner \"%s\"\n   pattern \"%s\"\n",
                                jit, km.s, kr.s);
                    free(km.s);
                }
            }
        }
        w2v_tokenizer_free(scan);
        w2v_tokenizer_free(pat[0]);
        w2v_tokenizer_free(pat[1]);
    }
    T_EQ(bad_status, 0);
    T_EQ(bad_bytes, 0);
    T_EQ(bad_valid, 0);
    T_EQ(bad_masked, 0);
    free(k.s);
    free(kr.s);
}

/* Inputs long enough for many 64-byte blocks: tokens and newlines across
 * block edges, a buffer that ends inside a token at a block edge. */
static void test_long_random_vs_pcre2(void)
{
    enum { CAP = 4096 };
    static unsigned char s[CAP];
    sink k = {0}, kr = {0};
    int bad = 0;
    for (int round = 0; round < 300; round++) {
        size_t n = 64 * (1 + rand_below(CAP / 64 - 1));
        if (round % 3)
            n -= rand_below(64);
        int blank_every = 1 + (int)rand_below(round % 5 == 0 ? 400 : 12);
        for (size_t i = 0; i < n; i++) {
            size_t r = rand_below((size_t)blank_every * 8);
            s[i] = r == 0 ? '\n' : r < 8 ? " \t\r\v\f  "[r - 1] : (unsigned char)('a' + r % 26);
            if (rand_below(50) == 0)
                s[i] = (unsigned char)next_rand();
        }
        size_t max = round % 2 ? 100 : 1 + rand_below(20);
        w2v_tokenizer *t = make_tok(NULL, 0, max, 1);
        bad += run_buf(t, (const char *)s, n, &k, 1, NULL) != W2V_OK;
        ref_pcre2_bytes(s, n, max, &kr);
        if (strcmp(k.s, kr.s) != 0 && bad++ < 2)
            fprintf(stderr, "long: n=%zu max=%zu\n scanner %.300s\n   PCRE2 %.300s\n", n, max,
                    k.s, kr.s);
        w2v_tokenizer_free(t);
    }
    T_EQ(bad, 0);
    free(k.s);
    free(kr.s);
}

/* The overlong cut against the naive reference, on every split point. */
static void test_overlong_vs_reference(void)
{
    unsigned char s[64];
    int bad = 0;
    for (int round = 0; round < 20000; round++) {
        size_t n = 1 + rand_below(40);
        for (size_t i = 0; i < n; i++) {
            static const unsigned char pool[] = {'a', 'b', 0x80, 0xBF, 0xC3, 0xA9, 0xE2,
                                                 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0xED, 0xF4};
            s[i] = pool[rand_below(sizeof pool)];
        }
        size_t max = 1 + rand_below(n + 2);
        w2v_tokenizer *t = make_tok(NULL, 0, max, 1);
        sink k = {0};
        w2v_tokenize_stats st = {0};
        bad += run_buf(t, (const char *)s, n, &k, 0, &st) != W2V_OK;
        size_t want = n > max ? ref_cut(s, n, max) : n;
        int ok = st.overlong == (n > max) && st.tokens == (want > 0) &&
                 (want == 0 || (k.len == want && memcmp(k.s, s, want) == 0));
        if (!ok && bad++ < 3)
            fprintf(stderr, "overlong: n=%zu max=%zu want %zu got %zu\n", n, max, want, k.len);
        free(k.s);
        w2v_tokenizer_free(t);
    }
    T_EQ(bad, 0);
}

/* The JIT and the interpreter agree, on patterns with anchors, classes,
 * properties and assertions, over valid and invalid random text. */
static void test_jit_vs_interpreter(void)
{
    static const char *const pats[] = {"\\p{L}+", "\\w+", "[a-z]+|\\d+", "^\\S+", "\\S+$",
                                       "(?<=\\s)\\p{L}+", "\\b\\w", ".+", "\\X", "[^\\s]+"};
    unsigned char s[400];
    sink kj = {0}, ki = {0};
    int bad = 0;
    for (size_t p = 0; p < sizeof pats / sizeof pats[0]; p++) {
        w2v_tokenizer *tj = make_tok(pats[p], 0, 50, 1), *ti = make_tok(pats[p], 0, 50, 0);
        if (!tj || !ti) {
            T_TRUE(0);
            continue;
        }
        T_EQ(w2v_tokenizer_jit(ti), 0);
        for (int round = 0; round < 400; round++) {
            size_t n = random_text(s, sizeof s, round % 2);
            bad += run_buf(tj, (const char *)s, n, &kj, 1, NULL) != W2V_OK;
            bad += run_buf(ti, (const char *)s, n, &ki, 1, NULL) != W2V_OK;
            if (strcmp(kj.s, ki.s) != 0 && bad++ < 3)
                fprintf(stderr, "pattern %s: jit \"%s\"\n   interpreter \"%s\"\n", pats[p], kj.s,
                        ki.s);
        }
        w2v_tokenizer_free(tj);
        w2v_tokenizer_free(ti);
    }
    T_EQ(bad, 0);
    free(kj.s);
    free(ki.s);
}

/* ---- patterns -------------------------------------------------------------------- */

static void test_pattern_unicode(void)
{
    const char *in = "Hello, \xd0\xbc\xd0\xb8\xd1\x80! \xce\x93\xce\xb5\xce\xb9\xce\xac "
                     "\xe4\xb8\x96\xe7\x95\x8c 123 na\xc3\xafve caf\xc3\xa9-au-lait\n"
                     "x\xffy \xf0\x9f\x98\x80z";
    const char *want = "Hello \xd0\xbc\xd0\xb8\xd1\x80 \xce\x93\xce\xb5\xce\xb9\xce\xac "
                       "\xe4\xb8\x96\xe7\x95\x8c na\xc3\xafve caf\xc3\xa9 au lait | x y z";
    sink k = {0};
    for (int jit = 0; jit <= 1; jit++) {
        w2v_tokenizer *t = make_tok("\\p{L}+", 0, 100, jit);
        w2v_tokenize_stats st = {0};
        T_OK(run_buf(t, in, strlen(in), &k, 0, &st));
        T_STREQ(k.s, want);
        T_EQ(st.sentences, 1);
        T_EQ(st.tokens, 11);
        w2v_tokenizer_free(t);

        /* \w is Unicode-aware (UCP). */
        t = make_tok("\\w+", 0, 100, jit);
        T_OK(run_buf(t, "\xc3\x89t\xc3\xa9 2024", 10, &k, 0, NULL));
        T_STREQ(k.s, "\xc3\x89t\xc3\xa9 2024");
        w2v_tokenizer_free(t);

        /* One line at a time: ^ and $ are line ends, the '\r' of CRLF is not in the line. */
        t = make_tok("^\\S+|\\S+$", 0, 100, jit);
        T_OK(run_buf(t, "ab cd ef\r\ngh ij\r\n\r\nkl", 21, &k, 0, NULL));
        T_STREQ(k.s, "ab ef | gh ij | | kl");
        w2v_tokenizer_free(t);
        t = make_tok(".+", 0, 100, jit);
        T_OK(run_buf(t, "a b\r\nc\n", 7, &k, 0, NULL));
        T_STREQ(k.s, "a b | c |");
        w2v_tokenizer_free(t);

        /* A pattern never sees '\n', even one that could match it. */
        t = make_tok("[\\s\\S]+", 0, 100, jit);
        T_OK(run_buf(t, "a\nb", 3, &k, 0, NULL));
        T_STREQ(k.s, "a | b");
        w2v_tokenizer_free(t);
    }
    free(k.s);
}

static void test_pattern_empty_matches(void)
{
    static const struct {
        const char *pat, *in, *want;
    } cases[] = {
        {"(?:)", "abc def\n", "|"},
        {"\\b", "abc def", ""},
        {"x*", "axxb xc", "xx x"},
        {"a*?", "aab", "a a"},
        {"(?=a)|ab", "xab", "ab"},
        {"\\s*", "a  b\t", "\\x20\\x20 \\x09"},
        {"x*\\Kx", "xxxx", "x"}, /* \K: the scan still moves forward */
    };
    sink k = {0};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (int jit = 0; jit <= 1; jit++) {
            w2v_tokenizer *t = make_tok(cases[i].pat, 0, 100, jit);
            if (!t) {
                T_TRUE(0);
                continue;
            }
            T_OK(run_buf(t, cases[i].in, strlen(cases[i].in), &k, 1, NULL));
            T_CHECK(strcmp(k.s, cases[i].want) == 0, "%s jit %d: got \"%s\" want \"%s\"",
                    cases[i].pat, jit, k.s, cases[i].want);
            w2v_tokenizer_free(t);
        }
    }
    free(k.s);
}

static void test_match_limit(void)
{
    const char *in = "ok\naaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n";
    for (int jit = 0; jit <= 1; jit++) {
        for (int deflt = 0; deflt <= 1; deflt++) {
            w2v_tokenize_opts o = w2v_tokenize_opts_default();
            o.regex = "(a+)+$";
            o.jit = jit;
            if (!deflt)
                o.match_limit = 100000;
            w2v_tokenizer *t = NULL;
            w2v_error e;
            T_OK(w2v_tokenizer_create(&o, &t, &e));
            sink k = {0};
            w2v_status st = w2v_tokenize_buffer(t, in, strlen(in), on_token, &k, NULL, &e);
            T_EQ(st, W2V_ERR_REGEX);
            T_EQ(e.status, W2V_ERR_REGEX);
            T_CHECK(has(e.msg, "too expensive") && has(e.msg, "line 2") &&
                        has(e.msg, "byte offset 3") && has(e.msg, "match limit"),
                    "message: %s", e.msg);
            T_STREQ(k.s, "|"); /* line 1 was done */
            free(k.s);
            w2v_tokenizer_free(t);
        }
    }
}

/* ---- lowercase ------------------------------------------------------------------- */

static void test_lowercase(void)
{
    sink k = {0};
    w2v_tokenize_stats st = {0};
    w2v_tokenizer *t = make_tok(NULL, 1, 100, 1);
    /* ASCII folding always works; invalid bytes are left as they are. */
    const char *mixed = "HeLLo WORLD a\xff"
                        "B\xc3";
    T_OK(run_buf(t, mixed, strlen(mixed), &k, 1, NULL));
    T_STREQ(k.s, "hello world a\\xffb\\xc3");

    if (!w2v_tokenizer_unicode_lowercase(t)) {
        printf("SKIP: no UTF-8 locale here: Unicode lowercase checks not run\n");
    } else {
        static const struct {
            const char *in, *want;
        } cases[] = {
            {"\xc3\x89" "COLE", "\xc3\xa9" "cole"},                       /* ÉCOLE */
            {"\xce\xa3\xce\x9f\xce\xa6\xce\x99\xce\x91",                  /* ΣΟΦΙΑ */
             "\xcf\x83\xce\xbf\xcf\x86\xce\xb9\xce\xb1"},
            {"\xd0\x9c\xd0\x9e\xd0\xa1\xd0\x9a\xd0\x92\xd0\x90",          /* МОСКВА */
             "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0"},
            {"\xc4\xb0stanbul", "istanbul"},                               /* U+0130: 2 -> 1 byte */
            {"\xc8\xba", "\xe2\xb1\xa5"},                               /* U+023A: 2 -> 3 bytes */
            {"\xe2\x84\xaa", "k"},                                         /* Kelvin sign */
            {"\xf0\x90\x90\x80", "\xf0\x90\x90\xa8"},                      /* Deseret, 4 bytes */
            {"\xe4\xb8\x96\xe7\x95\x8c", "\xe4\xb8\x96\xe7\x95\x8c"},      /* no case */
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            T_OK(run_buf(t, cases[i].in, strlen(cases[i].in), &k, 0, NULL));
            T_CHECK(strcmp(k.s, cases[i].want) == 0, "lowercase case %zu: got \"%s\"", i, k.s);
        }
        w2v_tokenizer_free(t);

        /* The limit applies to the folded bytes. */
        t = make_tok(NULL, 1, 5, 1);
        st = (w2v_tokenize_stats){0};
        const char *grow = "\xc8\xba\xc8\xba\xc8\xba AB\xc3\x89"
                           "CD";
        T_OK(run_buf(t, grow, strlen(grow), &k, 1, &st));
        /* ȺȺȺ is 6 bytes, its fold 9: one ⱥ fits.  ABÉCD is 6 bytes: abéc. */
        T_STREQ(k.s, "\\xe2\\xb1\\xa5 ab\\xc3\\xa9c");
        T_EQ(st.overlong, 2);
        T_OK(run_buf(t, "\xc4\xb0\xc4\xb0\xc4\xb0", 6, &k, 1, &st)); /* 6 bytes, folded 3 */
        T_STREQ(k.s, "iii");
        T_EQ(st.overlong, 2);
        w2v_tokenizer_free(t);
        t = make_tok(NULL, 1, 2, 1);
        T_OK(run_buf(t, "\xc8\xba x", 4, &k, 1, NULL)); /* fold does not fit at all */
        T_STREQ(k.s, "x");
    }
    w2v_tokenizer_free(t);

    /* With a pattern, matching sees the original case; the fold comes after. */
    t = make_tok("\\p{Lu}+", 1, 100, 1);
    T_OK(run_buf(t, "ABC def GHI", 11, &k, 0, NULL));
    T_STREQ(k.s, "abc ghi");
    w2v_tokenizer_free(t);
    free(k.s);
}

/*
 * Lowercase against a reference fold: the tokens of the unfolded run,
 * folded character by character here (ASCII by hand, other well-formed
 * sequences through towlower_l, anything else copied) and then cut at
 * max_token_bytes.  Random text mixes short and long tokens at every
 * distance from the buffer end, so both the 16-byte fast path and the
 * general path are held to it, for the scanner and for a pattern.
 */
typedef struct {
    sink *k;
    size_t max;
    locale_t loc;
} foldref;

static int on_token_ref_fold(void *user, const char *tok, size_t len)
{
    foldref *f = user;
    if (!tok)
        return on_token(f->k, NULL, 0);
    const unsigned char *s = (const unsigned char *)tok;
    unsigned char *out = malloc(2 * len + 4);
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t n = ref_wellformed(s + i, len - i);
        if (n == 0) {
            out[o++] = s[i++];
            continue;
        }
        uint32_t cp = n == 1 ? s[i] : (uint32_t)(s[i] & (0x7F >> n));
        for (size_t j = 1; j < n; j++)
            cp = (cp << 6) | (s[i + j] & 0x3Fu);
        if (n == 1)
            cp = cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
        else
            cp = (uint32_t)towlower_l((wint_t)cp, f->loc);
        if (cp < 0x80) {
            out[o++] = (unsigned char)cp;
        } else if (cp < 0x800) {
            out[o++] = (unsigned char)(0xC0 | cp >> 6);
            out[o++] = (unsigned char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[o++] = (unsigned char)(0xE0 | cp >> 12);
            out[o++] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
            out[o++] = (unsigned char)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = (unsigned char)(0xF0 | cp >> 18);
            out[o++] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
            out[o++] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
            out[o++] = (unsigned char)(0x80 | (cp & 0x3F));
        }
        i += n;
    }
    size_t cut = o > f->max ? ref_cut(out, o, f->max) : o;
    int rc = cut ? on_token(f->k, (const char *)out, cut) : 0;
    free(out);
    return rc;
}

static void test_lowercase_vs_reference(void)
{
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!loc) {
        printf("SKIP: no C.UTF-8 locale: lowercase reference test not run\n");
        return;
    }
    static const size_t maxes[] = {100, 16, 7, 3, 1};
    static const char *const pats[] = {NULL, W2V_TOKENIZE_DEFAULT_REGEX};
    unsigned char s[400];
    sink k = {0}, kr = {0};
    int bad = 0;
    for (size_t mi = 0; mi < sizeof maxes / sizeof maxes[0]; mi++) {
        for (int p = 0; p < 2; p++) {
            w2v_tokenizer *lower = make_tok(pats[p], 1, maxes[mi], 1);
            w2v_tokenizer *raw = make_tok(pats[p], 0, W2V_TOKENIZE_MAX_TOKEN_LIMIT, 1);
            for (int round = 0; round < 400; round++) {
                size_t n = random_text(s, sizeof s, round % 2);
                bad += run_buf(lower, (const char *)s, n, &k, 1, NULL) != W2V_OK;
                sink_reset(&kr, 1);
                foldref f = {&kr, maxes[mi], loc};
                bad += w2v_tokenize_buffer(raw, (const char *)s, n, on_token_ref_fold, &f, NULL,
                                           NULL) != W2V_OK;
                if (strcmp(k.s, kr.s) != 0 && bad++ < 3)
                    fprintf(stderr, "lowercase max %zu: got  \"%s\"\n   want \"%s\"\n",
                            maxes[mi], k.s, kr.s);
            }
            w2v_tokenizer_free(lower);
            w2v_tokenizer_free(raw);
        }
    }
    T_EQ(bad, 0);
    freelocale(loc);
    free(k.s);
    free(kr.s);
}

/* ---- stopping -------------------------------------------------------------------- */

static void test_interrupt(void)
{
    const char *in = "a b\nc d\n";
    static const char *const pats[] = {NULL, "\\S+"};
    for (int p = 0; p < 2; p++) {
        for (long stop = 1; stop <= 6; stop++) {
            w2v_tokenizer *t = make_tok(pats[p], 0, 100, 1);
            sink k = {0};
            k.stop_at = stop;
            w2v_tokenize_stats st = {0};
            w2v_error e;
            T_EQ(w2v_tokenize_buffer(t, in, strlen(in), on_token, &k, &st, &e),
                 W2V_ERR_INTERRUPTED);
            T_EQ(k.calls, stop); /* nothing after the call that said stop */
            T_TRUE(has(e.msg, "stopped"));
            free(k.s);
            w2v_tokenizer_free(t);
        }
    }
}

/* ---- threads --------------------------------------------------------------------- */

typedef struct {
    const w2v_tokenizer *t;
    const char *in;
    size_t len;
    char *out;
} job;

static void *thread_main(void *arg)
{
    job *j = arg;
    sink k = {0};
    for (int i = 0; i < 20; i++)
        run_buf(j->t, j->in, j->len, &k, 1, NULL);
    j->out = k.s;
    return NULL;
}

/* One tokenizer, several threads: each call has its own match data. */
static void test_shared_between_threads(void)
{
    static char in[20000];
    size_t n = random_text((unsigned char *)in, sizeof in, 0);
    for (size_t i = n; i < sizeof in; i++)
        in[i] = "Ab\xc3\x89 x\n"[i % 7];
    w2v_tokenizer *t = make_tok("\\p{L}+", 1, 10, 1);
    job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (job){t, in, sizeof in, NULL};
        T_EQ(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(th[i], NULL);
    for (int i = 1; i < 4; i++)
        T_TRUE(jobs[i].out && jobs[0].out && strcmp(jobs[i].out, jobs[0].out) == 0);
    for (int i = 0; i < 4; i++)
        free(jobs[i].out);
    w2v_tokenizer_free(t);
}

/* ---- files ----------------------------------------------------------------------- */

static char *temp_with(const void *data, size_t len)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/w2v_tok_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w <= 0)
            break;
        p += w;
        len -= (size_t)w;
    }
    close(fd);
    return path;
}

static w2v_status run_file(const w2v_tokenizer *t, const char *path, sink *k, int esc,
                           w2v_tokenize_stats *st, w2v_error *e)
{
    sink_reset(k, esc);
    return w2v_tokenize_file(t, path, on_token, k, st, e);
}

static void test_small_files(void)
{
    static const struct {
        const char *in, *want;
        int sentences;
    } cases[] = {
        {"", "", 0},                  /* empty: nothing at all */
        {"a b\nc", "a b | c |", 2},   /* last line without '\n' still ends */
        {"a b\nc\n", "a b | c |", 2}, /* ... and only once */
        {"\n\n", "| |", 2},
        {"x\r\n", "x |", 1},
        {"   ", "|", 1}, /* a last line of blanks ends a (empty) sentence */
    };
    w2v_tokenizer *t = make_tok(NULL, 0, 100, 1);
    w2v_tokenizer *tp = make_tok("\\S+", 0, 100, 1);
    sink k = {0};
    w2v_error e;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *path = temp_with(cases[i].in, strlen(cases[i].in));
        T_TRUE(path != NULL);
        for (int p = 0; p < 2; p++) {
            w2v_tokenize_stats st = {0};
            T_OK(run_file(p ? tp : t, path, &k, 1, &st, &e));
            T_CHECK(strcmp(k.s, cases[i].want) == 0, "file case %zu: got \"%s\"", i, k.s);
            T_EQ(st.sentences, cases[i].sentences);
            T_EQ(st.bytes, strlen(cases[i].in));
        }
        unlink(path);
    }

    /* Missing file, directory: W2V_ERR_IO naming the path and the reason. */
    T_EQ(run_file(t, "/nonexistent/w2v/corpus.txt", &k, 1, NULL, &e), W2V_ERR_IO);
    T_TRUE(has(e.msg, "/nonexistent/w2v/corpus.txt") && has(e.msg, strerror(ENOENT)));
    T_EQ(run_file(t, "/tmp", &k, 1, NULL, &e), W2V_ERR_IO);
    T_TRUE(has(e.msg, "/tmp") && has(e.msg, strerror(EISDIR)));
    T_EQ(k.calls, 0);

    /* Unreadable file (root reads anything, so only when not root). */
    char *path = temp_with("secret\n", 7);
    if (path && geteuid() != 0 && chmod(path, 0) == 0) {
        T_EQ(run_file(t, path, &k, 1, NULL, &e), W2V_ERR_IO);
        T_TRUE(has(e.msg, path) && has(e.msg, strerror(EACCES)));
    }
    if (path)
        unlink(path);

    /* A read error names the byte offset: reading /proc/self/mem at 0 fails. */
    int fd = open("/proc/self/mem", O_RDONLY);
    if (fd >= 0) {
        close(fd);
        T_EQ(run_file(t, "/proc/self/mem", &k, 1, NULL, &e), W2V_ERR_IO);
        T_TRUE(has(e.msg, "/proc/self/mem") && has(e.msg, "byte offset 0"));
    }

    /* Stopping from the callback works for files too. */
    path = temp_with("a b c\n", 6);
    sink_reset(&k, 1);
    k.stop_at = 2;
    T_EQ(w2v_tokenize_file(t, path, on_token, &k, NULL, &e), W2V_ERR_INTERRUPTED);
    T_EQ(k.calls, 2);
    unlink(path);

    w2v_tokenizer_free(t);
    w2v_tokenizer_free(tp);
    free(k.s);
}

/* Write text to fd from a child process, then exit. */
static pid_t writer(int fd_or_neg, const char *fifo, const char *text)
{
    pid_t pid = fork();
    if (pid == 0) {
        int fd = fifo ? open(fifo, O_WRONLY) : fd_or_neg;
        if (fd >= 0 && write(fd, text, strlen(text)) < 0)
            _exit(1);
        _exit(0);
    }
    return pid;
}

static void test_fifo_and_stdin(void)
{
    w2v_tokenizer *t = make_tok(NULL, 0, 100, 1);
    sink k = {0};
    w2v_error e;
    char fifo[64];
    snprintf(fifo, sizeof fifo, "/tmp/w2v_tok_fifo_%ld", (long)getpid());
    if (mkfifo(fifo, 0600) == 0) {
        pid_t pid = writer(-1, fifo, "from a fifo\nend");
        T_OK(run_file(t, fifo, &k, 1, NULL, &e));
        T_STREQ(k.s, "from a fifo | end |");
        waitpid(pid, NULL, 0);
        unlink(fifo);
    }

    int p[2];
    int saved = dup(STDIN_FILENO);
    if (saved >= 0 && pipe(p) == 0) {
        pid_t pid = writer(p[1], NULL, "on stdin\n");
        close(p[1]);
        dup2(p[0], STDIN_FILENO);
        close(p[0]);
        T_OK(run_file(t, "-", &k, 1, NULL, &e));
        T_STREQ(k.s, "on stdin |");
        waitpid(pid, NULL, 0);
        dup2(saved, STDIN_FILENO);
        close(saved);
    }
    w2v_tokenizer_free(t);
    free(k.s);
}

/* A digest of the callback stream, for inputs too big to render. */
typedef struct {
    uint64_t h, tokens, sentences, token_bytes;
} digest;

static int on_digest(void *user, const char *tok, size_t len)
{
    digest *d = user;
    uint64_t h = d->h;
    if (!tok) {
        d->sentences++;
        h = (h ^ 0xFF) * 0x100000001B3ull;
    } else {
        d->tokens++;
        d->token_bytes += len;
        for (size_t i = 0; i < len; i++)
            h = (h ^ (unsigned char)tok[i]) * 0x100000001B3ull;
        h = (h ^ 0x100) * 0x100000001B3ull;
    }
    d->h = h;
    return 0;
}

/*
 * One 40 MB line (more than two chunks): the file reader must give exactly
 * what the buffer call gives on the whole text in memory.  A pattern that
 * finds the same words ([a-z]+) must agree too, read from a file just over
 * one chunk (the pattern is slower; that is enough to cross a chunk edge).
 */
static void test_big_file(void)
{
    const size_t big = 40u << 20, mid = W2V_TOKENIZE_CHUNK + (1u << 20);
    char *text = malloc(big);
    if (!text) {
        T_TRUE(0);
        return;
    }
    size_t n = 0;
    uint64_t words = 0;
    while (n < big) { /* words and blanks, no newline at all */
        uint64_t r = next_rand();
        size_t len = 1 + (r & 7) + ((r >> 3) & 3); /* 1..11 */
        if (((r >> 5) & 1023) == 0)
            len = 150; /* some overlong tokens */
        for (size_t i = 0; i < len && n < big; i++)
            text[n++] = (char)('a' + ((r >> 16) + i) % 26);
        if (n < big)
            text[n++] = (r >> 40) % 50 ? ' ' : '\t';
        words++;
    }
    char *path = temp_with(text, big);
    T_TRUE(path != NULL);
    w2v_tokenizer *t = make_tok(NULL, 0, 100, 1);
    digest df = {0}, db = {0};
    w2v_tokenize_stats sf = {0}, sb = {0};
    w2v_error e;
    T_OK(w2v_tokenize_file(t, path, on_digest, &df, &sf, &e));
    T_OK(w2v_tokenize_buffer(t, text, big, on_digest, &db, &sb, &e));
    on_digest(&db, NULL, 0); /* the file's end ends the line */
    T_EQ(df.h, db.h);
    T_EQ(df.tokens, words);
    T_EQ(db.tokens, words);
    T_EQ(sf.sentences, 1);
    T_EQ(sf.bytes, big);
    T_EQ(sf.overlong, sb.overlong);
    T_TRUE(sf.overlong > 0);
    unlink(path);

    /* The same words through a pattern, from a file; the scanner's digest of
     * the same bytes in memory is the reference. */
    path = temp_with(text, mid);
    w2v_tokenizer *tp = make_tok("[a-z]+", 0, 100, 1);
    digest dp = {0}, dr = {0};
    T_OK(w2v_tokenize_file(tp, path, on_digest, &dp, NULL, &e));
    T_OK(w2v_tokenize_buffer(t, text, mid, on_digest, &dr, NULL, &e));
    on_digest(&dr, NULL, 0);
    T_EQ(dp.h, dr.h);
    T_EQ(dp.tokens, dr.tokens);
    unlink(path);
    w2v_tokenizer_free(tp);
    w2v_tokenizer_free(t);
    free(text);
}

/*
 * A single token longer than a chunk: the scanner emits it once, cut, and
 * drops the rest as it arrives.  A pattern sees the run in pieces cut at a
 * character boundary (documented), so a character split by the chunk edge
 * still arrives whole: the token bytes add up to the whole run.  A run of
 * more than two chunks is skipped across several reads.
 */
static void test_token_longer_than_chunk(void)
{
    const size_t run_len = W2V_TOKENIZE_CHUNK + 1000;
    char *text = malloc(run_len + 16);
    if (!text) {
        T_TRUE(0);
        return;
    }
    text[0] = 'a'; /* then 2-byte characters, so the chunk edge splits one */
    for (size_t i = 1; i + 1 < run_len; i += 2) {
        text[i] = '\xc3';
        text[i + 1] = '\xa9';
    }
    size_t n = run_len - (run_len % 2 == 0); /* ends after a whole character */
    memcpy(text + n, " tail\n", 6);
    n += 6;
    char *path = temp_with(text, n);

    w2v_tokenizer *t = make_tok(NULL, 0, 5, 1);
    sink k = {0};
    w2v_tokenize_stats st = {0};
    w2v_error e;
    T_OK(run_file(t, path, &k, 1, &st, &e));
    T_STREQ(k.s, "a\\xc3\\xa9\\xc3\\xa9 tail |");
    T_EQ(st.overlong, 1);
    T_EQ(st.tokens, 2);
    T_EQ(st.bytes, n);
    w2v_tokenizer_free(t);

    t = make_tok("\\p{L}+", 0, 5, 1);
    st = (w2v_tokenize_stats){0};
    T_OK(run_file(t, path, &k, 1, &st, &e));
    T_STREQ(k.s, "a\\xc3\\xa9\\xc3\\xa9 \\xc3\\xa9\\xc3\\xa9 tail |");
    T_EQ(st.overlong, 2);
    w2v_tokenizer_free(t);

    t = make_tok("\\p{L}{1,60000}", 0, W2V_TOKENIZE_MAX_TOKEN_LIMIT, 1);
    digest d = {0};
    T_OK(w2v_tokenize_file(t, path, on_digest, &d, NULL, &e));
    T_EQ(d.token_bytes, n - 2); /* all but the blank and the newline */
    T_EQ(d.sentences, 1);
    w2v_tokenizer_free(t);
    unlink(path);

    /* A run over two chunks long: the skipping goes on across reads. */
    size_t m = 2 * (size_t)W2V_TOKENIZE_CHUNK + 100;
    char *xs = realloc(text, m + 2);
    if (xs) {
        text = xs;
        memset(text, 'x', m);
        memcpy(text + m, " y", 2);
        path = temp_with(text, m + 2);
        t = make_tok(NULL, 0, 3, 1);
        st = (w2v_tokenize_stats){0};
        T_OK(run_file(t, path, &k, 1, &st, &e));
        T_STREQ(k.s, "xxx y |");
        T_EQ(st.overlong, 1);
        T_EQ(st.bytes, m + 2);
        w2v_tokenizer_free(t);
        unlink(path);
    }
    free(text);
    free(k.s);
}

/*
 * The scanner reads files in buffers of W2V_TOKENIZE_SCAN_CHUNK + 4 x
 * max_token bytes, and its tokens must not depend on that: a run longer
 * than the buffer, folded, is cut from the bytes at hand.  Runs of KELVIN
 * SIGN (3 bytes, folds to 'k', 1 byte) at the largest max_token, of lengths
 * around the buffer's, read from a file must give what the buffer call
 * gives on the whole text: the full max_token folded bytes, one overlong.
 */
static void test_folded_run_longer_than_read(void)
{
    w2v_tokenizer *t = make_tok(NULL, 1, W2V_TOKENIZE_MAX_TOKEN_LIMIT, 1);
    if (!t || !w2v_tokenizer_unicode_lowercase(t)) { /* no UTF-8 locale: nothing to hold */
        w2v_tokenizer_free(t);
        return;
    }
    const size_t read = W2V_TOKENIZE_SCAN_CHUNK + 4 * (size_t)W2V_TOKENIZE_MAX_TOKEN_LIMIT;
    const size_t runs[] = {read / 3 * 3 - 3, read / 3 * 3 + 3, 2 * read / 3 * 3 + 300};
    for (size_t r = 0; r < sizeof runs / sizeof *runs; r++) {
        size_t n = runs[r];
        char *text = malloc(n + 8);
        if (!text) {
            T_TRUE(0);
            break;
        }
        memcpy(text, "A ", 2);
        for (size_t i = 2; i < n + 2; i += 3)
            memcpy(text + i, "\xe2\x84\xaa", 3);
        memcpy(text + n + 2, " Bc\n", 4);
        char *path = temp_with(text, n + 6);
        digest df = {0}, db = {0};
        w2v_tokenize_stats sf = {0}, sb = {0};
        w2v_error e;
        T_OK(w2v_tokenize_file(t, path, on_digest, &df, &sf, &e));
        T_OK(w2v_tokenize_buffer(t, text, n + 6, on_digest, &db, &sb, &e));
        T_CHECK(df.h == db.h && df.token_bytes == db.token_bytes,
                "a folded run of %zu bytes: %llu token bytes from the file, %llu in memory", n,
                (unsigned long long)df.token_bytes, (unsigned long long)db.token_bytes);
        T_EQ(db.token_bytes, 1 + W2V_TOKENIZE_MAX_TOKEN_LIMIT + 2);
        T_EQ(sf.overlong, 1);
        T_EQ(sb.overlong, 1);
        unlink(path);
        free(text);
    }
    w2v_tokenizer_free(t);
}

int main(void)
{
    test_create();
    test_nasty_table();
    test_stats_accumulate();
    test_random_vs_pcre2();
    test_long_random_vs_pcre2();
    test_overlong_vs_reference();
    test_jit_vs_interpreter();
    test_pattern_unicode();
    test_pattern_empty_matches();
    test_match_limit();
    test_lowercase();
    test_lowercase_vs_reference();
    test_interrupt();
    test_shared_between_threads();
    test_small_files();
    test_fifo_and_stdin();
    test_big_file();
    test_token_longer_than_chunk();
    test_folded_run_longer_than_read();
    return T_DONE();
}
