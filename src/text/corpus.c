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
 */
#define _GNU_SOURCE /* mremap: the parallel read moves pages instead of copying them */
#include "w2v/corpus.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h> /* malloc_trim */
#endif

#include "core/parts.h"

/* Tokens the reader holds back (see on_token), and the longest it copies to
 * do so: 52 bytes make a held token one 64-byte line, and longer ones, rare,
 * are taken at once after the held ones. */
#define AHEAD 16
#define AHEAD_BYTES 52

typedef struct {
    w2v_vocab *vocab;
    int counting;       /* 1: intern and count; 0: look up in a fixed vocabulary */
    int borrowed;       /* the vocabulary is the caller's: neither freed nor handed on */
    int paged;          /* ids is pages of its own (pages_resize), cap entries of them */
    uint32_t *ids;      /* the stream, or (spilled) a write buffer of cap entries */
    size_t len, cap;    /* entries pushed in all; room in ids */
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

/*
 * An array in pages of its own: p (NULL: none yet) of old_bytes resized to
 * new_bytes, both multiples of the page size, its contents kept.  The
 * parallel read keeps its chunks' streams so, and its join moves their
 * pages into the joined stream (join_chunks) rather than copying them.
 * @return the array, or NULL (p left as it was).
 */
static void *pages_resize(void *p, size_t old_bytes, size_t new_bytes)
{
    void *q;
#ifdef MREMAP_MAYMOVE
    if (p)
        q = mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE);
    else
#endif
        q = mmap(NULL, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED)
        return NULL;
#ifndef MREMAP_MAYMOVE
    if (p) {
        memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
        munmap(p, old_bytes);
    }
#endif
    return q;
}

static int push(builder *b, uint32_t id)
{
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
        uint32_t *ids = b->paged ? pages_resize(b->ids, b->cap * sizeof *ids, cap * sizeof *ids)
                                 : realloc(b->ids, cap * sizeof *ids);
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
 * Map ids[0..len) through map (indexed by the ids in it; W2V_VOCAB_NONE
 * drops the word, counted in *dropped) into out, collapsing repeated
 * sentence ends.  after_end says whether what precedes the piece ends with
 * a sentence end: 1 at the start of a stream, where leading ends are
 * dropped; with 0 the piece keeps at most one leading end, for the caller
 * to keep or drop where it joins the piece to what comes before.  The rule
 * looks only at the entry before, so pieces remapped apart and joined that
 * way give what one pass over their concatenation gives.  out may be ids
 * itself (in place).  @return the entries written; *words += the words
 * among them.
 */
static size_t remap_run(uint32_t *out, const uint32_t *ids, size_t len, const uint32_t *map,
                        int after_end, uint64_t *dropped, uint64_t *words)
{
    size_t at = 0;
    uint64_t kept = 0;
    int last_end = after_end;
    for (size_t i = 0; i < len; i++) {
        uint32_t id = ids[i];
        if (id != W2V_CORPUS_EOS) {
            id = map[id];
            if (id == W2V_VOCAB_NONE) {
                (*dropped)++;
                continue;
            }
            kept++;
            last_end = 0;
        } else if (last_end) {
            continue;
        } else {
            last_end = 1;
        }
        out[at++] = id;
    }
    *words += kept;
    return at;
}

/* out[0..at) without the sentence ends at its end: @return the new length. */
static size_t trim_ends(const uint32_t *out, size_t at)
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
    return trim_ends(ids, remap_run(ids, ids, len, map, 1, dropped, words));
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

/* W2V_ERR_EMPTY, with the reason, when the finished stream holds no word. */
static w2v_status check_nonempty(const builder *b, const char *path, const w2v_corpus_opts *opts,
                                 const w2v_corpus *c, w2v_error *err)
{
    if (c->tok.tokens == 0)
        return w2v_error_set(err, W2V_ERR_EMPTY, "%s: the corpus contains no words", path);
    if (!b->counting && (w2v_vocab_size(b->vocab) == 0 || b->len == 0))
        return w2v_error_set(err, W2V_ERR_EMPTY,
                             "%s: no word of the given vocabulary with a count of at least "
                             "%llu occurs in the corpus (%llu tokens read)",
                             path, (unsigned long long)opts->min_count,
                             (unsigned long long)c->tok.tokens);
    if (w2v_vocab_size(b->vocab) == 0 || b->len == 0)
        return w2v_error_set(err, W2V_ERR_EMPTY,
                             "%s: no word occurs at least %llu times (%llu tokens read)",
                             path, (unsigned long long)opts->min_count,
                             (unsigned long long)c->tok.tokens);
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
    return check_nonempty(b, path, opts, c, err);
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
    if (!b->borrowed)
        w2v_vocab_free(b->vocab);
    if (b->fd >= 0)
        close(b->fd);
    if (mapped && b->fd < 0)
        munmap(b->ids, mapped);
    else if (b->paged && b->ids)
        munmap(b->ids, b->cap * sizeof *b->ids);
    else
        free(b->ids);
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
    } else if (b->paged) { /* for the join to move: kept as it is */
        c->ids = b->ids;
        c->mapped_bytes = b->ids ? b->cap * sizeof *b->ids : 0;
    } else { /* give back the slack of the doubling growth */
        uint32_t *shrunk = realloc(b->ids, (b->len ? b->len : 1) * sizeof *b->ids);
        c->ids = shrunk ? shrunk : b->ids;
    }
    c->len = b->len;
    c->vocab = b->borrowed ? NULL : b->vocab;
    c->dropped = b->dropped;
    /* a share's stream is as counted; a finalized one's words are known; a
     * piece of a parallel read (borrowed) is counted where it is joined */
    c->words = !opts->share ? b->words : b->borrowed ? 0 : count_words(c->ids, c->len);
    c->share = opts->share != 0;
    *out = c;
    return W2V_OK;
}

/* What a parallel read needs to know of a share's edges: the sentence-end
 * calls before its first token and after its last (all of them when it has
 * no token). */
typedef struct {
    uint64_t head, tail;
    int any_token;
} edges;

/*
 * Read path (or text[0..text_len), if text is non-NULL) with opts into *out;
 * count_into, if non-NULL, makes it a chunk of a parallel read: a counting
 * vocabulary of the caller's that the read adds to (opts->share, no
 * opts->vocab) and that *out does not hold, and a stream in pages of its
 * own (paged).  edge, if non-NULL, receives the read's edges.
 */
static w2v_status build(const char *path, const char *text, size_t text_len,
                        const w2v_tokenizer *tok, const w2v_corpus_opts *opts,
                        w2v_vocab *count_into, w2v_corpus **out, edges *edge, w2v_error *err)
{
    *out = NULL;
    builder b;
    builder_init(&b, path, opts);
    if (count_into) {
        b.vocab = count_into;
        b.borrowed = 1;
        b.paged = 1;
    }
    w2v_corpus *c = calloc(1, sizeof *c);
    w2v_status st = c ? W2V_OK : w2v_error_set(err, W2V_ERR_NOMEM, "corpus: out of memory");
    if (!st && !b.vocab)
        st = w2v_vocab_create(&b.vocab, err);
    if (!st)
        st = read_input(&b, path, text, text_len, tok, opts, &c->tok, err);
    st = builder_done(&b, st, path, opts, c, out, err);
    if (!st && edge)
        *edge = (edges){.head = b.any_token ? b.eos_head : b.eos_run, .tail = b.eos_run,
                        .any_token = b.any_token};
    return st;
}

/*
 * Parallel reading.  The file is cut into chunks, large ones first and
 * small ones last, and each reader thread takes the next chunk as it frees
 * up, so a reader the machine slows takes fewer and all finish close
 * together.  A reader counts every chunk it takes into one counting
 * vocabulary of its own and reads each into a counting stream of its own
 * (a share's, opts->share).  The join then merges the readers'
 * vocabularies into one, declares the order in which the whole file first
 * shows each word (w2v_vocab_set_seen_order), finalizes it as the
 * one-thread path does, and maps and joins the chunks' streams in file
 * order into the final stream.
 *
 * The order of first appearance: the words a reader first meets in a chunk
 * have consecutive ids in its vocabulary, [lo, hi), in the order the chunk
 * shows them; and the chunk where the file first shows a word is the first
 * that its reader met it in.  So going through the chunks in file order and
 * through each chunk's [lo, hi), keeping each word the first time, lists
 * the words in the order one pass over the file meets them.
 *
 * The join must put a sentence end between two chunks exactly where one
 * pass would.  A range whose last byte is not '\n' gets one extra sentence
 * end call from the tokenizer at its end (a file's last line needs it; a
 * cut mid-line does not), and a chunk drops the sentence ends before its
 * first token.  So, per chunk, from its edges: the stream's last entry is
 * dropped when it is that extra end alone, and a sentence end goes before
 * the chunk's ids when real ones were called before its first token.
 * remap_run collapses the repeats this may leave, as it does for one pass.
 */

/* Files below this are read on one thread: starting threads costs more. */
#define PARALLEL_MIN_BYTES (1u << 20)

/* Units of the file per reader; a chunk is the units left / (2 readers),
 * rounded up: for 2 readers, 13 chunks from a quarter of the file down to
 * a sixty-fourth, so that the readers finish within a few ms (enwiki8's
 * last chunk takes 6 ms). */
#define CHUNK_UNITS 32

typedef struct {
    uint64_t begin, end;   /* its bytes */
    int ends_nl;           /* its last byte is '\n' (or it is empty) */
    unsigned reader;       /* who read it */
    w2v_row lo, hi;        /* the ids its reader's vocabulary gave the words new to it here */
    w2v_corpus *c;         /* its stream in its reader's counting ids, and its counts */
    edges edge;
} chunk;

typedef struct {
    const char *path;
    const w2v_tokenizer *tok;
    w2v_corpus_opts opts;  /* a share's, without a range */
    chunk *ck;
    unsigned n;            /* chunks */
    atomic_uint next;      /* the next chunk to take */
    atomic_int failed;     /* a reader failed: the others stop taking chunks */
} reading;

typedef struct {
    reading *r;
    unsigned index;
    w2v_vocab *vocab;      /* counts every chunk this reader takes */
    w2v_status st;
    w2v_error err;
    pthread_t thread;
} reader;

static void *read_chunks(void *arg)
{
    reader *rd = arg;
    reading *r = rd->r;
    rd->st = w2v_vocab_create(&rd->vocab, &rd->err);
    while (!rd->st && !atomic_load(&r->failed)) {
        unsigned k = atomic_fetch_add(&r->next, 1);
        if (k >= r->n)
            break;
        chunk *ck = &r->ck[k];
        w2v_corpus_opts o = r->opts;
        o.range_begin = ck->begin;
        o.range_end = ck->end;
        ck->reader = rd->index;
        ck->lo = (w2v_row)w2v_vocab_size(rd->vocab);
        rd->st = build(r->path, NULL, 0, r->tok, &o, rd->vocab, &ck->c, &ck->edge, &rd->err);
        ck->hi = (w2v_row)w2v_vocab_size(rd->vocab);
    }
    if (rd->st)
        atomic_store(&r->failed, 1);
    return NULL;
}

/*
 * The nominal starts of the chunks of a file of size bytes for `readers`
 * readers: at[0..k], at[k] = size (at has room for CHUNK_UNITS * readers +
 * 1).  @return k, the chunks.
 */
static unsigned schedule(uint64_t size, unsigned readers, uint64_t *at)
{
    const unsigned units = CHUNK_UNITS * readers;
    const uint64_t q = size / units, r = size % units; /* size * u / units, no overflow */
    unsigned k = 0;
    for (unsigned done = 0; done < units; k++) {
        at[k] = q * done + r * done / units;
        done += (units - done + 2 * readers - 1) / (2 * readers);
    }
    at[k] = size;
    return k;
}

/*
 * Give the pages of ids[0..n) that lie wholly inside it back to the kernel:
 * where a chunk's pages cannot be moved into the joined stream they are
 * copied, and never read again, so the join does not hold a chunk and its
 * copy at once.  Advice only: where it fails, the memory stays until freed.
 */
static void release_pages(uint32_t *ids, size_t n, size_t page)
{
    uintptr_t lo = ((uintptr_t)ids + page - 1) / page * page;
    uintptr_t hi = (uintptr_t)(ids + n) / page * page;
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

/* The byte before offset at in fd is '\n' (at == 0 counts as yes). */
static int after_newline(int fd, uint64_t at)
{
    unsigned char ch = '\n';
    if (at > 0 && pread(fd, &ch, 1, (off_t)(at - 1)) != 1)
        return -1;
    return ch == '\n';
}

/* One chunk's stream remapped in place through its reader's composed map. */
typedef struct {
    uint32_t *ids;
    size_t len;      /* entries to remap; then the entries it holds */
    const uint32_t *map;
    int after_end;   /* remap_run's: 1 for the first chunk only */
    uint64_t dropped, words;
} remap_job;

typedef struct {
    remap_job *job;
    unsigned n;
    atomic_uint next; /* the next job to take */
} remap_set;

/* Every part (w2v_run_parts) takes the next chunk until none is left. */
static void remap_chunks(void *arg, unsigned which, unsigned parts)
{
    (void)which;
    (void)parts;
    remap_set *set = arg;
    for (unsigned i; (i = atomic_fetch_add(&set->next, 1)) < set->n;) {
        remap_job *j = &set->job[i];
        j->len = remap_run(j->ids, j->ids, j->len, j->map, j->after_end, &j->dropped, &j->words);
    }
}

/* A later chunk's piece of the joined stream, and where it goes. */
typedef struct {
    w2v_corpus *c;       /* the chunk: pages c->ids[0..mapped_bytes) */
    size_t from, len;    /* the piece: c->ids[from..from+len) */
    size_t at;           /* where it goes in the stream */
    int end_before;      /* a sentence end goes at at - 1 */
} piece;

typedef struct {
    uint32_t *dst;       /* the stream: pages of its own, room for every piece */
    piece *pc;
    unsigned n;          /* pieces */
    size_t page;
    atomic_uint next;    /* the next piece to place */
} place_job;

/*
 * Every part (w2v_run_parts) takes the next piece and puts its body, all
 * from the first page boundary of its place on, into the stream without
 * copying it: the piece is shifted within its own pages to the offset in a
 * page that its place has, and those pages are then moved there (mremap).
 * The head before that boundary shares a page with what comes before and
 * is copied afterwards (place_heads), once every body is in.  Where pages
 * cannot be moved the body is copied, and its source pages released.
 */
static void place_bodies(void *arg, unsigned which, unsigned parts)
{
    (void)which;
    (void)parts;
    place_job *j = arg;
    const size_t page = j->page;
    for (unsigned i; (i = atomic_fetch_add(&j->next, 1)) < j->n;) {
        piece *pc = &j->pc[i];
        const size_t bytes = pc->len * sizeof(uint32_t);
        const uintptr_t d = (uintptr_t)(j->dst + pc->at);
        const uintptr_t body = (d + page - 1) / page * page;
        if (d + bytes <= body)
            continue; /* all head */
        w2v_corpus *c = pc->c;
#ifdef MREMAP_FIXED
        const size_t off = d % page; /* a multiple of 4: dst is page-aligned */
        const size_t need = (off + bytes + page - 1) / page * page;
        void *grown = need <= c->mapped_bytes ? c->ids
                                               : pages_resize(c->ids, c->mapped_bytes, need);
        if (grown) {
            c->ids = grown;
            c->mapped_bytes = need > c->mapped_bytes ? need : c->mapped_bytes;
            char *base = (char *)c->ids;
            memmove(base + off, c->ids + pc->from, bytes);
            pc->from = off / sizeof(uint32_t);
            char *src = base + off + (body - d); /* page-aligned, as body is */
            size_t len = (size_t)(base + need - src);
            if (mremap(src, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)body) != MAP_FAILED)
                continue;
        }
#endif
        const char *src = (const char *)(c->ids + pc->from) + (body - d);
        memcpy((void *)body, src, d + bytes - body);
        release_pages(c->ids + pc->from, pc->len, page);
    }
}

/* The heads of the pieces, and the sentence ends between them, once every
 * body is in (place_bodies). */
static void place_heads(const place_job *j)
{
    for (unsigned i = 0; i < j->n; i++) {
        const piece *pc = &j->pc[i];
        if (pc->end_before)
            j->dst[pc->at - 1] = W2V_CORPUS_EOS;
        const uintptr_t d = (uintptr_t)(j->dst + pc->at);
        const uintptr_t body = (d + j->page - 1) / j->page * j->page;
        size_t bytes = pc->len * sizeof(uint32_t);
        if (bytes > body - d)
            bytes = body - d;
        if (bytes)
            memcpy((void *)d, pc->c->ids + pc->from, bytes);
    }
}

/*
 * The words of the merged vocabulary (nv of them) in the order the file
 * first shows them (see "The order of first appearance" above), declared
 * to it.  maps[i] takes reader i's ids to the merged ones (NULL: reader i's
 * vocabulary is the merged one).
 */
static w2v_status declare_seen_order(w2v_vocab *v, const reading *r, uint32_t *const *maps,
                                     w2v_error *err)
{
    size_t nv = w2v_vocab_size(v), at = 0;
    /* zeroed: were a word left out, id 0 would be named twice, and refused */
    w2v_row *order = calloc(nv ? nv : 1, sizeof *order);
    unsigned char *listed = calloc(nv ? nv : 1, 1);
    w2v_status st = order && listed ? W2V_OK
                                    : w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory "
                                                    "joining the vocabularies", r->path);
    for (unsigned k = 0; k < r->n && !st; k++) {
        const chunk *ck = &r->ck[k];
        const uint32_t *map = maps[ck->reader];
        for (w2v_row id = ck->lo; id < ck->hi; id++) {
            w2v_row m = map ? map[id] : id;
            if (!listed[m]) {
                listed[m] = 1;
                order[at++] = m;
            }
        }
    }
    if (!st)
        st = w2v_vocab_set_seen_order(v, order, err);
    free(order);
    free(listed);
    return st;
}

/*
 * Join the chunks of r, read by readers rd[0..nr), into b (an empty
 * counting builder) and finalize it, as finalize() does for one pass:
 *   - vocabulary: the vocabulary of chunk 0's reader becomes b's as it is,
 *     the other readers' are merged into it (each freed once merged), the
 *     order of first appearance is declared, and the whole is finalized;
 *   - stream: chunk 0's pages, grown, become the stream.  Every chunk's
 *     counting ids go through its reader's map (the final map, composed
 *     with the reader's merge map for the others), each chunk in place on
 *     the next free thread (remap_run, the later ones keeping a leading
 *     sentence end); then the later chunks' pages are moved in after chunk
 *     0 (place_bodies, place_heads), with a sentence end between two
 *     chunks exactly where one pass puts one.  So the stream is that of
 *     one pass, and no chunk is copied or held twice.
 * *words receives the stream's words.  Frees each chunk's corpus once used.
 * @return W2V_OK; W2V_ERR_NOMEM; W2V_ERR_LIMIT (too many words).
 */
static w2v_status join_chunks(builder *b, reading *r, reader *rd, unsigned nr,
                              const w2v_corpus_opts *opts, w2v_tokenize_stats *stats,
                              uint64_t *words, w2v_error *err)
{
    chunk *ck = r->ck;
    const unsigned n = r->n, base = ck[0].reader;
    uint32_t **maps = calloc(nr, sizeof *maps);
    size_t *sizes = calloc(nr, sizeof *sizes);
    remap_job *rj = calloc(n, sizeof *rj);
    piece *pc = calloc(n, sizeof *pc);
    if (!maps || !sizes || !rj || !pc) {
        free(maps);
        free(sizes);
        free(rj);
        free(pc);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory joining the chunks",
                             r->path);
    }
    w2v_status st = W2V_OK;
    b->vocab = rd[base].vocab;
    rd[base].vocab = NULL;
    for (unsigned i = 0; i < nr && !st; i++) {
        if (i == base)
            continue;
        sizes[i] = w2v_vocab_size(rd[i].vocab);
        maps[i] = malloc((sizes[i] ? sizes[i] : 1) * sizeof **maps);
        st = maps[i] ? w2v_vocab_merge(b->vocab, rd[i].vocab, maps[i], err)
                     : w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory merging "
                                     "vocabularies", r->path);
        w2v_vocab_free(rd[i].vocab);
        rd[i].vocab = NULL;
    }
    if (!st)
        st = declare_seen_order(b->vocab, r, maps, err);
    uint32_t *final = NULL;
    if (!st)
        st = w2v_vocab_finalize(b->vocab, opts->min_count, opts->max_vocab, &final, err);
    for (unsigned i = 0; i < nr && !st; i++)
        for (size_t id = 0; maps[i] && id < sizes[i]; id++)
            maps[i][id] = final[maps[i][id]];
    if (!st)
        maps[base] = final;
    else
        free(final);
    size_t total = 0;
    for (unsigned k = 0; k < n; k++)
        total += ck[k].c->len + 1;
    long pagesize = sysconf(_SC_PAGESIZE);
    const size_t page = pagesize > 0 ? (size_t)pagesize : 4096;
    if (!st) { /* chunk 0's pages become the stream */
        w2v_corpus *c0 = ck[0].c;
        size_t bytes = (total * sizeof *b->ids + page - 1) / page * page;
        uint32_t *ids = pages_resize(c0->ids, c0->mapped_bytes, bytes);
        if (ids) {
            c0->ids = ids;
            c0->mapped_bytes = bytes;
            b->ids = ids;
            b->cap = bytes / sizeof *ids;
            b->paged = 1;
        } else {
            st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory joining the stream",
                               r->path);
        }
    }
    for (unsigned k = 0; k < n && !st; k++) {
        const w2v_corpus *c = ck[k].c;
        /* The extra end call of a range that stops mid-line. */
        int extra = k + 1 < n && !ck[k].ends_nl;
        size_t len = c->len;
        if (extra && ck[k].edge.any_token && ck[k].edge.tail == 1 && len > 0 &&
            c->ids[len - 1] == W2V_CORPUS_EOS)
            len--;
        rj[k] = (remap_job){.ids = c->ids, .len = len, .map = maps[ck[k].reader],
                            .after_end = k == 0};
    }
    if (!st) {
        remap_set set = {.job = rj, .n = n};
        atomic_init(&set.next, 0);
        w2v_run_parts(nr, remap_chunks, &set);
    }
    /* Where each piece goes, with the sentence end between two chunks, and
     * a piece's leading end dropped after one (or at the very start). */
    size_t at = 0;
    uint32_t last = W2V_CORPUS_EOS;
    for (unsigned k = 0; k < n && !st; k++) {
        w2v_corpus *c = ck[k].c;
        int extra = k + 1 < n && !ck[k].ends_nl;
        uint64_t real_head = ck[k].edge.head - (!ck[k].edge.any_token && extra && ck[k].edge.head);
        int end_before = k > 0 && real_head && at > 0 && last != W2V_CORPUS_EOS;
        if (end_before)
            at++, last = W2V_CORPUS_EOS;
        size_t skip = rj[k].len > 0 && rj[k].ids[0] == W2V_CORPUS_EOS &&
                      (at == 0 || last == W2V_CORPUS_EOS);
        pc[k] = (piece){.c = c, .from = skip, .len = rj[k].len - skip, .at = at,
                        .end_before = end_before};
        at += pc[k].len;
        if (pc[k].len)
            last = c->ids[skip + pc[k].len - 1];
        b->dropped += rj[k].dropped;
        *words += rj[k].words;
    }
    /* chunk 0 is in place: remap_run dropped its leading ends (skip 0) */
    if (!st && n > 1) {
        place_job pj = {.dst = b->ids, .pc = pc + 1, .n = n - 1, .page = page};
        atomic_init(&pj.next, 0);
        w2v_run_parts(nr, place_bodies, &pj);
        place_heads(&pj);
    }
    for (unsigned k = 0; k < n; k++) {
        w2v_corpus *c = ck[k].c;
        int extra = k + 1 < n && !ck[k].ends_nl;
        stats->bytes += c->tok.bytes;
        stats->tokens += c->tok.tokens;
        stats->sentences += c->tok.sentences - (uint64_t)(extra && c->tok.bytes > 0);
        stats->overlong += c->tok.overlong;
        if (c->ids == b->ids) { /* chunk 0's pages are the stream now */
            c->ids = NULL;
            c->mapped_bytes = 0;
        }
        w2v_corpus_free(c);
        ck[k].c = NULL;
    }
    b->len = st ? 0 : trim_ends(b->ids, at);
    for (unsigned i = 0; i < nr; i++)
        free(maps[i]);
    free(maps);
    free(sizes);
    free(rj);
    free(pc);
    return st;
}

/*
 * Try a parallel read of path into *out.  @return W2V_OK with *out set, or
 * W2V_OK with *out NULL when the read should be done on one thread (not
 * applicable, or a chunk failed: one pass then gives the error exactly).
 */
static w2v_status build_parallel(const char *path, const w2v_tokenizer *tok,
                                 const w2v_corpus_opts *opts, w2v_corpus **out, w2v_error *err)
{
    *out = NULL;
    unsigned nr = opts->threads;
    if (nr < 2 || !path || !strcmp(path, "-") || opts->vocab || opts->share ||
        opts->range_begin || opts->range_end)
        return W2V_OK;
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < PARALLEL_MIN_BYTES)
        return W2V_OK;
    uint64_t size = (uint64_t)sb.st_size;
    /* At most one token per two bytes, 4 bytes an id: could it spill? */
    if (opts->spill_bytes && (size / 2 + 1) * sizeof(uint32_t) > opts->spill_bytes)
        return W2V_OK;
    if ((uint64_t)nr > size / (PARALLEL_MIN_BYTES / 4))
        nr = (unsigned)(size / (PARALLEL_MIN_BYTES / 4));
    reading r = {.path = path, .tok = tok, .opts = *opts};
    r.opts.share = 1;
    r.opts.spill_bytes = 0;
    r.opts.threads = 1;
    atomic_init(&r.next, 0);
    atomic_init(&r.failed, 0);
    const size_t slots = (size_t)CHUNK_UNITS * nr + 1;
    uint64_t *at = malloc(slots * sizeof *at), *cuts = malloc(slots * sizeof *cuts);
    r.ck = calloc(slots, sizeof *r.ck);
    reader *rd = calloc(nr, sizeof *rd);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int ok = at && cuts && r.ck && rd && fd >= 0;
    if (ok) {
        /* the default scanner reads a cut mid-line as one pass does; a
         * pattern needs whole lines (below) */
        int pattern = w2v_tokenizer_has_pattern(tok);
        r.n = schedule(size, nr, at);
        ok = w2v_tokenize_split_at(path, r.n, at, pattern ? W2V_TOKENIZE_SPLIT_LINE_SEARCH : 0,
                                   cuts, NULL) == W2V_OK;
        for (unsigned k = 0; ok && k < r.n; k++) {
            int nl = cuts[k + 1] == cuts[k] ? 1 : after_newline(fd, cuts[k + 1]);
            ok = nl >= 0 && (nl || k + 1 == r.n || !pattern);
            r.ck[k] = (chunk){.begin = cuts[k], .end = cuts[k + 1], .ends_nl = nl};
        }
    }
    if (fd >= 0)
        close(fd);
    unsigned started = 0;
    for (unsigned i = 0; ok && i < nr; i++)
        rd[i] = (reader){.r = &r, .index = i};
    for (unsigned i = 1; ok && i < nr; i++, started++)
        if (pthread_create(&rd[i].thread, NULL, read_chunks, &rd[i]) != 0)
            break;
    if (ok && started == nr - 1)
        read_chunks(&rd[0]);
    else
        ok = 0, atomic_store(&r.failed, 1);
    for (unsigned i = 1; i <= started; i++)
        pthread_join(rd[i].thread, NULL);
    for (unsigned i = 0; ok && i < nr; i++)
        ok = rd[i].st == W2V_OK;
    ok = ok && atomic_load(&r.next) >= r.n; /* every chunk taken, so read */
    w2v_status st = W2V_OK;
    if (ok) {
        builder b = {.counting = 1, .name = path, .fd = -1, .line = 1};
        w2v_corpus *c = calloc(1, sizeof *c);
        st = c ? W2V_OK : w2v_error_set(err, W2V_ERR_NOMEM, "corpus: out of memory");
        uint64_t words = 0;
        if (!st)
            st = join_chunks(&b, &r, rd, nr, opts, &c->tok, &words, err);
        if (!st)
            st = check_nonempty(&b, path, opts, c, err);
        if (!st) { /* give back the pages past the stream's end */
            long pagesize = sysconf(_SC_PAGESIZE);
            size_t page = pagesize > 0 ? (size_t)pagesize : 4096, mapped = b.cap * sizeof *b.ids;
            size_t need = ((b.len ? b.len : 1) * sizeof *b.ids + page - 1) / page * page;
            uint32_t *shrunk = need < mapped ? pages_resize(b.ids, mapped, need) : NULL;
            c->ids = shrunk ? shrunk : b.ids;
            c->mapped_bytes = shrunk ? need : mapped;
            c->len = b.len;
            c->vocab = b.vocab;
            c->dropped = b.dropped;
            c->words = words;
            *out = c;
        } else {
            builder_drop(&b, 0);
            free(c);
        }
    }
    for (unsigned k = 0; r.ck && k < r.n; k++)
        w2v_corpus_free(r.ck[k].c);
    for (unsigned i = 0; rd && i < nr; i++)
        w2v_vocab_free(rd[i].vocab);
    free(rd);
    free(r.ck);
    free(at);
    free(cuts);
#ifdef __GLIBC__
    /* The readers' vocabularies and chunks were freed in their threads'
     * malloc arenas, which keep what they free (2.8 MB on enwiki8): hand
     * it back, so the process holds what one thread's read holds. */
    malloc_trim(0);
#endif
    return st;
}

w2v_status w2v_corpus_build(const char *path, const w2v_tokenizer *tok,
                            const w2v_corpus_opts *opts, w2v_corpus **out, w2v_error *err)
{
    w2v_status st = build_parallel(path, tok, opts, out, err);
    if (st || *out)
        return st;
    return build(path, NULL, 0, tok, opts, NULL, out, NULL, err);
}

w2v_status w2v_corpus_build_mem(const char *text, size_t len, const char *name,
                                const w2v_tokenizer *tok, const w2v_corpus_opts *opts,
                                w2v_corpus **out, w2v_error *err)
{
    return build(name ? name : "(memory)", text ? text : "", len, tok, opts, NULL, out, NULL,
                 err);
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
