/*
 * model.c - allocation and seeded initialisation of the weight matrices
 * (see model.h): W_E, W_out when negative sampling is on, W_hs (V - 1 rows,
 * one per inner Huffman node) when hierarchical softmax is on.  Every row is
 * padded to 16 floats and 64-byte aligned; the size is checked against
 * overflow and the caller's cap before anything is allocated.  W_E starts
 * uniform from a seeded generator, the output matrices at zero.  With
 * several threads each takes a share of the rows and draws from the one
 * stream where its share begins, so the values never depend on how many.
 *
 * The matrices are allocated on 2 MiB pages where the kernel offers them
 * (core/bigalloc.h): training reads rows at random all over them, and with
 * 4 KiB pages nearly every scattered row is also a TLB miss, besides one
 * page fault per 4 KiB when first touched.
 */
#include "w2v/model.h"

#include <stdlib.h>
#include <string.h>

#include "core/bigalloc.h"
#include "core/parts.h"
#include "train/rng.h"

#define ROW_ALIGN_FLOATS 16 /* 64 bytes */

static size_t padded(size_t D)
{
    return (D + ROW_ALIGN_FLOATS - 1) / ROW_ALIGN_FLOATS * ROW_ALIGN_FLOATS;
}

static size_t hs_rows(size_t V) { return V > 1 ? V - 1 : 1; }

size_t w2v_model_bytes(size_t V, size_t D, int ns, int hs)
{
    size_t stride = padded(D);
    if (D == 0 || V > SIZE_MAX / 3 / sizeof(float) / stride)
        return 0;
    return (V + (ns ? V : 0) + (hs ? hs_rows(V) : 0)) * stride * sizeof(float);
}

w2v_model_opts w2v_model_opts_default(void)
{
    return (w2v_model_opts){.seed = 1, .init_range = W2V_MODEL_INIT_RANGE_DEFAULT, .max_bytes = 0,
                            .ns = 1, .hs = 0};
}

typedef struct {
    const w2v_model *m;
    uint64_t seed;
    float scale;
} init_job;

/* Zero part `part` of `parts` of a matrix of n floats. */
static void zero_part(float *a, size_t n, unsigned part, unsigned parts)
{
    if (!a)
        return;
    size_t lo = n / parts * part + (part < n % parts ? part : n % parts);
    size_t len = n / parts + (part < n % parts);
    memset(a + lo, 0, len * sizeof *a);
}

/* One part of the rows: W_E rows [lo, hi) from the one seeded stream, each
 * value the draw it would be in a single pass (w2v_rng_skip), and the same
 * share of the output matrices zeroed. */
static void init_part(void *arg, unsigned part, unsigned parts)
{
    const init_job *job = arg;
    const w2v_model *m = job->m;
    size_t V = m->V, D = m->D;
    size_t lo = V * part / parts, hi = V * (part + 1) / parts;
    w2v_rng r = w2v_rng_seed(job->seed, 0x1D17);
    w2v_rng_skip(&r, (uint64_t)lo * D);
    for (size_t i = lo; i < hi; i++) {
        float *row = m->in + i * m->stride;
        for (size_t d = 0; d < D; d++)
            row[d] = (w2v_rng_float(&r) - 0.5f) * job->scale;
        for (size_t d = D; d < m->stride; d++)
            row[d] = 0.0f;
    }
    zero_part(m->out, V * m->stride, part, parts);
    zero_part(m->hs, hs_rows(V) * m->stride, part, parts);
}

w2v_status w2v_model_create(w2v_model *m, size_t V, size_t D, const w2v_model_opts *opts,
                            w2v_error *err)
{
    memset(m, 0, sizeof *m);
    if (V == 0)
        return w2v_error_set(err, W2V_ERR_ARG, "model: empty vocabulary");
    if (D == 0 || D > W2V_MODEL_MAX_DIM)
        return w2v_error_set(err, W2V_ERR_ARG, "model: dimension %zu outside 1..%d", D,
                             W2V_MODEL_MAX_DIM);
    if (!(opts->init_range > 0 && opts->init_range <= 1e6))
        return w2v_error_set(err, W2V_ERR_ARG, "model: init range %g outside (0, 1e6]",
                             opts->init_range);
    size_t max_bytes = opts->max_bytes ? opts->max_bytes : W2V_MODEL_MAX_BYTES_DEFAULT;
    size_t bytes = w2v_model_bytes(V, D, opts->ns, opts->hs);
    if (bytes == 0 || bytes > max_bytes) {
        double need = (double)V * (double)padded(D) * 4.0 * (1 + !!opts->ns + !!opts->hs);
        return w2v_error_set(err, W2V_ERR_LIMIT,
                             "model: %zu words x %zu dimensions need %.1f MiB, over the limit "
                             "of %.1f MiB (-max-memory)",
                             V, D, need / 1048576.0, (double)max_bytes / 1048576.0);
    }
    m->V = V;
    m->D = D;
    m->stride = padded(D);
    size_t row_bytes = m->stride * sizeof(float);
    m->in = big_alloc(V * row_bytes);
    if (m->in && opts->ns)
        m->out = big_alloc(V * row_bytes);
    if (m->in && opts->hs)
        m->hs = big_alloc(hs_rows(V) * row_bytes);
    if (!m->in || (opts->ns && !m->out) || (opts->hs && !m->hs)) {
        w2v_model_free(m);
        return w2v_error_set(err, W2V_ERR_NOMEM, "model: cannot allocate %.1f MiB",
                             (double)bytes / 1048576.0);
    }
    init_job job = {.m = m, .seed = opts->seed,
                    .scale = (float)(2.0 * opts->init_range / (double)D)};
    w2v_run_parts(opts->threads < V ? opts->threads : (unsigned)V, init_part, &job);
    return W2V_OK;
}

void w2v_model_free(w2v_model *m)
{
    if (!m)
        return;
    free(m->in);
    free(m->out);
    free(m->hs);
    m->in = m->out = m->hs = NULL;
}
