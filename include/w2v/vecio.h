/*
 * vecio.h - word-vector files in the formats the field exchanges.
 *
 * Formats (see docs/usage.md, "File formats"):
 *   binary (word2vec.c): "<V> <D>\n", then per word: its bytes, ' ', D
 *          little-endian float32, '\n'.  gensim writes no '\n' after the
 *          floats; the reader accepts both.
 *   text   (word2vec.c, fastText .vec): "<V> <D>\n", then per line the word
 *          and D decimal values separated by single spaces; a trailing space
 *          (fastText, word2vec.c) and CRLF are accepted.
 *
 * DESIGN: readers distrust every header field: V and D are checked against
 * limits and against the bytes actually present before anything is
 * allocated, sizes are overflow-checked, and a short, non-numeric or
 * non-finite value is an error naming the file and the line or byte offset.
 * Writers go through a temporary file renamed into place (atomic_file.h), so
 * a failed write never leaves a truncated file under the final name.
 */
#ifndef W2V_VECIO_H
#define W2V_VECIO_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/error.h"

/* Largest dimension accepted when reading (a header beyond it is refused). */
#define W2V_VECIO_MAX_DIM 100000
/* Longest word accepted when reading, in bytes. */
#define W2V_VECIO_MAX_WORD 4096

/* A read vector file: V words, row i of vecs (D floats) belongs to words[i]. */
typedef struct {
    size_t V, D;
    char **words;   /* V NUL-terminated strings (point into one arena) */
    float *vecs;    /* V * D floats, row-major */
    void *arena_;   /* owned storage behind words; not for callers */
} w2v_vectors;

enum { W2V_FORMAT_AUTO = -1, W2V_FORMAT_TEXT = 0, W2V_FORMAT_BINARY = 1 };

/*
 * Read a vector file.  format: W2V_FORMAT_AUTO detects binary vs text from
 * the bytes after the header.  max_words > 0 keeps only the first max_words
 * rows (the most frequent in word2vec order), reading no further.
 * A word that occurs again keeps its first vector and the later rows are
 * dropped (as gensim does), so V may be less than the header's count;
 * max_words counts distinct words.  The header must match the data: fewer
 * records, or more (unless max_words stopped reading), is an error.  A path
 * must be a regular file or a pipe.  Thread-safe (no shared state).
 * @return W2V_OK and *out (free with w2v_vectors_free), or an error with
 * *out == NULL and err naming the file and line/byte: W2V_ERR_FORMAT
 * (malformed, truncated, non-finite value, word longer than
 * W2V_VECIO_MAX_WORD), W2V_ERR_LIMIT (dimension above W2V_VECIO_MAX_DIM,
 * sizes beyond memory), W2V_ERR_EMPTY (header declares 0 words),
 * W2V_ERR_IO, W2V_ERR_NOMEM.
 */
w2v_status w2v_vectors_read(const char *path, int format, size_t max_words, w2v_vectors **out,
                            w2v_error *err);

/* The same from memory; name is used in error messages (fuzz targets). */
w2v_status w2v_vectors_read_mem(const void *data, size_t len, const char *name, int format,
                                size_t max_words, w2v_vectors **out, w2v_error *err);

/* Free what a reader returned; NULL is accepted. */
void w2v_vectors_free(w2v_vectors *v);

/*
 * Write V rows of D floats (row i at vecs + i * stride) with their words, in
 * binary (binary != 0) or text format, atomically to path.  Text values are
 * printed with 9 significant digits, so they read back as the same floats.
 * Words must not contain spaces or newlines (W2V_ERR_ARG otherwise).
 */
w2v_status w2v_vectors_write(const char *path, int binary, size_t V, size_t D,
                             const char *const *words, const float *vecs, size_t stride,
                             w2v_error *err);

#endif
