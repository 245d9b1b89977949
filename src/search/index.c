/*
 * index.c - the search index file: build, map, check, search (search.h).
 *
 * Shape legend: N documents, D dimension, V words.
 *
 * Layout (host byte order, checked by a marker; every section starts on a
 * 64-byte boundary, zero padding between):
 *   0    "W2VINDEX"  u32 version  u32 0x01020304 (byte-order marker)
 *   16   u64 N, D, V
 *   40   u32 weight, remove_pc   f64 sif_a   u32 lowercase, max_token_bytes
 *   64   u64 documents with no known word
 *   72   NSEC x {u64 offset, u64 length, u64 checksum}, in the order
 *        VEC    N x D f32: the documents, unit rows
 *        OFFS   N + 1 u64: start of each line in TEXT, then TEXT's length
 *        TEXT   the documents' bytes as read
 *        WORDS  V NUL-terminated words
 *        E      V x D f32: the embedder's effective rows (weight x vector)
 *        WGT    V f32: the weights
 *        PC     D f32 when remove_pc, else empty
 *        REGEX  the token pattern (empty: the default scanner)
 *        SOURCE the path the documents were read from (for information)
 *   HEADER_BYTES - 16: u64 0 (reserved), u64 checksum of the header bytes before it
 *
 * DESIGN: the reader maps the file and trusts nothing in it: the header
 * checksum first, then every field against its limits, every section
 * against the file's size, its alignment, its neighbours and the length its
 * shape implies (overflow-checked), the padding between sections (zeros,
 * so every byte of a valid file is covered and any change is caught), then
 * every section's checksum, the line offsets (non-decreasing, inside TEXT,
 * each line ending at its '\n' and holding no other) and the word table (V
 * words, none empty or repeated).  Only then are pointers into the mapping handed out;
 * the vectors are searched in place, never copied.  Floats are not checked
 * for finiteness one by one: the search skips non-finite scores, so a
 * hostile file can at worst make answers disappear, not crash anything.
 * The text is stored rather than the documents' path: answers keep working
 * when the original file moves or changes.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/bigalloc.h"
#include "search/checksum.h"
#include "search/embed.h"
#include "search/index.h"
#include "w2v/atomic_file.h"

static const char MAGIC[8] = {'W', '2', 'V', 'I', 'N', 'D', 'E', 'X'};
#define ORDER_MARK 0x01020304u
enum { S_VEC, S_OFFS, S_TEXT, S_WORDS, S_E, S_WGT, S_PC, S_REGEX, S_SOURCE, NSEC };
static const char *const SEC_NAMES[NSEC] = {"document vectors", "line offsets", "text",
                                            "words", "word rows", "weights", "component",
                                            "token pattern", "source path"};
#define SEC_TABLE 72
#define HEADER_BYTES (SEC_TABLE + NSEC * 24 + 8 + 8) /* + reserved + checksum */
#define ALIGN 64
#define SEED_HEADER 0x1D3Au
/* Threads that sum a large section's checksum at open (w2v_index_open has no
 * thread count; the check is memory-bound, so a few are enough). */
#define VERIFY_THREADS 2

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static uint64_t align_up(uint64_t x) { return (x + ALIGN - 1) / ALIGN * ALIGN; }

/* ---- the in-memory index --------------------------------------------------- */

struct w2v_index {
    void *map;          /* the mapping (munmap'ed on close), or NULL */
    size_t map_len;
    void *copy;         /* an aligned copy made by open_mem, or NULL */
    size_t N, D, V;
    const float *vec, *pc;
    const uint64_t *offs;
    const char *text;
    w2v_embed_opts opts;
    char *regex;
    w2v_embedder *emb;
};

void w2v_index_close(w2v_index *ix)
{
    if (!ix)
        return;
    w2v_embedder_free(ix->emb);
    free(ix->regex);
    if (ix->map)
        munmap(ix->map, ix->map_len);
    free(ix->copy);
    free(ix);
}

size_t w2v_index_size(const w2v_index *ix) { return ix->N; }
size_t w2v_index_dim(const w2v_index *ix) { return ix->D; }
const float *w2v_index_vectors(const w2v_index *ix) { return ix->vec; }
const w2v_embedder *w2v_index_embedder(const w2v_index *ix) { return ix->emb; }
const w2v_embed_opts *w2v_index_embed_opts(const w2v_index *ix) { return &ix->opts; }
const float *w2v_index_pc(const w2v_index *ix) { return ix->pc; }

const char *w2v_index_text(const w2v_index *ix, size_t i, size_t *len)
{
    if (i >= ix->N) {
        *len = 0;
        return "";
    }
    size_t a = ix->offs[i], b = ix->offs[i + 1];
    if (b > a && ix->text[b - 1] == '\n')
        b--;
    if (b > a && ix->text[b - 1] == '\r')
        b--;
    *len = b - a;
    return ix->text + a;
}

/* ---- reading ---------------------------------------------------------------- */

static uint32_t rd32(const unsigned char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* a * b * c without overflow, or UINT64_MAX */
static uint64_t mul3(uint64_t a, uint64_t b, uint64_t c)
{
    if (b && a > UINT64_MAX / b)
        return UINT64_MAX;
    uint64_t ab = a * b;
    if (c && ab > UINT64_MAX / c)
        return UINT64_MAX;
    return ab * c;
}

#define BAD(...) (w2v_error_set(err, W2V_ERR_FORMAT, __VA_ARGS__))

/* Check the bytes p[0..len) (aligned to 64) as an index; on success fill ix. */
static w2v_status parse(const unsigned char *p, size_t len, const char *name, int verify,
                        w2v_index *ix, w2v_error *err)
{
    if (len < HEADER_BYTES)
        return BAD("%s: not a search index (%zu bytes: too short for the header)", name, len);
    if (memcmp(p, MAGIC, 8))
        return BAD("%s: not a search index (bad magic; build one with w2v-search -build)", name);
    if (rd32(p + 12) != ORDER_MARK)
        return BAD("%s: written on a machine of the other byte order", name);
    if (rd32(p + 8) != W2V_INDEX_VERSION)
        return BAD("%s: index version %u, this program reads version %d (rebuild it)", name,
                   rd32(p + 8), W2V_INDEX_VERSION);
    if (verify && rd64(p + HEADER_BYTES - 8) != cks_bytes(p, HEADER_BYTES - 8, SEED_HEADER))
        return BAD("%s: header checksum mismatch (the file is damaged)", name);
    uint64_t N = rd64(p + 16), D = rd64(p + 24), V = rd64(p + 32);
    uint32_t weight = rd32(p + 40), remove_pc = rd32(p + 44);
    double sif_a;
    memcpy(&sif_a, p + 48, 8);
    uint32_t lowercase = rd32(p + 56), max_token = rd32(p + 60);
    if (N < 1 || N > W2V_INDEX_MAX_DOCS)
        return BAD("%s: %llu documents (1 .. 2^40 allowed)", name, (unsigned long long)N);
    if (D < 1 || D > W2V_VECIO_MAX_DIM)
        return BAD("%s: dimension %llu (1 .. %d allowed)", name, (unsigned long long)D,
                   W2V_VECIO_MAX_DIM);
    if (V < 1 || V > W2V_VOCAB_MAX_WORDS)
        return BAD("%s: %llu words", name, (unsigned long long)V);
    if (weight > W2V_WEIGHT_UNIT || remove_pc > 1 || lowercase > 1 || max_token < 1 ||
        max_token > W2V_TOKENIZE_MAX_TOKEN_LIMIT ||
        (weight == W2V_WEIGHT_SIF && !(sif_a > 0 && isfinite(sif_a))))
        return BAD("%s: invalid embedding settings in the header", name);
    uint64_t off[NSEC], n[NSEC], want[NSEC];
    want[S_VEC] = mul3(N, D, 4);
    want[S_OFFS] = mul3(N + 1, 8, 1);
    want[S_E] = mul3(V, D, 4);
    want[S_WGT] = mul3(V, 4, 1);
    want[S_PC] = remove_pc ? D * 4 : 0;
    uint64_t end = HEADER_BYTES;
    for (int s = 0; s < NSEC; s++) {
        off[s] = rd64(p + SEC_TABLE + 24 * s);
        n[s] = rd64(p + SEC_TABLE + 24 * s + 8);
        if (off[s] % ALIGN || off[s] < end || off[s] > len || n[s] > len - off[s])
            return BAD("%s: truncated or damaged (%s section at byte %llu, %llu bytes, "
                       "file %zu bytes)", name, SEC_NAMES[s], (unsigned long long)off[s],
                       (unsigned long long)n[s], len);
        if ((s == S_VEC || s == S_OFFS || s == S_E || s == S_WGT || s == S_PC) &&
            n[s] != want[s])
            return BAD("%s: the %s section has %llu bytes, its shape needs %llu", name,
                       SEC_NAMES[s], (unsigned long long)n[s], (unsigned long long)want[s]);
        for (uint64_t i = end; i < off[s]; i++)
            if (p[i])
                return BAD("%s: non-zero padding at byte %llu (the file is damaged)", name,
                           (unsigned long long)i);
        end = off[s] + n[s];
    }
    if (end != len)
        return BAD("%s: %llu bytes after the last section (damaged or not an index)", name,
                   (unsigned long long)(len - end));
    for (int s = 0; verify && s < NSEC; s++) {
        uint64_t sum;
        if (cks_section(p + off[s], n[s], (uint64_t)s, VERIFY_THREADS, &sum))
            return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
        if (rd64(p + SEC_TABLE + 24 * s + 16) != sum)
            return BAD("%s: checksum mismatch in the %s section (the file is damaged)", name,
                       SEC_NAMES[s]);
    }
    /* line offsets: from 0, non-decreasing, ending at TEXT's length */
    const uint64_t *offs = (const uint64_t *)(const void *)(p + off[S_OFFS]);
    if (offs[0] != 0 || offs[N] != n[S_TEXT])
        return BAD("%s: the line offsets do not span the text", name);
    const char *text = (const char *)(p + off[S_TEXT]);
    for (uint64_t i = 0; i < N; i++) {
        if (offs[i + 1] < offs[i] || offs[i + 1] > n[S_TEXT])
            return BAD("%s: line offset %llu goes backwards or past the text", name,
                       (unsigned long long)i + 1);
        /* a line is its bytes and one '\n' at the end (the last may lack it) */
        uint64_t a = offs[i], b = offs[i + 1];
        int ends = b > a && text[b - 1] == '\n';
        if ((i + 1 < N && !ends) || memchr(text + a, '\n', b - a - (uint64_t)ends))
            return BAD("%s: line %llu does not match the text's lines", name,
                       (unsigned long long)i + 1);
    }
    /* words: exactly V NUL-terminated strings */
    const char *w = (const char *)(p + off[S_WORDS]);
    uint64_t nw = n[S_WORDS];
    if (nw == 0 || w[nw - 1] != '\0')
        return BAD("%s: the word table does not end with a NUL", name);
    const char **words = malloc(V * sizeof *words);
    if (!words)
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory for %llu words", name,
                             (unsigned long long)V);
    uint64_t at = 0, k = 0;
    for (; at < nw && k < V; k++) {
        words[k] = w + at;
        at += strlen(w + at) + 1;
    }
    if (k != V || at != nw) {
        free(words);
        return BAD("%s: the word table holds %s words than the header's %llu", name,
                   k != V ? "fewer" : "more", (unsigned long long)V);
    }
    /* pattern: bytes without NUL */
    uint64_t nre = n[S_REGEX];
    const char *re = (const char *)(p + off[S_REGEX]);
    if (nre && memchr(re, '\0', nre)) {
        free(words);
        return BAD("%s: the token pattern holds a NUL", name);
    }
    if (nre && !(ix->regex = malloc(nre + 1))) {
        free(words);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
    }
    if (nre) {
        memcpy(ix->regex, re, nre);
        ix->regex[nre] = '\0';
    }
    ix->N = N;
    ix->D = D;
    ix->V = V;
    ix->vec = (const float *)(const void *)(p + off[S_VEC]);
    ix->offs = offs;
    ix->text = text;
    ix->pc = remove_pc ? (const float *)(const void *)(p + off[S_PC]) : NULL;
    ix->opts = (w2v_embed_opts){.weight = (w2v_weight)weight, .sif_a = sif_a,
                                .remove_pc = (int)remove_pc};
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    to.regex = ix->regex;
    to.lowercase = (int)lowercase;
    to.max_token_bytes = max_token;
    w2v_error e2;
    w2v_status st = w2v_embedder_wrap(&ix->opts, &to, V, D, words,
                                      (const float *)(const void *)(p + off[S_E]),
                                      (const float *)(const void *)(p + off[S_WGT]), name,
                                      &ix->emb, &e2);
    free(words);
    if (st) {
        /* the message may quote a stored word or pattern: keep it one printable line */
        for (char *c = e2.msg; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f)
                *c = '?';
        return w2v_error_set(err, st == W2V_ERR_REGEX ? W2V_ERR_FORMAT : st, "%s: %s", name,
                             e2.msg);
    }
    return W2V_OK;
}

static w2v_status open_mem(const void *data, size_t len, const char *name, int verify,
                           w2v_index **out, w2v_error *err)
{
    *out = NULL;
    w2v_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
    const unsigned char *p = data;
    if ((uintptr_t)data % ALIGN) {
        if (!(ix->copy = aligned_alloc(ALIGN, align_up(len ? len : 1)))) {
            free(ix);
            return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
        }
        memcpy(ix->copy, data, len);
        p = ix->copy;
    }
    w2v_status st = parse(p, len, name, verify, ix, err);
    if (st) {
        w2v_index_close(ix);
        return st;
    }
    *out = ix;
    return W2V_OK;
}

w2v_status w2v_index_open_mem(const void *data, size_t len, const char *name, w2v_index **out,
                              w2v_error *err)
{
    return open_mem(data, len, name, 1, out, err);
}

w2v_status w2v_index_open_mem_unverified(const void *data, size_t len, const char *name,
                                         w2v_index **out, w2v_error *err)
{
    return open_mem(data, len, name, 0, out, err);
}

w2v_status w2v_index_open(const char *path, w2v_index **out, w2v_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return w2v_error_set(err, W2V_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return w2v_error_set(err, W2V_ERR_IO, "%s: not a regular file", path);
    }
    if (sb.st_size < HEADER_BYTES) {
        close(fd);
        return BAD("%s: not a search index (%lld bytes: too short for the header)", path,
                   (long long)sb.st_size);
    }
    if ((uint64_t)sb.st_size > SIZE_MAX) {
        close(fd);
        return w2v_error_set(err, W2V_ERR_LIMIT, "%s: too large to map", path);
    }
    size_t len = (size_t)sb.st_size;
    void *map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED)
        return w2v_error_set(err, W2V_ERR_IO, "%s: cannot map: %s", path, strerror(e));
    w2v_index *ix = calloc(1, sizeof *ix);
    if (!ix) {
        munmap(map, len);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", path);
    }
    ix->map = map;
    ix->map_len = len;
    w2v_status st = parse(map, len, path, 1, ix, err);
    if (st) {
        w2v_index_close(ix);
        return st;
    }
    *out = ix;
    return W2V_OK;
}

/* ---- searching -------------------------------------------------------------- */

w2v_status w2v_index_search(const w2v_index *ix, const char *const *queries, size_t Q, size_t k,
                            unsigned threads, w2v_doc_hit *out, uint64_t *known, w2v_error *err)
{
    size_t D = ix->D;
    if (k == 0)
        return w2v_error_set(err, W2V_ERR_ARG, "k must be at least 1");
    float *q = malloc((Q ? Q : 1) * D * sizeof *q);
    size_t *which = malloc((Q ? Q : 1) * sizeof *which);
    w2v_doc_hit *hits = malloc((Q ? Q : 1) * k * sizeof *hits);
    w2v_status st = W2V_OK;
    if (!q || !which || !hits || Q > SIZE_MAX / k / sizeof *hits)
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for %zu queries", Q);
    /* embed; queries with no known word are left out of the product */
    size_t m = 0;
    for (size_t i = 0; !st && i < Q; i++) {
        w2v_embed_count c;
        st = w2v_embed_text(ix->emb, queries[i], strlen(queries[i]), q + m * D, &c, err);
        if (known)
            known[i] = c.known;
        for (size_t j = 0; j < k; j++)
            out[i * k + j] = (w2v_doc_hit){.doc = UINT64_MAX, .score = -INFINITY};
        if (!st && c.known)
            which[m++] = i;
    }
    if (!st && m) {
        if (ix->pc)
            w2v_pc_remove(q, m, D, ix->pc);
        w2v_rows_normalize(q, m, D);
        st = w2v_topk(q, m, ix->vec, ix->N, D, k, threads, hits, err);
        for (size_t r = 0; !st && r < m; r++)
            memcpy(out + which[r] * k, hits + r * k, k * sizeof *hits);
    }
    free(q);
    free(which);
    free(hits);
    return st;
}

/* ---- building --------------------------------------------------------------- */

w2v_status w2v_read_all(const char *path, char **out, size_t *outlen, w2v_error *err)
{
    int fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
    if (fd < 0)
        return w2v_error_set(err, W2V_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        if (fd)
            close(fd);
        return w2v_error_set(err, W2V_ERR_IO, "%s: is a directory", path);
    }
    size_t cap = S_ISREG(sb.st_mode) && sb.st_size > 0 ? (size_t)sb.st_size + 1 : 1 << 16;
    size_t len = 0;
    char *buf = malloc(cap);
    w2v_status st = buf ? W2V_OK : w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", path);
    while (!st) {
        if (len == cap) {
            char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            buf = nb;
            cap *= 2;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            st = w2v_error_set(err, W2V_ERR_IO, "%s: read error at byte %zu: %s", path, len,
                               strerror(errno));
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    if (fd)
        close(fd);
    if (st) {
        free(buf);
        return st;
    }
    *out = buf;
    *outlen = len;
    return W2V_OK;
}

typedef struct {
    const void *p;
    uint64_t n;
} section;

w2v_status w2v_index_build(const char *path, const w2v_embedder *e, const char *docs_path,
                           unsigned threads, w2v_index_report *rep, w2v_error *err)
{
    w2v_index_report r = {0};
    w2v_embedder_parts ep = w2v_embedder_get_parts(e);
    size_t D = ep.D;
    char *text = NULL, *words = NULL;
    size_t len = 0;
    uint64_t *offs = NULL;
    uint32_t *known = NULL;
    float *X = NULL, *pc = NULL;
    double t0 = now();
    w2v_status st = w2v_read_all(docs_path, &text, &len, err);
    if (st)
        return st;
    if ((st = w2v_text_check(text, len, docs_path, err)))
        goto done;
    size_t N = w2v_count_lines(text, len, NULL);
    if (N == 0) {
        st = w2v_error_set(err, W2V_ERR_EMPTY, "%s: no lines to index", docs_path);
        goto done;
    }
    if (N > W2V_INDEX_MAX_DOCS || N > SIZE_MAX / sizeof(float) / D) {
        st = w2v_error_set(err, W2V_ERR_LIMIT, "%s: too many lines (%zu)", docs_path, N);
        goto done;
    }
    offs = malloc((N + 1) * sizeof *offs);
    known = malloc(N * sizeof *known);
    X = big_alloc(N * D * sizeof *X);
    if (!offs || !known || !X) {
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for %zu x %zu document vectors",
                           N, D);
        goto done;
    }
    w2v_count_lines(text, len, offs);
    st = w2v_embed_lines(e, text, len, N, X, known, threads, err);
    if (st)
        goto done;
    r.docs = N;
    for (size_t i = 0; i < N; i++) {
        r.known += known[i];
        r.empty += known[i] == 0;
    }
    double t1 = now();
    r.embed_seconds = t1 - t0;
    int remove = w2v_embed_removes_pc(ep.opts);
    if (remove) {
        if (!(pc = malloc(D * sizeof *pc))) {
            st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
            goto done;
        }
        st = w2v_pc_compute(X, N, D, pc, err);
        if (st == W2V_ERR_EMPTY)
            st = w2v_error_set(err, W2V_ERR_EMPTY, "%s: no line has a word with a vector",
                               docs_path);
        if (st)
            goto done;
        w2v_pc_remove(X, N, D, pc);
    }
    w2v_rows_normalize(X, N, D);
    double t2 = now();
    r.pc_seconds = t2 - t1;
    /* the word table */
    size_t wlen = 0;
    for (size_t i = 0; i < ep.V; i++)
        wlen += strlen(ep.words[i]) + 1;
    if (!(words = malloc(wlen))) {
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0, at = 0; i < ep.V; i++) {
        size_t l = strlen(ep.words[i]) + 1;
        memcpy(words + at, ep.words[i], l);
        at += l;
    }
    const char *re = ep.tok->regex ? ep.tok->regex : "";
    section sec[NSEC] = {
        [S_VEC] = {X, (uint64_t)N * D * 4}, [S_OFFS] = {offs, ((uint64_t)N + 1) * 8},
        [S_TEXT] = {text, len},             [S_WORDS] = {words, wlen},
        [S_E] = {ep.E, (uint64_t)ep.V * D * 4}, [S_WGT] = {ep.weights, (uint64_t)ep.V * 4},
        [S_PC] = {pc, remove ? (uint64_t)D * 4 : 0}, [S_REGEX] = {re, strlen(re)},
        [S_SOURCE] = {docs_path, strlen(docs_path)}};
    unsigned char hdr[HEADER_BYTES];
    memset(hdr, 0, sizeof hdr);
    memcpy(hdr, MAGIC, 8);
    uint32_t u32[] = {W2V_INDEX_VERSION, ORDER_MARK};
    memcpy(hdr + 8, u32, 8);
    uint64_t u64[] = {N, D, ep.V};
    memcpy(hdr + 16, u64, 24);
    uint32_t flags[] = {(uint32_t)ep.opts->weight, (uint32_t)remove};
    memcpy(hdr + 40, flags, 8);
    memcpy(hdr + 48, &ep.opts->sif_a, 8);
    uint32_t tflags[] = {(uint32_t)!!ep.tok->lowercase, (uint32_t)ep.tok->max_token_bytes};
    memcpy(hdr + 56, tflags, 8);
    memcpy(hdr + 64, &r.empty, 8);
    uint64_t at = align_up(HEADER_BYTES);
    for (int s = 0; s < NSEC; s++) {
        uint64_t ent[3] = {at, sec[s].n, 0};
        if (cks_section(sec[s].p, sec[s].n, (uint64_t)s, threads, &ent[2])) {
            st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
            goto done;
        }
        memcpy(hdr + SEC_TABLE + 24 * s, ent, 24);
        at = align_up(at + sec[s].n);
    }
    uint64_t hsum = cks_bytes(hdr, HEADER_BYTES - 8, SEED_HEADER);
    memcpy(hdr + HEADER_BYTES - 8, &hsum, 8);
    w2v_afile *af;
    FILE *fp;
    if ((st = w2v_afile_open(path, &af, &fp, err)))
        goto done;
    static const char zeros[ALIGN];
    int bad = fwrite(hdr, 1, HEADER_BYTES, fp) != HEADER_BYTES;
    uint64_t pos = HEADER_BYTES;
    for (int s = 0; s < NSEC && !bad; s++) {
        uint64_t pad = align_up(pos) - pos;
        bad = fwrite(zeros, 1, pad, fp) != pad ||
              (sec[s].n && fwrite(sec[s].p, 1, sec[s].n, fp) != sec[s].n);
        pos += pad + sec[s].n;
    }
    if (bad) {
        int e2 = errno;
        w2v_afile_abort(af);
        st = w2v_error_set(err, W2V_ERR_IO, "%s: write failed: %s", path, strerror(e2));
        goto done;
    }
    st = w2v_afile_commit(af, err);
    r.write_seconds = now() - t2;
done:
    if (rep)
        *rep = r;
    free(text);
    free(words);
    free(offs);
    free(known);
    free(X);
    free(pc);
    return st;
}
