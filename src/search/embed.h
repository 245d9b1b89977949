/*
 * embed.h - what the index needs from the embedder beyond search.h: build
 * one from a stored word table (the index's), and read its parts back to
 * store them.  Private to src/search.
 */
#ifndef W2V_SEARCH_EMBED_H
#define W2V_SEARCH_EMBED_H

#include "w2v/search.h"

/*
 * An embedder over a word table: V words (words[i], NUL-terminated, no two
 * equal), their effective rows E (V x D: weight times the vector or the
 * unit vector; kept by reference, not copied, so E may point into a
 * mapping) and weights (V floats, by reference).  @return W2V_OK;
 * W2V_ERR_FORMAT (name: a duplicate or empty word); W2V_ERR_NOMEM; the
 * tokenizer's errors.
 */
w2v_status w2v_embedder_wrap(const w2v_embed_opts *opts, const w2v_tokenize_opts *tok,
                             size_t V, size_t D, const char *const *words, const float *E,
                             const float *weights, const char *name, w2v_embedder **out,
                             w2v_error *err);

typedef struct {
    const w2v_embed_opts *opts;
    const w2v_tokenize_opts *tok;
    size_t V, D;
    const char *const *words;
    const float *E, *weights;
} w2v_embedder_parts;

w2v_embedder_parts w2v_embedder_get_parts(const w2v_embedder *e);

#endif
