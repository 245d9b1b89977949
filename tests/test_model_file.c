/*
 * test_model_file.c - the saved model: a round trip keeps every field and
 * every bit of the matrices; a truncated, corrupted, foreign-version or
 * lying file is refused with a message naming it; the vector reader reads
 * a model file as vectors.  With W2V_WRITE_SEEDS=DIR it also writes the
 * fuzz seeds (tests/fuzz/corpus/modelfile).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "w2v/model_file.h"
#include "w2v/vecio.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

/* A small model with recognisable values: V words, dimension D. */
static void make(w2v_model_file *mf, size_t V, size_t D, int ns, int hs, unsigned threads)
{
    memset(mf, 0, sizeof *mf);
    w2v_error err;
    w2v_vocab_create(&mf->vocab, &err);
    for (size_t i = 0; i < V; i++) {
        char w[32];
        uint32_t id;
        snprintf(w, sizeof w, "w%zu", i);
        w2v_vocab_add(mf->vocab, w, strlen(w), 100 - i, &id, &err);
    }
    w2v_model_opts mo = w2v_model_opts_default();
    mo.ns = ns;
    mo.hs = hs;
    w2v_model_create(&mf->model, V, D, &mo, &err);
    for (size_t i = 0; i < V; i++)
        for (size_t d = 0; d < D; d++) {
            if (mf->model.out)
                mf->model.out[i * mf->model.stride + d] = (float)(i * 100 + d) * 0.5f;
            if (mf->model.hs && i + 1 < (V > 1 ? V : 2))
                mf->model.hs[i * mf->model.stride + d] = -(float)d;
        }
    mf->train = w2v_train_opts_default();
    mf->train.negative = ns ? 5 : 0;
    mf->train.hs = hs;
    mf->train.epochs = 2;
    mf->train.schedule_epochs = 5;
    mf->train.threads = threads;
    mf->train.seed = 77;
    w2v_train_state_init(&mf->state, threads, &err);
    mf->state.words_done = 1000;
    for (unsigned i = 0; i < threads; i++)
        mf->state.workers[i] = (w2v_worker_state){.epoch = 2, .pos = 500, .rng = 0x1234 + i,
                                                  .alpha = 0.01f, .tail = 7};
    mf->init_range = 8;
    mf->regex = (char *)(uintptr_t)"[a-z]+";
    mf->lowercase = 1;
    mf->max_token_bytes = 100;
    mf->corpus_len = 600;
    mf->corpus_words = 550;
    mf->corpus_hash = 0xABCDEF;
    mf->count_total = 5000;
}

static void unmake(w2v_model_file *mf)
{
    mf->regex = NULL; /* not owned */
    w2v_model_file_free(mf);
}

static int same_rows(const float *a, const float *b, size_t n, size_t D, size_t stride)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(a + i * stride, b + i * stride, D * sizeof(float)))
            return 0;
    return 1;
}

static void test_round_trip(const char *path, int ns, int hs)
{
    w2v_model_file a, b;
    w2v_error err;
    make(&a, 9, 13, ns, hs, 2);
    T_OK(w2v_model_file_save(path, &a, &err));
    T_OK(w2v_model_file_load(path, 0, &b, &err));
    T_EQ(b.model.V, 9);
    T_EQ(b.model.D, 13);
    T_TRUE(same_rows(a.model.in, b.model.in, 9, 13, a.model.stride));
    T_TRUE(!ns || same_rows(a.model.out, b.model.out, 9, 13, a.model.stride));
    T_TRUE(!hs || same_rows(a.model.hs, b.model.hs, 8, 13, a.model.stride));
    T_TRUE((b.model.out != NULL) == ns && (b.model.hs != NULL) == hs);
    for (uint32_t i = 0; i < 9; i++) {
        T_STREQ(w2v_vocab_word(a.vocab, i), w2v_vocab_word(b.vocab, i));
        T_EQ(w2v_vocab_count(a.vocab, i), w2v_vocab_count(b.vocab, i));
    }
    T_EQ(b.train.epochs, 2);
    T_EQ(b.train.schedule_epochs, 5);
    T_EQ(b.train.seed, 77);
    T_EQ(b.train.hs, hs);
    T_EQ(b.train.negative, ns ? 5 : 0);
    T_EQ(b.state.threads, 2);
    T_EQ(b.state.words_done, 1000);
    T_EQ(b.state.workers[1].rng, 0x1235);
    T_EQ(b.state.workers[1].tail, 7);
    T_NEAR(b.state.workers[0].alpha, 0.01f, 0);
    T_STREQ(b.regex, "[a-z]+");
    T_EQ(b.lowercase, 1);
    T_EQ(b.corpus_hash, 0xABCDEF);
    T_EQ(b.count_total, 5000);
    T_NEAR(b.init_range, 8, 0);
    w2v_model_file_free(&b);
    unmake(&a);
}

/* Every prefix, and a flipped bit at many offsets: refused, never a crash. */
static void test_damage(const char *path)
{
    w2v_model_file a, b;
    w2v_error err;
    make(&a, 6, 5, 1, 0, 1);
    T_OK(w2v_model_file_save(path, &a, &err));
    unmake(&a);
    size_t len;
    char *data = slurp(path, &len);
    T_TRUE(data != NULL);
    int refused = 0, named = 0;
    for (size_t n = 0; n < len; n++) {
        w2v_status st = w2v_model_file_read_mem(data, n, "cut.w2vm", 0, &b, &err);
        refused += st == W2V_ERR_FORMAT;
        named += strncmp(err.msg, "cut.w2vm: ", 10) == 0;
    }
    T_EQ(refused, len);
    T_EQ(named, len);
    w2v_model_file_read_mem(data, len - 1, "cut.w2vm", 0, &b, &err);
    T_TRUE(strstr(err.msg, "truncated") != NULL);
    refused = 0;
    size_t tries = 0;
    for (size_t off = 0; off < len; off += 3, tries++) {
        data[off] ^= 0x10;
        refused += w2v_model_file_read_mem(data, len, "bad.w2vm", 0, &b, &err) != W2V_OK;
        data[off] ^= 0x10;
    }
    T_EQ(refused, tries);
    data[len / 2] ^= 1; /* in the matrices: only the checksum can tell */
    T_EQ(w2v_model_file_read_mem(data, len, "bad.w2vm", 0, &b, &err), W2V_ERR_FORMAT);
    T_TRUE(strstr(err.msg, "checksum") != NULL);
    data[len / 2] ^= 1;
    uint32_t v = 2;
    memcpy(data + 8, &v, 4);
    T_EQ(w2v_model_file_read_mem(data, len, "new.w2vm", 0, &b, &err), W2V_ERR_FORMAT);
    T_STREQ(err.msg, "new.w2vm: model file version 2, this build reads version 1");
    v = 1;
    memcpy(data + 8, &v, 4);
    uint64_t huge = (uint64_t)1 << 31; /* V far beyond the bytes present */
    memcpy(data + 16, &huge, 8);
    T_EQ(w2v_model_file_read_mem(data, len, "big.w2vm", 0, &b, &err), W2V_ERR_FORMAT);
    T_TRUE(strstr(err.msg, "truncated at byte") != NULL);
    size_t one = 1;
    memcpy(data + 16, &one, 8);
    T_EQ(w2v_model_file_read_mem(data, len, "small.w2vm", 0, &b, &err), W2V_ERR_FORMAT);
    free(data);
    T_EQ(w2v_model_file_load("/nonexistent/m.w2vm", 0, &b, &err), W2V_ERR_IO);
    T_TRUE(strstr(err.msg, "/nonexistent/m.w2vm") != NULL);
}

/* A NaN in a matrix is refused even with a correct checksum. */
static void test_nan(const char *path)
{
    w2v_model_file a, b;
    w2v_error err;
    make(&a, 4, 3, 1, 0, 1);
    a.model.in[a.model.stride + 1] = NAN;
    T_OK(w2v_model_file_save(path, &a, &err));
    unmake(&a);
    T_EQ(w2v_model_file_load(path, 0, &b, &err), W2V_ERR_FORMAT);
    T_TRUE(strstr(err.msg, "finite") != NULL);
}

/* The vector reader takes a model file: its words and W_E. */
static void test_as_vectors(const char *path)
{
    w2v_model_file a;
    w2v_error err;
    make(&a, 7, 4, 1, 1, 1);
    T_OK(w2v_model_file_save(path, &a, &err));
    w2v_vectors *v = NULL;
    T_OK(w2v_vectors_read(path, W2V_FORMAT_AUTO, 0, &v, &err));
    T_TRUE(v && v->V == 7 && v->D == 4);
    int same = v != NULL;
    for (size_t i = 0; v && i < 7; i++)
        same &= !strcmp(v->words[i], w2v_vocab_word(a.vocab, (uint32_t)i)) &&
                !memcmp(v->vecs + i * 4, a.model.in + i * a.model.stride, 4 * sizeof(float));
    T_TRUE(same);
    w2v_vectors_free(v);
    T_OK(w2v_vectors_read(path, W2V_FORMAT_AUTO, 3, &v, &err));
    T_TRUE(v && v->V == 3);
    w2v_vectors_free(v);
    unmake(&a);
}

/* Seeds for the fuzz target (one option byte, then the file; option 1:
 * the target recomputes the checksum): small valid files of each kind,
 * cut and flipped ones, and fields set out of range behind a good sum. */
static void seed(const char *dir, const char *name, int fix, const char *d, size_t len)
{
    char out[512];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    FILE *f = fopen(out, "wb");
    fputc(fix, f);
    fwrite(d, 1, len, f);
    fclose(f);
}

static void write_seeds(const char *dir, const char *path)
{
    struct { size_t V, D; int ns, hs; unsigned threads; const char *name; } kinds[] = {
        {3, 2, 1, 0, 1, "ns"}, {4, 3, 0, 1, 2, "hs"}, {5, 2, 1, 1, 1, "ns-hs"},
        {1, 1, 1, 0, 0, "one-word-no-state"},
    };
    char name[128];
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        w2v_model_file a;
        w2v_error err;
        make(&a, kinds[k].V, kinds[k].D, kinds[k].ns, kinds[k].hs, kinds[k].threads ? kinds[k].threads : 1);
        if (!kinds[k].threads)
            w2v_train_state_free(&a.state), a.state.threads = 0;
        w2v_model_file_save(path, &a, &err);
        unmake(&a);
        size_t len;
        char *d = slurp(path, &len);
        seed(dir, kinds[k].name, 0, d, len);
        snprintf(name, sizeof name, "%s-truncated", kinds[k].name);
        seed(dir, name, 0, d, len - 5);
        d[len / 2] ^= 4;
        snprintf(name, sizeof name, "%s-flipped", kinds[k].name);
        seed(dir, name, 0, d, len);
        snprintf(name, sizeof name, "%s-flipped-fixsum", kinds[k].name);
        seed(dir, name, 1, d, len);
        d[len / 2] ^= 4;
        if (k != 0) {
            free(d);
            continue;
        }
        /* fields out of range behind a recomputed sum (offsets: model_file.h) */
        struct { size_t off; uint32_t v; const char *name; } bad[] = {
            {8, 2, "fixsum-version-2"}, {16, 4, "fixsum-V-plus-1"}, {24, 0, "fixsum-D-0"},
            {88, 300, "fixsum-window-300"}, {96, 0, "fixsum-epochs-0"},
            {104, 5000, "fixsum-threads-5000"}, {112, 2, "fixsum-cbow-2"},
            {124, 100000, "fixsum-regex-len-huge"},
        };
        for (size_t b = 0; b < sizeof bad / sizeof *bad; b++) {
            uint32_t old;
            memcpy(&old, d + bad[b].off, 4);
            memcpy(d + bad[b].off, &bad[b].v, 4);
            seed(dir, bad[b].name, 1, d, len);
            memcpy(d + bad[b].off, &old, 4);
        }
        free(d);
    }
    seed(dir, "magic-only", 0, "W2VMODEL", 8);
    seed(dir, "magic-only-fixsum", 1, "W2VMODEL", 8);
}

int main(void)
{
    char path[] = "/tmp/w2v-test-model.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    test_round_trip(path, 1, 0);
    test_round_trip(path, 0, 1);
    test_round_trip(path, 1, 1);
    test_damage(path);
    test_nan(path);
    test_as_vectors(path);
    const char *seeds = getenv("W2V_WRITE_SEEDS");
    if (seeds)
        write_seeds(seeds, path);
    unlink(path);
    return T_DONE();
}
