/*
 * test_corpus_feed.c - a corpus from tokens handed over one at a time
 * (w2v_corpus_feed_*) must equal w2v_corpus_build on a text holding the
 * same tokens one sentence a line: vocabulary, counts, ids and sentence
 * ends, in memory and spilled to a file; errors stay put and name the
 * sentence; an abandoned feed frees everything (ASan checks).
 */
#include "t.h"

#include <stdint.h>
#include <stdlib.h>

#include "w2v/corpus.h"

static w2v_tokenizer *tok;

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Lines of 0..12 words over ~200 types, blank lines included; one word in
 * 40 is 44..67 bytes long, either side of the length the reader copies to
 * hold a token back (corpus.c, AHEAD_BYTES). */
static char *make_text(size_t lines, uint64_t seed, size_t *len)
{
    size_t cap = lines * 12 * 72 + 16, n = 0;
    char *s = malloc(cap);
    for (size_t l = 0; l < lines; l++) {
        unsigned words = (unsigned)(rng_next(&seed) % 13);
        for (unsigned k = 0; k < words; k++) {
            unsigned type = (unsigned)(rng_next(&seed) % 7 * (rng_next(&seed) % 30));
            int pad = rng_next(&seed) % 40 == 0 ? 40 + (int)(type % 24) : 0;
            n += (size_t)snprintf(s + n, cap - n, "%sw%u%.*s", k ? " " : "", type, pad,
                                  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
        }
        s[n++] = '\n';
    }
    *len = n;
    return s;
}

/* Feed text's tokens (split at ' ', one sentence per line). */
static w2v_status feed_text(const char *s, size_t len, const w2v_corpus_opts *o,
                            w2v_corpus **out, w2v_error *err)
{
    w2v_corpus_feed *f;
    w2v_status st = w2v_corpus_feed_create("fed", o, &f, err);
    if (st)
        return st;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != ' ' && s[j] != '\n')
            j++;
        if (j > i && (st = w2v_corpus_feed_token(f, s + i, j - i, err)) != W2V_OK)
            break;
        if (j < len && s[j] == '\n' && (st = w2v_corpus_feed_token(f, NULL, 0, err)) != W2V_OK)
            break;
        i = j + 1;
    }
    if (st) {
        w2v_corpus_feed_free(f);
        return st;
    }
    return w2v_corpus_feed_finish(f, out, err);
}

static void same(const w2v_corpus *a, const w2v_corpus *b)
{
    T_EQ(a->len, b->len);
    T_EQ(a->words, b->words);
    T_EQ(a->dropped, b->dropped);
    T_EQ(a->tok.tokens, b->tok.tokens);
    T_EQ(w2v_vocab_size(a->vocab), w2v_vocab_size(b->vocab));
    int ids_same = a->len == b->len && !memcmp(a->ids, b->ids, a->len * sizeof *a->ids);
    T_TRUE(ids_same);
    size_t V = w2v_vocab_size(a->vocab);
    int vocab_same = V == w2v_vocab_size(b->vocab);
    for (size_t i = 0; vocab_same && i < V; i++)
        vocab_same = !strcmp(w2v_vocab_word(a->vocab, (w2v_row)i),
                             w2v_vocab_word(b->vocab, (w2v_row)i)) &&
                     w2v_vocab_count(a->vocab, (w2v_row)i) ==
                         w2v_vocab_count(b->vocab, (w2v_row)i);
    T_TRUE(vocab_same);
}

static void test_equal_to_build(size_t spill_bytes, uint64_t min_count, size_t max_vocab)
{
    size_t len;
    char *text = make_text(3000, 7 + min_count, &len);
    w2v_corpus_opts o = w2v_corpus_opts_default();
    o.min_count = min_count;
    o.max_vocab = max_vocab;
    o.spill_bytes = spill_bytes;
    w2v_corpus *a = NULL, *b = NULL;
    w2v_error err;
    T_OK(w2v_corpus_build_mem(text, len, "text", tok, &o, &a, &err));
    T_OK(feed_text(text, len, &o, &b, &err));
    if (a && b) {
        same(a, b);
        T_EQ(b->mapped_bytes != 0, spill_bytes != 0);
    }
    w2v_corpus_free(a);
    w2v_corpus_free(b);
    free(text);
}

static void test_given_vocab(void)
{
    const char *text = "a b c a\nzz a b\n";
    w2v_vocab *v1, *v2;
    w2v_error err;
    w2v_row id;
    T_OK(w2v_vocab_create(&v1, &err));
    T_OK(w2v_vocab_create(&v2, &err));
    T_OK(w2v_vocab_add(v1, "a", 1, 9, &id, &err));
    T_OK(w2v_vocab_add(v1, "b", 1, 3, &id, &err));
    T_OK(w2v_vocab_add(v2, "a", 1, 9, &id, &err));
    T_OK(w2v_vocab_add(v2, "b", 1, 3, &id, &err));
    w2v_corpus_opts o = w2v_corpus_opts_default();
    o.min_count = 1;
    w2v_corpus *a = NULL, *b = NULL;
    o.vocab = v1;
    T_OK(w2v_corpus_build_mem(text, strlen(text), "text", tok, &o, &a, &err));
    o.vocab = v2;
    T_OK(feed_text(text, strlen(text), &o, &b, &err));
    if (a && b) {
        same(a, b);
        T_EQ(b->dropped, 2); /* c, zz */
    }
    w2v_corpus_free(a);
    w2v_corpus_free(b);
}

static void test_errors(void)
{
    w2v_corpus_opts o = w2v_corpus_opts_default();
    w2v_corpus_feed *f;
    w2v_corpus *c = (w2v_corpus *)&o;
    w2v_error err;
    /* nothing fed: empty, like an empty file */
    T_OK(w2v_corpus_feed_create("empty", &o, &f, &err));
    T_EQ(w2v_corpus_feed_finish(f, &c, &err), W2V_ERR_EMPTY);
    T_TRUE(c == NULL);
    T_TRUE(strstr(err.msg, "empty") != NULL);
    /* a NUL byte in sentence 2: named, and the feed stays failed */
    o.min_count = 1;
    T_OK(w2v_corpus_feed_create("sents", &o, &f, &err));
    T_OK(w2v_corpus_feed_token(f, "ok", 2, &err));
    T_OK(w2v_corpus_feed_token(f, NULL, 0, &err));
    T_OK(w2v_corpus_feed_token(f, "", 0, &err)); /* skipped */
    T_TRUE(w2v_corpus_feed_token(f, "a\0b", 3, &err) != W2V_OK);
    T_TRUE(strstr(err.msg, "sents:2:") != NULL);
    w2v_error_clear(&err);
    T_TRUE(w2v_corpus_feed_token(f, "fine", 4, &err) != W2V_OK);
    T_TRUE(strstr(err.msg, "sents:2:") != NULL);
    T_TRUE(w2v_corpus_feed_finish(f, &c, &err) != W2V_OK);
    T_TRUE(c == NULL);
    /* read from text, a NUL byte in a token of line 2000 (after many held
     * back), named at its line, as the feed names it */
    size_t len;
    char *text = make_text(2500, 3, &len);
    size_t at = 0;
    for (int line = 1; line < 2000; at++)
        line += text[at] == '\n';
    memcpy(text + at, "a\0b ", 4);
    c = NULL;
    T_TRUE(w2v_corpus_build_mem(text, len, "held", tok, &o, &c, &err) != W2V_OK);
    T_TRUE(c == NULL);
    T_CHECK(strstr(err.msg, "held:2000:") != NULL, "message: %s", err.msg);
    free(text);
    /* abandoned after some tokens, also after spilling: nothing leaks */
    o.spill_bytes = 64;
    T_OK(w2v_corpus_feed_create("gone", &o, &f, &err));
    for (int i = 0; i < 100; i++)
        T_OK(w2v_corpus_feed_token(f, i % 9 ? "x" : NULL, i % 9 ? 1 : 0, &err));
    w2v_corpus_feed_free(f);
    w2v_corpus_feed_free(NULL);
}

int main(void)
{
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    w2v_error err;
    if (w2v_tokenizer_create(&to, &tok, &err) != W2V_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    test_equal_to_build(0, 5, 0);
    test_equal_to_build(0, 1, 0);
    test_equal_to_build(0, 2, 50);
    test_equal_to_build(4096, 3, 0); /* spilled to a mapped file */
    test_given_vocab();
    test_errors();
    w2v_tokenizer_free(tok);
    return T_DONE();
}
