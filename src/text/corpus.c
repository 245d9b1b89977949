/*
 * corpus.c - one pass from text to vocabulary + id stream (see corpus.h).
 *
 * A share (opts->share) stops before the vocabulary is finalized: its
 * counting vocabulary and counting ids wait for the merged vocabulary of
 * all shares, and w2v_corpus_finish then applies the very same rewrite
 * (remap_ids) that a single build applies after w2v_vocab_finalize.
 *
 * Tokens from the tokenizer are taken a few behind (on_token): the
 * vocabulary's lookups, not the tokenizer, were most of the reading time,
 * and holding tokens back lets their cache lines be asked for ahead.
 *
 * With threads, w2v_corpus_build hands a file to corpus_parallel.c, which
 * reads its chunks with this pass (w2v_corpus_read_chunk, which keeps the
 * stream in 16-bit codes: corpus_pass.h) and joins them.
 */
#include "w2v/corpus.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/pages.h"
#include "text/corpus_pass.h"

/* Tokens the reader holds back (see on_token), and the longest it copies to
 * do so: 52 bytes make a held token one 64-byte line, and longer ones, rare,
 * are taken at once after the held ones. */
#define AHEAD 16
#define AHEAD_BYTES 52

typedef struct {
    w2v_vocab *vocab;
    int counting;       /* 1: intern and count; 0: look up in a fixed vocabulary */
    int chunk;          /* a chunk of a parallel read: the vocabulary is the caller's
                           (not freed here), the stream goes to code[] */
    uint32_t *ids;      /* the stream, or (spilled) a write buffer of cap entries */
    size_t len, cap;    /* entries pushed in all; room in ids */
    uint16_t *code;     /* a chunk's: the stream in codes (corpus_pass.h), in pages of
                           its own (core/pages.h) */
    size_t ncode, code_cap; /* codes in it; room */
    uint32_t last;      /* the last entry pushed */
    size_t spill_at;    /* entries held in memory before moving to a file; 0: never */
    const char *spill_dir;
    int fd;             /* the spill file, -1 while in memory */
    size_t nbuf;        /* entries in the write buffer (spilled) */
    uint64_t dropped;
    uint64_t words;     /* words in the stream once finalize() remapped it */
    const char *name;   /* the path, for messages */
    uint64_t line;      /* line of the next token: sentence ends seen + 1 */
    uint64_t eos_run;   /* sentence ends called since the last token (or the start) */
    uint64_t eos_head;  /* sentence ends called before the first token */
    int any_token;
    w2v_status st;      /* first failure inside the callback */
    w2v_error cb_err;   /* its message: the tokenizer overwrites the caller's
                           error with "stopped by the callback" */
    struct held {       /* the tokenizer's tokens not yet taken (see on_token) */
        uint64_t h;     /* w2v_vocab_hash of the token */
        uint32_t len;   /* 0: a sentence end */
        char s[AHEAD_BYTES];
    } held[AHEAD];
    unsigned first, nheld; /* held[first] is the oldest; nheld of them */
} builder;

/* Write n entries to the spill file; on failure set b->st. */
static int write_ids(builder *b, const uint32_t *ids, size_t n)
{
    const char *p = (const char *)ids;
    size_t left = n * sizeof *ids;
    while (left) {
        ssize_t w = write(b->fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            b->st = w2v_error_set(&b->cb_err, W2V_ERR_IO, "%s: writing the corpus cache in %s: %s",
                                  b->name, b->spill_dir, w < 0 ? strerror(errno) : "no space");
            return -1;
        }
        p += w;
        left -= (size_t)w;
    }
    return 0;
}

/* Move the stream so far to an anonymous temporary file; from now on ids[]
 * is a write buffer.  The file is unlinked at once, so nothing is left
 * behind whatever happens to the process. */
static int spill(builder *b)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/w2v-corpus-XXXXXX", b->spill_dir);
    b->fd = mkstemp(path);
    if (b->fd < 0) {
        b->st = w2v_error_set(&b->cb_err, W2V_ERR_IO, "%s: cannot create the corpus cache in %s: %s",
                              b->name, b->spill_dir, strerror(errno));
        return -1;
    }
    unlink(path);
    if (write_ids(b, b->ids, b->len) != 0)
        return -1;
    b->nbuf = 0;
    return 0;
}

/* Push id to a chunk's codes. */
static int push_code(builder *b, uint32_t id)
{
    if (b->code_cap - b->ncode < 3) {
        size_t cap = b->code_cap ? b->code_cap * 2 : 1u << 17; /* 256 KiB: whole pages */
        uint16_t *code = w2v_pages_resize(b->code, b->code_cap * sizeof *code,
                                          cap * sizeof *code);
        if (!code) {
            b->st = w2v_error_set(&b->cb_err, W2V_ERR_NOMEM,
                                  "%s: out of memory after %zu tokens", b->name, b->len);
            return -1;
        }
        b->code = code;
        b->code_cap = cap;
    }
    b->ncode += w2v_code_put(b->code + b->ncode, id);
    b->len++;
    b->last = id;
    return 0;
}

static int push(builder *b, uint32_t id)
{
    if (b->chunk)
        return push_code(b, id);
    if (b->fd < 0 && b->spill_at && b->len >= b->spill_at && spill(b) != 0)
        return -1;
    if (b->fd >= 0) {
        if (b->nbuf == b->cap && write_ids(b, b->ids, b->nbuf) != 0)
            return -1;
        if (b->nbuf == b->cap)
            b->nbuf = 0;
        b->ids[b->nbuf++] = id;
        b->len++;
        b->last = id;
        return 0;
    }
    if (b->len == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1u << 16; /* 256 KiB: whole pages */
        uint32_t *ids = realloc(b->ids, cap * sizeof *ids);
        if (!ids) {
            b->st = w2v_error_set(&b->cb_err, W2V_ERR_NOMEM,
                                  "%s: out of memory after %zu tokens", b->name, b->len);
            return -1;
        }
        b->ids = ids;
        b->cap = cap;
    }
    b->ids[b->len++] = id;
    b->last = id;
    return 0;
}

/* Spilled: write the rest and map the file, so the stream is an array again
 * (pages the kernel can drop and reread under memory pressure). */
static int map_spilled(builder *b)
{
    if (write_ids(b, b->ids, b->nbuf) != 0)
        return -1;
    void *m = mmap(NULL, b->len * sizeof *b->ids, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
    if (m == MAP_FAILED) {
        b->st = w2v_error_set(&b->cb_err, W2V_ERR_NOMEM, "%s: cannot map the corpus cache: %s",
                              b->name, strerror(errno));
        return -1;
    }
    close(b->fd);
    b->fd = -1;
    free(b->ids);
    b->ids = m;
    return 0;
}

/* Take one token (NULL: a sentence end) whose w2v_vocab_hash is h into
 * the stream: intern or look it up, push its id.  @return 0, or -1 with
 * b->st set (the callback's "stop"). */
static int take(builder *b, const char *tok, size_t len, uint64_t h)
{
    if (!tok) { /* sentence end: collapse repeats, none at the start */
        b->line++; /* every '\n' is one, so this counts lines */
        b->eos_run++;
        if (b->len == 0 || b->last == W2V_CORPUS_EOS)
            return 0;
        return push(b, W2V_CORPUS_EOS);
    }
    if (!b->any_token)
        b->eos_head = b->eos_run;
    b->any_token = 1;
    b->eos_run = 0;
    uint32_t id;
    if (b->counting) {
        b->st = w2v_vocab_add_hashed(b->vocab, tok, len, h, 1, &id, &b->cb_err);
        if (b->st) { /* a NUL byte, a token over the vocabulary's length limit */
            char why[W2V_ERROR_MSG_MAX];
            memcpy(why, b->cb_err.msg, sizeof why);
            w2v_error_set(&b->cb_err, b->st, "%s:%llu: %s", b->name,
                          (unsigned long long)b->line, why);
            return -1;
        }
    } else {
        id = w2v_vocab_find_hashed(b->vocab, tok, len, h);
        if (id == W2V_VOCAB_NONE) {
            b->dropped++;
            return 0;
        }
    }
    return push(b, id);
}

/*
 * The tokenizer's callback.  Looking a token up in the vocabulary is three
 * dependent loads that miss the cache for all but the frequent words, so
 * the reader holds the last AHEAD tokens back (copied: the tokenizer's
 * buffer moves on) and asks for their table slot, entry and bytes in three
 * stages as they age (w2v_vocab_prefetch); a token is taken when it is
 * the oldest.  Order, and so every id, count and message, is that of
 * taking each token at once.  A token longer than AHEAD_BYTES is taken
 * at once after the held ones.  drain() takes the rest at the end.
 */
static int take_oldest(builder *b)
{
    const struct held *t = &b->held[b->first];
    b->first = (b->first + 1) % AHEAD;
    b->nheld--;
    return take(b, t->len ? t->s : NULL, t->len, t->h);
}

static int drain(builder *b)
{
    while (b->nheld)
        if (take_oldest(b) != 0)
            return -1;
    return 0;
}

static int on_token(void *user, const char *tok, size_t len)
{
    builder *b = user;
    uint64_t h = tok ? w2v_vocab_hash(tok, len) : 0;
    if (tok && len > AHEAD_BYTES)
        return drain(b) != 0 ? -1 : take(b, tok, len, h);
    if (b->nheld == AHEAD && take_oldest(b) != 0)
        return -1;
    struct held *t = &b->held[(b->first + b->nheld++) % AHEAD];
    t->h = h;
    t->len = (uint32_t)len;
    if (tok) {
        memcpy(t->s, tok, len);
        w2v_vocab_prefetch(b->vocab, h, 0);
    }
    /* the entries of tokens 6 old, the bytes of tokens 12 old */
    for (unsigned stage = 1, age = 6; stage <= 2 && b->nheld > age; stage++, age += 6) {
        const struct held *o = &b->held[(b->first + b->nheld - 1 - age) % AHEAD];
        if (o->len)
            w2v_vocab_prefetch(b->vocab, o->h, stage);
    }
    return 0;
}

/*
 * The remap's rule for one entry: @return whether it stays, given whether
 * it is a sentence end and, if a word, whether the word is kept.  A word
 * not kept goes; a sentence end goes after one that stayed (or at the
 * start, *last_end set by the caller).  *last_end: the last entry that
 * stayed is a sentence end.
 */
static inline int stays(int is_end, int kept, int *last_end)
{
    if (is_end) {
        if (*last_end)
            return 0;
        *last_end = 1;
        return 1;
    }
    if (kept)
        *last_end = 0;
    return kept;
}

/* See corpus_pass.h. */
size_t w2v_corpus_remap_run(uint32_t *out, const uint32_t *ids, size_t len, const uint32_t *map,
                            int after_end, uint64_t *dropped, uint64_t *words)
{
    size_t at = 0;
    uint64_t kept = 0;
    int last_end = after_end;
    for (size_t i = 0; i < len; i++) {
        uint32_t id = ids[i];
        int is_end = id == W2V_CORPUS_EOS;
        if (!is_end)
            id = map[id];
        if (!stays(is_end, id != W2V_VOCAB_NONE, &last_end)) {
            *dropped += !is_end;
            continue;
        }
        kept += !is_end;
        out[at++] = id;
    }
    *words += kept;
    return at;
}

/* See corpus_pass.h. */
size_t w2v_corpus_remap_codes(uint32_t *out, const uint16_t *code, size_t ncode,
                              const uint32_t *map, int after_end, uint64_t *dropped,
                              uint64_t *words)
{
    size_t at = 0;
    uint64_t kept = 0, gone = 0;
    int last_end = after_end;
    for (size_t i = 0; i < ncode;) {
        uint32_t id = w2v_code_next(code, &i);
        int is_end = id == W2V_CORPUS_EOS;
        if (!is_end)
            id = map[id];
        if (!stays(is_end, id != W2V_VOCAB_NONE, &last_end)) {
            gone += !is_end;
            continue;
        }
        kept += !is_end;
        out[at++] = id;
    }
    *dropped += gone;
    *words += kept;
    return at;
}

/* See corpus_pass.h. */
size_t w2v_corpus_trim_ends(const uint32_t *out, size_t at)
{
    while (at > 0 && out[at - 1] == W2V_CORPUS_EOS)
        at--;
    return at;
}

/*
 * Map the stream ids[0..len) in place through map (remap_run's rule) and
 * remove the sentence ends at either end.  Works on a builder's buffer and
 * on a finished corpus's (possibly mapped) array.  @return the new length;
 * *words = the words in it.
 */
static size_t remap_ids(uint32_t *ids, size_t len, const uint32_t *map, uint64_t *dropped,
                        uint64_t *words)
{
    *words = 0;
    return w2v_corpus_trim_ends(ids, w2v_corpus_remap_run(ids, ids, len, map, 1, dropped, words));
}

/* Word ids (entries other than sentence ends) in ids[0..len). */
static uint64_t count_words(const uint32_t *ids, size_t len)
{
    uint64_t words = 0;
    for (size_t i = 0; i < len; i++)
        words += ids[i] != W2V_CORPUS_EOS;
    return words;
}

w2v_corpus_opts w2v_corpus_opts_default(void)
{
    return (w2v_corpus_opts){.min_count = 5, .max_vocab = 0, .vocab = NULL, .spill_bytes = 0,
                             .spill_dir = NULL, .range_begin = 0, .range_end = 0, .share = 0};
}

/*
 * Tokenize the input into b: the buffer text[0..text_len) if text is
 * non-NULL (cut to the range, if any), else the file path (its range, if
 * any).  stats receives the tokenizer's counts.
 */
static w2v_status read_input(builder *b, const char *path, const char *text, size_t text_len,
                             const w2v_tokenizer *tok, const w2v_corpus_opts *opts,
                             w2v_tokenize_stats *stats, w2v_error *err)
{
    int ranged = opts->range_begin != 0 || opts->range_end != 0;
    w2v_status st;
    if (text) {
        if (ranged && opts->range_begin > opts->range_end)
            return w2v_error_set(err, W2V_ERR_ARG, "%s: byte range [%llu, %llu) ends before "
                                 "it begins", path, (unsigned long long)opts->range_begin,
                                 (unsigned long long)opts->range_end);
        if (ranged) {
            size_t end = opts->range_end < text_len ? (size_t)opts->range_end : text_len;
            size_t begin = opts->range_begin < end ? (size_t)opts->range_begin : end;
            text += begin;
            text_len = end - begin;
        }
        st = w2v_tokenize_buffer(tok, text, text_len, on_token, b, stats, err);
        if (!st) /* a buffer's end ends its last sentence, like a file's */
            on_token(b, NULL, 0);
    } else if (ranged) {
        st = w2v_tokenize_file_range(tok, path, opts->range_begin, opts->range_end, on_token, b,
                                     stats, err);
    } else {
        st = w2v_tokenize_file(tok, path, on_token, b, stats, err);
    }
    if (!st)
        (void)drain(b); /* a failure sets b->st */
    if (b->st) { /* the callback's own error beats "interrupted" */
        st = b->st;
        if (err)
            *err = b->cb_err;
    }
    return st;
}

/* See corpus_pass.h. */
w2v_status w2v_corpus_check_nonempty(uint64_t tokens, const w2v_vocab *v, size_t len,
                                     int counting, const char *path,
                                     const w2v_corpus_opts *opts, w2v_error *err)
{
    if (tokens == 0)
        return w2v_error_set(err, W2V_ERR_EMPTY, "%s: the corpus contains no words", path);
    if (!counting && (w2v_vocab_size(v) == 0 || len == 0))
        return w2v_error_set(err, W2V_ERR_EMPTY,
                             "%s: no word of the given vocabulary with a count of at least "
                             "%llu occurs in the corpus (%llu tokens read)",
                             path, (unsigned long long)opts->min_count,
                             (unsigned long long)tokens);
    if (w2v_vocab_size(v) == 0 || len == 0)
        return w2v_error_set(err, W2V_ERR_EMPTY,
                             "%s: no word occurs at least %llu times (%llu tokens read)",
                             path, (unsigned long long)opts->min_count,
                             (unsigned long long)tokens);
    return W2V_OK;
}

/*
 * Finalize the vocabulary and rewrite the stream to final ids, or (a
 * share) leave both as counted for w2v_corpus_finish.
 */
static w2v_status finalize(builder *b, const char *path, const w2v_corpus_opts *opts,
                           const w2v_corpus *c, w2v_error *err)
{
    if (opts->share)
        return W2V_OK;
    uint32_t *map = NULL;
    w2v_status st = w2v_vocab_finalize(b->vocab, opts->min_count, opts->max_vocab, &map, err);
    if (st)
        return st;
    b->len = remap_ids(b->ids, b->len, map, &b->dropped, &b->words);
    free(map);
    /* A byte range is one process's share of a corpus: it may hold no
     * word, and the job checks the whole. */
    if (opts->range_begin || opts->range_end)
        return W2V_OK;
    return w2v_corpus_check_nonempty(c->tok.tokens, b->vocab, b->len, b->counting, path, opts,
                                     err);
}

/* A builder for path (a name in messages) with opts; b->vocab is opts->vocab
 * (consumed) or, when counting, left NULL for the caller to create. */
static void builder_init(builder *b, const char *path, const w2v_corpus_opts *opts)
{
    *b = (builder){.vocab = opts->vocab, .counting = opts->vocab == NULL, .line = 1,
                   .name = path && !strcmp(path, "-") ? "standard input" : path, .fd = -1,
                   .spill_at = opts->spill_bytes / sizeof(uint32_t)};
    const char *tmp = getenv("TMPDIR");
    b->spill_dir = opts->spill_dir ? opts->spill_dir : tmp && *tmp ? tmp : "/tmp";
}

/* Release what a builder holds (after a failure). */
static void builder_drop(builder *b, size_t mapped)
{
    if (!b->chunk)
        w2v_vocab_free(b->vocab);
    if (b->fd >= 0)
        close(b->fd);
    if (mapped && b->fd < 0)
        munmap(b->ids, mapped);
    else
        free(b->ids);
    w2v_pages_free(b->code, b->code_cap * sizeof *b->code);
}

/*
 * The end of a build once every token is in b (st: how reading went): map a
 * spilled stream, finalize, and hand the stream and vocabulary over to c,
 * or free everything (c too) on failure.
 */
static w2v_status builder_done(builder *b, w2v_status st, const char *path,
                               const w2v_corpus_opts *opts, w2v_corpus *c, w2v_corpus **out,
                               w2v_error *err)
{
    size_t mapped = b->fd >= 0 ? b->len * sizeof *b->ids : 0;
    if (!st && b->fd >= 0 && map_spilled(b) != 0) {
        st = b->st;
        if (err)
            *err = b->cb_err;
    }
    if (!st)
        st = finalize(b, path, opts, c, err);
    if (st) {
        builder_drop(b, mapped);
        free(c);
        return st;
    }
    if (mapped) {
        c->ids = b->ids;
        c->mapped_bytes = mapped;
    } else { /* give back the slack of the doubling growth */
        uint32_t *shrunk = realloc(b->ids, (b->len ? b->len : 1) * sizeof *b->ids);
        c->ids = shrunk ? shrunk : b->ids;
    }
    c->len = b->len;
    c->vocab = b->vocab;
    c->dropped = b->dropped;
    /* a share's stream is as counted; a finalized one's words are known */
    c->words = !opts->share ? b->words : count_words(c->ids, c->len);
    c->share = opts->share != 0;
    *out = c;
    return W2V_OK;
}

/* Read path (or text[0..text_len), if text is non-NULL) with opts into *out. */
static w2v_status build(const char *path, const char *text, size_t text_len,
                        const w2v_tokenizer *tok, const w2v_corpus_opts *opts,
                        w2v_corpus **out, w2v_error *err)
{
    *out = NULL;
    builder b;
    builder_init(&b, path, opts);
    w2v_corpus *c = calloc(1, sizeof *c);
    w2v_status st = c ? W2V_OK : w2v_error_set(err, W2V_ERR_NOMEM, "corpus: out of memory");
    if (!st && !b.vocab)
        st = w2v_vocab_create(&b.vocab, err);
    if (!st)
        st = read_input(&b, path, text, text_len, tok, opts, &c->tok, err);
    return builder_done(&b, st, path, opts, c, out, err);
}

/* See corpus_pass.h. */
w2v_status w2v_corpus_read_chunk(const char *path, const w2v_tokenizer *tok,
                                 const w2v_corpus_opts *opts, w2v_vocab *count_into,
                                 w2v_corpus_chunk *out, w2v_error *err)
{
    *out = (w2v_corpus_chunk){0};
    builder b;
    builder_init(&b, path, opts);
    b.vocab = count_into;
    b.chunk = 1;
    w2v_status st = read_input(&b, path, NULL, 0, tok, opts, &out->tok, err);
    if (st) {
        builder_drop(&b, 0);
        return st;
    }
    out->code = b.code;
    out->ncode = b.ncode;
    out->cap = b.code_cap;
    out->len = b.len;
    out->last = b.last;
    out->edge = (w2v_corpus_edges){.head = b.any_token ? b.eos_head : b.eos_run,
                                   .tail = b.eos_run, .any_token = b.any_token};
    return W2V_OK;
}

/* See corpus_pass.h. */
void w2v_corpus_chunk_free(w2v_corpus_chunk *ch)
{
    w2v_pages_free(ch->code, ch->cap * sizeof *ch->code);
    *ch = (w2v_corpus_chunk){0};
}

w2v_status w2v_corpus_build(const char *path, const w2v_tokenizer *tok,
                            const w2v_corpus_opts *opts, w2v_corpus **out, w2v_error *err)
{
    w2v_status st = w2v_corpus_build_parallel(path, tok, opts, out, err);
    if (st || *out)
        return st;
    return build(path, NULL, 0, tok, opts, out, err);
}

w2v_status w2v_corpus_build_mem(const char *text, size_t len, const char *name,
                                const w2v_tokenizer *tok, const w2v_corpus_opts *opts,
                                w2v_corpus **out, w2v_error *err)
{
    return build(name ? name : "(memory)", text ? text : "", len, tok, opts, out, err);
}

w2v_status w2v_corpus_finish(w2v_corpus *c, w2v_vocab *final, w2v_error *err)
{
    if (!c || !c->share || !final) {
        w2v_vocab_free(final);
        return w2v_error_set(err, W2V_ERR_ARG,
                             "corpus: finishing needs an unfinished share and a vocabulary");
    }
    size_t n = w2v_vocab_size(c->vocab);
    uint32_t *map = n <= SIZE_MAX / sizeof *map ? malloc((n ? n : 1) * sizeof *map) : NULL;
    if (!map) {
        w2v_vocab_free(final);
        return w2v_error_set(err, W2V_ERR_NOMEM, "corpus: out of memory for a %zu-word map", n);
    }
    for (size_t id = 0; id < n; id++) {
        const char *w = w2v_vocab_word(c->vocab, (uint32_t)id);
        map[id] = w2v_vocab_find(final, w, strlen(w));
    }
    c->len = remap_ids(c->ids, c->len, map, &c->dropped, &c->words);
    free(map);
    if (!c->mapped_bytes && c->len) { /* words dropped: give the room back */
        uint32_t *shrunk = realloc(c->ids, c->len * sizeof *c->ids);
        c->ids = shrunk ? shrunk : c->ids;
    }
    w2v_vocab_free(c->vocab);
    c->vocab = final;
    c->share = 0;
    return W2V_OK;
}

/* ---- tokens handed over one at a time ----------------------------------- */

struct w2v_corpus_feed {
    builder b;
    w2v_corpus_opts opts;
    w2v_corpus *c;      /* the corpus being built (its tok counts the feed) */
    w2v_status st;      /* the first failure: later calls repeat it */
    w2v_error failed;
    char name[];        /* for messages */
};

w2v_status w2v_corpus_feed_create(const char *name, const w2v_corpus_opts *opts,
                                  w2v_corpus_feed **out, w2v_error *err)
{
    *out = NULL;
    if (!name)
        name = "(tokens)";
    size_t n = strlen(name) + 1;
    w2v_corpus_feed *f = calloc(1, sizeof *f + n);
    w2v_corpus *c = calloc(1, sizeof *c);
    if (!f || !c) {
        free(f);
        free(c);
        w2v_vocab_free(opts->vocab);
        return w2v_error_set(err, W2V_ERR_NOMEM, "corpus: out of memory");
    }
    memcpy(f->name, name, n);
    f->opts = *opts;
    f->opts.vocab = NULL; /* now the builder's */
    f->opts.range_begin = f->opts.range_end = 0;
    f->c = c;
    builder_init(&f->b, f->name, opts);
    w2v_status st = f->b.vocab ? W2V_OK : w2v_vocab_create(&f->b.vocab, err);
    if (st) {
        free(c);
        free(f);
        return st;
    }
    *out = f;
    return W2V_OK;
}

w2v_status w2v_corpus_feed_token(w2v_corpus_feed *f, const char *tok, size_t len, w2v_error *err)
{
    if (f->st) {
        if (err)
            *err = f->failed;
        return f->st;
    }
    if (tok && len == 0)
        return W2V_OK;
    if (tok)
        f->c->tok.tokens++;
    else
        f->c->tok.sentences++;
    if (take(&f->b, tok, len, tok ? w2v_vocab_hash(tok, len) : 0) == 0)
        return W2V_OK;
    f->st = f->b.st;
    f->failed = f->b.cb_err;
    if (err)
        *err = f->failed;
    return f->st;
}

w2v_status w2v_corpus_feed_finish(w2v_corpus_feed *f, w2v_corpus **out, w2v_error *err)
{
    *out = NULL;
    w2v_status st = f->st;
    if (st && err)
        *err = f->failed;
    if (!st && f->b.len > 0 && f->b.last != W2V_CORPUS_EOS)
        take(&f->b, NULL, 0, 0); /* the end ends the last sentence */
    if (!st && f->b.st) {
        st = f->b.st;
        if (err)
            *err = f->b.cb_err;
    }
    st = builder_done(&f->b, st, f->name, &f->opts, f->c, out, err);
    free(f);
    return st;
}

void w2v_corpus_feed_free(w2v_corpus_feed *f)
{
    if (!f)
        return;
    builder_drop(&f->b, 0); /* nothing is mapped before finishing */
    free(f->c);
    free(f);
}

void w2v_corpus_free(w2v_corpus *c)
{
    if (!c)
        return;
    w2v_vocab_free(c->vocab);
    if (c->mapped_bytes)
        munmap(c->ids, c->mapped_bytes);
    else
        free(c->ids);
    free(c);
}
