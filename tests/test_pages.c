/*
 * test_pages.c - arrays in pages of their own (core/pages.h): growth keeps
 * the contents and gives zeros, a move hands the pages over whole, and a
 * release gives back only the pages wholly inside.
 */
#include "t.h"

#include <stdint.h>

#include "core/pages.h"

/* Every word of p[0..n) is base + its index. */
static int holds(const uint32_t *p, size_t n, uint32_t base)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != base + (uint32_t)i)
            return 0;
    return 1;
}

int main(void)
{
    const size_t page = w2v_page_size(), words = page / sizeof(uint32_t);
    T_TRUE(page >= 4096 && (page & (page - 1)) == 0);

    /* From nothing, then grown to eight times the size. */
    uint32_t *a = w2v_pages_resize(NULL, 0, 2 * page);
    T_TRUE(a != NULL);
    if (!a)
        return T_DONE();
    for (size_t i = 0; i < 2 * words; i++)
        a[i] = 7 + (uint32_t)i;
    a = w2v_pages_resize(a, 2 * page, 16 * page);
    T_TRUE(a != NULL);
    if (!a)
        return T_DONE();
    T_TRUE(holds(a, 2 * words, 7));
    int zero = 1;
    for (size_t i = 2 * words; i < 16 * words; i++)
        zero &= a[i] == 0;
    T_TRUE(zero);

    /* Three pages of b moved into a's pages 4..7: a reads them there. */
    uint32_t *b = w2v_pages_resize(NULL, 0, 3 * page);
    T_TRUE(b != NULL);
    if (b) {
        for (size_t i = 0; i < 3 * words; i++)
            b[i] = 1000 + (uint32_t)i;
        if (w2v_pages_move(b, 3 * page, a + 4 * words) == 0)
            T_TRUE(holds(a + 4 * words, 3 * words, 1000));
        else /* no mremap here: the caller copies, and b is still whole */
            T_TRUE(holds(b, 3 * words, 1000));
        w2v_pages_free(b, 3 * page); /* where moved: no longer mapped, which munmap allows */
    }
    T_TRUE(holds(a, 2 * words, 7));

    /* Released from the middle of page 0 to the middle of page 2: only
     * page 1, the one wholly inside, reads as zeros after. */
    for (size_t i = 0; i < words; i++)
        a[2 * words + i] = 5000 + (uint32_t)i;
    w2v_pages_release(a + words / 2, 2 * page);
    T_TRUE(holds(a, words, 7));
    zero = 1;
    for (size_t i = words; i < 2 * words; i++)
        zero &= a[i] == 0;
    T_TRUE(zero);
    T_TRUE(holds(a + 2 * words, words, 5000));
    w2v_pages_free(a, 16 * page);
    w2v_pages_free(NULL, 0);
    return T_DONE();
}
