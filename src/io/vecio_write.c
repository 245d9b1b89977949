/*
 * vecio_write.c - writing word2vec binary and text vector files.
 *
 * The binary record is word, ' ', D float32 in little-endian order, '\n'
 * (word2vec.c's layout; gensim and fastText read it).  On a big-endian host
 * the floats are byte-swapped so files are the same everywhere.  Text
 * values use "%.9g": nine significant digits read back as the same float.
 */
#include "w2v/vecio.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "w2v/atomic_file.h"

static int word_ok(const char *w)
{
    return *w && !strpbrk(w, " \t\n\r\v\f");
}

static int write_floats_le(FILE *fp, const float *row, size_t D)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    for (size_t d = 0; d < D; d++) {
        unsigned char b[4];
        memcpy(b, &row[d], 4);
        unsigned char le[4] = {b[3], b[2], b[1], b[0]};
        if (fwrite(le, 1, 4, fp) != 4)
            return -1;
    }
    return 0;
#else
    return fwrite(row, sizeof *row, D, fp) == D ? 0 : -1;
#endif
}

w2v_status w2v_vectors_write(const char *path, int binary, size_t V, size_t D,
                             const char *const *words, const float *vecs, size_t stride,
                             w2v_error *err)
{
    for (size_t i = 0; i < V; i++)
        if (!word_ok(words[i]))
            return w2v_error_set(err, W2V_ERR_ARG,
                                 "%s: word %zu is empty or contains whitespace", path, i + 1);
    w2v_afile *af;
    FILE *fp;
    w2v_status st = w2v_afile_open(path, &af, &fp, err);
    if (st)
        return st;
    int bad = fprintf(fp, "%zu %zu\n", V, D) < 0;
    for (size_t i = 0; i < V && !bad; i++) {
        const float *row = vecs + i * stride;
        bad = fputs(words[i], fp) == EOF;
        if (binary) {
            bad = bad || fputc(' ', fp) == EOF || write_floats_le(fp, row, D) != 0 ||
                  fputc('\n', fp) == EOF;
        } else {
            for (size_t d = 0; d < D && !bad; d++)
                bad = fprintf(fp, " %.9g", (double)row[d]) < 0;
            bad = bad || fputc('\n', fp) == EOF;
        }
    }
    if (bad) {
        int e = errno;
        w2v_afile_abort(af);
        return w2v_error_set(err, W2V_ERR_IO, "%s: write failed: %s", path, strerror(e));
    }
    return w2v_afile_commit(af, err);
}
