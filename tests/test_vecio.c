/*
 * test_vecio.c - vector files round trip: what w2v_vectors_write writes,
 * w2v_vectors_read reads back exactly, in both formats.
 */
#include "t.h"

#include <float.h>
#include <stdlib.h>
#include <unistd.h>

#include "train/rng.h"
#include "w2v/vecio.h"

enum { V = 5, D = 7, STRIDE = 16 };

static void round_trip(int binary)
{
    const char *words[V] = {"the", "\xc3\xa9t\xc3\xa9", "a_b", "x", "\xe6\x97\xa5"};
    float vecs[V * STRIDE];
    w2v_rng r = w2v_rng_seed(5, (uint64_t)binary);
    for (size_t i = 0; i < V * STRIDE; i++)
        vecs[i] = (w2v_rng_float(&r) - 0.5f) * 3.0f;
    /* values text formats get wrong when printed carelessly */
    vecs[0] = FLT_MIN / 4;   /* subnormal */
    vecs[1] = -0.0f;
    vecs[2] = FLT_MAX;
    vecs[3] = 1e-30f;
    vecs[4] = 0.1f;
    char path[] = "/tmp/w2v-vec-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    w2v_error err;
    T_OK(w2v_vectors_write(path, binary, V, D, words, vecs, STRIDE, &err));
    w2v_vectors *back = NULL;
    T_OK(w2v_vectors_read(path, W2V_FORMAT_AUTO, 0, &back, &err));
    if (back) {
        T_EQ(back->V, V);
        T_EQ(back->D, D);
        int same = 1;
        for (size_t i = 0; i < V; i++) {
            same &= strcmp(back->words[i], words[i]) == 0;
            same &= memcmp(back->vecs + i * D, vecs + i * STRIDE, D * sizeof(float)) == 0;
        }
        T_CHECK(same, "%s round trip changed a word or a value", binary ? "binary" : "text");
        w2v_vectors_free(back);
    }
    unlink(path);
}

static void bad_words(void)
{
    const char *words[2] = {"ok", "has space"};
    float vecs[2 * D] = {0};
    w2v_error err;
    T_EQ(w2v_vectors_write("/tmp/w2v-never-written.bin", 1, 2, D, words, vecs, D, &err), W2V_ERR_ARG);
    T_TRUE(access("/tmp/w2v-never-written.bin", F_OK) != 0);
    const char *empty[1] = {""};
    T_EQ(w2v_vectors_write("/tmp/w2v-never-written.bin", 0, 1, D, empty, vecs, D, &err), W2V_ERR_ARG);
    T_EQ(w2v_vectors_write("/nonexistent-dir/v.bin", 1, 1, D, words, vecs, D, &err), W2V_ERR_IO);
    T_TRUE(strstr(err.msg, "/nonexistent-dir/v.bin") != NULL);
}

int main(void)
{
    round_trip(1);
    round_trip(0);
    bad_words();
    return T_DONE();
}
