/*
 * search.h - sentence embeddings and exact nearest-document search.
 *
 * Three pieces, each usable alone:
 *   - the embedder: a line of text -> one vector, the weighted mean of the
 *     vectors of its known words.  Weights: SIF (Arora, Liang and Ma 2017:
 *     a / (a + p(w)), p(w) = count / total from a vocabulary with counts),
 *     a plain mean, or the mean of unit-length word vectors (what fastText
 *     prints as a sentence vector).  SIF then removes the projection on the
 *     first principal component of the embedded set (w2v_pc_*).
 *   - the index: the document vectors (unit length), the component, the
 *     embedder's word table, and the documents' text with the byte offset of
 *     each line, in one versioned, checksummed file that is memory-mapped,
 *     not copied, when opened.  The text lives in the index, so moving or
 *     editing the original file does not break the answers.
 *   - exact top-k by cosine: the blocked product of eval/gemm.h over tiles
 *     of documents, one range of documents per thread, a bounded heap per
 *     query, merged at the end.
 *
 * Shape legend: N documents, D dimensions, V words, Q queries, k answers.
 *
 * Readers of index files distrust every field, as the checkpoint reader
 * does: sizes are checked against the bytes present and against limits with
 * overflow-checked arithmetic, every section carries a checksum, and an
 * error names the file.  Objects are immutable once built, so any number of
 * threads may embed or search with one embedder or index.
 */
#ifndef W2V_SEARCH_H
#define W2V_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/error.h"
#include "w2v/tokenize.h"
#include "w2v/vecio.h"
#include "w2v/vocab.h"

typedef enum {
    W2V_WEIGHT_SIF = 0,  /* a / (a + p(w)), then the first component removed */
    W2V_WEIGHT_MEAN = 1, /* plain mean of the word vectors */
    W2V_WEIGHT_UNIT = 2  /* mean of the word vectors scaled to unit length */
} w2v_weight;

/* SIF's a: Arora et al. found 1e-3 .. 1e-4 best; 1e-3 is their default. */
#define W2V_SIF_A_DEFAULT 1e-3

typedef struct {
    w2v_weight weight;
    double sif_a;   /* > 0; used by W2V_WEIGHT_SIF only */
    int remove_pc;  /* -1: by weight (SIF yes, the others no); 0 no; 1 yes */
} w2v_embed_opts;

/* SIF, a = 1e-3, component removal by weight. */
w2v_embed_opts w2v_embed_opts_default(void);

/* Name of a weighting ("sif", "mean", "unit"); its parser (-1 if unknown). */
const char *w2v_weight_name(w2v_weight w);
int w2v_weight_parse(const char *s);

/* Non-zero when opts asks for the component to be removed. */
int w2v_embed_removes_pc(const w2v_embed_opts *opts);

typedef struct w2v_embedder w2v_embedder;

/*
 * Build an embedder from word vectors (kept by reference for nothing: the
 * table is copied) and, for SIF, a vocabulary with counts (w2v-train's
 * -save-vocab).  A word of vecs missing from counts has p(w) = 0 (weight 1,
 * the rarest possible); counts may be NULL for mean and unit.  The tokenizer
 * is built from tok (copied).  @return W2V_OK and *out; W2V_ERR_ARG (SIF
 * without counts, a <= 0, counts with total 0); W2V_ERR_NOMEM; the
 * tokenizer's errors.
 */
w2v_status w2v_embedder_create(const w2v_embed_opts *opts, const w2v_tokenize_opts *tok,
                               const w2v_vectors *vecs, const w2v_vocab *counts,
                               w2v_embedder **out, w2v_error *err);
void w2v_embedder_free(w2v_embedder *e);

size_t w2v_embedder_dim(const w2v_embedder *e);
/* The weight of word id i (row i of the vectors it was built from). */
float w2v_embedder_weight(const w2v_embedder *e, size_t i);

/* What embedding a text found: tokens seen, tokens with a vector. */
typedef struct {
    uint64_t tokens, known;
} w2v_embed_count;

/*
 * Embed text[0..len) as one line (a '\n' inside is read as a blank):
 * out (D floats) = the mean over known tokens of weight(w) * f(vec(w)),
 * f = identity or scaling to unit length; zeros when no token is known.
 * No component is removed here (w2v_pc_remove).  cnt may be NULL.
 * Thread-safe.  @return W2V_OK; W2V_ERR_REGEX, W2V_ERR_NOMEM.
 */
w2v_status w2v_embed_text(const w2v_embedder *e, const char *text, size_t len, float *out,
                          w2v_embed_count *cnt, w2v_error *err);

/*
 * Embed every line of buf[0..len) (lines end with '\n'; a last line
 * without one counts; an empty buffer has no lines): n = the number of
 * lines, out = n rows of D floats (row i at out + i * D), known[i] (may be
 * NULL) = known tokens of line i.  Uses up to `threads` threads (0: 1).
 * @return W2V_OK; W2V_ERR_THREAD; the tokenizer's errors.
 */
w2v_status w2v_embed_lines(const w2v_embedder *e, const char *buf, size_t len, size_t n,
                           float *out, uint32_t *known, unsigned threads, w2v_error *err);

/* Read all of path ("-": standard input; pipes work) into a malloc'ed
 * buffer *buf of *len bytes (caller frees).  @return W2V_OK; W2V_ERR_IO
 * naming the file (missing, a directory, read error); W2V_ERR_NOMEM. */
w2v_status w2v_read_all(const char *path, char **buf, size_t *len, w2v_error *err);

/* W2V_OK, or W2V_ERR_FORMAT naming name, the line and the byte offset of the
 * first NUL byte in buf[0..len) (as the trainer refuses them). */
w2v_status w2v_text_check(const char *buf, size_t len, const char *name, w2v_error *err);

/* Number of lines in buf[0..len), and if offs is non-NULL their starts:
 * offs[i] = first byte of line i, offs[n] = len (n + 1 entries). */
size_t w2v_count_lines(const char *buf, size_t len, uint64_t *offs);

/*
 * The first principal component of the N rows of X (D floats each, row i at
 * X + i * D) as Arora et al. compute it: the top right singular vector of X,
 * uncentred, of unit length, its largest-magnitude entry positive (so the
 * sign is reproducible).  Power iteration on X^T X in double precision until
 * the direction moves less than 1e-9.  Rows of zeros are harmless.
 * @return W2V_OK; W2V_ERR_EMPTY (X is all zeros or N == 0); W2V_ERR_NOMEM.
 */
w2v_status w2v_pc_compute(const float *X, size_t N, size_t D, float *pc, w2v_error *err);

/* x -= (x . pc) pc for every row (pc of unit length). */
void w2v_pc_remove(float *X, size_t N, size_t D, const float *pc);

/* Save pc as a one-row word2vec text file (key "pc"), atomically; load it
 * back, checking it has D entries and unit length.  Errors name the file. */
w2v_status w2v_pc_save(const char *path, const float *pc, size_t D, w2v_error *err);
w2v_status w2v_pc_load(const char *path, float *pc, size_t D, w2v_error *err);

/* Scale each row to unit length (zero rows stay zero). */
void w2v_rows_normalize(float *X, size_t N, size_t D);

/* ---- exact top-k ---------------------------------------------------------- */

typedef struct {
    uint64_t doc;
    float score;
} w2v_doc_hit;

/*
 * For each of the Q rows of q, the k rows of X (N x D) with the largest dot
 * product, best first; ties go to the lower row.  out holds Q * k hits
 * (query i's at out + i * k); when N < k the rest of a query's slots are
 * {UINT64_MAX, -INFINITY}.  Non-finite scores are never returned.  threads
 * 0 means 1.  Reads X once per tile of documents, all queries together.
 * @return W2V_OK; W2V_ERR_NOMEM; W2V_ERR_THREAD; W2V_ERR_ARG (k == 0).
 */
w2v_status w2v_topk(const float *q, size_t Q, const float *X, size_t N, size_t D, size_t k,
                    unsigned threads, w2v_doc_hit *out, w2v_error *err);

/* The reference: scalar dot products in order, a full sort per query. */
w2v_status w2v_topk_ref(const float *q, size_t Q, const float *X, size_t N, size_t D, size_t k,
                        w2v_doc_hit *out, w2v_error *err);

/* ---- the index file ------------------------------------------------------- */

#define W2V_INDEX_VERSION 1
/* Largest number of documents accepted when reading (2^40: far past memory). */
#define W2V_INDEX_MAX_DOCS (1ull << 40)

typedef struct {
    uint64_t docs;        /* lines of DOCS */
    uint64_t empty;       /* lines with no known word (zero vectors) */
    uint64_t tokens, known;
    double embed_seconds, pc_seconds, write_seconds;
} w2v_index_report;

/*
 * Embed every line of docs_path with e, remove the first component when e's
 * options say so (computed on these documents), scale rows to unit length,
 * and write path atomically: header, document vectors, line offsets, the
 * text, the word table and the component.  rep may be NULL.
 * @return W2V_OK; W2V_ERR_IO naming a file; W2V_ERR_EMPTY (no lines);
 * W2V_ERR_NOMEM; the embedder's errors.
 */
w2v_status w2v_index_build(const char *path, const w2v_embedder *e, const char *docs_path,
                           unsigned threads, w2v_index_report *rep, w2v_error *err);

typedef struct w2v_index w2v_index;

/*
 * Map path read-only and check it whole: header fields, section bounds and
 * sizes, every checksum, line offsets, the word table.  The document
 * vectors are used in place (the mapping), never copied.  @return W2V_OK
 * and *out; W2V_ERR_FORMAT naming the file and what is wrong (truncated,
 * bad magic, version, checksum ...); W2V_ERR_IO; W2V_ERR_LIMIT; W2V_ERR_NOMEM.
 */
w2v_status w2v_index_open(const char *path, w2v_index **out, w2v_error *err);

/* The same over bytes in memory (kept by reference; name in messages). */
w2v_status w2v_index_open_mem(const void *data, size_t len, const char *name, w2v_index **out,
                              w2v_error *err);

void w2v_index_close(w2v_index *ix);

size_t w2v_index_size(const w2v_index *ix);                  /* N */
size_t w2v_index_dim(const w2v_index *ix);                   /* D */
const float *w2v_index_vectors(const w2v_index *ix);         /* N x D, unit rows */
const w2v_embedder *w2v_index_embedder(const w2v_index *ix); /* the query side */
const w2v_embed_opts *w2v_index_embed_opts(const w2v_index *ix);
const float *w2v_index_pc(const w2v_index *ix);              /* NULL when none removed */
/* Line i's text (without its '\n') and length. */
const char *w2v_index_text(const w2v_index *ix, size_t i, size_t *len);

/*
 * Embed the Q queries as the documents were (same weights, same component
 * removed, unit length) and find each one's k best documents (w2v_topk).
 * known[i] (may be NULL) = query i's known tokens; a query with none gets
 * no hits (all slots {UINT64_MAX, -INFINITY}).  @return as w2v_topk and
 * w2v_embed_text.
 */
w2v_status w2v_index_search(const w2v_index *ix, const char *const *queries, size_t Q, size_t k,
                            unsigned threads, w2v_doc_hit *out, uint64_t *known, w2v_error *err);

#endif
