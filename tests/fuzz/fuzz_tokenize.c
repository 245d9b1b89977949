/*
 * fuzz_tokenize.c - the tokenizer and the corpus builder on arbitrary bytes.
 *
 * Input: one option byte, then the text.  Option bits: 0 lowercase;
 * 1-2 max_token_bytes (1, 3, 7 or 100: small limits reach the cuts next to
 * multi-byte characters); 3-5 a pattern from the table below, or 7: the
 * pattern is the text's first line (at most 48 bytes; the rest is the text),
 * run with a small match limit; 6 min-count 2 instead of 1 for the corpus;
 * 7 build the corpus too (it allocates a 1 MiB arena and a 256 KiB stream,
 * slow under ASan, so only half of the inputs pay for it).
 *
 * Invariants (tokenize.h, corpus.h):
 *   - every token is non-empty and at most max_token_bytes; one sentence
 *     end per '\n'; the stats count what the callback saw and every byte;
 *   - the byte scanner: no ASCII whitespace in a token, and without
 *     lowercase exactly the naive reference below (maximal non-blank runs,
 *     cut at a character boundary, invalid bytes one unit each);
 *   - W2V_TOKENIZE_DEFAULT_REGEX gives what the scanner gives once every
 *     byte that does not start a well-formed UTF-8 sequence is a blank,
 *     JIT-compiled or interpreted;
 *   - any pattern: tokens are valid UTF-8, the JIT equals the interpreter
 *     (for the table's patterns; a fuzzed pattern only has to behave);
 *   - the corpus built from the text is consistent: ids in range, no
 *     leading, trailing or repeated sentence ends, counts sorted and summing
 *     to the words, every count >= min-count; or a clean error naming the
 *     input (a NUL byte in a token names the line).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "w2v/corpus.h"
#include "w2v/tokenize.h"
#include "w2v/vocab.h"

static const char *const patterns[] = {
    NULL, /* the byte scanner */
    W2V_TOKENIZE_DEFAULT_REGEX,
    "\\w+",
    "[\\p{L}\\p{M}]+(?:'[\\p{L}\\p{M}]+)?|\\p{N}+",
    "\\S+?",
    "(?<=a)b+|\\b\\w",
    "a|(?=b)|$",
    "[^\\x00-\\x7f]+",
};
static const size_t max_tokens[] = {1, 3, 7, 100};

/* A recording of callback calls: tokens as 4-byte length + bytes, sentence
 * ends as length 0xFFFFFFFF. */
typedef struct {
    unsigned char *p;
    size_t len, cap;
    size_t tokens, ends;
    size_t max_token;
    int scanner;      /* check: no ASCII whitespace */
    int utf8;         /* check: valid UTF-8 */
} rec;

static void put(rec *r, const void *s, size_t n)
{
    if (r->len + n > r->cap) {
        size_t cap = r->cap ? r->cap : 1024;
        while (cap < r->len + n)
            cap *= 2;
        unsigned char *p = realloc(r->p, cap);
        FUZZ_CHECK(p != NULL);
        r->p = p;
        r->cap = cap;
    }
    memcpy(r->p + r->len, s, n);
    r->len += n;
}

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int on_token(void *user, const char *tok, size_t len)
{
    rec *r = user;
    if (!tok) {
        FUZZ_CHECK(len == 0);
        uint32_t m = UINT32_MAX;
        put(r, &m, 4);
        r->ends++;
        return 0;
    }
    FUZZ_CHECK(len >= 1 && len <= r->max_token);
    if (r->scanner)
        for (size_t i = 0; i < len; i++)
            FUZZ_CHECK(!is_blank((unsigned char)tok[i]));
    if (r->utf8)
        FUZZ_CHECK(fuzz_valid_utf8((const unsigned char *)tok, len));
    uint32_t m = (uint32_t)len;
    put(r, &m, 4);
    put(r, tok, len);
    r->tokens++;
    return 0;
}

static int same(const rec *a, const rec *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/* Tokenize s[0..n) with t into r; checks the stats.  @return the status. */
static w2v_status record(const w2v_tokenizer *t, const unsigned char *s, size_t n, rec *r,
                         size_t max_token, int scanner, int utf8)
{
    free(r->p);
    *r = (rec){.max_token = max_token, .scanner = scanner, .utf8 = utf8};
    w2v_tokenize_stats st = {0};
    w2v_error err;
    w2v_status rc = w2v_tokenize_buffer(t, (const char *)s, n, on_token, r, &st, &err);
    if (rc != W2V_OK) {
        /* Only a pattern can fail, by reaching its match limit. */
        FUZZ_CHECK(rc == W2V_ERR_REGEX);
        fuzz_check_error(rc, &err, "input: ");
        return rc;
    }
    size_t nl = 0;
    for (size_t i = 0; i < n; i++)
        nl += s[i] == '\n';
    FUZZ_CHECK(r->ends == nl);
    FUZZ_CHECK(st.sentences == nl);
    FUZZ_CHECK(st.tokens == r->tokens);
    FUZZ_CHECK(st.bytes == n);
    return rc;
}

/* The scanner's contract written the slow way (no lowercase). */
static void reference(const unsigned char *s, size_t n, size_t max, rec *r)
{
    free(r->p);
    *r = (rec){.max_token = max};
    size_t i = 0;
    while (i < n) {
        if (is_blank(s[i])) {
            if (s[i] == '\n')
                on_token(r, NULL, 0);
            i++;
            continue;
        }
        size_t a = i;
        while (i < n && !is_blank(s[i]))
            i++;
        size_t len = i - a, keep = len;
        if (len > max) {
            keep = 0;
            for (;;) {
                size_t l = fuzz_utf8_len(s + a + keep, len - keep);
                l = l ? l : 1;
                if (keep + l > max)
                    break;
                keep += l;
            }
        }
        if (keep)
            on_token(r, (const char *)s + a, keep);
    }
}

/* Tokenizers are compiled once per option set and kept (JIT compiles are
 * the slow part); index: pattern, lowercase, max, jit. */
static w2v_tokenizer *cache[8][2][4][2];

static const w2v_tokenizer *get(size_t pat, int lower, size_t maxi, int jit)
{
    w2v_tokenizer **slot = &cache[pat][lower][maxi][jit];
    if (!*slot) {
        w2v_tokenize_opts o = w2v_tokenize_opts_default();
        o.regex = patterns[pat];
        o.lowercase = lower;
        o.max_token_bytes = max_tokens[maxi];
        o.jit = jit;
        w2v_error err;
        FUZZ_CHECK(w2v_tokenizer_create(&o, slot, &err) == W2V_OK);
    }
    return *slot;
}

static void check_corpus(const w2v_tokenizer *t, const unsigned char *s, size_t n,
                         uint64_t min_count, const rec *tokens)
{
    w2v_corpus_opts co = w2v_corpus_opts_default();
    co.min_count = min_count;
    w2v_corpus *c = NULL;
    w2v_error err;
    w2v_status st = w2v_corpus_build_mem((const char *)s, n, "fuzz", t, &co, &c, &err);
    /* Does some token hold a NUL byte?  Then the vocabulary must refuse it. */
    int nul = 0;
    for (size_t at = 0; at < tokens->len;) {
        uint32_t m;
        memcpy(&m, tokens->p + at, 4);
        at += 4;
        if (m != UINT32_MAX) {
            nul |= memchr(tokens->p + at, '\0', m) != NULL;
            at += m;
        }
    }
    if (st != W2V_OK) {
        FUZZ_CHECK(c == NULL);
        fuzz_check_error(st, &err, "fuzz");
        FUZZ_CHECK(st == W2V_ERR_EMPTY || nul);
        if (st != W2V_ERR_EMPTY) /* the NUL byte's line is named */
            FUZZ_CHECK(strncmp(err.msg, "fuzz:", 5) == 0 && err.msg[5] >= '1' && err.msg[5] <= '9');
        return;
    }
    FUZZ_CHECK(!nul);
    size_t V = w2v_vocab_size(c->vocab);
    FUZZ_CHECK(V >= 1 && c->len >= 1 && c->words >= 1);
    FUZZ_CHECK(c->ids[0] != W2V_CORPUS_EOS && c->ids[c->len - 1] != W2V_CORPUS_EOS);
    uint64_t words = 0, *seen = calloc(V, sizeof *seen);
    FUZZ_CHECK(seen != NULL);
    for (size_t i = 0; i < c->len; i++) {
        uint32_t id = c->ids[i];
        if (id == W2V_CORPUS_EOS) {
            FUZZ_CHECK(c->ids[i - 1] != W2V_CORPUS_EOS);
            continue;
        }
        FUZZ_CHECK(id < V);
        seen[id]++;
        words++;
    }
    FUZZ_CHECK(words == c->words);
    FUZZ_CHECK(c->words + c->dropped == c->tok.tokens);
    FUZZ_CHECK(c->tok.tokens == tokens->tokens);
    uint64_t total = 0;
    for (uint32_t id = 0; id < V; id++) {
        uint64_t cnt = w2v_vocab_count(c->vocab, id);
        const char *w = w2v_vocab_word(c->vocab, id);
        FUZZ_CHECK(cnt >= min_count && cnt == seen[id]);
        FUZZ_CHECK(id == 0 || w2v_vocab_count(c->vocab, id - 1) >= cnt);
        FUZZ_CHECK(strlen(w) >= 1 && w2v_vocab_find(c->vocab, w, strlen(w)) == id);
        total += cnt;
    }
    FUZZ_CHECK(total == c->words && total == w2v_vocab_total(c->vocab));
    free(seen);
    w2v_corpus_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    const unsigned opt = data[0];
    const int lower = opt & 1;
    const size_t maxi = (opt >> 1) & 3, max = max_tokens[maxi];
    const size_t pat = (opt >> 3) & 7;
    const uint64_t min_count = (opt >> 6) & 1 ? 2 : 1;
    const unsigned char *s = data + 1;
    size_t n = size - 1;
    rec a = {0}, b = {0};

    /* A pattern from the input: its first line. */
    if (pat == 7) {
        const unsigned char *nl = memchr(s, '\n', n < 49 ? n : 49);
        if (!nl || nl == s || memchr(s, '\0', (size_t)(nl - s)))
            return 0;
        char re[64];
        memcpy(re, s, (size_t)(nl - s));
        re[nl - s] = '\0';
        n -= (size_t)(nl - s) + 1;
        s = nl + 1;
        w2v_tokenize_opts o = w2v_tokenize_opts_default();
        o.regex = re;
        o.lowercase = lower;
        o.max_token_bytes = max;
        o.match_limit = 20000; /* a catastrophic pattern fails fast */
        w2v_tokenizer *t = NULL;
        w2v_error err;
        w2v_status st = w2v_tokenizer_create(&o, &t, &err);
        if (st != W2V_OK) { /* the message quotes the pattern as given: not checked */
            FUZZ_CHECK(t == NULL && st == err.status && (st == W2V_ERR_REGEX || st == W2V_ERR_NOMEM));
            return 0;
        }
        record(t, s, n, &a, max, 0, 1);
        w2v_tokenizer_free(t);
        free(a.p);
        return 0;
    }

    /* The scanner: its own checks, the reference, the corpus. */
    record(get(0, lower, maxi, 1), s, n, &a, max, 1, 0);
    if (!lower) {
        reference(s, n, max, &b);
        FUZZ_CHECK(same(&a, &b));
    }
    if (opt & 0x80)
        check_corpus(get(0, lower, maxi, 1), s, n, min_count, &a);

    /* The default pattern against the scanner on the text with every byte
     * that does not start a well-formed sequence blanked. */
    unsigned char *blanked = malloc(n ? n : 1);
    FUZZ_CHECK(blanked != NULL);
    for (size_t i = 0, l; i < n; i += l) {
        l = fuzz_utf8_len(s + i, n - i);
        if (l == 0) {
            blanked[i] = ' ';
            l = 1;
        } else {
            memcpy(blanked + i, s + i, l);
        }
    }
    record(get(0, lower, maxi, 1), blanked, n, &a, max, 1, 0);
    for (int jit = 0; jit < 2; jit++) {
        FUZZ_CHECK(record(get(1, lower, maxi, jit), s, n, &b, max, 1, 1) == W2V_OK);
        FUZZ_CHECK(same(&a, &b));
    }
    free(blanked);

    /* Another pattern: JIT and interpreter agree (or both stop). */
    if (pat >= 2) {
        w2v_status sj = record(get(pat, lower, maxi, 1), s, n, &a, max, 0, 1);
        w2v_status si = record(get(pat, lower, maxi, 0), s, n, &b, max, 0, 1);
        FUZZ_CHECK(sj == si);
        if (sj == W2V_OK)
            FUZZ_CHECK(same(&a, &b));
    }
    free(a.p);
    free(b.p);
    return 0;
}
