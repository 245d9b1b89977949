/*
 * test_corpus_threads.c - reading one file with several threads gives
 * exactly what one thread gives: the same vocabulary (words, counts, order),
 * the same id stream (sentence ends included) and the same tokenizer counts,
 * on texts whose cuts fall mid-line, right after a '\n', inside runs of
 * blanks with and without '\n', and in shares that hold no token at all.
 * The chunks' 16-bit codes, and their decoding in place, are held to the
 * 4-byte remap (w2v_corpus_remap_run) they stand for.
 */
#include "t.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "text/corpus_pass.h"
#include "w2v/corpus.h"

static char dir[64];
static w2v_tokenizer *tok;

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A growing text buffer. */
typedef struct {
    char *s;
    size_t n, cap;
} text;

static void put(text *t, const char *s, size_t len)
{
    if (t->n + len + 1 > t->cap) {
        t->cap = (t->n + len + 1) * 2;
        t->s = realloc(t->s, t->cap);
    }
    memcpy(t->s + t->n, s, len);
    t->n += len;
}

static void puts_(text *t, const char *s) { put(t, s, strlen(s)); }

/* nwords Zipf-like words separated by single blanks (one line). */
static void words(text *t, size_t nwords, uint64_t *seed)
{
    char w[32];
    for (size_t k = 0; k < nwords; k++) {
        double u = (double)(rng_next(seed) % 1000000) / 1e6;
        unsigned rank = (unsigned)pow(2000.0, u);
        int len = snprintf(w, sizeof w, "%s%u", k ? " " : "", rank);
        put(t, w, (size_t)len);
    }
}

static void blanks(text *t, size_t n, char c)
{
    for (size_t k = 0; k < n; k++)
        put(t, &c, 1);
}

static const char *write_file(const text *t)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/corpus.txt", dir);
    FILE *fp = fopen(path, "wb");
    T_TRUE(fp != NULL);
    if (fp) {
        T_EQ(fwrite(t->s, 1, t->n, fp), t->n);
        fclose(fp);
    }
    return path;
}

static int same_corpus(const w2v_corpus *a, const w2v_corpus *b)
{
    if (w2v_vocab_size(a->vocab) != w2v_vocab_size(b->vocab) || a->len != b->len ||
        a->words != b->words || a->dropped != b->dropped || a->tok.bytes != b->tok.bytes ||
        a->tok.tokens != b->tok.tokens || a->tok.sentences != b->tok.sentences ||
        a->tok.overlong != b->tok.overlong)
        return 0;
    for (uint32_t id = 0; id < w2v_vocab_size(a->vocab); id++)
        if (strcmp(w2v_vocab_word(a->vocab, id), w2v_vocab_word(b->vocab, id)) != 0 ||
            w2v_vocab_count(a->vocab, id) != w2v_vocab_count(b->vocab, id))
            return 0;
    return memcmp(a->ids, b->ids, a->len * sizeof *a->ids) == 0;
}

/* Read t with 1 thread and with 2..7, keeping words seen min_count times
 * (the max_vocab most frequent, if not 0), and hold them equal. */
static void check_cut(const text *t, const char *what, uint64_t min_count, size_t max_vocab)
{
    const char *path = write_file(t);
    w2v_corpus_opts o = w2v_corpus_opts_default();
    o.min_count = min_count;
    o.max_vocab = max_vocab;
    w2v_corpus *one = NULL;
    T_OK(w2v_corpus_build(path, tok, &o, &one, NULL));
    if (!one)
        return;
    for (unsigned n = 2; n <= 7; n++) {
        o.threads = n;
        w2v_corpus *many = NULL;
        w2v_error err;
        w2v_status st = w2v_corpus_build(path, tok, &o, &many, &err);
        T_CHECK(st == W2V_OK, "%s, %u threads: %s", what, n, err.msg);
        if (many) {
            T_CHECK(same_corpus(one, many), "%s: %u threads read another corpus (len %zu vs "
                    "%zu, sentences %llu vs %llu)", what, n, many->len, one->len,
                    (unsigned long long)many->tok.sentences,
                    (unsigned long long)one->tok.sentences);
        }
        w2v_corpus_free(many);
    }
    w2v_corpus_free(one);
    unlink(path);
}

static void check(const text *t, const char *what) { check_cut(t, what, 2, 0); }

/* Codes round-trip every kind of entry, on both sides of the wide limit. */
static void check_code_edges(void)
{
    const uint32_t ids[] = {0, 1, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x1FFFF, 0x12345678,
                            W2V_CORPUS_EOS - 1, W2V_CORPUS_EOS};
    const size_t width[] = {1, 1, 1, 3, 3, 3, 3, 3, 3, 1};
    uint16_t code[3 * 10];
    size_t n = 0;
    for (size_t i = 0; i < 10; i++) {
        size_t w = w2v_code_put(code + n, ids[i]);
        T_CHECK(w == width[i], "id %#x takes %zu codes, not %zu", (unsigned)ids[i], w, width[i]);
        n += w;
    }
    size_t at = 0;
    for (size_t i = 0; i < 10 && at < n; i++) {
        uint32_t id = w2v_code_next(code, &at);
        T_CHECK(id == ids[i], "code %zu decodes to %#x, not %#x", i, (unsigned)id,
                (unsigned)ids[i]);
    }
    T_EQ(at, n);
}

/*
 * A stream of words (a third of them dropped by the map, one in eight with
 * an id past the narrow codes) and runs of sentence ends, coded as a reader
 * codes it and decoded in place as the join does (codes in the upper half
 * of the memory, at 2(n + 2) bytes), against w2v_corpus_remap_run on the
 * 4-byte ids, from both starts.
 */
static void check_codes_in_place(uint64_t *seed)
{
    enum { N = 20000, V = 70000 };
    uint32_t *ids = malloc(N * sizeof *ids), *map = malloc(V * sizeof *map);
    uint32_t *want = malloc(N * sizeof *want);
    const size_t half = 3 * N + 2; /* in codes: room for every code being wide */
    uint16_t *mem = malloc(2 * half * sizeof *mem);
    T_TRUE(ids && map && want && mem);
    if (!ids || !map || !want || !mem)
        goto out;
    for (uint32_t w = 0; w < V; w++)
        map[w] = rng_next(seed) % 3 ? w / 2 : W2V_VOCAB_NONE;
    for (size_t i = 0; i < N; i++) {
        uint64_t r = rng_next(seed);
        ids[i] = r % 5 == 0 ? W2V_CORPUS_EOS
                 : r % 8 == 1 ? (uint32_t)(0xFFFE + (r >> 8) % (V - 0xFFFE))
                              : (uint32_t)((r >> 8) % 300);
    }
    for (int after_end = 0; after_end <= 1; after_end++) {
        uint64_t dropped = 0, words = 0, dropped2 = 0, words2 = 0;
        size_t len = w2v_corpus_remap_run(want, ids, N, map, after_end, &dropped, &words);
        uint16_t *code = mem + half;
        size_t ncode = 0;
        for (size_t i = 0; i < N; i++)
            ncode += w2v_code_put(code + ncode, ids[i]);
        /* the tightest layout expand_chunk allows: codes at 2(ncode + 2) bytes */
        memmove(mem + ncode + 2, code, ncode * sizeof *code);
        uint32_t *out = (void *)mem;
        size_t got = w2v_corpus_remap_codes(out, mem + ncode + 2, ncode, map, after_end,
                                            &dropped2, &words2);
        T_EQ(got, len);
        T_EQ(dropped2, dropped);
        T_EQ(words2, words);
        T_CHECK(got == len && memcmp(out, want, len * sizeof *want) == 0,
                "codes decoded in place differ from the 4-byte remap (after_end %d)", after_end);
    }
out:
    free(ids);
    free(map);
    free(want);
    free(mem);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/w2v-test-XXXXXX");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "mkdtemp failed\n");
        return 1;
    }
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    T_OK(w2v_tokenizer_create(&to, &tok, NULL));
    uint64_t seed = 99;
    text t = {0};

    check_code_edges();
    check_codes_in_place(&seed);

    /* One line, no final '\n' (every cut mid-line, after a blank). */
    words(&t, 500000, &seed);
    check(&t, "one line");
    /* The same with a final '\n'. */
    puts_(&t, "\n");
    check(&t, "one line + newline");

    /* Words met twice, half the file apart, between Zipf words: every
     * reader meets words first that an earlier chunk, read by another,
     * holds too, and the count ties make the final order that of first
     * appearance in the whole file. */
    t.n = 0;
    for (size_t k = 0; k < 400000; k++) {
        char w[32];
        int len = k % 2 ? snprintf(w, sizeof w, " %u", (unsigned)(rng_next(&seed) % 50))
                        : snprintf(w, sizeof w, "%su%zu", k ? " " : "", (k / 2) % 100000);
        put(&t, w, (size_t)len);
    }
    check(&t, "words met twice, far apart");

    /* Long lines (over the split's 1 MiB '\n' search): cuts mid-line next to
     * blank runs holding '\n's, and shares of blanks only, with and without
     * '\n' in them. */
    t.n = 0;
    words(&t, 300000, &seed);
    puts_(&t, " \n \t\n  ");
    words(&t, 200000, &seed);
    blanks(&t, 700000, ' ');
    words(&t, 250000, &seed);
    blanks(&t, 400000, ' ');
    puts_(&t, "\n");
    blanks(&t, 400000, ' ');
    words(&t, 250000, &seed);
    blanks(&t, 300000, '\t');
    check(&t, "long lines and blank runs");
    /* Every word kept; few kept (most of the stream dropped, shares whose
     * words all go); a vocabulary cut by size, ties included. */
    check_cut(&t, "long lines, min-count 1", 1, 0);
    check_cut(&t, "long lines, min-count 40", 40, 0);
    check_cut(&t, "long lines, max-vocab 7", 1, 7);

    /* A blank run longer than the split's '\n' search, ending in '\n': a
     * cut inside it leaves that sentence end at the head of a share. */
    t.n = 0;
    words(&t, 200000, &seed);
    blanks(&t, 3000000, ' ');
    puts_(&t, "\n");
    words(&t, 200000, &seed);
    check(&t, "a sentence end after a long blank run");

    /* Many short lines, blank lines, CRLF. */
    t.n = 0;
    for (int line = 0; line < 60000; line++) {
        words(&t, (size_t)(rng_next(&seed) % 40), &seed);
        puts_(&t, rng_next(&seed) % 5 ? "\n" : rng_next(&seed) % 2 ? "\r\n" : "\n\n \n");
    }
    check(&t, "short lines");

    /* A pattern tokenizer: cuts mid-line must fall back, '\n' cuts need not. */
    w2v_tokenizer_free(tok);
    to.regex = "\\S+";
    T_OK(w2v_tokenizer_create(&to, &tok, NULL));
    check(&t, "short lines, pattern");
    t.n = 0;
    words(&t, 400000, &seed);
    check(&t, "one line, pattern");

    w2v_tokenizer_free(tok);
    free(t.s);
    rmdir(dir);
    return T_DONE();
}
