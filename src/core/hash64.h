/*
 * hash64.h - the streaming 64-bit checksum of the library's checked files
 * (checkpoints, saved models) and its mixing step, which the search index's
 * four-lane checksum shares (private to the library; static inline, so it
 * exports no symbols).
 *
 * DESIGN: bytes are folded 8 at a time through one multiply-xorshift step;
 * a partial word is carried between calls, so feeding a buffer in pieces
 * gives the same sum as feeding it whole, and the final step folds in the
 * length of the tail.  It detects damage (truncation, bit rot, a stray
 * write), not forgery.  The sums are part of the file formats: changing
 * anything here changes every checksum a file on disk holds.
 */
#ifndef W2V_CORE_HASH64_H
#define W2V_CORE_HASH64_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
    uint64_t h;             /* the running state; set to the seed to start */
    unsigned char carry[8]; /* bytes of a word not yet complete */
    size_t ncarry;
} w2v_hash64;

/* One mixing step: the state h with the word w folded in. */
static inline uint64_t w2v_hash64_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

/* Folds n bytes of data into hs. */
static inline void w2v_hash64_add(w2v_hash64 *hs, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n && hs->ncarry) {
        hs->carry[hs->ncarry++] = *p++, n--;
        if (hs->ncarry == 8) {
            uint64_t w;
            memcpy(&w, hs->carry, 8);
            hs->h = w2v_hash64_mix(hs->h, w);
            hs->ncarry = 0;
        }
    }
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        hs->h = w2v_hash64_mix(hs->h, w);
    }
    while (n--)
        hs->carry[hs->ncarry++] = *p++;
}

/* The checksum of everything added so far (hs is left as it was). */
static inline uint64_t w2v_hash64_final(const w2v_hash64 *hs)
{
    uint64_t w = 0;
    memcpy(&w, hs->carry, hs->ncarry);
    uint64_t h = w2v_hash64_mix(hs->h, w ^ ((uint64_t)hs->ncarry << 56));
    return h ^ (h >> 31);
}

#endif
