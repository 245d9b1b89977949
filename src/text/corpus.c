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

#include "core/parts.h"

/* Tokens the reader holds back (see on_token), and the longest it copies to
 * do so: 52 bytes make a held token one 64-byte line, and longer ones, rare,
 * are taken at once after the held ones. */
#define AHEAD 16
#define AHEAD_BYTES 52

typedef struct {
    w2v_vocab *vocab;
    int counting;       /* 1: intern and count; 0: look up in a fixed vocabulary */
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
        size_t cap = b->cap ? b->cap * 2 : 1u << 16;
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
    w2v_vocab_free(b->vocab);
    if (b->fd >= 0)
        close(b->fd);
    if (mapped && b->fd < 0)
        munmap(b->ids, mapped);
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
    } else { /* give back the slack of the doubling growth */
        uint32_t *shrunk = realloc(b->ids, (b->len ? b->len : 1) * sizeof *b->ids);
        c->ids = shrunk ? shrunk : b->ids;
    }
    c->len = b->len;
    c->vocab = b->vocab;
    c->dropped = b->dropped;
    /* a share's stream is as counted; a finalized one's words are known */
    c->words = opts->share ? count_words(c->ids, c->len) : b->words;
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

static w2v_status build(const char *path, const char *text, size_t text_len,
                        const w2v_tokenizer *tok, const w2v_corpus_opts *opts,
                        w2v_corpus **out, edges *edge, w2v_error *err)
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
    st = builder_done(&b, st, path, opts, c, out, err);
    if (!st && edge)
        *edge = (edges){.head = b.any_token ? b.eos_head : b.eos_run, .tail = b.eos_run,
                        .any_token = b.any_token};
    return st;
}

/*
 * Parallel reading.  Each thread counts one byte range as a share (counting
 * vocabulary, counting ids); the shares are then merged in file order into
 * one counting vocabulary and one stream, which the one-thread path's
 * finalize() turns into the final corpus.
 *
 * The join must put a sentence end between two shares exactly where one
 * pass would.  A range whose last byte is not '\n' gets one extra sentence
 * end call from the tokenizer at its end (a file's last line needs it; a
 * cut mid-line does not), and a share drops the sentence ends before its
 * first token.  So, per share, from its edges: the stream's last entry is
 * dropped when it is that extra end alone, and a sentence end goes before
 * the share's ids when real ones were called before its first token.
 * finalize() collapses the repeats this may leave, as it does for one pass.
 */

/* Files below this are read on one thread: starting threads costs more. */
#define PARALLEL_MIN_BYTES (1u << 20)

typedef struct {
    const char *path;
    const w2v_tokenizer *tok;
    w2v_corpus_opts opts;
    w2v_corpus *c;
    edges edge;
    int ends_nl;     /* the range's last byte is '\n' (or the range is empty) */
    size_t words;    /* distinct words it counted (its merge map's length) */
    w2v_status st;
    w2v_error err;
    pthread_t thread;
} part;

static void *read_part(void *arg)
{
    part *p = arg;
    p->st = build(p->path, NULL, 0, p->tok, &p->opts, &p->c, &p->edge, &p->err);
    return NULL;
}

/* Entries of a share copied to the joined stream as one piece of work, its
 * pages released after: 256 KiB, small enough that the threads share a
 * copy evenly and that it never holds much twice. */
#define JOIN_BLOCK ((size_t)1 << 16)

/*
 * Give the pages of ids[0..n) that lie wholly inside it back to the kernel:
 * they were copied to the joined stream and are never read again (the
 * array is freed right after), so the join does not hold a share and its
 * copy at once.  Advice only: where it fails, the memory stays until free.
 */
static void release_pages(uint32_t *ids, size_t n)
{
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    uintptr_t lo = ((uintptr_t)ids + (uintptr_t)page - 1) / (uintptr_t)page * (uintptr_t)page;
    uintptr_t hi = (uintptr_t)(ids + n) / (uintptr_t)page * (uintptr_t)page;
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

/* One share's stream remapped in place through its composed map. */
typedef struct {
    uint32_t *ids;
    size_t len;      /* entries to remap; then the entries it holds */
    const uint32_t *map;
    int after_end;   /* remap_run's: 1 for the first share only */
    uint64_t dropped, words;
} remap_job;

typedef struct {
    remap_job *job;
    unsigned n;
} remap_set;

/* Part `which` of `parts` (w2v_run_parts) remaps every parts-th share. */
static void remap_shares(void *arg, unsigned which, unsigned parts)
{
    const remap_set *set = arg;
    for (unsigned i = which; i < set->n; i += parts) {
        remap_job *j = &set->job[i];
        j->len = remap_run(j->ids, j->ids, j->len, j->map, j->after_end, &j->dropped, &j->words);
    }
}

/* The later shares' pieces, copied into the joined stream block by block
 * by every thread, each taking the next block: the copy's time is mostly
 * first touches of the stream's fresh pages, which the threads then take
 * in parallel.  A block's source pages are released once copied, so the
 * copy does not hold a share and its copy at once. */
typedef struct {
    uint32_t *src;       /* the piece, in its share's array (after a dropped
                            leading end) */
    size_t len, at;      /* entries, and where they go in the stream */
} piece;

typedef struct {
    uint32_t *dst;
    const piece *pc;
    unsigned n;          /* pieces */
    size_t blocks;       /* JOIN_BLOCK blocks over all pieces */
    atomic_size_t next;  /* the next block to copy */
} copy_job;

static void copy_blocks(void *arg, unsigned which, unsigned parts)
{
    (void)which; /* every part takes the next block until none is left */
    (void)parts;
    copy_job *j = arg;
    for (size_t blk; (blk = atomic_fetch_add(&j->next, 1)) < j->blocks;) {
        unsigned i = 0;
        size_t first = 0, nb;
        for (; i < j->n; i++, first += nb) {
            nb = (j->pc[i].len + JOIN_BLOCK - 1) / JOIN_BLOCK;
            if (blk < first + nb)
                break;
        }
        const piece *pc = &j->pc[i];
        size_t k0 = (blk - first) * JOIN_BLOCK;
        size_t k = pc->len - k0 < JOIN_BLOCK ? pc->len - k0 : JOIN_BLOCK;
        memcpy(j->dst + pc->at + k0, pc->src + k0, k * sizeof *pc->src);
        release_pages(pc->src + k0, k);
    }
}

/*
 * Join the shares p[0..n) into b (an empty counting builder) and finalize
 * it, as finalize() does for one pass:
 *   - vocabulary: share 0's becomes b's as it is (its words were seen
 *     first, so their counting ids stay), the later shares' are merged into
 *     it in file order, each freed once merged, and the whole is finalized;
 *   - stream: share 0's array, grown, becomes the stream.  Every share's
 *     counting ids go through one map (the final map, composed with the
 *     share's merge map for the later shares), each share in place on a
 *     thread of its own (remap_run, the later ones keeping a leading
 *     sentence end); then the later shares are copied after share 0 on all
 *     threads, with a sentence end between two shares exactly where one
 *     pass puts one.  So the stream is that of one pass.
 * *words receives the stream's words.  Frees each share's corpus once used.
 * @return W2V_OK; W2V_ERR_NOMEM; W2V_ERR_LIMIT (too many words).
 */
static w2v_status join_parts(builder *b, part *p, unsigned n, const w2v_corpus_opts *opts,
                             w2v_tokenize_stats *stats, uint64_t *words, w2v_error *err)
{
    uint32_t **maps = calloc(n, sizeof *maps);
    remap_job *rj = calloc(n, sizeof *rj);
    piece *pc = calloc(n, sizeof *pc);
    if (!maps || !rj || !pc) {
        free(maps);
        free(rj);
        free(pc);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory joining the shares",
                             p[0].path);
    }
    w2v_status st = W2V_OK;
    b->vocab = p[0].c->vocab;
    p[0].c->vocab = NULL;
    for (unsigned i = 1; i < n && !st; i++) {
        w2v_corpus *c = p[i].c;
        p[i].words = w2v_vocab_size(c->vocab);
        maps[i] = malloc((p[i].words ? p[i].words : 1) * sizeof **maps);
        st = maps[i] ? w2v_vocab_merge(b->vocab, c->vocab, maps[i], err)
                     : w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory merging "
                                     "vocabularies", p[i].path);
        w2v_vocab_free(c->vocab);
        c->vocab = NULL;
    }
    if (!st)
        st = w2v_vocab_finalize(b->vocab, opts->min_count, opts->max_vocab, &maps[0], err);
    for (unsigned i = 1; i < n && !st; i++)
        for (size_t id = 0; id < p[i].words; id++)
            maps[i][id] = maps[0][maps[i][id]];
    size_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += p[i].c->len + 1;
    if (!st) { /* share 0's array becomes the stream */
        uint32_t *ids = realloc(p[0].c->ids, total * sizeof *ids);
        if (ids) {
            p[0].c->ids = ids;
            b->ids = ids;
            b->cap = total;
        } else {
            st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory joining the stream",
                               p[0].path);
        }
    }
    for (unsigned i = 0; i < n && !st; i++) {
        const w2v_corpus *c = p[i].c;
        /* The extra end call of a range that stops mid-line. */
        int extra = i + 1 < n && !p[i].ends_nl;
        size_t len = c->len;
        if (extra && p[i].edge.any_token && p[i].edge.tail == 1 && len > 0 &&
            c->ids[len - 1] == W2V_CORPUS_EOS)
            len--;
        rj[i] = (remap_job){.ids = c->ids, .len = len, .map = maps[i], .after_end = i == 0};
    }
    if (!st)
        w2v_run_parts(n, remap_shares, &(remap_set){.job = rj, .n = n});
    /* Where each piece goes, with the sentence end between two shares, and
     * a piece's leading end dropped after one (or at the very start). */
    size_t at = 0;
    uint32_t last = W2V_CORPUS_EOS;
    for (unsigned i = 0; i < n && !st; i++) {
        const w2v_corpus *c = p[i].c;
        int extra = i + 1 < n && !p[i].ends_nl;
        uint64_t real_head = p[i].edge.head - (!p[i].edge.any_token && extra && p[i].edge.head);
        if (i > 0 && real_head && at > 0 && last != W2V_CORPUS_EOS)
            b->ids[at++] = last = W2V_CORPUS_EOS;
        size_t skip = rj[i].len > 0 && rj[i].ids[0] == W2V_CORPUS_EOS &&
                      (at == 0 || last == W2V_CORPUS_EOS);
        pc[i] = (piece){.src = c->ids + skip, .len = rj[i].len - skip, .at = at};
        at += pc[i].len;
        if (pc[i].len)
            last = pc[i].src[pc[i].len - 1];
        b->dropped += rj[i].dropped;
        *words += rj[i].words;
    }
    if (!st && n > 1) {
        copy_job cj = {.dst = b->ids, .pc = pc + 1, .n = n - 1};
        for (unsigned i = 1; i < n; i++)
            cj.blocks += (pc[i].len + JOIN_BLOCK - 1) / JOIN_BLOCK;
        atomic_init(&cj.next, 0);
        w2v_run_parts(n, copy_blocks, &cj);
    }
    for (unsigned i = 0; i < n; i++) {
        w2v_corpus *c = p[i].c;
        int extra = i + 1 < n && !p[i].ends_nl;
        stats->bytes += c->tok.bytes;
        stats->tokens += c->tok.tokens;
        stats->sentences += c->tok.sentences - (uint64_t)(extra && c->tok.bytes > 0);
        stats->overlong += c->tok.overlong;
        if (c->ids == b->ids)
            c->ids = NULL; /* share 0's array is the stream now */
        w2v_corpus_free(c);
        p[i].c = NULL;
    }
    b->len = st ? 0 : trim_ends(b->ids, at);
    for (unsigned i = 0; i < n; i++)
        free(maps[i]);
    free(maps);
    free(rj);
    free(pc);
    return st;
}

/*
 * Try a parallel read of path into *out.  @return W2V_OK with *out set, or
 * W2V_OK with *out NULL when the read should be done on one thread (not
 * applicable, or a share failed: one pass then gives the error exactly).
 */
static w2v_status build_parallel(const char *path, const w2v_tokenizer *tok,
                                 const w2v_corpus_opts *opts, w2v_corpus **out, w2v_error *err)
{
    *out = NULL;
    unsigned n = opts->threads;
    if (n < 2 || !path || !strcmp(path, "-") || opts->vocab || opts->share ||
        opts->range_begin || opts->range_end)
        return W2V_OK;
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < PARALLEL_MIN_BYTES)
        return W2V_OK;
    uint64_t size = (uint64_t)sb.st_size;
    /* At most one token per two bytes, 4 bytes an id: could it spill? */
    if (opts->spill_bytes && (size / 2 + 1) * sizeof(uint32_t) > opts->spill_bytes)
        return W2V_OK;
    if ((uint64_t)n > size / (PARALLEL_MIN_BYTES / 4))
        n = (unsigned)(size / (PARALLEL_MIN_BYTES / 4));
    uint64_t *cuts = malloc((n + 1) * sizeof *cuts);
    part *p = calloc(n, sizeof *p);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int ok = cuts && p && fd >= 0 && w2v_tokenize_split(path, n, cuts, NULL) == W2V_OK;
    for (unsigned i = 0; ok && i < n; i++) {
        int nl = cuts[i + 1] == cuts[i] ? 1 : after_newline(fd, cuts[i + 1]);
        ok = nl >= 0 && (nl || i + 1 == n || !w2v_tokenizer_has_pattern(tok));
        p[i] = (part){.path = path, .tok = tok, .opts = *opts, .ends_nl = nl};
        p[i].opts.range_begin = cuts[i];
        p[i].opts.range_end = cuts[i + 1];
        p[i].opts.share = 1;
        p[i].opts.spill_bytes = 0;
        p[i].opts.threads = 1;
    }
    if (fd >= 0)
        close(fd);
    unsigned started = 0;
    for (unsigned i = 1; ok && i < n; i++, started++)
        if (pthread_create(&p[i].thread, NULL, read_part, &p[i]) != 0)
            break;
    if (ok && started == n - 1)
        read_part(&p[0]);
    else
        p[0].st = W2V_ERR_THREAD;
    for (unsigned i = 1; i <= started; i++)
        pthread_join(p[i].thread, NULL);
    for (unsigned i = 0; ok && i < n; i++)
        ok = p[i].st == W2V_OK;
    w2v_status st = W2V_OK;
    if (ok) {
        builder b = {.counting = 1, .name = path, .fd = -1, .line = 1};
        w2v_corpus *c = calloc(1, sizeof *c);
        st = c ? W2V_OK : w2v_error_set(err, W2V_ERR_NOMEM, "corpus: out of memory");
        uint64_t words = 0;
        if (!st)
            st = join_parts(&b, p, n, opts, &c->tok, &words, err);
        if (!st)
            st = check_nonempty(&b, path, opts, c, err);
        if (!st) {
            uint32_t *shrunk = realloc(b.ids, (b.len ? b.len : 1) * sizeof *b.ids);
            c->ids = shrunk ? shrunk : b.ids;
            c->len = b.len;
            c->vocab = b.vocab;
            c->dropped = b.dropped;
            c->words = words;
            *out = c;
        } else {
            w2v_vocab_free(b.vocab);
            free(b.ids);
            free(c);
        }
    }
    for (unsigned i = 0; p && i < n; i++)
        w2v_corpus_free(p[i].c);
    free(p);
    free(cuts);
    return st;
}

w2v_status w2v_corpus_build(const char *path, const w2v_tokenizer *tok,
                            const w2v_corpus_opts *opts, w2v_corpus **out, w2v_error *err)
{
    w2v_status st = build_parallel(path, tok, opts, out, err);
    if (st || *out)
        return st;
    return build(path, NULL, 0, tok, opts, out, NULL, err);
}

w2v_status w2v_corpus_build_mem(const char *text, size_t len, const char *name,
                                const w2v_tokenizer *tok, const w2v_corpus_opts *opts,
                                w2v_corpus **out, w2v_error *err)
{
    return build(name ? name : "(memory)", text ? text : "", len, tok, opts, out, NULL, err);
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
