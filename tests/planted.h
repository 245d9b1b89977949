/*
 * planted.h - a small corpus with known structure, and its quality score.
 *
 * TOPICS topics of WORDS words each ("t3w7"), plus a few "glue" words that
 * appear everywhere.  Each sentence draws a topic and then words of that
 * topic only (with glue in between), so a trained model must place words of
 * one topic near each other.  The score is the share of words whose
 * nearest neighbour (cosine) belongs to the same topic: about 1/TOPICS for
 * untrained or broken vectors, near 1 for working training.
 */
#ifndef W2V_TEST_PLANTED_H
#define W2V_TEST_PLANTED_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "train/rng.h"

#define PLANTED_TOPICS 12
#define PLANTED_WORDS 10

/* Writes the corpus into a malloc'ed string; *len gets its length. */
static char *planted_corpus(size_t sentences, uint64_t seed, size_t *len)
{
    size_t cap = sentences * 160 + 1, n = 0;
    char *s = malloc(cap);
    w2v_rng r = w2v_rng_seed(seed, 99);
    static const char *glue[] = {"the", "of", "and", "a"};
    for (size_t k = 0; k < sentences; k++) {
        unsigned topic = w2v_rng_below(&r, PLANTED_TOPICS);
        for (int i = 0; i < 12; i++) {
            if (w2v_rng_below(&r, 4) == 0)
                n += (size_t)snprintf(s + n, cap - n, "%s ", glue[w2v_rng_below(&r, 4)]);
            n += (size_t)snprintf(s + n, cap - n, "t%uw%u ", topic,
                                  w2v_rng_below(&r, PLANTED_WORDS));
        }
        s[n - 1] = '\n';
    }
    s[n] = '\0';
    *len = n;
    return s;
}

/* Topic of a word "tNwM", or -1 for glue. */
static int planted_topic(const char *w)
{
    unsigned t, m;
    return sscanf(w, "t%uw%u", &t, &m) == 2 ? (int)t : -1;
}

/* Share of topic words whose nearest topic word shares their topic. */
static double planted_score(char *const *words, const float *vecs, size_t V, size_t D,
                            size_t stride)
{
    size_t good = 0, total = 0;
    for (size_t i = 0; i < V; i++) {
        int ti = planted_topic(words[i]);
        if (ti < 0)
            continue;
        double best = -2;
        int best_t = -1;
        const float *a = vecs + i * stride;
        for (size_t j = 0; j < V; j++) {
            int tj = planted_topic(words[j]);
            if (j == i || tj < 0)
                continue;
            const float *b = vecs + j * stride;
            double ab = 0, aa = 0, bb = 0;
            for (size_t d = 0; d < D; d++) {
                ab += (double)a[d] * b[d];
                aa += (double)a[d] * a[d];
                bb += (double)b[d] * b[d];
            }
            double cs = ab / (sqrt(aa * bb) + 1e-30);
            if (cs > best) {
                best = cs;
                best_t = tj;
            }
        }
        good += best_t == ti;
        total++;
    }
    return total ? (double)good / (double)total : 0.0;
}

#endif
