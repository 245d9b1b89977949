/*
 * pages.c - arrays in pages of their own (see pages.h).
 */
#define _GNU_SOURCE /* mremap */
#include "core/pages.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * ThreadSanitizer does not intercept mremap, so the shadow of a range that
 * mremap vacates or fills keeps the accesses of what was there before, and
 * it reports races between owners that never met (google/sanitizers issue
 * 1099).  Under it, resizing copies and moving says it cannot, as where
 * there is no mremap: the callers' copying paths are what that build tests.
 */
#if defined(__SANITIZE_THREAD__)
#define NO_MREMAP 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define NO_MREMAP 1
#endif
#endif
#if defined(MREMAP_MAYMOVE) && !defined(NO_MREMAP)
#define USE_MREMAP 1
#endif

size_t w2v_page_size(void)
{
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)page : 4096;
}

void *w2v_pages_resize(void *p, size_t old_bytes, size_t new_bytes)
{
    void *q;
#ifdef USE_MREMAP
    if (p)
        q = mremap(p, old_bytes, new_bytes, MREMAP_MAYMOVE);
    else
#endif
        q = mmap(NULL, new_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (q == MAP_FAILED)
        return NULL;
#ifndef USE_MREMAP
    if (p) {
        memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
        munmap(p, old_bytes);
    }
#endif
    return q;
}

void w2v_pages_free(void *p, size_t bytes)
{
    if (p && bytes)
        munmap(p, bytes);
}

int w2v_pages_move(void *src, size_t bytes, void *dst)
{
#if defined(USE_MREMAP) && defined(MREMAP_FIXED)
    return mremap(src, bytes, bytes, MREMAP_MAYMOVE | MREMAP_FIXED, dst) == MAP_FAILED ? -1 : 0;
#else
    (void)src;
    (void)bytes;
    (void)dst;
    return -1;
#endif
}

void w2v_pages_release(void *p, size_t bytes)
{
    const uintptr_t page = w2v_page_size();
    uintptr_t lo = w2v_page_round_up((uintptr_t)p, page);
    uintptr_t hi = ((uintptr_t)p + bytes) / page * page;
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_DONTNEED);
}
