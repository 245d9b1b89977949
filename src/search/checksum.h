/*
 * checksum.h - the index file's section checksum (private to src/search;
 * static inline, no symbols).
 *
 * DESIGN: the checkpoint's hasher folds 8 bytes per step through one
 * multiply-xorshift chain, so it runs at the chain's latency (about 1.3
 * GB/s); an index of a million documents is over a gigabyte and is checked
 * on every open.  This one runs four independent chains over 32-byte
 * blocks (lane i takes the i-th 8 bytes) and combines them at the end with
 * the length, so it runs at about four times the speed and still changes
 * with any flipped bit, any swapped 8-byte word between lanes and any
 * change of length.  It detects damage (truncation, bit rot, a stray
 * write), not forgery.
 */
#ifndef W2V_SEARCH_CHECKSUM_H
#define W2V_SEARCH_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash64.h"
#include "core/parts.h"

/* The checkpoint's mixing step (core/hash64.h). */
#define cks_mix w2v_hash64_mix

static inline uint64_t cks_bytes(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h[4] = {seed ^ 0x243F6A8885A308D3ull, seed ^ 0x13198A2E03707344ull,
                     seed ^ 0xA4093822299F31D0ull, seed ^ 0x082EFA98EC4E6C89ull};
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int l = 0; l < 4; l++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * l, 8);
            h[l] = cks_mix(h[l], w);
        }
    for (int l = 0; i < n; l = (l + 1) & 3) {
        uint64_t w = 0;
        size_t m = n - i < 8 ? n - i : 8;
        memcpy(&w, p + i, m);
        h[l] = cks_mix(h[l], w ^ ((uint64_t)m << 59));
        i += m;
    }
    uint64_t r = cks_mix(0x5EED ^ (uint64_t)n, h[0]);
    r = cks_mix(r, h[1]);
    r = cks_mix(r, h[2]);
    r = cks_mix(r, h[3]);
    return r ^ (r >> 31);
}

/*
 * A section's checksum: cks_bytes of the section when it is at most
 * CKS_CHUNK bytes, else cks_bytes of the array of the cks_bytes of its
 * CKS_CHUNK-byte pieces (seeded with the piece's index), so that the pieces
 * of a gigabyte of document vectors can be summed by several threads.
 */
#define CKS_CHUNK ((size_t)32 << 20)
#define CKS_MAX_THREADS 8

typedef struct {
    const unsigned char *p;
    size_t n;
    uint64_t *out;
} cks_job;

/* Part `part` of `parts` takes every parts-th piece from its own index on. */
static void cks_pieces(void *arg, unsigned part, unsigned parts)
{
    cks_job *j = arg;
    size_t pieces = (j->n + CKS_CHUNK - 1) / CKS_CHUNK;
    for (size_t i = part; i < pieces; i += parts) {
        size_t len = j->n - i * CKS_CHUNK < CKS_CHUNK ? j->n - i * CKS_CHUNK : CKS_CHUNK;
        j->out[i] = cks_bytes(j->p + i * CKS_CHUNK, len, (uint64_t)i);
    }
}

/* The section checksum of p[0..n) into *sum, with up to `threads` threads
 * (w2v_run_parts: those that cannot start are done by the caller, same result).
 * @return 0, or -1 when the array of piece sums cannot be allocated. */
static inline int cks_section(const void *p, size_t n, uint64_t seed, unsigned threads,
                              uint64_t *sum)
{
    if (n <= CKS_CHUNK) {
        *sum = cks_bytes(p, n, seed);
        return 0;
    }
    size_t pieces = (n + CKS_CHUNK - 1) / CKS_CHUNK;
    uint64_t *out = malloc(pieces * sizeof *out);
    if (!out)
        return -1;
    cks_job job = {.p = p, .n = n, .out = out};
    w2v_run_parts(threads < CKS_MAX_THREADS ? threads : CKS_MAX_THREADS, cks_pieces, &job);
    *sum = cks_bytes(out, pieces * sizeof *out, seed);
    free(out);
    return 0;
}

#endif
