/*
 * idpairs.h - counts of id pairs (a, b) in one open-addressing table (private
 * to the library; used by phrase.c for bigram counts).
 *
 * DESIGN: a slot holds the 64-bit key (a << 32 | b) and its count inline,
 * so a lookup touches one cache line where a w2v_vocab lookup of an "a b"
 * string key touches the slot, the entry and the word bytes: bigram tables
 * are far larger than the caches, and this is what makes counting a
 * 100 MB text take seconds instead of tens of seconds.  Linear probing; a
 * slot with count 0 is empty (every stored pair was added at least once);
 * the table doubles when it is more than 70% full.  16 bytes per slot: 23
 * to 46 bytes per distinct pair.  Not thread-safe for writers.
 */
#ifndef W2V_IDPAIRS_H
#define W2V_IDPAIRS_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t key;   /* a << 32 | b */
    uint64_t count; /* 0: empty slot */
} w2v_idpair_slot;

typedef struct {
    w2v_idpair_slot *s;
    size_t nslots; /* power of two, or 0 before the first add */
    size_t n;      /* pairs stored */
} w2v_idpairs;

/* An empty table (no allocation until the first add). */
void w2v_idpairs_init(w2v_idpairs *t);
void w2v_idpairs_free(w2v_idpairs *t);

/* Add count (>= 1) to (a, b), saturating.  @return 0, or -1 out of memory
 * (the table is unchanged). */
int w2v_idpairs_add(w2v_idpairs *t, uint32_t a, uint32_t b, uint64_t count);

/* Count of (a, b), 0 if absent. */
uint64_t w2v_idpairs_get(const w2v_idpairs *t, uint32_t a, uint32_t b);

/* Drop every pair counted fewer than floor times and shrink the table to
 * fit.  @return 0, or -1 out of memory (the table is unchanged). */
int w2v_idpairs_prune(w2v_idpairs *t, uint64_t floor);

static inline uint32_t w2v_idpair_a(uint64_t key) { return (uint32_t)(key >> 32); }
static inline uint32_t w2v_idpair_b(uint64_t key) { return (uint32_t)key; }

#endif
