/*
 * hashed_writer.h - writing a checked file: every byte written is also added
 * to the file's checksum (hash64.h), which w2v_hw_finish appends.  Shared by
 * the checkpoint and the saved model (private to the library; static inline,
 * so it exports no symbols).
 *
 * DESIGN: a write error is sticky (bad), so a writer puts a whole file
 * without checking each call and looks once at the end.
 */
#ifndef W2V_CORE_HASHED_WRITER_H
#define W2V_CORE_HASHED_WRITER_H

#include <stdint.h>
#include <stdio.h>

#include "core/hash64.h"

typedef struct {
    FILE *fp;
    w2v_hash64 hs; /* start it at the format's seed: {.hs = {.h = SEED}} */
    int bad;       /* non-zero after a failed write */
} w2v_hwriter;

static inline void w2v_hw_put(w2v_hwriter *w, const void *p, size_t n)
{
    if (w->bad || n == 0)
        return;
    w2v_hash64_add(&w->hs, p, n);
    w->bad = fwrite(p, 1, n, w->fp) != n;
}

static inline void w2v_hw_u32(w2v_hwriter *w, uint32_t v) { w2v_hw_put(w, &v, 4); }
static inline void w2v_hw_u64(w2v_hwriter *w, uint64_t v) { w2v_hw_put(w, &v, 8); }
static inline void w2v_hw_f64(w2v_hwriter *w, double v) { w2v_hw_put(w, &v, 8); }

/* Appends the checksum of everything put (not itself summed).
 * @return 0, or non-zero when this or an earlier write failed. */
static inline int w2v_hw_finish(w2v_hwriter *w)
{
    uint64_t sum = w2v_hash64_final(&w->hs);
    if (!w->bad)
        w->bad = fwrite(&sum, 8, 1, w->fp) != 1;
    return w->bad;
}

#endif
