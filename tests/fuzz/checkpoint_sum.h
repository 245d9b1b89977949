/*
 * checkpoint_sum.h - the checkpoint file's checksum, written from the
 * format (src/train/checkpoint.c's layout comment) for the tests and the
 * fuzz target, so that they can change one field of a checkpoint and still
 * reach the loader's field checks instead of stopping at the checksum.
 *
 * The sum covers every byte before the last 8: starting from 0x5EED, each
 * 8-byte word w (host order) gives h = (h ^ w) * 0x9E3779B97F4A7C15 and
 * h ^= h >> 29; the k < 8 bytes left over, zero-padded to a word and xored
 * with k << 56, are mixed in the same way; the sum is h ^ (h >> 31).
 */
#ifndef W2V_TEST_CHECKPOINT_SUM_H
#define W2V_TEST_CHECKPOINT_SUM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t ckpt_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

/* The sum of p[0..n) from the given seed (the model file uses another). */
static inline uint64_t ckpt_sum_seeded(const unsigned char *p, size_t n, uint64_t seed)
{
    uint64_t h = seed, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        h = ckpt_mix(h, w);
    }
    w = 0;
    memcpy(&w, p + i, n - i);
    h = ckpt_mix(h, w ^ ((uint64_t)(n - i) << 56));
    return h ^ (h >> 31);
}

static inline uint64_t ckpt_sum(const unsigned char *p, size_t n)
{
    return ckpt_sum_seeded(p, n, 0x5EED);
}

/* Rewrite the last 8 bytes of a checkpoint image (n >= 8) as the sum of the rest. */
static inline void ckpt_fix_sum(unsigned char *p, size_t n)
{
    uint64_t s = ckpt_sum(p, n - 8);
    memcpy(p + n - 8, &s, 8);
}

#endif
