/*
 * corpus_parallel.c - a corpus read on several threads, with the
 * vocabulary and id stream of one thread's read (see corpus.h,
 * w2v_corpus_build; corpus_pass.h for what it takes from the one pass).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/pages.h"
#include "core/parts.h"
#include "text/corpus_pass.h"

/*
 * Parallel reading.  The file is cut into chunks, large ones first and
 * small ones last, and each reader thread takes the next chunk as it frees
 * up, so a reader the machine slows takes fewer and all finish close
 * together.  A reader counts every chunk it takes into one counting
 * vocabulary of its own and reads each into a stream of its own, in 16-bit
 * codes of those counting ids (corpus_pass.h): half the memory of 4-byte
 * ids, so that the chunks and the readers' vocabularies together take less
 * than one thread's stream, and the read less than one thread's (enwiki8:
 * 77 MiB at most against 79).  The join then merges the readers'
 * vocabularies into one, declares the order in which the whole file first
 * shows each word (w2v_vocab_set_seen_order), finalizes it as the
 * one-thread path does, turns each chunk's codes into final ids in place,
 * and joins the chunks in file order into the final stream.
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
 * the chunk's ids when real ones were called before its first token.  The
 * remap (w2v_corpus_remap_codes, by w2v_corpus_remap_run's rule) collapses
 * the repeats this may leave, as it does for one pass.
 */

/* Files below this are read on one thread: starting threads costs more. */
#define PARALLEL_MIN_BYTES (1u << 20)

/* Readers at most, whatever opts->threads asks (the trainer's own limit):
 * it bounds the chunk tables, CHUNK_UNITS entries a reader. */
#define MAX_READERS 1024u

/* Units of the file per reader; a chunk is the units left / (2 readers),
 * rounded up: for 2 readers, 13 chunks from a quarter of the file down to
 * a sixty-fourth, so that the readers finish within a few ms (enwiki8's
 * last chunk takes 6 ms). */
#define CHUNK_UNITS 32

typedef struct {
    uint64_t begin, end;   /* its bytes */
    int extra_end;         /* it stops mid-line before another chunk: the tokenizer
                              called one sentence end at its end that one pass
                              does not call there */
    unsigned reader;       /* who read it */
    w2v_row lo, hi;        /* the ids its reader's vocabulary gave the words new to it here */
    w2v_corpus_chunk s;    /* what its reader read: its codes, counts and edges */
    uint32_t *ids;         /* then its entries in final ids (expand_chunk), in pages of */
    size_t len, mapped_bytes; /* their own: mapped_bytes of them */
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
        rd->st = w2v_corpus_read_chunk(r->path, r->tok, &o, rd->vocab, &ck->s, &rd->err);
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

/* The byte before offset at in fd is '\n' (at == 0 counts as yes). */
static int after_newline(int fd, uint64_t at)
{
    unsigned char ch = '\n';
    if (at > 0 && pread(fd, &ch, 1, (off_t)(at - 1)) != 1)
        return -1;
    return ch == '\n';
}

/* Release what chunk ck holds. */
static void free_chunk(chunk *ck)
{
    w2v_corpus_chunk_free(&ck->s);
    w2v_pages_free(ck->ids, ck->mapped_bytes);
    ck->ids = NULL;
    ck->mapped_bytes = 0;
}

/* A chunk's codes to expand, and how. */
typedef struct {
    chunk *ck;
    size_t ncode;    /* its codes to expand (without an extra end) */
    const uint32_t *map;
    int after_end;   /* w2v_corpus_remap_codes's: 1 for the first chunk only */
    uint64_t dropped, words;
    int failed;      /* out of memory */
} expand_job;

/*
 * Job i of the array arg (w2v_run_items): the chunk's codes through its
 * reader's composed map (w2v_corpus_remap_codes) into 4-byte entries, in
 * place.  The codes are copied to the upper half of their mapping, grown
 * to 2P bytes where P holds them and 2 codes more, and decoded from there
 * into the lower half.  Entry e goes to bytes [4e, 4e + 4) or lower; code e
 * starts at P + 2e or beyond, and P >= 2(E + 2) for the chunk's E > e
 * entries, each a code at least, so at 4e + 6 or beyond: no write reaches
 * a code.  The pages past the entries are given back.  So a chunk never takes more
 * pages than its entries, only the upper half's are new, and the mapping
 * stays one, for place_body to grow and move.
 */
static void expand_chunk(void *arg, size_t i)
{
    expand_job *j = (expand_job *)arg + i;
    chunk *ck = j->ck;
    w2v_corpus_chunk *s = &ck->s;
    const size_t page = w2v_page_size();
    const size_t half = w2v_page_round_up((s->ncode + 2) * sizeof *s->code, page);
    size_t bytes = s->cap * sizeof *s->code; /* s->code's mapping */
    uint16_t *base = s->code; /* pages: aligned for any type */
    if (bytes < 2 * half) {
        base = w2v_pages_resize(s->code, bytes, 2 * half);
        if (!base) {
            j->failed = 1; /* s keeps its codes, for free_chunk */
            return;
        }
        bytes = 2 * half;
    }
    uint16_t *code = base + half / sizeof *base;
    memcpy(code, base, s->ncode * sizeof *code);
    s->code = NULL;
    s->cap = 0;
    ck->ids = (void *)base;
    ck->mapped_bytes = bytes;
    ck->len = w2v_corpus_remap_codes(ck->ids, code, j->ncode, j->map, j->after_end, &j->dropped,
                                     &j->words);
    size_t keep = w2v_page_round_up((ck->len ? ck->len : 1) * sizeof *ck->ids, page);
    uint32_t *shrunk = keep < bytes ? w2v_pages_resize(ck->ids, bytes, keep) : NULL;
    if (shrunk) {
        ck->ids = shrunk;
        ck->mapped_bytes = keep;
    }
}

/* A later chunk's piece of the joined stream, and where it goes. */
typedef struct {
    chunk *c;            /* the chunk: pages c->ids[0..mapped_bytes) */
    size_t from, len;    /* the piece: c->ids[from..from+len) */
    size_t at;           /* where it goes in the stream */
    size_t head;         /* its bytes before the first page boundary of its place */
    int end_before;      /* a sentence end goes at at - 1 */
} piece;

typedef struct {
    uint32_t *dst;       /* the stream: pages of its own, room for every piece */
    piece *pc;
    size_t page;
} place_job;

/*
 * Piece i (w2v_run_items): its body, all from the first page boundary of
 * its place on, goes into the stream without a copy: the piece is shifted
 * within its own pages to the offset in a page that its place has, and
 * those pages are then moved there (mremap).  The head before that
 * boundary shares a page with what comes before and is copied afterwards
 * (place_heads), once every body is in.  Where pages cannot be moved the
 * body is copied, and its source pages released.
 */
static void place_body(void *arg, size_t i)
{
    const place_job *j = arg;
    piece *pc = &j->pc[i];
    const size_t bytes = pc->len * sizeof(uint32_t);
    if (pc->head == bytes)
        return; /* all head */
    const uintptr_t d = (uintptr_t)(j->dst + pc->at), body = d + pc->head;
    chunk *c = pc->c;
    const size_t off = d % j->page; /* a multiple of 4: dst is page-aligned */
    const size_t need = w2v_page_round_up(off + bytes, j->page);
    void *grown = need <= c->mapped_bytes ? c->ids
                                           : w2v_pages_resize(c->ids, c->mapped_bytes, need);
    if (grown) {
        c->ids = grown;
        c->mapped_bytes = need > c->mapped_bytes ? need : c->mapped_bytes;
        char *base = (char *)c->ids;
        memmove(base + off, c->ids + pc->from, bytes);
        pc->from = off / sizeof(uint32_t);
        char *src = base + off + pc->head; /* page-aligned, as body is */
        if (w2v_pages_move(src, (size_t)(base + need - src), (void *)body) == 0)
            return;
    }
    char *src = (char *)(c->ids + pc->from) + pc->head;
    memcpy((void *)body, src, bytes - pc->head);
    w2v_pages_release(src, bytes - pc->head); /* the body only: the head is still to copy */
}

/* The heads of the n pieces, and the sentence ends between them, once
 * every body is in (place_body). */
static void place_heads(const place_job *j, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        const piece *pc = &j->pc[i];
        if (pc->end_before)
            j->dst[pc->at - 1] = W2V_CORPUS_EOS;
        if (pc->head)
            memcpy(j->dst + pc->at, pc->c->ids + pc->from, pc->head);
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
 * Join the chunks of r, read by readers rd[0..nr), into c (empty) and
 * finalize it, as the one pass does:
 *   - vocabulary: the vocabulary of chunk 0's reader becomes c's as it is,
 *     the other readers' are merged into it (each freed once merged), the
 *     order of first appearance is declared, and the whole is finalized;
 *   - stream: every chunk's codes go through its reader's map (the final
 *     map, composed with the reader's merge map for the others), each
 *     chunk in place on the next free thread (expand_chunk, the later ones
 *     keeping a leading sentence end); then chunk 0's pages, grown, become
 *     the stream, and the later chunks' pages are moved in after it
 *     (place_body, place_heads), with a sentence end between two chunks
 *     exactly where one pass puts one.  So the stream is that of one pass,
 *     and no chunk is copied or held twice.
 * Frees every chunk's pages; on failure c holds what it got (for
 * w2v_corpus_free).  @return W2V_OK; W2V_ERR_NOMEM; W2V_ERR_LIMIT (too
 * many words).
 */
static w2v_status join_chunks(w2v_corpus *c, reading *r, reader *rd, unsigned nr,
                              const w2v_corpus_opts *opts, w2v_error *err)
{
    chunk *ck = r->ck;
    const unsigned n = r->n, base = ck[0].reader;
    uint32_t **maps = calloc(nr, sizeof *maps);
    size_t *sizes = calloc(nr, sizeof *sizes);
    expand_job *ej = calloc(n, sizeof *ej);
    piece *pc = calloc(n, sizeof *pc);
    if (!maps || !sizes || !ej || !pc) {
        free(maps);
        free(sizes);
        free(ej);
        free(pc);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory joining the chunks",
                             r->path);
    }
    w2v_status st = W2V_OK;
    c->vocab = rd[base].vocab;
    rd[base].vocab = NULL;
    for (unsigned i = 0; i < nr && !st; i++) {
        if (i == base)
            continue;
        sizes[i] = w2v_vocab_size(rd[i].vocab);
        maps[i] = malloc((sizes[i] ? sizes[i] : 1) * sizeof **maps);
        st = maps[i] ? w2v_vocab_merge(c->vocab, rd[i].vocab, maps[i], err)
                     : w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory merging "
                                     "vocabularies", r->path);
        w2v_vocab_free(rd[i].vocab);
        rd[i].vocab = NULL;
    }
    if (!st)
        st = declare_seen_order(c->vocab, r, maps, err);
    uint32_t *final = NULL;
    if (!st)
        st = w2v_vocab_finalize(c->vocab, opts->min_count, opts->max_vocab, &final, err);
    for (unsigned i = 0; i < nr && !st; i++)
        for (size_t id = 0; maps[i] && id < sizes[i]; id++)
            maps[i][id] = final[maps[i][id]];
    if (!st)
        maps[base] = final;
    else
        free(final);
    for (unsigned k = 0; k < n && !st; k++) {
        const w2v_corpus_chunk *ch = &ck[k].s;
        /* The extra end call: its code, an end's, is the last. */
        size_t ncode = ch->ncode;
        if (ck[k].extra_end && ch->edge.any_token && ch->edge.tail == 1 && ch->len > 0 &&
            ch->last == W2V_CORPUS_EOS)
            ncode--;
        ej[k] = (expand_job){.ck = &ck[k], .ncode = ncode, .map = maps[ck[k].reader],
                             .after_end = k == 0};
    }
    if (!st)
        w2v_run_items(nr, n, expand_chunk, ej);
    for (unsigned k = 0; k < n && !st; k++)
        if (ej[k].failed)
            st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory joining the stream",
                               r->path);
    size_t total = 0;
    for (unsigned k = 0; k < n; k++)
        total += ck[k].len + 1;
    const size_t page = w2v_page_size();
    if (!st) { /* chunk 0's pages become the stream */
        size_t bytes = w2v_page_round_up(total * sizeof *c->ids, page);
        uint32_t *ids = w2v_pages_resize(ck[0].ids, ck[0].mapped_bytes, bytes);
        if (ids) {
            ck[0].ids = ids;
            ck[0].mapped_bytes = bytes;
            c->ids = ids;
            c->mapped_bytes = bytes;
        } else {
            st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory joining the stream",
                               r->path);
        }
    }
    /* Where each piece goes, with the sentence end between two chunks, and
     * a piece's leading end dropped after one (or at the very start). */
    size_t at = 0;
    uint32_t last = W2V_CORPUS_EOS;
    for (unsigned k = 0; k < n && !st; k++) {
        chunk *ch = &ck[k];
        const w2v_corpus_edges *edge = &ch->s.edge;
        uint64_t real_head = edge->head - (!edge->any_token && ch->extra_end && edge->head);
        int end_before = k > 0 && real_head && at > 0 && last != W2V_CORPUS_EOS;
        if (end_before)
            at++, last = W2V_CORPUS_EOS;
        size_t skip = ch->len > 0 && ch->ids[0] == W2V_CORPUS_EOS &&
                      (at == 0 || last == W2V_CORPUS_EOS);
        pc[k] = (piece){.c = ch, .from = skip, .len = ch->len - skip, .at = at,
                        .end_before = end_before};
        /* its bytes up to the first page boundary of its place */
        uintptr_t d = (uintptr_t)(c->ids + at);
        size_t bytes = pc[k].len * sizeof *c->ids, to_boundary = w2v_page_round_up(d, page) - d;
        pc[k].head = bytes < to_boundary ? bytes : to_boundary;
        at += pc[k].len;
        if (pc[k].len)
            last = ch->ids[skip + pc[k].len - 1];
        c->dropped += ej[k].dropped;
        c->words += ej[k].words;
        c->tok.bytes += ch->s.tok.bytes;
        c->tok.tokens += ch->s.tok.tokens;
        c->tok.sentences += ch->s.tok.sentences - (uint64_t)(ch->extra_end && ch->s.tok.bytes > 0);
        c->tok.overlong += ch->s.tok.overlong;
    }
    /* chunk 0 is in place: the remap dropped its leading ends (skip 0) */
    if (!st && n > 1) {
        place_job pj = {.dst = c->ids, .pc = pc + 1, .page = page};
        w2v_run_items(nr, n - 1, place_body, &pj);
        place_heads(&pj, n - 1);
    }
    if (ck[0].ids == c->ids) { /* chunk 0's pages are the stream now */
        ck[0].ids = NULL;
        ck[0].mapped_bytes = 0;
    }
    for (unsigned k = 0; k < n; k++)
        free_chunk(&ck[k]);
    c->len = st ? 0 : w2v_corpus_trim_ends(c->ids, at);
    for (unsigned i = 0; i < nr; i++)
        free(maps[i]);
    free(maps);
    free(sizes);
    free(ej);
    free(pc);
    return st;
}

w2v_status w2v_corpus_build_parallel(const char *path, const w2v_tokenizer *tok,
                                     const w2v_corpus_opts *opts, w2v_corpus **out,
                                     w2v_error *err)
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
    if (nr > MAX_READERS)
        nr = MAX_READERS;
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
            r.ck[k] = (chunk){.begin = cuts[k], .end = cuts[k + 1],
                              .extra_end = !nl && k + 1 < r.n};
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
        w2v_corpus *c = calloc(1, sizeof *c);
        st = c ? W2V_OK : w2v_error_set(err, W2V_ERR_NOMEM, "corpus: out of memory");
        if (!st)
            st = join_chunks(c, &r, rd, nr, opts, err);
        if (!st)
            st = w2v_corpus_check_nonempty(c->tok.tokens, c->vocab, c->len, 1, path, opts, err);
        if (!st) { /* give back the pages past the stream's end */
            size_t page = w2v_page_size();
            size_t need = w2v_page_round_up((c->len ? c->len : 1) * sizeof *c->ids, page);
            uint32_t *shrunk = need < c->mapped_bytes
                                   ? w2v_pages_resize(c->ids, c->mapped_bytes, need) : NULL;
            if (shrunk) {
                c->ids = shrunk;
                c->mapped_bytes = need;
            }
            *out = c;
        } else {
            w2v_corpus_free(c);
        }
    }
    for (unsigned k = 0; r.ck && k < r.n; k++)
        free_chunk(&r.ck[k]);
    for (unsigned i = 0; rd && i < nr; i++)
        w2v_vocab_free(rd[i].vocab);
    free(rd);
    free(r.ck);
    free(at);
    free(cuts);
    return st;
}

