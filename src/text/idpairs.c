/*
 * idpairs.c - the id-pair count table (see idpairs.h).
 */
#include "text/idpairs.h"

#include <stdlib.h>

#define MIN_SLOTS 1024u

/* splitmix64's finaliser: every key bit moves every slot-index bit. */
static uint64_t mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

void w2v_idpairs_init(w2v_idpairs *t)
{
    *t = (w2v_idpairs){0};
}

void w2v_idpairs_free(w2v_idpairs *t)
{
    free(t->s);
    *t = (w2v_idpairs){0};
}

/* Move every pair counted >= floor into a fresh table of nslots (a power
 * of two with room for them); on failure the table is unchanged. */
static int rebuild(w2v_idpairs *t, size_t nslots, uint64_t floor)
{
    if (nslots > SIZE_MAX / sizeof(w2v_idpair_slot))
        return -1;
    w2v_idpair_slot *s = calloc(nslots, sizeof *s);
    if (!s)
        return -1;
    size_t mask = nslots - 1, n = 0;
    for (size_t i = 0; i < t->nslots; i++) {
        if (!t->s[i].count || t->s[i].count < floor)
            continue;
        size_t j = (size_t)mix(t->s[i].key) & mask;
        while (s[j].count)
            j = (j + 1) & mask;
        s[j] = t->s[i];
        n++;
    }
    free(t->s);
    t->s = s;
    t->nslots = nslots;
    t->n = n;
    return 0;
}

int w2v_idpairs_add(w2v_idpairs *t, uint32_t a, uint32_t b, uint64_t count)
{
    /* Grow before the insert that would pass 70% (10 n > 7 slots). */
    if ((t->n + 1) * 10 > t->nslots * 7 &&
        rebuild(t, t->nslots ? t->nslots * 2 : MIN_SLOTS, 1) != 0)
        return -1;
    uint64_t key = (uint64_t)a << 32 | b;
    size_t mask = t->nslots - 1;
    for (size_t j = (size_t)mix(key) & mask;; j = (j + 1) & mask) {
        w2v_idpair_slot *s = &t->s[j];
        if (!s->count) {
            s->key = key;
            s->count = count;
            t->n++;
            return 0;
        }
        if (s->key == key) {
            s->count = s->count > UINT64_MAX - count ? UINT64_MAX : s->count + count;
            return 0;
        }
    }
}

uint64_t w2v_idpairs_get(const w2v_idpairs *t, uint32_t a, uint32_t b)
{
    if (!t->n)
        return 0;
    uint64_t key = (uint64_t)a << 32 | b;
    size_t mask = t->nslots - 1;
    for (size_t j = (size_t)mix(key) & mask;; j = (j + 1) & mask) {
        const w2v_idpair_slot *s = &t->s[j];
        if (!s->count)
            return 0;
        if (s->key == key)
            return s->count;
    }
}

int w2v_idpairs_prune(w2v_idpairs *t, uint64_t floor)
{
    size_t kept = 0;
    for (size_t i = 0; i < t->nslots; i++)
        kept += t->s[i].count >= floor;
    size_t nslots = MIN_SLOTS;
    while (kept * 20 > nslots * 7) /* at most 35% full: room to grow to 70% */
        nslots *= 2;
    /* Clearing slots in place would break probe chains, so rebuild. */
    return rebuild(t, nslots, floor);
}
