/*
 * rng.h - the random number generator of the training threads.
 *
 * DESIGN: SplitMix64 (a Weyl sequence through a strong 64-bit mixer): one
 * add and a few multiplies per draw, every output bit usable, and streams
 * for different threads are just different seeds.  Draws in a range use the
 * high bits by multiply-shift, never the low bits of a modulo (the low bits
 * of word2vec.c's LCG repeat with short periods).  State is a plain value
 * owned by its thread; nothing here is shared.
 */
#ifndef W2V_RNG_H
#define W2V_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s;
} w2v_rng;

static inline w2v_rng w2v_rng_seed(uint64_t seed, uint64_t stream)
{
    w2v_rng r = {seed ^ (stream * 0xD1B54A32D192ED03ull)};
    return r;
}

/* The Weyl step: draw k starts from seed-state + k * W2V_RNG_STEP. */
#define W2V_RNG_STEP 0x9E3779B97F4A7C15ull

static inline uint64_t w2v_rng_next(w2v_rng *r)
{
    uint64_t z = (r->s += W2V_RNG_STEP);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Jump over n draws at once: the state after them, without making them
 * (the Weyl sequence makes this one multiply).  Lets threads share one
 * stream, each starting where its part of it begins. */
static inline void w2v_rng_skip(w2v_rng *r, uint64_t n)
{
    r->s += n * W2V_RNG_STEP;
}

/* Uniform integer in [0, n) for n < 2^32, from the high 32 bits. */
static inline uint32_t w2v_rng_below(w2v_rng *r, uint32_t n)
{
    return (uint32_t)(((w2v_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform float in [0, 1) with 24 random bits. */
static inline float w2v_rng_float(w2v_rng *r)
{
    return (float)(w2v_rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

#endif
