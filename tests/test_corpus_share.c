/*
 * test_corpus_share.c - reading one corpus as several shares, as the MPI
 * job does: w2v_tokenize_split's cuts against a reference of its contract,
 * byte ranges, the vocabulary's packed form, and the property that matters:
 * shares counted apart, their packs merged in share order, finalized and
 * finished give exactly the vocabulary and the id stream of one whole build
 * (the stream up to sentence ends added where a cut fell mid-line).
 */
#include "t.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "w2v/corpus.h"

static char dir[64];
static w2v_tokenizer *tok;

static int has(const char *s, const char *sub) { return strstr(s, sub) != NULL; }

static int is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Write text[0..len) to dir/name; @return the path (static storage). */
static const char *put_file(const char *name, const char *text, size_t len)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "wb");
    T_TRUE(fp != NULL);
    if (fp) {
        T_EQ(fwrite(text, 1, len, fp), len);
        fclose(fp);
    }
    return path;
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/*
 * About nwords tokens over a few hundred types with Zipf-like frequencies
 * (rank drawn log-uniformly, so p(k) ~ 1/k), lines of 0..15 words with
 * mixed blanks, a leading blank line, and a final '\n' iff final_nl.
 */
static char *zipf_text(size_t nwords, uint64_t seed, int final_nl, size_t *len)
{
    size_t cap = nwords * 24 + 64, n = 0;
    char *s = malloc(cap);
    n += (size_t)snprintf(s, cap, "\n");
    for (size_t w = 0; w < nwords;) {
        unsigned words = (unsigned)(rng_next(&seed) % 16);
        for (unsigned k = 0; k < words && w < nwords; k++, w++) {
            double u = (double)(rng_next(&seed) % 1000000) / 1e6;
            unsigned rank = (unsigned)pow(400.0, u);
            const char *sep = k == 0 ? "" : rng_next(&seed) % 7 == 0 ? " \t " : " ";
            const char *pre = rank % 5 == 0 ? "\xc3\xa9" : "w";
            n += (size_t)snprintf(s + n, cap - n, "%s%s%u", sep, pre, rank);
        }
        n += (size_t)snprintf(s + n, cap - n, rng_next(&seed) % 9 == 0 ? "\r\n" : "\n");
    }
    if (!final_nl)
        n -= s[n - 2] == '\r' ? 2 : 1;
    *len = n;
    return s;
}

/* The cut rule of w2v_tokenize_split(_at), straight from its contract. */
static uint64_t ref_cut(const char *s, uint64_t size, uint64_t nominal, uint64_t line_search)
{
    if (nominal >= size)
        return size;
    uint64_t from = nominal ? nominal : 1; /* offset 0 follows no byte */
    for (uint64_t o = from; o <= size && o < from + line_search; o++)
        if (s[o - 1] == '\n')
            return o;
    for (uint64_t o = from; o <= size; o++)
        if (is_blank((unsigned char)s[o - 1]))
            return o;
    return size;
}

/* Cut path (holding text) at n - 1 offsets of every kind (equal steps
 * back and forth, past the end) with w2v_tokenize_split_at and each '\n'
 * search, and hold the cuts to the contract. */
static void split_at_checked(const char *path, const char *text, uint64_t size, unsigned n)
{
    uint64_t *at = calloc(n + 1, sizeof *at), *cuts = calloc(n + 1, sizeof *cuts);
    for (unsigned i = 1; i < n; i++) /* up, and a step back every third cut */
        at[i] = (size + size / 4) * (i - 2 * (i % 3 == 0)) / n;
    const uint64_t search[] = {0, 5, 4096, W2V_TOKENIZE_SPLIT_LINE_SEARCH};
    for (unsigned s = 0; s < sizeof search / sizeof *search; s++) {
        w2v_error err;
        w2v_status st = w2v_tokenize_split_at(path, n, at, search[s], cuts, &err);
        T_CHECK(st == W2V_OK, "split %s at %u offsets: %s", path, n, err.msg);
        int ok = st == W2V_OK && cuts[0] == 0 && cuts[n] == size;
        uint64_t prev = 0;
        for (unsigned i = 1; ok && i < n; i++) {
            uint64_t ref = ref_cut(text, size, at[i], search[s]);
            ref = ref > prev ? ref : prev;
            ok &= cuts[i] == ref;
            prev = cuts[i];
        }
        T_CHECK(ok, "cuts of %s at %u offsets, '\\n' search %llu, break the contract", path,
                n, (unsigned long long)search[s]);
    }
    free(at);
    free(cuts);
}

/* Split path (holding text) into n and hold the cuts to the contract. */
static void split_checked(const char *path, const char *text, uint64_t size, unsigned n,
                          uint64_t *cuts)
{
    split_at_checked(path, text, size, n);
    w2v_error err;
    w2v_status st = w2v_tokenize_split(path, n, cuts, &err);
    T_CHECK(st == W2V_OK, "split %s into %u: %s", path, n, err.msg);
    if (st != W2V_OK)
        return;
    T_EQ(cuts[0], 0);
    T_EQ(cuts[n], size);
    int ok = 1;
    uint64_t prev = 0;
    for (unsigned i = 1; i < n; i++) {
        uint64_t ref = ref_cut(text, size, size * i / n, W2V_TOKENIZE_SPLIT_LINE_SEARCH);
        ref = ref > prev ? ref : prev;
        ok &= cuts[i] == ref && cuts[i] >= cuts[i - 1];
        ok &= cuts[i] == size || (cuts[i] > 0 && is_blank((unsigned char)text[cuts[i] - 1]));
        prev = cuts[i];
    }
    T_CHECK(ok, "cuts of %s into %u shares break the contract", path, n);
}

static int same_vocab(const w2v_vocab *a, const w2v_vocab *b)
{
    if (w2v_vocab_size(a) != w2v_vocab_size(b))
        return 0;
    for (uint32_t id = 0; id < w2v_vocab_size(a); id++)
        if (strcmp(w2v_vocab_word(a, id), w2v_vocab_word(b, id)) != 0 ||
            w2v_vocab_count(a, id) != w2v_vocab_count(b, id))
            return 0;
    return 1;
}

/* A fresh vocabulary from a pack of v: the same words in the same order. */
static w2v_vocab *copy_by_pack(const w2v_vocab *v)
{
    char *buf;
    size_t len;
    w2v_vocab *out = NULL;
    T_OK(w2v_vocab_pack(v, &buf, &len, NULL));
    T_OK(w2v_vocab_create(&out, NULL));
    T_OK(w2v_vocab_add_packed(out, buf, len, "pack", NULL));
    free(buf);
    return out;
}

/*
 * The shares' streams against the whole one: equal with sentence ends
 * removed, and, when every cut follows a '\n' (exact), equal as they are
 * once the non-empty shares are joined with one sentence end between them
 * (each share's end ends its last sentence, as a line's '\n' does).
 */
static void check_streams(const w2v_corpus *whole, w2v_corpus **sh, unsigned n, int exact)
{
    size_t at = 0, total = 0;
    int same = 1;
    for (unsigned i = 0; i < n; i++)
        for (size_t k = 0; k < sh[i]->len; k++) {
            if (sh[i]->ids[k] == W2V_CORPUS_EOS)
                continue;
            while (at < whole->len && whole->ids[at] == W2V_CORPUS_EOS)
                at++;
            same &= at < whole->len && whole->ids[at++] == sh[i]->ids[k];
        }
    while (at < whole->len && whole->ids[at] == W2V_CORPUS_EOS)
        at++;
    T_CHECK(same && at == whole->len, "share streams differ from the whole one (n = %u)", n);
    for (unsigned i = 0; i < n; i++)
        total += sh[i]->len + 1;
    uint32_t *joined = malloc((total + 1) * sizeof *joined);
    size_t len = 0;
    for (unsigned i = 0; i < n; i++) {
        if (sh[i]->len && len)
            joined[len++] = W2V_CORPUS_EOS;
        memcpy(joined + len, sh[i]->ids, sh[i]->len * sizeof *joined);
        len += sh[i]->len;
    }
    if (exact)
        T_CHECK(len == whole->len && !memcmp(joined, whole->ids, len * sizeof *joined),
                "joined shares are not the whole stream (n = %u)", n);
    else /* each cut mid-line adds at most one sentence end */
        T_CHECK(len >= whole->len && len < whole->len + n, "joined length %zu, whole %zu", len,
                whole->len);
    free(joined);
}

/*
 * The MPI reader's steps on path (holding text): n shares, their packs
 * merged in share order, finalized with (min_count, max_vocab), a copy of
 * the result handed to each share's finish; all compared with one build.
 * spill: the shares' spill_bytes.  @return the number of shares that were
 * spilled to a mapped file.
 */
static unsigned check_shares(const char *path, const char *text, uint64_t size, unsigned n,
                             uint64_t min_count, size_t max_vocab, size_t spill)
{
    w2v_error err;
    w2v_corpus_opts o = w2v_corpus_opts_default();
    o.min_count = min_count;
    o.max_vocab = max_vocab;
    w2v_corpus *whole = NULL;
    w2v_status wst = w2v_corpus_build(path, tok, &o, &whole, &err);
    uint64_t *cuts = calloc(n + 1, sizeof *cuts);
    w2v_corpus **sh = calloc(n, sizeof *sh);
    split_checked(path, text, size, n, cuts);
    w2v_vocab *merged;
    T_OK(w2v_vocab_create(&merged, NULL));
    int exact = 1;
    unsigned spilled = 0, built = 0;
    uint64_t tokens = 0;
    o.spill_bytes = spill;
    o.share = 1;
    for (unsigned i = 0; i < n; i++) {
        o.range_begin = cuts[i];
        o.range_end = cuts[i + 1];
        exact &= i == 0 || cuts[i] == size || text[cuts[i] - 1] == '\n';
        w2v_status st = w2v_corpus_build(path, tok, &o, &sh[i], &err);
        T_CHECK(st == W2V_OK, "share %u of %u: %s", i, n, err.msg);
        if (st != W2V_OK)
            continue;
        built++;
        T_TRUE(sh[i]->share);
        spilled += sh[i]->mapped_bytes > 0;
        tokens += sh[i]->tok.tokens;
        T_EQ(sh[i]->tok.bytes, cuts[i + 1] - cuts[i]);
        char *buf;
        size_t len;
        T_OK(w2v_vocab_pack(sh[i]->vocab, &buf, &len, NULL));
        T_OK(w2v_vocab_add_packed(merged, buf, len, "share", NULL));
        free(buf);
    }
    T_OK(w2v_vocab_finalize(merged, min_count, max_vocab, NULL, NULL));
    uint64_t words = 0, dropped = 0;
    for (unsigned i = 0; i < n && built == n; i++) {
        T_OK(w2v_corpus_finish(sh[i], copy_by_pack(merged), NULL));
        T_TRUE(!sh[i]->share && same_vocab(sh[i]->vocab, merged));
        words += sh[i]->words;
        dropped += sh[i]->dropped;
    }
    if (wst == W2V_OK && built == n) {
        T_CHECK(same_vocab(whole->vocab, merged), "merged vocabulary differs (n = %u, min %llu)",
                n, (unsigned long long)min_count);
        T_EQ(words, whole->words);
        T_EQ(dropped, whole->dropped);
        T_EQ(tokens, whole->tok.tokens);
        check_streams(whole, sh, n, exact);
    } else { /* only a corpus without a surviving word fails whole */
        T_EQ(wst, W2V_ERR_EMPTY);
        T_EQ(w2v_vocab_size(merged), 0);
        T_EQ(words, 0);
    }
    for (unsigned i = 0; i < n; i++)
        w2v_corpus_free(sh[i]);
    w2v_corpus_free(whole);
    w2v_vocab_free(merged);
    free(sh);
    free(cuts);
    return spilled;
}

/* (i) many lines, Zipf-like counts, with and without a final '\n'. */
static void test_zipf(void)
{
    static const unsigned ns[] = {1, 2, 3, 4, 7};
    for (int final_nl = 0; final_nl <= 1; final_nl++) {
        size_t len;
        char *text = zipf_text(4000, 0x9E3779B97F4A7C15ull + (uint64_t)final_nl, final_nl, &len);
        const char *path = put_file("zipf.txt", text, len);
        for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
            check_shares(path, text, len, ns[k], 1, 0, 0);
            check_shares(path, text, len, ns[k], 5, 0, 0);
            check_shares(path, text, len, ns[k], 5, 40, 0);
            check_shares(path, text, len, ns[k], 1, 7, 0);
        }
        unlink(path);
        free(text);
    }
}

/* (ii) text8: one line, no '\n' at all, so every cut falls mid-sentence. */
static void test_one_line(void)
{
    size_t len;
    char *text = zipf_text(6000, 42, 0, &len);
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n' || text[i] == '\r' || text[i] == '\t')
            text[i] = ' ';
    const char *path = put_file("one-line.txt", text, len);
    check_shares(path, text, len, 2, 1, 0, 0);
    check_shares(path, text, len, 4, 5, 0, 0);
    check_shares(path, text, len, 4, 2, 30, 0);
    unlink(path);
    free(text);
}

/* A 3 MiB line, then short ones: cuts in it settle for a blank. */
static void test_long_line(void)
{
    const size_t len = (size_t)4 << 20, line = (size_t)3 << 20;
    char *text = malloc(len);
    uint64_t seed = 7;
    for (size_t i = 0; i < len;) {
        size_t wl = 1 + rng_next(&seed) % 8;
        for (size_t k = 0; k < wl && i < len; k++)
            text[i++] = (char)('a' + rng_next(&seed) % 3);
        if (i < len) {
            text[i] = i > line && rng_next(&seed) % 4 == 0 ? '\n' : ' ';
            i++;
        }
    }
    const char *path = put_file("long-line.txt", text, len);
    check_shares(path, text, len, 4, 1, 0, 0);
    check_shares(path, text, len, 5, 3, 0, 0);
    unlink(path);
    free(text);
}

/* A '\n' just inside and just outside W2V_TOKENIZE_SPLIT_LINE_SEARCH. */
static void test_search_window(void)
{
    const size_t len = (size_t)4 << 20, nominal = len / 2;
    char *text = malloc(len);
    for (size_t i = 0; i < len; i++)
        text[i] = "ab "[i % 3];
    for (int outside = 0; outside <= 1; outside++) {
        size_t nl = nominal + W2V_TOKENIZE_SPLIT_LINE_SEARCH - 2 + (size_t)outside;
        text[nl] = '\n';
        const char *path = put_file("window.txt", text, len);
        uint64_t cuts[3];
        split_checked(path, text, len, 2, cuts);
        if (outside)
            T_TRUE(cuts[1] >= nominal && cuts[1] < nominal + 3 && text[cuts[1] - 1] == ' ');
        else
            T_EQ(cuts[1], nl + 1);
        text[nl] = "ab "[nl % 3];
        unlink(path);
    }
    free(text);
}

/* (iii) more shares than bytes, and an empty file: empty shares are fine. */
static void test_tiny(void)
{
    static const char *const texts[] = {"a b\n", "a\nb\nc\n", "xy", " \n \n", ""};
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
        size_t len = strlen(texts[k]);
        const char *path = put_file("tiny.txt", texts[k], len);
        check_shares(path, texts[k], len, 7, 1, 0, 0);
        check_shares(path, texts[k], len, 3, 1, 0, 0);
        check_shares(path, texts[k], len, 2, 2, 0, 0);
        unlink(path);
    }
}

/* (iv) shares whose streams move to a mapped file are finished in place. */
static void test_spilled_shares(void)
{
    size_t len;
    char *text = zipf_text(5000, 99, 1, &len);
    const char *path = put_file("spill.txt", text, len);
    T_TRUE(check_shares(path, text, len, 3, 5, 0, 64) == 3);
    T_TRUE(check_shares(path, text, len, 4, 1, 25, 256) > 0);
    unlink(path);
    free(text);
}

/* finish: only an unfinished share, and it always takes the vocabulary. */
static void test_finish_args(void)
{
    const char *text = "a b a\nc a\n";
    const char *path = put_file("finish.txt", text, strlen(text));
    w2v_corpus_opts o = w2v_corpus_opts_default();
    o.min_count = 1;
    w2v_corpus *c = NULL;
    w2v_vocab *v;
    w2v_error err;
    T_OK(w2v_corpus_build(path, tok, &o, &c, NULL));
    T_TRUE(c && !c->share);
    T_OK(w2v_vocab_create(&v, NULL));
    T_EQ(w2v_corpus_finish(c, v, &err), W2V_ERR_ARG); /* v is freed (ASan would tell) */
    w2v_corpus_free(c);
    o.share = 1;
    T_OK(w2v_corpus_build(path, tok, &o, &c, NULL));
    T_TRUE(c && c->share && c->len == 7); /* a b a EOS c a EOS: counting ids, untrimmed */
    T_OK(w2v_vocab_create(&v, NULL));
    uint32_t id;
    T_OK(w2v_vocab_add(v, "a", 1, 3, &id, NULL)); /* b and c are not final words */
    T_OK(w2v_corpus_finish(c, v, NULL));
    T_EQ(c->len, 4); /* a a EOS a */
    T_EQ(c->words, 3);
    T_EQ(c->dropped, 2);
    T_OK(w2v_vocab_create(&v, NULL));
    T_EQ(w2v_corpus_finish(c, v, NULL), W2V_ERR_ARG); /* finished already */
    T_EQ(w2v_corpus_finish(NULL, NULL, NULL), W2V_ERR_ARG);
    w2v_corpus_free(c);
    unlink(path);
}

/* (v) the packed form: round trip, then every way a buffer can be wrong. */
static void test_pack(void)
{
    w2v_vocab *v, *w;
    uint32_t id;
    char longw[W2V_VOCAB_MAX_WORD_BYTES + 1];
    memset(longw, 'x', sizeof longw);
    T_OK(w2v_vocab_create(&v, NULL));
    T_OK(w2v_vocab_add(v, "the", 3, 1000, &id, NULL));
    T_OK(w2v_vocab_add(v, "\xff\xfe", 2, UINT64_MAX, &id, NULL));
    T_OK(w2v_vocab_add(v, longw, W2V_VOCAB_MAX_WORD_BYTES, (1ull << 40) + 3, &id, NULL));
    T_OK(w2v_vocab_add(v, "z", 1, 0, &id, NULL));
    char *buf;
    size_t len;
    T_OK(w2v_vocab_pack(v, &buf, &len, NULL));
    T_EQ(len, 4 * 9 + 3 + 2 + W2V_VOCAB_MAX_WORD_BYTES + 1);
    T_EQ((unsigned char)buf[0], 1000 & 0xff); /* little-endian */
    T_EQ((unsigned char)buf[1], 1000 >> 8);
    T_OK(w2v_vocab_create(&w, NULL));
    T_OK(w2v_vocab_add_packed(w, buf, len, "pack", NULL));
    T_TRUE(same_vocab(v, w));
    T_OK(w2v_vocab_add_packed(w, buf, len, "pack", NULL)); /* counts add up, saturating */
    T_EQ(w2v_vocab_size(w), 4);
    T_EQ(w2v_vocab_count(w, 0), 2000);
    T_TRUE(w2v_vocab_count(w, 1) == UINT64_MAX);
    T_OK(w2v_vocab_add_packed(w, NULL, 0, NULL, NULL)); /* nothing to add */
    w2v_vocab_free(w);

    /* Malformed tails after one good entry ("the", 12 bytes). */
    static const struct {
        const char *tail;
        size_t len;
        const char *says;
    } bad[] = {
        {"\x01\x00\x00", 3, "truncated"},                           /* count cut short */
        {"\x01\x00\x00\x00\x00\x00\x00\x00" "abc", 11, "NUL"},      /* word without its NUL */
        {"\x01\x00\x00\x00\x00\x00\x00\x00" "", 9, "empty word"},   /* NUL at once */
    };
    char msg[64];
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char b[32];
        memcpy(b, buf, 12);
        memcpy(b + 12, bad[k].tail, bad[k].len);
        w2v_error err;
        T_OK(w2v_vocab_create(&w, NULL));
        T_EQ(w2v_vocab_add_packed(w, b, 12 + bad[k].len, "rank 3", &err), W2V_ERR_FORMAT);
        T_CHECK(has(err.msg, "rank 3") && has(err.msg, "byte offset 12") &&
                    has(err.msg, bad[k].says), "message: %s", err.msg);
        T_EQ(w2v_vocab_size(w), 1); /* the good entry stays */
        w2v_vocab_free(w);
    }
    /* A word one byte over the limit, with and without its NUL after it. */
    size_t big = 8 + sizeof longw + 1;
    char *b = malloc(big);
    memset(b, 0, 8);
    memcpy(b + 8, longw, sizeof longw);
    b[big - 1] = '\0';
    for (size_t cut = 0; cut <= 1; cut++) {
        w2v_error err;
        T_OK(w2v_vocab_create(&w, NULL));
        T_EQ(w2v_vocab_add_packed(w, b, big - cut, "p", &err), W2V_ERR_FORMAT);
        snprintf(msg, sizeof msg, "longer than %d bytes", W2V_VOCAB_MAX_WORD_BYTES);
        T_CHECK(has(err.msg, msg) && has(err.msg, "byte offset 0"), "message: %s", err.msg);
        T_EQ(w2v_vocab_size(w), 0);
        w2v_vocab_free(w);
    }
    free(b);
    free(buf);
    w2v_vocab_free(v);
    T_OK(w2v_vocab_create(&v, NULL)); /* an empty vocabulary packs to nothing */
    T_OK(w2v_vocab_pack(v, &buf, &len, NULL));
    T_EQ(len, 0);
    free(buf);
    w2v_vocab_free(v);
}

/* (vi) what cannot be split or read by range; offsets count from the file's start. */
static void test_split_and_range_errors(void)
{
    uint64_t cuts[4];
    w2v_error err;
    char missing[128];
    snprintf(missing, sizeof missing, "%s/no-such-file", dir);
    T_EQ(w2v_tokenize_split(missing, 3, cuts, &err), W2V_ERR_IO);
    T_TRUE(has(err.msg, missing));
    T_EQ(w2v_tokenize_split("-", 3, cuts, &err), W2V_ERR_ARG);
    T_TRUE(has(err.msg, "standard input"));
    T_EQ(w2v_tokenize_split(dir, 3, cuts, &err), W2V_ERR_IO);
    T_TRUE(has(err.msg, dir));

    const char *text = "xx yy\nok\naaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n";
    const char *path = put_file("range.txt", text, strlen(text));
    T_EQ(w2v_tokenize_split(path, 0, cuts, &err), W2V_ERR_ARG);
    T_EQ(w2v_tokenize_split_at(path, 3, NULL, 0, cuts, &err), W2V_ERR_ARG);
    w2v_corpus_opts o = w2v_corpus_opts_default();
    o.min_count = 1;
    w2v_corpus *c = NULL;
    o.range_begin = 6;
    o.range_end = 9;
    T_OK(w2v_corpus_build(path, tok, &o, &c, &err)); /* just "ok\n" */
    T_TRUE(c && c->len == 1 && c->words == 1 && c->tok.bytes == 3 && c->tok.sentences == 1);
    w2v_corpus_free(c);
    o.range_end = 1000; /* past the end: to the end */
    T_OK(w2v_corpus_build(path, tok, &o, &c, &err));
    T_TRUE(c && c->words == 2 && c->tok.bytes == strlen(text) - 6);
    w2v_corpus_free(c);
    o.range_begin = 9;
    o.range_end = 6;
    T_EQ(w2v_corpus_build(path, tok, &o, &c, &err), W2V_ERR_ARG);
    T_TRUE(c == NULL);
    o.range_begin = 2;
    o.range_end = 3;
    T_EQ(w2v_corpus_build("-", tok, &o, &c, &err), W2V_ERR_ARG);

    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    to.regex = "(a+)+$";
    to.match_limit = 100000;
    w2v_tokenizer *re = NULL;
    T_OK(w2v_tokenizer_create(&to, &re, NULL));
    o.range_begin = 6;
    o.range_end = 0;
    T_EQ(w2v_corpus_build(path, re, &o, &c, &err), W2V_ERR_ARG); /* begin > end */
    o.range_end = UINT64_MAX;
    T_EQ(w2v_corpus_build(path, re, &o, &c, &err), W2V_ERR_REGEX);
    T_CHECK(has(err.msg, "line 2") && has(err.msg, "byte offset 9"), "message: %s", err.msg);
    w2v_tokenizer_free(re);
    unlink(path);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/w2v-share-test.XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    if (w2v_tokenizer_create(&to, &tok, NULL) != W2V_OK)
        return 1;
    test_pack();
    test_split_and_range_errors();
    test_finish_args();
    test_tiny();
    test_zipf();
    test_one_line();
    test_spilled_shares();
    test_search_window();
    test_long_line();
    w2v_tokenizer_free(tok);
    rmdir(dir);
    return T_DONE();
}
