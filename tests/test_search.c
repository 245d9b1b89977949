/*
 * test_search.c - sentence embeddings, the component, exact top-k and the
 * index file (search.h).
 *
 *   - SIF, mean and unit embeddings of a few lines against a straightforward
 *     reference written here (weights from counts, means in double, the
 *     component from a Jacobi eigen-decomposition of X^T X): 1e-5;
 *   - w2v_topk against w2v_topk_ref on random data (1, 2, 3 threads, a
 *     query count past one chunk, k past N, ties);
 *   - an index round trip: each document's own text finds it first, a
 *     query with no known word gets no hits, lines and text come back;
 *   - every single-byte change and every truncation of a small index is
 *     refused with one line naming the file.
 */
#include "t.h"

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "search/checksum.h"
#include "train/rng.h"
#include "w2v/search.h"

enum { V = 7, D = 5 };
static const char *const WORDS[V] = {"the", "cat", "sat", "mat", "dog", "ran", "far"};
static const uint64_t COUNTS[V] = {500, 40, 20, 10, 35, 15, 5};
static const char *const LINES[] = {"the cat sat", "the dog ran far", "cat mat", "the the the",
                                    "zebra", "dog zebra the cat", "far far mat sat"};
enum { L = sizeof LINES / sizeof *LINES };

static float VEC[V * D];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static w2v_vectors make_vectors(void)
{
    w2v_rng r = w2v_rng_seed(3, 1);
    for (size_t i = 0; i < V * D; i++)
        VEC[i] = w2v_rng_float(&r) * 2.0f - 0.5f; /* not centred: a clear first component */
    return (w2v_vectors){.V = V, .D = D, .words = (char **)WORDS, .vecs = VEC};
}

static w2v_vocab *make_counts(void)
{
    w2v_vocab *v;
    w2v_error err;
    uint32_t id;
    w2v_vocab_create(&v, &err);
    for (size_t i = 0; i < V; i++)
        w2v_vocab_add(v, WORDS[i], strlen(WORDS[i]), COUNTS[i], &id, &err);
    return v;
}

/* ---- the reference -------------------------------------------------------- */

static int word_id(const char *w, size_t n)
{
    for (int i = 0; i < V; i++)
        if (strlen(WORDS[i]) == n && !memcmp(WORDS[i], w, n))
            return i;
    return -1;
}

/* Embed line s by splitting at spaces, in double. */
static void ref_embed(const char *s, int weight, double a, double *out)
{
    double total = 0;
    for (int i = 0; i < V; i++)
        total += (double)COUNTS[i];
    memset(out, 0, D * sizeof *out);
    int known = 0;
    while (*s) {
        size_t n = strcspn(s, " ");
        int id = word_id(s, n);
        if (id >= 0) {
            double w = 1, norm = 0;
            for (int j = 0; j < D; j++)
                norm += (double)VEC[id * D + j] * VEC[id * D + j];
            if (weight == W2V_WEIGHT_SIF)
                w = a / (a + (double)COUNTS[id] / total);
            if (weight == W2V_WEIGHT_UNIT)
                w = 1 / sqrt(norm);
            for (int j = 0; j < D; j++)
                out[j] += w * VEC[id * D + j];
            known++;
        }
        s += n + (s[n] == ' ');
    }
    for (int j = 0; j < D && known; j++)
        out[j] /= known;
}

/* Top eigenvector of the symmetric D x D matrix A (destroyed) by cyclic Jacobi. */
static void ref_top_eigvec(double A[D][D], double *v)
{
    double Q[D][D] = {{0}};
    for (int i = 0; i < D; i++)
        Q[i][i] = 1;
    for (int sweep = 0; sweep < 100; sweep++)
        for (int p = 0; p < D; p++)
            for (int q = p + 1; q < D; q++) {
                if (fabs(A[p][q]) < 1e-300)
                    continue;
                double th = (A[q][q] - A[p][p]) / (2 * A[p][q]);
                double t = (th >= 0 ? 1 : -1) / (fabs(th) + sqrt(th * th + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < D; k++) { /* A = J^T A J */
                    double akp = A[k][p], akq = A[k][q];
                    A[k][p] = c * akp - s * akq;
                    A[k][q] = s * akp + c * akq;
                }
                for (int k = 0; k < D; k++) {
                    double apk = A[p][k], aqk = A[q][k];
                    A[p][k] = c * apk - s * aqk;
                    A[q][k] = s * apk + c * aqk;
                }
                for (int k = 0; k < D; k++) {
                    double qkp = Q[k][p], qkq = Q[k][q];
                    Q[k][p] = c * qkp - s * qkq;
                    Q[k][q] = s * qkp + c * qkq;
                }
            }
    int top = 0;
    for (int i = 1; i < D; i++)
        if (A[i][i] > A[top][top])
            top = i;
    int big = 0;
    for (int i = 0; i < D; i++) {
        v[i] = Q[i][top];
        if (fabs(v[i]) > fabs(v[big]))
            big = i;
    }
    double sign = v[big] < 0 ? -1 : 1;
    for (int i = 0; i < D; i++)
        v[i] *= sign;
}

static void test_embed_reference(void)
{
    w2v_vectors vecs = make_vectors();
    w2v_vocab *counts = make_counts();
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    char text[512] = "";
    for (int i = 0; i < L; i++) {
        strcat(text, LINES[i]);
        strcat(text, "\n");
    }
    for (int weight = 0; weight < 3; weight++) {
        w2v_embed_opts eo = w2v_embed_opts_default();
        eo.weight = (w2v_weight)weight;
        eo.sif_a = 0.01;
        w2v_embedder *e;
        w2v_error err;
        T_OK(w2v_embedder_create(&eo, &to, &vecs, counts, &e, &err));
        float X[L * D];
        uint32_t known[L];
        T_EQ(w2v_count_lines(text, strlen(text), NULL), L);
        T_OK(w2v_embed_lines(e, text, strlen(text), L, X, known, 2, &err));
        double R[L][D], worst = 0;
        for (int i = 0; i < L; i++) {
            ref_embed(LINES[i], weight, 0.01, R[i]);
            for (int j = 0; j < D; j++)
                worst = fmax(worst, fabs(R[i][j] - X[i * D + j]));
        }
        T_CHECK(worst < 1e-5, "%s embeddings differ from the reference by %g",
                w2v_weight_name((w2v_weight)weight), worst);
        T_EQ(known[4], 0);  /* "zebra" */
        T_EQ(known[5], 3);
        /* a weight is a / (a + p) for SIF */
        if (weight == W2V_WEIGHT_SIF)
            T_NEAR(w2v_embedder_weight(e, 1), 0.01 / (0.01 + 40.0 / 625.0), 1e-7);
        /* one line at a time gives the same vectors */
        float one[D];
        w2v_embed_count c;
        T_OK(w2v_embed_text(e, LINES[5], strlen(LINES[5]), one, &c, &err));
        T_EQ(c.known, 3);
        T_EQ(c.tokens, 4);
        T_NEAR(one[2], X[5 * D + 2], 1e-7);
        if (weight == W2V_WEIGHT_SIF) {
            /* the component: Jacobi on X^T X of the reference */
            double C[D][D] = {{0}}, v[D];
            for (int i = 0; i < L; i++)
                for (int p = 0; p < D; p++)
                    for (int q = 0; q < D; q++)
                        C[p][q] += R[i][p] * R[i][q];
            ref_top_eigvec(C, v);
            float pc[D];
            T_OK(w2v_pc_compute(X, L, D, pc, &err));
            double dpc = 0;
            for (int j = 0; j < D; j++)
                dpc = fmax(dpc, fabs(pc[j] - v[j]));
            T_CHECK(dpc < 1e-5, "component differs from Jacobi's by %g", dpc);
            w2v_pc_remove(X, L, D, pc);
            worst = 0;
            for (int i = 0; i < L; i++) {
                double p = 0;
                for (int j = 0; j < D; j++)
                    p += R[i][j] * v[j];
                for (int j = 0; j < D; j++)
                    worst = fmax(worst, fabs(R[i][j] - p * v[j] - X[i * D + j]));
            }
            T_CHECK(worst < 1e-5, "after removal the rows differ from the reference by %g",
                    worst);
            /* the component survives a file */
            char path[] = "/tmp/w2v-pc-XXXXXX";
            close(mkstemp(path));
            float back[D];
            T_OK(w2v_pc_save(path, pc, D, &err));
            T_OK(w2v_pc_load(path, back, D, &err));
            T_TRUE(memcmp(back, pc, sizeof pc) == 0);
            T_EQ(w2v_pc_load(path, back, D + 1, &err), W2V_ERR_FORMAT);
            unlink(path);
        }
        w2v_embedder_free(e);
    }
    /* SIF without counts is refused */
    w2v_embed_opts eo = w2v_embed_opts_default();
    w2v_embedder *e;
    w2v_error err;
    T_EQ(w2v_embedder_create(&eo, &to, &vecs, NULL, &e, &err), W2V_ERR_ARG);
    /* all zero: no component */
    float Z[3 * D] = {0}, pc[D];
    T_EQ(w2v_pc_compute(Z, 3, D, pc, &err), W2V_ERR_EMPTY);
    w2v_vocab_free(counts);
}

/* ---- top-k ------------------------------------------------------------------ */

static void test_topk(void)
{
    enum { N = 1031, DD = 37, Q = 70, K = 7 };
    float *X = malloc(N * DD * sizeof *X), *q = malloc(Q * DD * sizeof *q);
    w2v_rng r = w2v_rng_seed(9, 2);
    for (size_t i = 0; i < N * DD; i++)
        X[i] = w2v_rng_float(&r) - 0.5f;
    for (size_t i = 0; i < Q * DD; i++)
        q[i] = w2v_rng_float(&r) - 0.5f;
    memcpy(X + 500 * DD, X + 100 * DD, DD * sizeof *X); /* a tie: 100 ranks before 500 */
    memcpy(q, X + 100 * DD, DD * sizeof *q);
    w2v_doc_hit want[Q * K], got[Q * K];
    w2v_error err;
    T_OK(w2v_topk_ref(q, Q, X, N, DD, K, want, &err));
    T_EQ(want[0].doc, 100);
    T_EQ(want[1].doc, 500);
    for (unsigned th = 1; th <= 3; th++) {
        T_OK(w2v_topk(q, Q, X, N, DD, K, th, got, &err));
        int same = 1;
        double worst = 0;
        for (size_t i = 0; i < Q * K; i++) {
            same &= got[i].doc == want[i].doc;
            worst = fmax(worst, fabs(got[i].score - want[i].score));
        }
        T_CHECK(same, "threads %u: top-k documents differ from the reference", th);
        T_CHECK(worst < 1e-5, "threads %u: scores differ by %g", th, worst);
        T_EQ(got[0].doc, 100);
        T_EQ(got[1].doc, 500);
    }
    /* a query alone gets bit-identical answers to the same query in a batch */
    int alone_same = 1;
    for (size_t i = 0; i < Q; i += 13) {
        w2v_doc_hit one[K];
        T_OK(w2v_topk(q + i * DD, 1, X, N, DD, K, 2, one, &err));
        for (size_t s = 0; s < K; s++)
            alone_same &= one[s].doc == got[i * K + s].doc &&
                          memcmp(&one[s].score, &got[i * K + s].score, sizeof(float)) == 0;
    }
    T_CHECK(alone_same, "a query alone scores differently than in a batch");
    /* k past N: the rest is empty */
    w2v_doc_hit few[2 * 8];
    T_OK(w2v_topk(q, 2, X, 5, DD, 8, 2, few, &err));
    T_EQ(few[4].doc < 5, 1);
    T_EQ(few[5].doc, UINT64_MAX);
    T_TRUE(isinf(few[7].score) && few[7].score < 0);
    T_EQ(w2v_topk(q, 2, X, 5, DD, 0, 2, few, &err), W2V_ERR_ARG);
    /* a NaN document is never an answer */
    X[3 * DD] = NAN;
    T_OK(w2v_topk(q, 1, X, 5, DD, 8, 1, few, &err));
    int nan_seen = 0;
    for (int i = 0; i < 8; i++)
        nan_seen |= few[i].doc == 3;
    T_TRUE(!nan_seen);
    free(X);
    free(q);
}

/* ---- the index ---------------------------------------------------------------- */

static w2v_status build_index(const char *path, const char *docs_text, w2v_error *err)
{
    char docs[] = "/tmp/w2v-docs-XXXXXX";
    close(mkstemp(docs));
    write_file(docs, docs_text);
    w2v_vectors vecs = make_vectors();
    w2v_vocab *counts = make_counts();
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    to.lowercase = 1;
    w2v_embed_opts eo = w2v_embed_opts_default();
    w2v_embedder *e;
    w2v_status st = w2v_embedder_create(&eo, &to, &vecs, counts, &e, err);
    w2v_index_report rep;
    if (!st)
        st = w2v_index_build(path, e, docs, 2, &rep, err);
    if (!st) {
        T_EQ(rep.docs, 5);
        T_EQ(rep.empty, 1);
    }
    w2v_embedder_free(e);
    w2v_vocab_free(counts);
    unlink(docs);
    return st;
}

static unsigned char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*n);
    *n = fread(b, 1, *n, f);
    fclose(f);
    return b;
}

static int one_line_naming(const w2v_error *err, const char *name)
{
    return strncmp(err->msg, name, strlen(name)) == 0 && !strchr(err->msg, '\n');
}

static void test_index(void)
{
    char path[] = "/tmp/w2v-index-XXXXXX";
    close(mkstemp(path));
    w2v_error err;
    /* five lines: the last without '\n', one with no known word, one CRLF */
    const char *docs = "The cat sat on the mat\nzebra unicorn\ndog ran far\r\n"
                       "the mat\nfar far dog";
    T_OK(build_index(path, docs, &err));
    w2v_index *ix;
    T_OK(w2v_index_open(path, &ix, &err));
    if (!ix)
        return;
    T_EQ(w2v_index_size(ix), 5);
    T_EQ(w2v_index_dim(ix), D);
    T_TRUE(w2v_index_pc(ix) != NULL);
    size_t len;
    const char *t = w2v_index_text(ix, 2, &len);
    T_TRUE(len == 11 && !memcmp(t, "dog ran far", 11));
    t = w2v_index_text(ix, 4, &len);
    T_TRUE(len == 11 && !memcmp(t, "far far dog", 11));
    /* own text first (the line with no known word aside) */
    const char *qs[] = {"The cat sat on the mat", "zebra unicorn", "dog ran far", "the mat",
                        "far far dog", "nothing known here"};
    w2v_doc_hit hits[6 * 3];
    uint64_t known[6];
    T_OK(w2v_index_search(ix, qs, 6, 3, 2, hits, known, &err));
    for (int i = 0; i < 5; i++)
        if (i != 1) {
            T_CHECK(hits[i * 3].doc == (uint64_t)i, "query %d: first answer %llu", i,
                    (unsigned long long)hits[i * 3].doc);
            T_NEAR(hits[i * 3].score, 1.0, 1e-5);
        }
    T_EQ(known[1], 0);
    T_EQ(known[5], 0);
    T_EQ(hits[1 * 3].doc, UINT64_MAX);
    T_EQ(hits[5 * 3].doc, UINT64_MAX);
    T_EQ(known[0], 5); /* lowercased: the cat sat the mat ("on" unknown) */
    w2v_index_close(ix);

    /* every single-byte change and every truncation is refused */
    size_t n;
    unsigned char *b = read_all(path, &n);
    int flips_ok = 1, named = 1;
    for (size_t i = 0; i < n; i++) {
        b[i] ^= 0x20;
        w2v_index *bad = NULL;
        w2v_status st = w2v_index_open_mem(b, n, "x.w2vi", &bad, &err);
        if (st == W2V_OK) {
            flips_ok = 0;
            fprintf(stderr, "byte %zu changed, still opened\n", i);
            w2v_index_close(bad);
        } else {
            named &= one_line_naming(&err, "x.w2vi: ");
        }
        b[i] ^= 0x20;
    }
    T_CHECK(flips_ok, "a changed byte went unnoticed");
    T_CHECK(named, "an error does not name the file");
    int cuts_ok = 1;
    for (size_t m = 0; m < n; m += (m < 400 ? 1 : 7)) {
        w2v_index *bad = NULL;
        if (w2v_index_open_mem(b, m, "x.w2vi", &bad, &err) == W2V_OK) {
            cuts_ok = 0;
            w2v_index_close(bad);
        }
    }
    T_CHECK(cuts_ok, "a truncated index opened");
    /* the file path itself, truncated */
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n - 10, f);
    fclose(f);
    T_EQ(w2v_index_open(path, &ix, &err), W2V_ERR_FORMAT);
    T_TRUE(one_line_naming(&err, path));
    T_TRUE(ix == NULL);
    /* intact bytes at an odd address open (copied, aligned) */
    unsigned char *odd = malloc(n + 1);
    memcpy(odd + 1, b, n);
    T_OK(w2v_index_open_mem(odd + 1, n, "x.w2vi", &ix, &err));
    w2v_index_close(ix);
    free(odd);
    free(b);
    unlink(path);
    T_EQ(w2v_index_open("/nonexistent/x.w2vi", &ix, &err), W2V_ERR_IO);
    T_TRUE(one_line_naming(&err, "/nonexistent/x.w2vi: "));
}

/* Section checksums of more than one piece: any thread count gives the same
 * sum, and a changed byte in any piece changes it. */
static void test_checksum(void)
{
    size_t n = 2 * CKS_CHUNK + 12345;
    unsigned char *b = malloc(n);
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)(i * 2654435761u >> 13);
    uint64_t s1, s3, s8, flipped;
    T_EQ(cks_section(b, n, 4, 1, &s1), 0);
    T_EQ(cks_section(b, n, 4, 3, &s3), 0);
    T_EQ(cks_section(b, n, 4, 8, &s8), 0);
    T_TRUE(s1 == s3 && s3 == s8);
    int all_seen = 1;
    size_t at[] = {0, CKS_CHUNK - 1, CKS_CHUNK, 2 * CKS_CHUNK + 7, n - 1};
    for (size_t i = 0; i < sizeof at / sizeof *at; i++) {
        b[at[i]] ^= 1;
        cks_section(b, n, 4, 2, &flipped);
        all_seen &= flipped != s1;
        b[at[i]] ^= 1;
    }
    T_CHECK(all_seen, "a flipped bit in a large section went unnoticed");
    cks_section(b, n - 1, 4, 2, &flipped);
    T_TRUE(flipped != s1);
    free(b);
}

int main(void)
{
    test_checksum();
    test_embed_reference();
    test_topk();
    test_index();
    return T_DONE();
}
