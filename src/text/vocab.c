/*
 * vocab.c - word interning, counts, min-count, frequency sort, save/load,
 * and a packed form for merging the counts of several processes.
 *
 * DESIGN: entries live in one growing array indexed by id; word bytes live
 * in an arena of large blocks (pointers stay valid as it grows); the hash
 * table holds id + 1 (0 = empty) and is rebuilt at twice the size when half
 * full.  Each entry keeps its 64-bit hash so rebuilding never rehashes
 * bytes.  Finalize sorts the entry array itself, gives back the entries'
 * pages past the kept ones and rebuilds the table.  The three live in pages
 * of their own (core/pages.h), not in malloc's heap: a vocabulary that a
 * reading thread grew goes back to the system whole when it is freed,
 * where glibc would keep the top of that thread's arena (2 MB a reader on
 * enwiki8), and the entries shrink to the words kept.
 * The packed form comes from another process, so add_packed trusts nothing
 * in it: every length is checked against the bytes present and the limit.
 */
#include "w2v/vocab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pages.h"
#include "w2v/atomic_file.h"

/* Arena block: large enough that a 200k-word vocabulary takes a few. */
#define ARENA_BLOCK (1u << 20)
#define INITIAL_SLOTS 1024u

typedef struct {
    char *word;
    uint64_t count;
    uint64_t hash;
    uint32_t len;
    uint32_t first_seen; /* id at first appearance: the tie-break of the sort */
} entry;

typedef struct block {
    struct block *next;
    size_t used, cap;
    char data[];
} block;

struct w2v_vocab {
    entry *e;
    size_t n, cap;
    uint32_t *slots; /* id + 1, 0 = empty */
    size_t nslots;   /* power of two */
    block *arena;
    uint64_t total;
};

/* 64-bit hash of a byte string: 8 bytes at a time, multiply-xorshift mixing. */
static uint64_t hash_bytes(const char *s, size_t len)
{
    const uint64_t m = 0x9E3779B97F4A7C15ull;
    uint64_t h = 0x243F6A8885A308D3ull ^ (len * m);
    while (len >= 8) {
        uint64_t k;
        memcpy(&k, s, 8);
        h = (h ^ (k * m)) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 29;
        s += 8;
        len -= 8;
    }
    uint64_t k = 0;
    memcpy(&k, s, len);
    h = (h ^ (k * m)) * 0x94D049BB133111EBull;
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 32);
}

/* The bytes of pages that n items of size each take (one page at least). */
static size_t pages_for(size_t n, size_t size)
{
    return w2v_page_round_up((n ? n : 1) * size, w2v_page_size());
}

/*
 * A table of nslots empty slots, or NULL.  Written through before use: a
 * probe reads a slot before it writes one, and a fresh page first read is
 * the shared zero page, whose replacement at the write is a second fault
 * that flushes the other CPUs' TLBs (an interrupt to each reading thread:
 * 83 of 13k samples of a two-thread enwiki8 run, as many as the join's
 * decoding).  Written first, a page takes one fault and no flush.
 */
static uint32_t *table_alloc(size_t nslots)
{
    size_t bytes = pages_for(nslots, sizeof(uint32_t));
    uint32_t *slots = w2v_pages_resize(NULL, 0, bytes);
    if (slots)
        memset(slots, 0, bytes);
    return slots;
}

static void table_free(uint32_t *slots, size_t nslots)
{
    w2v_pages_free(slots, pages_for(nslots, sizeof *slots));
}

/* The entry array resized to hold cap entries (and as many more as its
 * last page holds): @return 0, or -1 with v unchanged. */
static int resize_entries(w2v_vocab *v, size_t cap)
{
    size_t bytes = pages_for(cap, sizeof *v->e);
    entry *e = w2v_pages_resize(v->e, v->e ? pages_for(v->cap, sizeof *v->e) : 0, bytes);
    if (!e)
        return -1;
    v->e = e;
    v->cap = bytes / sizeof *e;
    return 0;
}

w2v_status w2v_vocab_create(w2v_vocab **out, w2v_error *err)
{
    w2v_vocab *v = calloc(1, sizeof *v);
    if (v) {
        v->nslots = INITIAL_SLOTS;
        v->slots = table_alloc(v->nslots);
    }
    if (!v || !v->slots) {
        free(v);
        *out = NULL;
        return w2v_error_set(err, W2V_ERR_NOMEM, "vocabulary: out of memory");
    }
    *out = v;
    return W2V_OK;
}

void w2v_vocab_free(w2v_vocab *v)
{
    if (!v)
        return;
    for (block *b = v->arena, *next; b; b = next) {
        next = b->next;
        w2v_pages_free(b, pages_for(1, sizeof *b + b->cap));
    }
    table_free(v->slots, v->nslots);
    if (v->e)
        w2v_pages_free(v->e, pages_for(v->cap, sizeof *v->e));
    free(v);
}

static char *arena_copy(w2v_vocab *v, const char *s, size_t len)
{
    block *b = v->arena;
    if (!b || b->cap - b->used < len + 1) {
        size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
        b = w2v_pages_resize(NULL, 0, pages_for(1, sizeof *b + cap));
        if (!b)
            return NULL;
        b->next = v->arena;
        b->used = 0;
        b->cap = cap;
        v->arena = b;
    }
    char *p = b->data + b->used;
    memcpy(p, s, len);
    p[len] = '\0';
    b->used += len + 1;
    return p;
}

/* Slot index where word is, or the empty slot where it would go. */
static size_t probe(const w2v_vocab *v, const char *word, size_t len, uint64_t h)
{
    size_t mask = v->nslots - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        uint32_t s = v->slots[i];
        if (s == 0)
            return i;
        const entry *e = &v->e[s - 1];
        if (e->hash == h && e->len == len && memcmp(e->word, word, len) == 0)
            return i;
    }
}

static int rebuild_table(w2v_vocab *v, size_t nslots)
{
    uint32_t *slots = table_alloc(nslots);
    if (!slots)
        return -1;
    table_free(v->slots, v->nslots);
    v->slots = slots;
    v->nslots = nslots;
    size_t mask = nslots - 1;
    for (size_t id = 0; id < v->n; id++) {
        size_t i = (size_t)v->e[id].hash & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = (uint32_t)(id + 1);
    }
    return 0;
}

/* w2v_vocab_add for a word whose hash h is known (len already checked). */
static w2v_status add_hashed(w2v_vocab *v, const char *word, size_t len, uint64_t h,
                             uint64_t count, w2v_row *id, w2v_error *err)
{
    size_t slot = probe(v, word, len, h);
    uint32_t s = v->slots[slot];
    if (s) {
        entry *e = &v->e[s - 1];
        e->count = e->count > UINT64_MAX - count ? UINT64_MAX : e->count + count;
        v->total = v->total > UINT64_MAX - count ? UINT64_MAX : v->total + count;
        *id = s - 1;
        return W2V_OK;
    }
    if (memchr(word, '\0', len))
        return w2v_error_set(err, W2V_ERR_ARG, "vocabulary: word contains a NUL byte");
    if (v->n >= W2V_VOCAB_MAX_WORDS)
        return w2v_error_set(err, W2V_ERR_LIMIT, "vocabulary: more than %u distinct words",
                             (unsigned)W2V_VOCAB_MAX_WORDS);
    if (v->n == v->cap && resize_entries(v, v->cap ? v->cap * 2 : 1024) != 0)
        return w2v_error_set(err, W2V_ERR_NOMEM, "vocabulary: out of memory");
    char *copy = arena_copy(v, word, len);
    if (!copy)
        return w2v_error_set(err, W2V_ERR_NOMEM, "vocabulary: out of memory");
    entry *e = &v->e[v->n];
    *e = (entry){.word = copy, .count = count, .hash = h, .len = (uint32_t)len,
                 .first_seen = (uint32_t)v->n};
    v->slots[slot] = (uint32_t)(v->n + 1);
    *id = (w2v_row)v->n++;
    v->total = v->total > UINT64_MAX - count ? UINT64_MAX : v->total + count;
    if (v->n * 2 > v->nslots && rebuild_table(v, v->nslots * 2) != 0)
        return w2v_error_set(err, W2V_ERR_NOMEM, "vocabulary: out of memory");
    return W2V_OK;
}

w2v_status w2v_vocab_add(w2v_vocab *v, const char *word, size_t len, uint64_t count,
                         w2v_row *id, w2v_error *err)
{
    return w2v_vocab_add_hashed(v, word, len, hash_bytes(word, len), count, id, err);
}

/* How many words ahead the merge asks for the table slot it will probe (and
 * half as many for the entry): enough to cover a memory latency at ~100 ns
 * a word, few enough that the lines are still in cache when their word
 * comes. */
#define MERGE_PREFETCH 8

w2v_status w2v_vocab_merge(w2v_vocab *v, const w2v_vocab *src, w2v_row *map, w2v_error *err)
{
    for (size_t id = 0; id < src->n; id++) {
        if (id + MERGE_PREFETCH < src->n)
            w2v_vocab_prefetch(v, src->e[id + MERGE_PREFETCH].hash, 0);
        if (id + MERGE_PREFETCH / 2 < src->n)
            w2v_vocab_prefetch(v, src->e[id + MERGE_PREFETCH / 2].hash, 1);
        const entry *e = &src->e[id];
        w2v_status st = add_hashed(v, e->word, e->len, e->hash, e->count, &map[id], err);
        if (st)
            return st;
    }
    return W2V_OK;
}

w2v_row w2v_vocab_find(const w2v_vocab *v, const char *word, size_t len)
{
    if (len == 0 || len > W2V_VOCAB_MAX_WORD_BYTES)
        return W2V_VOCAB_NONE;
    return w2v_vocab_find_hashed(v, word, len, hash_bytes(word, len));
}

/*
 * A lookup is three dependent loads: the slot, the entry it names, the
 * word's bytes.  Beyond the most frequent words each can miss the cache,
 * and a reader that interns one token after another waits for all three in
 * turn (the vocabulary was most of the reading time).  A reader that holds
 * its tokens back a little can ask for them ahead, one load per stage, so
 * each is in cache when the next stage or the lookup needs it.
 */
uint64_t w2v_vocab_hash(const char *word, size_t len) { return hash_bytes(word, len); }

void w2v_vocab_prefetch(const w2v_vocab *v, uint64_t h, unsigned stage)
{
    const uint32_t *slot = &v->slots[(size_t)h & (v->nslots - 1)];
    if (stage == 0) {
        __builtin_prefetch(slot);
        return;
    }
    if (*slot == 0)
        return;
    const entry *e = &v->e[*slot - 1];
    if (stage == 1)
        __builtin_prefetch(e);
    else if (e->hash == h)
        __builtin_prefetch(e->word);
}

w2v_status w2v_vocab_add_hashed(w2v_vocab *v, const char *word, size_t len, uint64_t h,
                                uint64_t count, w2v_row *id, w2v_error *err)
{
    if (len == 0 || len > W2V_VOCAB_MAX_WORD_BYTES)
        return w2v_error_set(err, W2V_ERR_LIMIT, "vocabulary: word of %zu bytes (limit %d)",
                             len, W2V_VOCAB_MAX_WORD_BYTES);
    return add_hashed(v, word, len, h, count, id, err);
}

w2v_row w2v_vocab_find_hashed(const w2v_vocab *v, const char *word, size_t len, uint64_t h)
{
    if (len == 0 || len > W2V_VOCAB_MAX_WORD_BYTES)
        return W2V_VOCAB_NONE;
    uint32_t s = v->slots[probe(v, word, len, h)];
    return s ? s - 1 : W2V_VOCAB_NONE;
}

size_t w2v_vocab_size(const w2v_vocab *v) { return v->n; }
const char *w2v_vocab_word(const w2v_vocab *v, w2v_row id) { return v->e[id].word; }
uint64_t w2v_vocab_count(const w2v_vocab *v, w2v_row id) { return v->e[id].count; }
uint64_t w2v_vocab_total(const w2v_vocab *v) { return v->total; }

/* An entry's place in finalize's sort: its count, its tie-break, its id. */
typedef struct {
    uint64_t count;
    uint32_t seen, id;
} sort_key;

static int by_count_desc(const void *pa, const void *pb)
{
    const sort_key *a = pa, *b = pb;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->seen < b->seen ? -1 : a->seen > b->seen;
}

/* Bits of a radix sort's digit: 2048 buckets, a pass over 16-byte keys
 * that stays in L2 for the words a vocabulary keeps. */
#define RADIX_BITS 11

/* The digit of key k at shift: of seen, or (past seen_bits) of the
 * count's complement, so that ascending digits mean descending counts. */
static unsigned digit(const sort_key *k, unsigned shift, unsigned seen_bits)
{
    if (shift < seen_bits)
        return (k->seen >> shift) & ((1u << RADIX_BITS) - 1);
    return (unsigned)(~k->count >> (shift - seen_bits)) & ((1u << RADIX_BITS) - 1);
}

/* Bits needed for x (0 for 0). */
static unsigned bit_width(uint64_t x)
{
    unsigned b = 0;
    for (; x; x >>= 1)
        b++;
    return b;
}

/*
 * Sort key[0..n) as by_count_desc does: a stable radix sort, least
 * significant digit first, over the bits of seen and then of the count
 * that vary (a few passes; qsort took 6.4 ms for 68k keys, most of a
 * finalize).  Falls back to qsort when the buffer cannot be had.
 */
static void sort_keys(sort_key *key, size_t n)
{
    sort_key *tmp = n > 1 ? malloc(n * sizeof *tmp) : NULL;
    if (!tmp) {
        if (n > 1)
            qsort(key, n, sizeof *key, by_count_desc);
        return;
    }
    uint32_t max_seen = 0;
    uint64_t max_count = 0;
    for (size_t i = 0; i < n; i++) {
        max_seen = key[i].seen > max_seen ? key[i].seen : max_seen;
        max_count = key[i].count > max_count ? key[i].count : max_count;
    }
    /* seen gets whole digits, so a digit never mixes it with the count */
    unsigned seen_bits = (bit_width(max_seen) + RADIX_BITS - 1) / RADIX_BITS * RADIX_BITS;
    unsigned bits = seen_bits + bit_width(max_count);
    sort_key *from = key, *to = tmp;
    for (unsigned shift = 0; shift < bits; shift += RADIX_BITS) {
        size_t at[(1u << RADIX_BITS) + 1] = {0};
        for (size_t i = 0; i < n; i++)
            at[digit(&from[i], shift, seen_bits) + 1]++;
        for (unsigned d = 1; d <= (1u << RADIX_BITS); d++)
            at[d] += at[d - 1];
        for (size_t i = 0; i < n; i++)
            to[at[digit(&from[i], shift, seen_bits)]++] = from[i];
        sort_key *t = from;
        from = to;
        to = t;
    }
    if (from != key)
        memcpy(key, from, n * sizeof *key);
    free(tmp);
}

w2v_status w2v_vocab_set_seen_order(w2v_vocab *v, const w2v_row *order, w2v_error *err)
{
    unsigned char *done = calloc(v->n ? v->n : 1, 1);
    if (!done)
        return w2v_error_set(err, W2V_ERR_NOMEM, "vocabulary: out of memory");
    for (size_t r = 0; r < v->n; r++) {
        if (order[r] >= v->n || done[order[r]]) {
            free(done);
            return w2v_error_set(err, W2V_ERR_ARG, "vocabulary: the order of first appearance "
                                 "names id %lu %s (place %zu of %zu)", (unsigned long)order[r],
                                 order[r] >= v->n ? "that does not exist" : "twice", r, v->n);
        }
        done[order[r]] = 1;
    }
    free(done);
    for (size_t r = 0; r < v->n; r++)
        v->e[order[r]].first_seen = (uint32_t)r;
    return W2V_OK;
}

w2v_status w2v_vocab_finalize(w2v_vocab *v, uint64_t min_count, size_t max_vocab,
                              w2v_row **remap, w2v_error *err)
{
    size_t old_n = v->n, kept = 0;
    for (size_t i = 0; i < old_n; i++)
        kept += v->e[i].count >= min_count;
    w2v_row *map = remap ? malloc((old_n ? old_n : 1) * sizeof *map) : NULL;
    sort_key *key = malloc((kept ? kept : 1) * sizeof *key);
    if ((remap && !map) || !key) {
        free(map);
        free(key);
        return w2v_error_set(err, W2V_ERR_NOMEM, "vocabulary: out of memory");
    }
    if (remap)
        *remap = NULL;
    /* The kept entries to the front, in id order; each keeps its old id in
     * first_seen, whose value the sort takes from its key. */
    kept = 0;
    for (size_t i = 0; i < old_n; i++) {
        if (v->e[i].count < min_count)
            continue;
        key[kept] = (sort_key){.count = v->e[i].count, .seen = v->e[i].first_seen,
                               .id = (uint32_t)kept};
        v->e[kept] = v->e[i];
        v->e[kept++].first_seen = (uint32_t)i;
    }
    sort_keys(key, kept);
    /* Put entry key[j].id at j, cycle by cycle, marking each key done. */
    for (size_t start = 0; start < kept; start++) {
        if (key[start].id == UINT32_MAX)
            continue;
        entry first = v->e[start];
        size_t j = start;
        for (;;) {
            size_t from = key[j].id;
            key[j].id = UINT32_MAX;
            if (from == start)
                break;
            v->e[j] = v->e[from];
            j = from;
        }
        v->e[j] = first;
    }
    free(key);
    if (max_vocab && kept > max_vocab)
        kept = max_vocab;
    if (map)
        for (size_t i = 0; i < old_n; i++)
            map[i] = W2V_VOCAB_NONE;
    v->n = kept;
    v->total = 0;
    for (size_t j = 0; j < kept; j++) {
        if (map)
            map[v->e[j].first_seen] = (w2v_row)j;
        v->e[j].first_seen = (uint32_t)j; /* the new order is the new "first seen" */
        v->total = v->total > UINT64_MAX - v->e[j].count ? UINT64_MAX : v->total + v->e[j].count;
    }
    if (v->e && pages_for(kept, sizeof *v->e) < pages_for(v->cap, sizeof *v->e))
        (void)resize_entries(v, kept); /* a shrink: where it fails, the pages stay */
    size_t nslots = INITIAL_SLOTS;
    while (nslots < 2 * kept + 2)
        nslots *= 2;
    if (rebuild_table(v, nslots) != 0) {
        free(map);
        return w2v_error_set(err, W2V_ERR_NOMEM, "vocabulary: out of memory");
    }
    if (remap)
        *remap = map;
    return W2V_OK;
}

w2v_status w2v_vocab_save(const w2v_vocab *v, const char *path, w2v_error *err)
{
    w2v_afile *af;
    FILE *fp;
    w2v_status st = w2v_afile_open(path, &af, &fp, err);
    if (st)
        return st;
    for (size_t i = 0; i < v->n; i++)
        fprintf(fp, "%s %llu\n", v->e[i].word, (unsigned long long)v->e[i].count);
    return w2v_afile_commit(af, err);
}

/* Up to 40 bytes of s[0..n) for a message, control bytes shown as '?' so
 * that binary garbage still makes one readable line. */
static const char *printable(char *buf, const char *s, size_t n)
{
    size_t k = n < 40 ? n : 40;
    for (size_t i = 0; i < k; i++)
        buf[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    buf[k] = '\0';
    return buf;
}

w2v_status w2v_vocab_load_mem(const char *data, size_t len, const char *name, w2v_vocab **out,
                              w2v_error *err)
{
    *out = NULL;
    w2v_vocab *v;
    w2v_status st = w2v_vocab_create(&v, err);
    if (st)
        return st;
    size_t line = 0, pos = 0;
    while (pos < len) {
        line++;
        const char *s = data + pos;
        const char *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos;
        pos += n + (nl != NULL);
        if (n && s[n - 1] == '\r')
            n--;
        if (n == 0 && pos >= len)
            break; /* a trailing blank line */
        const char *sp = n ? memchr(s, ' ', n) : NULL;
        if (!sp || sp == s) {
            st = w2v_error_set(err, W2V_ERR_FORMAT,
                               "%s:%zu: expected \"word count\"", name, line);
            break;
        }
        size_t wlen = (size_t)(sp - s);
        const char *num = sp + 1, *end = s + n;
        uint64_t count = 0;
        int digits = 0, overflow = 0;
        for (const char *q = num; q < end; q++, digits++) {
            if (*q < '0' || *q > '9') {
                digits = -1;
                break;
            }
            unsigned d = (unsigned)(*q - '0');
            if (count > (UINT64_MAX - d) / 10)
                overflow = 1;
            count = count * 10 + d;
        }
        char shown[41];
        if (digits <= 0 || overflow) {
            st = w2v_error_set(err, W2V_ERR_FORMAT,
                               "%s:%zu: count is not a non-negative integer: \"%s\"", name,
                               line, printable(shown, num, (size_t)(end - num)));
            break;
        }
        if (memchr(s, '\0', wlen)) {
            st = w2v_error_set(err, W2V_ERR_FORMAT, "%s:%zu: word contains a NUL byte", name,
                               line);
            break;
        }
        if (w2v_vocab_find(v, s, wlen) != W2V_VOCAB_NONE) {
            st = w2v_error_set(err, W2V_ERR_FORMAT, "%s:%zu: duplicate word \"%s\"", name,
                               line, printable(shown, s, wlen));
            break;
        }
        uint32_t id;
        st = w2v_vocab_add(v, s, wlen, count, &id, err);
        if (st) {
            char why[W2V_ERROR_MSG_MAX];
            snprintf(why, sizeof why, "%s", err ? err->msg : "");
            w2v_error_set(err, st, "%s:%zu: %s", name, line, why);
            break;
        }
    }
    if (st == W2V_OK && v->n == 0)
        st = w2v_error_set(err, W2V_ERR_EMPTY, "%s: vocabulary file has no words", name);
    if (st) {
        w2v_vocab_free(v);
        return st;
    }
    *out = v;
    return W2V_OK;
}

w2v_status w2v_vocab_load(const char *path, w2v_vocab **out, w2v_error *err)
{
    *out = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return w2v_error_set(err, W2V_ERR_IO, "%s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    w2v_status st = W2V_OK;
    for (;;) {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 1 << 20;
            char *nb = realloc(buf, cap);
            if (!nb) {
                st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            if (ferror(fp))
                st = w2v_error_set(err, W2V_ERR_IO, "%s: read error at byte %zu (%s)", path,
                                   len, strerror(errno));
            break;
        }
    }
    fclose(fp);
    if (st == W2V_OK)
        st = w2v_vocab_load_mem(buf, len, path, out, err);
    free(buf);
    return st;
}

/* Bytes of a packed count: little-endian, whatever the host. */
#define PACK_COUNT_BYTES 8

w2v_status w2v_vocab_pack(const w2v_vocab *v, char **out, size_t *len, w2v_error *err)
{
    *out = NULL;
    *len = 0;
    size_t total = 0;
    for (size_t id = 0; id < v->n; id++) {
        size_t n = PACK_COUNT_BYTES + (size_t)v->e[id].len + 1;
        if (total > SIZE_MAX - n)
            return w2v_error_set(err, W2V_ERR_NOMEM, "vocabulary: packed form too large");
        total += n;
    }
    char *buf = malloc(total ? total : 1);
    if (!buf)
        return w2v_error_set(err, W2V_ERR_NOMEM, "vocabulary: out of memory packing %zu words",
                             v->n);
    char *p = buf;
    for (size_t id = 0; id < v->n; id++) {
        const entry *e = &v->e[id];
        for (int k = 0; k < PACK_COUNT_BYTES; k++)
            *p++ = (char)(unsigned char)(e->count >> (8 * k));
        memcpy(p, e->word, e->len + 1); /* the word and its '\0' */
        p += e->len + 1;
    }
    *out = buf;
    *len = total;
    return W2V_OK;
}

/*
 * Check the entry at buf[pos..len) of a packed vocabulary: *count and the
 * word's *wlen on success, else W2V_ERR_FORMAT naming name and pos.
 */
static w2v_status unpack_entry(const char *buf, size_t len, size_t pos, const char *name,
                               uint64_t *count, size_t *wlen, w2v_error *err)
{
    size_t rest = len - pos;
    if (rest < PACK_COUNT_BYTES)
        return w2v_error_set(err, W2V_ERR_FORMAT,
                             "%s: truncated entry at byte offset %zu (%zu of %d count bytes)",
                             name, pos, rest, PACK_COUNT_BYTES);
    uint64_t c = 0;
    for (int k = 0; k < PACK_COUNT_BYTES; k++)
        c |= (uint64_t)(unsigned char)buf[pos + (size_t)k] << (8 * k);
    rest -= PACK_COUNT_BYTES;
    const char *word = buf + pos + PACK_COUNT_BYTES;
    /* The NUL may come at most W2V_VOCAB_MAX_WORD_BYTES bytes in. */
    size_t look = rest < W2V_VOCAB_MAX_WORD_BYTES + 1 ? rest : W2V_VOCAB_MAX_WORD_BYTES + 1;
    const char *nul = memchr(word, '\0', look);
    if (!nul && look > W2V_VOCAB_MAX_WORD_BYTES)
        return w2v_error_set(err, W2V_ERR_FORMAT,
                             "%s: word longer than %d bytes at byte offset %zu", name,
                             W2V_VOCAB_MAX_WORD_BYTES, pos);
    if (!nul)
        return w2v_error_set(err, W2V_ERR_FORMAT,
                             "%s: truncated entry at byte offset %zu (word without its NUL)",
                             name, pos);
    if (nul == word)
        return w2v_error_set(err, W2V_ERR_FORMAT, "%s: empty word at byte offset %zu", name,
                             pos);
    *count = c;
    *wlen = (size_t)(nul - word);
    return W2V_OK;
}

w2v_status w2v_vocab_add_packed(w2v_vocab *v, const char *buf, size_t len, const char *name,
                                w2v_error *err)
{
    if (!name)
        name = "packed vocabulary";
    if (!v || (!buf && len > 0))
        return w2v_error_set(err, W2V_ERR_ARG, "%s: missing vocabulary or buffer", name);
    size_t pos = 0;
    while (pos < len) {
        uint64_t count = 0;
        size_t wlen = 0;
        w2v_status st = unpack_entry(buf, len, pos, name, &count, &wlen, err);
        uint32_t id;
        if (st == W2V_OK)
            st = w2v_vocab_add(v, buf + pos + PACK_COUNT_BYTES, wlen, count, &id, err);
        if (st != W2V_OK) {
            if (st != W2V_ERR_FORMAT) { /* the vocabulary's own refusal: say where */
                char why[W2V_ERROR_MSG_MAX];
                snprintf(why, sizeof why, "%s", err ? err->msg : "");
                w2v_error_set(err, st, "%s: entry at byte offset %zu: %s", name, pos, why);
            }
            return st;
        }
        pos += PACK_COUNT_BYTES + wlen + 1;
    }
    return W2V_OK;
}
