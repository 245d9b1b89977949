/*
 * space.h - the layout of w2v_space, shared by eval.c (which builds it),
 * analogy.c and similarity.c (which read it).  Private to the library.
 *
 * Shape legend: R rows, D dimension, Dp = D rounded up to W2V_SPACE_PAD so
 * every row starts on a 64-byte boundary and kernels need no tail in D.
 */
#ifndef W2V_SPACE_H
#define W2V_SPACE_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/eval.h"

/* Row padding in floats: 16 floats = 64 bytes, one cache line. */
#define W2V_SPACE_PAD 16

struct w2v_space {
    size_t R, D, Dp;
    w2v_case fold;
    float *unit;      /* R x Dp, unit rows, zero padding, 64-byte aligned */
    char **words;     /* R pointers into wbytes */
    char *wbytes;
    uint32_t *canon;  /* R: first row with the same folded word */
    uint32_t *index;  /* open addressing over folded words: canonical row + 1, 0 = empty */
    size_t mask;
};

#endif
