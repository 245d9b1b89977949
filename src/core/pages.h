/*
 * pages.h - arrays in pages of their own (private to the library).
 *
 * An anonymous mapping can grow without a copy (mremap) and hand its pages
 * to another mapping without one either: the parallel corpus read keeps
 * each chunk's stream so and moves the chunks' pages into the joined
 * stream instead of copying them.  And its pages go back to the system
 * when it is freed, whichever thread grew it, where glibc keeps the top of
 * a thread's malloc arena: the vocabulary and the read buffer live in
 * pages for that.  Where the system has no mremap, resizing copies and
 * moving reports that it cannot, so callers copy.
 */
#ifndef W2V_CORE_PAGES_H
#define W2V_CORE_PAGES_H

#include <stddef.h>

/* The page size (4096 where the system does not say). */
size_t w2v_page_size(void);

/* x rounded up to a multiple of page. */
static inline size_t w2v_page_round_up(size_t x, size_t page)
{
    return (x + page - 1) / page * page;
}

/*
 * p (NULL: none yet) of old_bytes resized to new_bytes, both multiples of
 * the page size, its contents kept (and new pages zero).  @return the
 * array, which may have moved, or NULL with p left as it was.  Free with
 * w2v_pages_free(p, bytes).
 */
void *w2v_pages_resize(void *p, size_t old_bytes, size_t new_bytes);

void w2v_pages_free(void *p, size_t bytes);

/*
 * Move the bytes pages at src (page-aligned, bytes a multiple of the page
 * size) to dst (page-aligned, inside a mapping of the caller's), replacing
 * the pages there; src's pages are gone after.  @return 0, or -1 where
 * pages cannot be moved (nothing changed: copy instead).
 */
int w2v_pages_move(void *src, size_t bytes, void *dst);

/* Give back to the system the whole pages inside p[0..bytes) (advice: the
 * memory reads as zeros after, or keeps its contents where it fails). */
void w2v_pages_release(void *p, size_t bytes);

#endif
