/*
 * corpus_pass.h - corpus.c's one pass over text, as the parallel read in
 * corpus_parallel.c uses it (private to the library).
 *
 * The parallel read counts chunks of a file on threads as one pass would,
 * each into a vocabulary of its reader's, and joins them; what it needs of
 * the one pass is declared here, and the pass calls it back through
 * w2v_corpus_build_parallel.
 */
#ifndef W2V_TEXT_CORPUS_PASS_H
#define W2V_TEXT_CORPUS_PASS_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/corpus.h"

/* What the join needs to know of a chunk's edges: the sentence-end calls
 * before its first token and after its last (all of them when it has no
 * token). */
typedef struct {
    uint64_t head, tail;
    int any_token;
} w2v_corpus_edges;

/*
 * A chunk's stream as read, before the join: its counting ids in 16-bit
 * codes, which hold a file's stream in about half the memory of 4-byte
 * ids (enwiki8: 33 MiB against 65), so that every chunk and every reader's
 * vocabulary together weigh less than one thread's stream alone.  A code
 * is W2V_CODE_EOS for a sentence end, id + 1 for a counting id below
 * W2V_CODE_WIDE - 1 (the words a reader meets first, so the frequent ones),
 * and W2V_CODE_WIDE followed by the id's high and low 16 bits otherwise.
 */
#define W2V_CODE_EOS 0u
#define W2V_CODE_WIDE 0xFFFFu

typedef struct {
    uint16_t *code;        /* pages of its own (core/pages.h), cap codes of them */
    size_t ncode, cap;     /* codes in it; room */
    size_t len;            /* entries (ids and sentence ends) they hold */
    uint32_t last;         /* the last entry (when len > 0) */
    w2v_tokenize_stats tok;
    w2v_corpus_edges edge;
} w2v_corpus_chunk;

/* Code id (a counting id or W2V_CORPUS_EOS) at out, which has room for 3
 * codes: @return the codes written. */
static inline size_t w2v_code_put(uint16_t *out, uint32_t id)
{
    if (id == W2V_CORPUS_EOS) {
        out[0] = W2V_CODE_EOS;
        return 1;
    }
    if (id < W2V_CODE_WIDE - 1) {
        out[0] = (uint16_t)(id + 1);
        return 1;
    }
    out[0] = W2V_CODE_WIDE;
    out[1] = (uint16_t)(id >> 16);
    out[2] = (uint16_t)id;
    return 3;
}

/* The entry at code[*at] (a counting id or W2V_CORPUS_EOS); *at moves past
 * it. */
static inline uint32_t w2v_code_next(const uint16_t *code, size_t *at)
{
    uint32_t c = code[(*at)++];
    if (c == W2V_CODE_EOS)
        return W2V_CORPUS_EOS;
    if (c != W2V_CODE_WIDE)
        return c - 1;
    c = (uint32_t)code[*at] << 16 | code[*at + 1];
    *at += 2;
    return c;
}

/*
 * One pass over the byte range of path that opts names, as a share
 * (opts->share, no opts->vocab), counting into count_into: a vocabulary of
 * the caller's.  *out (the caller's; w2v_corpus_chunk_free) receives the
 * range's stream in codes, its tokenizer counts and its edges.  @return
 * as w2v_corpus_build.
 */
w2v_status w2v_corpus_read_chunk(const char *path, const w2v_tokenizer *tok,
                                 const w2v_corpus_opts *opts, w2v_vocab *count_into,
                                 w2v_corpus_chunk *out, w2v_error *err);

/* Release what ch holds and empty it. */
void w2v_corpus_chunk_free(w2v_corpus_chunk *ch);

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
size_t w2v_corpus_remap_run(uint32_t *out, const uint32_t *ids, size_t len, const uint32_t *map,
                            int after_end, uint64_t *dropped, uint64_t *words);

/*
 * w2v_corpus_remap_run over a chunk's codes, code[0..ncode) (which end on
 * an entry's end), into out.  out may lie below the codes in the same
 * memory where no write reaches a code not yet read: entry e goes to
 * out + e once code e is read (expand_chunk's layout).  *dropped and
 * *words as w2v_corpus_remap_run's.  @return the entries written.
 */
size_t w2v_corpus_remap_codes(uint32_t *out, const uint16_t *code, size_t ncode,
                              const uint32_t *map, int after_end, uint64_t *dropped,
                              uint64_t *words);

/* ids[0..len) without the sentence ends at its end: @return the new length. */
size_t w2v_corpus_trim_ends(const uint32_t *ids, size_t len);

/*
 * W2V_ERR_EMPTY, with the reason, when a finished stream of len entries
 * over vocabulary v, from tokens tokens, holds no word; counting: v was
 * counted from the text (else given, opts->vocab).  W2V_OK otherwise.
 */
w2v_status w2v_corpus_check_nonempty(uint64_t tokens, const w2v_vocab *v, size_t len,
                                     int counting, const char *path,
                                     const w2v_corpus_opts *opts, w2v_error *err);

/*
 * Read path on opts->threads threads where that applies (corpus_parallel.c).
 * @return W2V_OK with *out set; W2V_OK with *out NULL where the read should
 * be done on one thread (not applicable, or a chunk failed: one pass then
 * gives the error exactly); an error of the join.
 */
w2v_status w2v_corpus_build_parallel(const char *path, const w2v_tokenizer *tok,
                                     const w2v_corpus_opts *opts, w2v_corpus **out,
                                     w2v_error *err);

#endif
