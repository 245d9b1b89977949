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
 * One pass over the byte range of path that opts names, as a share
 * (opts->share, no opts->vocab), counting into count_into: a vocabulary of
 * the caller's that *out does not hold.  *out's stream lives in pages of
 * its own (core/pages.h; its mapped_bytes), and its words are not counted
 * (words 0).  *edge receives the range's edges.  @return as
 * w2v_corpus_build.
 */
w2v_status w2v_corpus_read_chunk(const char *path, const w2v_tokenizer *tok,
                                 const w2v_corpus_opts *opts, w2v_vocab *count_into,
                                 w2v_corpus **out, w2v_corpus_edges *edge, w2v_error *err);

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
