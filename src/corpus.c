/*
 * corpus.c - one pass from text to vocabulary + id stream (see corpus.h).
 */
#include "w2v/corpus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
    const char *name;   /* the path, for messages */
    uint64_t line;      /* line of the next token: sentence ends seen + 1 */
    w2v_status st;      /* first failure inside the callback */
    w2v_error cb_err;   /* its message: the tokenizer overwrites the caller's
                           error with "stopped by the callback" */
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

static int on_token(void *user, const char *tok, size_t len)
{
    builder *b = user;
    if (!tok) { /* sentence end: collapse repeats, none at the start */
        b->line++; /* every '\n' is one, so this counts lines */
        if (b->len == 0 || b->last == W2V_CORPUS_EOS)
            return 0;
        return push(b, W2V_CORPUS_EOS);
    }
    uint32_t id;
    if (b->counting) {
        b->st = w2v_vocab_add(b->vocab, tok, len, 1, &id, &b->cb_err);
        if (b->st) { /* a NUL byte, a token over the vocabulary's length limit */
            char why[W2V_ERROR_MSG_MAX];
            memcpy(why, b->cb_err.msg, sizeof why);
            w2v_error_set(&b->cb_err, b->st, "%s:%llu: %s", b->name,
                          (unsigned long long)b->line, why);
            return -1;
        }
    } else {
        id = w2v_vocab_find(b->vocab, tok, len);
        if (id == W2V_VOCAB_NONE) {
            b->dropped++;
            return 0;
        }
    }
    return push(b, id);
}

/* Map counting ids to final ids, drop the lost words, collapse sentence ends. */
static void remap_stream(builder *b, const uint32_t *map)
{
    size_t out = 0;
    for (size_t i = 0; i < b->len; i++) {
        uint32_t id = b->ids[i];
        if (id != W2V_CORPUS_EOS) {
            id = map[id];
            if (id == W2V_VOCAB_NONE) {
                b->dropped++;
                continue;
            }
        } else if (out == 0 || b->ids[out - 1] == W2V_CORPUS_EOS) {
            continue;
        }
        b->ids[out++] = id;
    }
    while (out > 0 && b->ids[out - 1] == W2V_CORPUS_EOS)
        out--;
    b->len = out;
}

w2v_corpus_opts w2v_corpus_opts_default(void)
{
    return (w2v_corpus_opts){.min_count = 5, .max_vocab = 0, .vocab = NULL, .spill_bytes = 0,
                             .spill_dir = NULL};
}

static w2v_status build(const char *path, const char *text, size_t text_len,
                        const w2v_tokenizer *tok, const w2v_corpus_opts *opts,
                        w2v_corpus **out, w2v_error *err)
{
    *out = NULL;
    builder b = {.vocab = opts->vocab, .counting = opts->vocab == NULL, .line = 1,
                 .name = path && !strcmp(path, "-") ? "standard input" : path, .fd = -1,
                 .spill_at = opts->spill_bytes / sizeof(uint32_t)};
    const char *tmp = getenv("TMPDIR");
    b.spill_dir = opts->spill_dir ? opts->spill_dir : tmp && *tmp ? tmp : "/tmp";
    w2v_corpus *c = calloc(1, sizeof *c);
    w2v_status st = c ? W2V_OK : w2v_error_set(err, W2V_ERR_NOMEM, "corpus: out of memory");
    if (!st && !b.vocab)
        st = w2v_vocab_create(&b.vocab, err);
    if (!st) {
        st = text ? w2v_tokenize_buffer(tok, text, text_len, on_token, &b, &c->tok, err)
                  : w2v_tokenize_file(tok, path, on_token, &b, &c->tok, err);
        if (!st && text) /* a buffer's end ends its last sentence, like a file's */
            on_token(&b, NULL, 0);
        if (b.st) { /* the callback's own error beats "interrupted" */
            st = b.st;
            if (err)
                *err = b.cb_err;
        }
    }
    size_t mapped = b.fd >= 0 ? b.len * sizeof *b.ids : 0;
    if (!st && b.fd >= 0 && map_spilled(&b) != 0) {
        st = b.st;
        if (err)
            *err = b.cb_err;
    }
    uint32_t *map = NULL;
    if (!st)
        st = w2v_vocab_finalize(b.vocab, opts->min_count, opts->max_vocab, &map, err);
    if (!st) {
        remap_stream(&b, map);
        free(map);
        if (c->tok.tokens == 0)
            st = w2v_error_set(err, W2V_ERR_EMPTY, "%s: the corpus contains no words", path);
        else if (!b.counting && (w2v_vocab_size(b.vocab) == 0 || b.len == 0))
            st = w2v_error_set(err, W2V_ERR_EMPTY,
                               "%s: no word of the given vocabulary with a count of at least "
                               "%llu occurs in the corpus (%llu tokens read)",
                               path, (unsigned long long)opts->min_count,
                               (unsigned long long)c->tok.tokens);
        else if (w2v_vocab_size(b.vocab) == 0 || b.len == 0)
            st = w2v_error_set(err, W2V_ERR_EMPTY,
                               "%s: no word occurs at least %llu times (%llu tokens read)",
                               path, (unsigned long long)opts->min_count,
                               (unsigned long long)c->tok.tokens);
    }
    if (st) {
        w2v_vocab_free(b.vocab);
        if (b.fd >= 0)
            close(b.fd);
        if (mapped && b.fd < 0)
            munmap(b.ids, mapped);
        else
            free(b.ids);
        free(c);
        return st;
    }
    if (mapped) {
        c->ids = b.ids;
        c->mapped_bytes = mapped;
    } else { /* give back the slack of the doubling growth */
        uint32_t *shrunk = realloc(b.ids, (b.len ? b.len : 1) * sizeof *b.ids);
        c->ids = shrunk ? shrunk : b.ids;
    }
    c->len = b.len;
    c->vocab = b.vocab;
    c->dropped = b.dropped;
    for (size_t i = 0; i < c->len; i++)
        c->words += c->ids[i] != W2V_CORPUS_EOS;
    *out = c;
    return W2V_OK;
}

w2v_status w2v_corpus_build(const char *path, const w2v_tokenizer *tok,
                            const w2v_corpus_opts *opts, w2v_corpus **out, w2v_error *err)
{
    return build(path, NULL, 0, tok, opts, out, err);
}

w2v_status w2v_corpus_build_mem(const char *text, size_t len, const char *name,
                                const w2v_tokenizer *tok, const w2v_corpus_opts *opts,
                                w2v_corpus **out, w2v_error *err)
{
    return build(name ? name : "(memory)", text ? text : "", len, tok, opts, out, err);
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
