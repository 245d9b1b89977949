/*
 * bigalloc.h - allocation of large buffers (vector matrices) on 2 MiB pages
 * where the kernel offers them (private to the library; static inline, so
 * it exports no symbols).
 *
 * DESIGN: a 30,000 x 300 matrix is 36 MB; touching it for the first time
 * costs one page fault per 4 KiB page, which on virtualised machines is
 * tens of microseconds each, and 2 MiB pages cut that cost about 25-fold
 * (docs/performance.md, "Component timings").  So buffers of BIG_ALLOC_MIN
 * bytes or more are 2 MiB aligned, rounded up to 2 MiB and advised
 * MADV_HUGEPAGE.  The memory is released with free() like any other;
 * where MADV_HUGEPAGE does not exist this is plain aligned_alloc.
 */
#ifndef W2V_BIGALLOC_H
#define W2V_BIGALLOC_H

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define BIG_ALLOC_MIN ((size_t)4 << 20)
#define BIG_ALLOC_PAGE ((size_t)2 << 20)

/* n bytes aligned to 64 (2 MiB when n is large), or NULL.  Free with free(). */
static inline void *big_alloc(size_t n)
{
    if (n < BIG_ALLOC_MIN)
        return aligned_alloc(64, (n + 63) / 64 * 64);
    if (n > SIZE_MAX - BIG_ALLOC_PAGE)
        return NULL;
    size_t r = (n + BIG_ALLOC_PAGE - 1) / BIG_ALLOC_PAGE * BIG_ALLOC_PAGE;
    void *p = aligned_alloc(BIG_ALLOC_PAGE, r);
#ifdef MADV_HUGEPAGE
    if (p)
        (void)madvise(p, r, MADV_HUGEPAGE); /* advice only: failure is harmless */
#endif
    return p;
}

#endif
