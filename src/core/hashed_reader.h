/*
 * hashed_reader.h - reading a checked file: every byte read is also added
 * to the checksum (hash64.h) that the file ends with.  Shared by the
 * checkpoint, read from a FILE, and the saved model, read from memory (a
 * mapped file or a fuzzer's buffer); private to the library (static
 * inline, so it exports no symbols).  hashed_writer.h writes them.
 *
 * DESIGN: a failure is sticky (st, its message in err), so a reader takes
 * a run of fields without checking each call and looks once after.
 */
#ifndef W2V_CORE_HASHED_READER_H
#define W2V_CORE_HASHED_READER_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/hash64.h"
#include "w2v/error.h"

typedef struct {
    FILE *fp;                 /* the file read, or NULL: the bytes p[0..len) */
    const unsigned char *p;
    uint64_t len, off;        /* the bytes' length; bytes read so far */
    const char *name, *kind;  /* for messages: "NAME: KIND truncated at byte N" */
    w2v_hash64 hs;            /* start it at the format's seed: {.hs = {.h = SEED}} */
    w2v_status st;            /* the first failure */
    w2v_error *err;
} w2v_hreader;

/* Read n bytes into dst and add them to the checksum.  @return 0, or -1
 * (st set: the input ends first, or a read error) and after any failure. */
static inline int w2v_hr_get(w2v_hreader *r, void *dst, size_t n)
{
    if (r->st)
        return -1;
    size_t got = n;
    if (r->fp)
        got = n ? fread(dst, 1, n, r->fp) : 0;
    else if (n > r->len - r->off)
        got = (size_t)(r->len - r->off);
    else if (n)
        memcpy(dst, r->p + r->off, n);
    if (got != n) {
        r->st = w2v_error_set(r->err, r->fp && ferror(r->fp) ? W2V_ERR_IO : W2V_ERR_FORMAT,
                              "%s: %s truncated at byte %llu", r->name, r->kind,
                              (unsigned long long)(r->off + got));
        return -1;
    }
    w2v_hash64_add(&r->hs, dst, n);
    r->off += n;
    return 0;
}

/* A field of the file's byte order (the machine's; the header's mark says
 * which), 0 after a failure. */
static inline uint32_t w2v_hr_u32(w2v_hreader *r)
{
    uint32_t v = 0;
    w2v_hr_get(r, &v, 4);
    return v;
}

static inline uint64_t w2v_hr_u64(w2v_hreader *r)
{
    uint64_t v = 0;
    w2v_hr_get(r, &v, 8);
    return v;
}

static inline double w2v_hr_f64(w2v_hreader *r)
{
    double v = 0;
    w2v_hr_get(r, &v, 8);
    return v;
}

/* W2V_ERR_FORMAT "NAME: not a valid KIND (what)", unless a failure came
 * first.  @return st. */
static inline w2v_status w2v_hr_bad(w2v_hreader *r, const char *what)
{
    if (!r->st)
        r->st = w2v_error_set(r->err, W2V_ERR_FORMAT, "%s: not a valid %s (%s)", r->name,
                              r->kind, what);
    return r->st;
}

#endif
