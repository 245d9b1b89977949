/*
 * analogy.c - analogy question files and their evaluation (3CosAdd, 3CosMul).
 *
 * Shape legend: R candidate rows (the restricted vocabulary), Dp padded
 * dimension, W distinct question words of a batch, T candidate rows per
 * tile, nq questions.
 *
 * DESIGN: both methods only need the cosines of each question word with
 * each candidate: 3CosAdd ranks x by cos(x,b) - cos(x,a) + cos(x,c) (the
 * cosine with b - a + c up to a positive factor that does not change the
 * argmax), 3CosMul combines the same three cosines.  questions-words.txt has
 * 19,544 questions but only ~900 distinct words, so instead of one query
 * vector per question (19,544 x R x D) we compute S = U * E^T for the W
 * distinct words (W x R x D, 20x fewer flops) and combine rows of S.
 *
 * The candidates are cut into tiles of T rows; a thread takes a tile, computes
 * the W x T block of S with the gemm kernel (the block and the tile stay in
 * L2), then walks every question: combine three rows of the block, mask the
 * question's own words, keep the best.  Threads take tiles from an atomic
 * counter and keep private per-question bests, merged at the end by (score,
 * lower row), so the answer does not depend on the number of threads.
 * When a file has so many distinct words that the block would not fit in
 * memory comfortably, the questions are evaluated in batches of at most
 * MAX_BATCH_WORDS words.
 *
 * Reference semantics (tests/test_eval.c checks them on hand-built vectors
 * against a direct per-question loop, analogy_ref there): candidates are the
 * first R rows except every row whose folded word is a question word a, b
 * or c; the answer is correct when it folds to d; a question with a word
 * outside the first R rows is skipped.  This is gensim's
 * evaluate_word_analogies and word2vec.c's compute-accuracy.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval_text.h"
#include "eval/space.h"
#include "w2v/eval.h"
#include "eval/gemm.h"

/* Distinct question words per batch: bounds the W x T block (and memory). */
#define MAX_BATCH_WORDS 2048
/* Target size of the W x T score block and of the T x Dp tile: about a
 * per-core L2.  The time of questions-words hardly moves between 256 KiB
 * and 3 MiB (docs/performance.md, "Component timings"), so not critical. */
#define BLOCK_BYTES (1024 * 1024)

/* ---- the question file ------------------------------------------------------ */

struct w2v_analogies {
    char *bytes;      /* words and section names, NUL-terminated */
    size_t nbytes, capbytes;
    size_t nq, capq;  /* questions, room for questions */
    size_t *word;     /* 4 offsets into bytes per question */
    size_t *line;     /* line of each question */
    size_t *sec;      /* section of each question */
    size_t nsec, capsec;
    size_t *sec_name; /* offsets into bytes */
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return -1;
        n *= 2;
    }
    void *q = realloc(*p, n * elem);
    if (!q)
        return -1;
    *p = q;
    *cap = n;
    return 0;
}

/* Append [s, e) plus a NUL to the byte store; the offset, or SIZE_MAX. */
static size_t add_bytes(w2v_analogies *q, const unsigned char *s, const unsigned char *e)
{
    size_t n = (size_t)(e - s);
    void *b = q->bytes;
    if (grow(&b, &q->capbytes, q->nbytes + n + 1, 1) != 0)
        return SIZE_MAX;
    q->bytes = b;
    size_t off = q->nbytes;
    memcpy(q->bytes + off, s, n);
    q->bytes[off + n] = '\0';
    q->nbytes += n + 1;
    return off;
}

static int add_section(w2v_analogies *q, const unsigned char *s, const unsigned char *e)
{
    void *p = q->sec_name;
    if (grow(&p, &q->capsec, q->nsec + 1, sizeof *q->sec_name) != 0)
        return -1;
    q->sec_name = p;
    size_t off = add_bytes(q, s, e);
    if (off == SIZE_MAX)
        return -1;
    q->sec_name[q->nsec++] = off;
    return 0;
}

void w2v_analogies_free(w2v_analogies *q)
{
    if (!q)
        return;
    free(q->bytes);
    free(q->word);
    free(q->line);
    free(q->sec);
    free(q->sec_name);
    free(q);
}

w2v_status w2v_analogies_parse(const void *data, size_t len, const char *name,
                               w2v_analogies **out, w2v_error *err)
{
    if (!out || (!data && len))
        return w2v_error_set(err, W2V_ERR_ARG, "w2v_analogies_parse: NULL argument");
    *out = NULL;
    if (!name)
        name = "(memory)";
    w2v_analogies *q = calloc(1, sizeof *q);
    if (!q)
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
    txt_lines it;
    txt_init(&it, data, len);
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        it.p += 3; /* a UTF-8 byte order mark is not part of the first word */
    const unsigned char *s, *e;
    w2v_status st = W2V_OK;
    while (st == W2V_OK && txt_next(&it, &s, &e)) {
        size_t col = txt_binary_at(s, e);
        if (col) {
            st = w2v_error_set(err, W2V_ERR_FORMAT,
                               "%s:%zu: control byte 0x%02x at column %zu: not a text question file",
                               name, it.line, s[col - 1], col);
            break;
        }
        if (txt_skip(s, e))
            continue;
        while (txt_sep(*s))
            s++;
        if (*s == ':') {
            const unsigned char *t = s + 1;
            while (t < e && txt_sep(*t))
                t++;
            const unsigned char *te = e;
            while (te > t && txt_sep(te[-1]))
                te--;
            if (t == te)
                st = w2v_error_set(err, W2V_ERR_FORMAT, "%s:%zu: section header without a name",
                                   name, it.line);
            else if (add_section(q, t, te) != 0)
                st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
            continue;
        }
        const unsigned char *fs[4], *fe[4];
        size_t nf = txt_fields(s, e, fs, fe, 4);
        if (nf != 4) {
            st = w2v_error_set(err, W2V_ERR_FORMAT,
                               "%s:%zu: expected 4 words 'a b c d' (a is to b as c is to d), found %zu",
                               name, it.line, nf);
            break;
        }
        if (q->nsec == 0) { /* questions before any header: an unnamed section */
            static const unsigned char none[1] = {0};
            if (add_section(q, none, none) != 0) {
                st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
                break;
            }
        }
        if (q->nq == q->capq) {
            size_t cap = q->capq ? 2 * q->capq : 1024;
            size_t *nw = cap < SIZE_MAX / 4 / sizeof *nw ? realloc(q->word, 4 * cap * sizeof *nw) : NULL;
            if (nw)
                q->word = nw;
            size_t *nl = nw ? realloc(q->line, cap * sizeof *nl) : NULL;
            if (nl)
                q->line = nl;
            size_t *ns = nl ? realloc(q->sec, cap * sizeof *ns) : NULL;
            if (!ns) {
                st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
                break;
            }
            q->sec = ns;
            q->capq = cap;
        }
        for (int k = 0; k < 4 && st == W2V_OK; k++) {
            if ((size_t)(fe[k] - fs[k]) > W2V_VECIO_MAX_WORD) {
                st = w2v_error_set(err, W2V_ERR_FORMAT, "%s:%zu: word %d longer than %d bytes", name,
                                   it.line, k + 1, W2V_VECIO_MAX_WORD);
                break;
            }
            size_t off = add_bytes(q, fs[k], fe[k]);
            if (off == SIZE_MAX)
                st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", name);
            q->word[4 * q->nq + (size_t)k] = off;
        }
        if (st != W2V_OK)
            break;
        q->line[q->nq] = it.line;
        q->sec[q->nq] = q->nsec - 1;
        q->nq++;
    }
    if (st == W2V_OK && q->nq == 0)
        st = w2v_error_set(err, W2V_ERR_EMPTY, "%s: no analogy questions", name);
    if (st != W2V_OK) {
        w2v_analogies_free(q);
        return st;
    }
    *out = q;
    return W2V_OK;
}

w2v_status w2v_analogies_load(const char *path, w2v_analogies **out, w2v_error *err)
{
    char *data;
    size_t len;
    w2v_status st = w2v_eval_read_file(path, &data, &len, err);
    if (st != W2V_OK)
        return st;
    st = w2v_analogies_parse(data, len, path, out, err);
    free(data);
    return st;
}

size_t w2v_analogies_count(const w2v_analogies *q) { return q->nq; }
size_t w2v_analogies_nsections(const w2v_analogies *q) { return q->nsec; }
const char *w2v_analogies_section_name(const w2v_analogies *q, size_t s)
{
    return q->bytes + q->sec_name[s];
}

void w2v_analogies_get(const w2v_analogies *q, size_t i, const char *w[4], size_t *section,
                       size_t *line)
{
    for (int k = 0; k < 4; k++)
        w[k] = q->bytes + q->word[4 * i + (size_t)k];
    if (section)
        *section = q->sec[i];
    if (line)
        *line = q->line[i];
}

/* ---- evaluation --------------------------------------------------------------- */

w2v_analogy_opts w2v_analogy_opts_default(void)
{
    w2v_analogy_opts o = {W2V_ANALOGY_ADD, 30000, 0, 1, 0.001f};
    return o;
}

/* One batch of questions, shared read-only by the workers. */
typedef struct {
    const w2v_space *sp;
    size_t R, T, ntiles;
    size_t W;              /* distinct words (rows of U) */
    const float *U;        /* W x Dp unit vectors of the words */
    size_t nq;             /* questions */
    const uint32_t *slot;  /* 3 per question: a, b, c as rows of U */
    const uint32_t *row;   /* 3 per question: a, b, c as canonical rows */
    const size_t *vstart;  /* W + 1: extra rows folding to word w are */
    const uint32_t *vrow;  /*   vrow[vstart[w] .. vstart[w + 1]) */
    int mul;
    float eps;
    atomic_size_t next;    /* next tile to take */
} question_batch;

/* Per-thread state: its own block, scratch and bests (no sharing, no false
 * sharing: every array is a separate allocation). */
typedef struct {
    question_batch *b;
    float *S;     /* W x T block of cosines */
    float *buf;   /* T combined scores */
    float *best;  /* nq best scores */
    w2v_row *arg; /* nq best rows, W2V_ROW_NONE = none yet */
} worker;

/* Set buf[r - r0] to -inf for excluded row r when it lies in [r0, r0 + n);
 * 1 when it did. */
static int mask_row(float *buf, size_t r0, size_t n, size_t r)
{
    if (r >= r0 && r - r0 < n) {
        buf[r - r0] = -INFINITY;
        return 1;
    }
    return 0;
}

static void *work(void *arg)
{
    worker *w = arg;
    question_batch *b = w->b;
    const w2v_space *sp = b->sp;
    size_t T = b->T, Dp = sp->Dp;
    for (;;) {
        size_t t = atomic_fetch_add(&b->next, 1);
        if (t >= b->ntiles)
            break;
        size_t r0 = t * T, n = b->R - r0 < T ? b->R - r0 : T;
        w2v_gemm_nt(b->W, n, Dp, b->U, Dp, sp->unit + r0 * Dp, Dp, w->S, T);
        for (size_t i = 0; i < b->nq; i++) {
            const uint32_t *sl = b->slot + 3 * i;
            const float *sa = w->S + sl[0] * T, *sb = w->S + sl[1] * T, *sc = w->S + sl[2] * T;
            float *buf = w->buf;
            /* Most tiles do not beat the best so far: the max that comes
             * with the scores decides, and only an improvement pays for
             * masking the question's own words (then the max is taken
             * again) and for the scan for its position (the first one, so
             * ties keep the lower row). */
            float m = w2v_analogy_scores(b->mul, n, sa, sb, sc, b->eps, buf);
            if (!(m > w->best[i]))
                continue;
            int masked = 0;
            for (int k = 0; k < 3; k++) {
                masked |= mask_row(buf, r0, n, b->row[3 * i + (size_t)k]);
                uint32_t s = sl[k];
                for (size_t v = b->vstart[s]; v < b->vstart[s + 1]; v++)
                    masked |= mask_row(buf, r0, n, b->vrow[v]);
            }
            if (masked)
                m = w2v_max(n, buf);
            if (m > w->best[i]) {
                size_t at = 0;
                while (buf[at] != m)
                    at++;
                w->best[i] = m;
                w->arg[i] = (w2v_row)(r0 + at);
            }
        }
    }
    return NULL;
}

void w2v_analogy_result_free(w2v_analogy_result *res)
{
    if (!res)
        return;
    free(res->sections);
    free(res->answer);
    memset(res, 0, sizeof *res);
}

/* Run one batch over all tiles with nth threads; answers go to arg[0..nq). */
static w2v_status run_batch(question_batch *b, unsigned nth, w2v_row *arg, w2v_error *err)
{
    if (nth > b->ntiles)
        nth = (unsigned)b->ntiles;
    if (nth == 0)
        nth = 1;
    worker *w = calloc(nth, sizeof *w);
    pthread_t *tid = calloc(nth, sizeof *tid);
    w2v_status st = W2V_OK;
    if (!w || !tid)
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for %u workers", nth);
    for (unsigned t = 0; st == W2V_OK && t < nth; t++) {
        w[t].b = b;
        w[t].S = aligned_alloc(64, b->W * b->T * sizeof(float));
        w[t].buf = malloc(b->T * sizeof(float));
        w[t].best = malloc((b->nq ? b->nq : 1) * sizeof(float));
        w[t].arg = malloc((b->nq ? b->nq : 1) * sizeof(w2v_row));
        if (!w[t].S || !w[t].buf || !w[t].best || !w[t].arg)
            st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for a %zu x %zu score block", b->W,
                               b->T);
        for (size_t i = 0; st == W2V_OK && i < b->nq; i++) {
            w[t].best[i] = -INFINITY;
            w[t].arg[i] = W2V_ROW_NONE;
        }
    }
    if (st == W2V_OK) {
        unsigned started;
        atomic_store(&b->next, 0);
        /* Worker 0 is this thread.  A thread that cannot be started is not
         * an error: the others take its tiles from the shared counter. */
        for (started = 1; started < nth; started++)
            if (pthread_create(&tid[started], NULL, work, &w[started]) != 0)
                break;
        work(&w[0]);
        for (unsigned t = 1; t < started; t++)
            pthread_join(tid[t], NULL);
        for (size_t i = 0; i < b->nq; i++) {
            float m = -INFINITY;
            w2v_row a = W2V_ROW_NONE;
            /* the best score, ties to the lower row (W2V_ROW_NONE is above every row) */
            for (unsigned t = 0; t < started; t++)
                if (w[t].arg[i] != W2V_ROW_NONE &&
                    (w[t].best[i] > m || (w[t].best[i] == m && w[t].arg[i] < a))) {
                    m = w[t].best[i];
                    a = w[t].arg[i];
                }
            arg[i] = a;
        }
    }
    for (unsigned t = 0; w && t < nth; t++) {
        free(w[t].S);
        free(w[t].buf);
        free(w[t].best);
        free(w[t].arg);
    }
    free(w);
    free(tid);
    return st;
}

/* Pick T: a multiple of 48 (the kernel's 3 columns, 16-float alignment) such
 * that the W x T block and the T x Dp tile stay near BLOCK_BYTES. */
static size_t tile_rows(size_t W, size_t Dp, size_t R)
{
    size_t big = W > Dp ? W : Dp;
    size_t T = BLOCK_BYTES / (sizeof(float) * (big ? big : 1));
    T = T / 48 * 48;
    if (T < 48)
        T = 48;
    if (T > 1536)
        T = 1536;
    size_t Rr = (R + 47) / 48 * 48;
    return T < Rr ? T : Rr;
}

/* The scratch of one evaluation: every question's rows and the arrays that
 * assemble one batch.  Shape legend: nq questions, R rows searched, W the
 * distinct words of a batch (<= MAX_BATCH_WORDS), Dp the padded dimension. */
typedef struct {
    w2v_row *rows;     /* 4 per question: a, b, c, d as rows, W2V_ROW_NONE unknown */
    int32_t *slot_of;  /* R: row -> its slot in the batch, -1 */
    uint32_t *qslot;   /* 3 per batch question: a, b, c as slots */
    uint32_t *qrow;    /* 3 per batch question: a, b, c as rows */
    size_t *qidx;      /* batch position -> question */
    uint32_t *urow;    /* slot -> row */
    float *U;          /* W x Dp: the slots' unit vectors */
    size_t *vstart;    /* W + 1 and R: rows that fold to a slot's word */
    uint32_t *vrow;
    w2v_row *barg;     /* batch position -> the row answered */
} eval_scratch;

static void scratch_free(eval_scratch *x)
{
    free(x->rows);
    free(x->slot_of);
    free(x->qslot);
    free(x->qrow);
    free(x->qidx);
    free(x->urow);
    free(x->U);
    free(x->vstart);
    free(x->vrow);
    free(x->barg);
}

/* @return 0, or -1 when some allocation failed (free with scratch_free). */
static int scratch_alloc(eval_scratch *x, size_t nq, size_t R, size_t Dp)
{
    x->rows = malloc(4 * nq * sizeof *x->rows);
    x->slot_of = malloc(R * sizeof *x->slot_of);
    x->qslot = malloc(3 * nq * sizeof *x->qslot);
    x->qrow = malloc(3 * nq * sizeof *x->qrow);
    x->qidx = malloc(nq * sizeof *x->qidx);
    x->urow = malloc(MAX_BATCH_WORDS * sizeof *x->urow);
    x->U = aligned_alloc(64, (size_t)MAX_BATCH_WORDS * Dp * sizeof(float));
    x->vstart = malloc((MAX_BATCH_WORDS + 1) * sizeof *x->vstart);
    x->vrow = malloc((R ? R : 1) * sizeof *x->vrow);
    x->barg = malloc(nq * sizeof *x->barg);
    return x->rows && x->slot_of && x->qslot && x->qrow && x->qidx && x->urow && x->U &&
                   x->vstart && x->vrow && x->barg
               ? 0
               : -1;
}

/* The rows of every question's four words among the first R (W2V_ROW_NONE:
 * unknown);
 * every answer starts as "skipped". */
static void find_rows(const w2v_space *sp, const w2v_analogies *q, size_t R, eval_scratch *x,
                      w2v_row *answer)
{
    for (size_t r = 0; r < R; r++)
        x->slot_of[r] = -1;
    for (size_t i = 0; i < q->nq; i++) {
        const char *w[4];
        w2v_analogies_get(q, i, w, NULL, NULL);
        for (int k = 0; k < 4; k++)
            x->rows[4 * i + (size_t)k] = w2v_space_find(sp, w[k], R);
        answer[i] = W2V_ROW_NONE;
    }
}

/* The next batch: consecutive known questions from *i on while their
 * distinct words fit; *W gets the words.  @return the questions taken. */
static size_t next_batch(eval_scratch *x, size_t nq, size_t *i, size_t *W)
{
    size_t bn = 0;
    *W = 0;
    for (; *i < nq; (*i)++) {
        const w2v_row *r = x->rows + 4 * *i;
        if (r[0] == W2V_ROW_NONE || r[1] == W2V_ROW_NONE || r[2] == W2V_ROW_NONE ||
            r[3] == W2V_ROW_NONE)
            continue;
        size_t fresh = 0;
        for (int k = 0; k < 3; k++)
            fresh += x->slot_of[r[k]] < 0 && (k < 1 || r[k] != r[0]) && (k < 2 || r[k] != r[1]);
        if (*W + fresh > MAX_BATCH_WORDS)
            break;
        for (int k = 0; k < 3; k++) {
            if (x->slot_of[r[k]] < 0) {
                x->slot_of[r[k]] = (int32_t)*W;
                x->urow[(*W)++] = r[k];
            }
            x->qslot[3 * bn + (size_t)k] = (uint32_t)x->slot_of[r[k]];
            x->qrow[3 * bn + (size_t)k] = r[k];
        }
        x->qidx[bn++] = *i;
    }
    return bn;
}

/* The batch's unit vectors, and the extra rows (case variants) that fold
 * to each of its words, grouped by word: vrow[vstart[s] .. vstart[s + 1]). */
static w2v_status batch_rows(const w2v_space *sp, size_t R, size_t W, eval_scratch *x,
                             w2v_error *err)
{
    size_t Dp = sp->Dp;
    for (size_t s = 0; s < W; s++)
        memcpy(x->U + s * Dp, sp->unit + (size_t)x->urow[s] * Dp, Dp * sizeof(float));
    for (size_t s = 0; s <= W; s++)
        x->vstart[s] = 0;
    for (size_t r = 0; r < R; r++) {
        uint32_t c = sp->canon[r];
        if (c != r && x->slot_of[c] >= 0)
            x->vstart[x->slot_of[c] + 1]++;
    }
    for (size_t s = 0; s < W; s++)
        x->vstart[s + 1] += x->vstart[s];
    size_t *fill = malloc((W ? W : 1) * sizeof *fill);
    if (!fill)
        return w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    memcpy(fill, x->vstart, W * sizeof *fill);
    for (size_t r = 0; r < R; r++) {
        uint32_t c = sp->canon[r];
        if (c != r && x->slot_of[c] >= 0)
            x->vrow[fill[x->slot_of[c]]++] = (uint32_t)r;
    }
    free(fill);
    return W2V_OK;
}

/* Score a batch of bn questions over W words on the threads; answers go to
 * answer[], and the batch's slots are released. */
static w2v_status score_batch(const w2v_space *sp, size_t R, size_t W, size_t bn,
                              const w2v_analogy_opts *o, eval_scratch *x, w2v_row *answer,
                              w2v_error *err)
{
    question_batch b;
    memset(&b, 0, sizeof b);
    b.sp = sp;
    b.R = R;
    b.T = tile_rows(W, sp->Dp, R);
    b.ntiles = (R + b.T - 1) / b.T;
    b.W = W;
    b.U = x->U;
    b.nq = bn;
    b.slot = x->qslot;
    b.row = x->qrow;
    b.vstart = x->vstart;
    b.vrow = x->vrow;
    b.mul = o->method == W2V_ANALOGY_MUL;
    b.eps = o->mul_eps;
    w2v_status st = run_batch(&b, o->threads ? o->threads : 1, x->barg, err);
    for (size_t k = 0; k < bn; k++)
        answer[x->qidx[k]] = x->barg[k];
    for (size_t s = 0; s < W; s++)
        x->slot_of[x->urow[s]] = -1;
    return st;
}

/* Count every question into its section, the whole file and, when the
 * file splits into semantic sections then "gram" ones, its half. */
static void tally(const w2v_space *sp, const w2v_analogies *q, const w2v_row *rows,
                  w2v_analogy_result *res)
{
    size_t first_gram = SIZE_MAX, last_other = 0;
    int any_other = 0;
    for (size_t s = 0; s < q->nsec; s++) {
        if (strncmp(w2v_analogies_section_name(q, s), "gram", 4) == 0) {
            if (first_gram == SIZE_MAX)
                first_gram = s;
        } else {
            any_other = 1;
            last_other = s;
        }
    }
    res->has_split = any_other && first_gram != SIZE_MAX && last_other < first_gram;
    for (size_t k = 0; k < q->nq; k++) {
        const w2v_row *r = rows + 4 * k;
        int seen = r[0] != W2V_ROW_NONE && r[1] != W2V_ROW_NONE && r[2] != W2V_ROW_NONE &&
                   r[3] != W2V_ROW_NONE;
        w2v_row a = res->answer[k];
        int ok = seen && a != W2V_ROW_NONE && sp->canon[a] == r[3];
        size_t s = q->sec[k];
        w2v_tally *g = !res->has_split ? NULL : s >= first_gram ? &res->syntactic : &res->semantic;
        w2v_tally *ts[3] = {&res->sections[s], &res->all, g};
        for (int t = 0; t < 3; t++)
            if (ts[t]) {
                ts[t]->total++;
                ts[t]->seen += (size_t)seen;
                ts[t]->correct += (size_t)ok;
            }
    }
}

w2v_status w2v_analogies_eval(const w2v_space *sp, const w2v_analogies *q,
                              const w2v_analogy_opts *opts, w2v_analogy_result *res,
                              w2v_error *err)
{
    if (!sp || !q || !res)
        return w2v_error_set(err, W2V_ERR_ARG, "w2v_analogies_eval: NULL argument");
    memset(res, 0, sizeof *res);
    w2v_analogy_opts o = opts ? *opts : w2v_analogy_opts_default();
    if (o.method != W2V_ANALOGY_ADD && o.method != W2V_ANALOGY_MUL)
        return w2v_error_set(err, W2V_ERR_ARG, "unknown analogy method %d", (int)o.method);
    if (o.method == W2V_ANALOGY_MUL && !(o.mul_eps > 0.0f))
        return w2v_error_set(err, W2V_ERR_ARG, "3CosMul epsilon must be positive");
    size_t R = o.restrict_rows && o.restrict_rows < sp->R ? o.restrict_rows : sp->R;
    size_t nq = q->nq;

    res->nsections = q->nsec;
    res->sections = calloc(q->nsec ? q->nsec : 1, sizeof *res->sections);
    res->answer = malloc(nq * sizeof *res->answer);
    eval_scratch x = {0};
    w2v_status st = W2V_OK;
    if (scratch_alloc(&x, nq, R, sp->Dp) != 0 || !res->sections || !res->answer)
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory for %zu questions", nq);
    if (st == W2V_OK)
        find_rows(sp, q, R, &x, res->answer);
    for (size_t i = 0, W, bn; st == W2V_OK && i < nq;) {
        if ((bn = next_batch(&x, nq, &i, &W)) == 0)
            break;
        st = batch_rows(sp, R, W, &x, err);
        if (st == W2V_OK)
            st = score_batch(sp, R, W, bn, &o, &x, res->answer, err);
    }
    if (st == W2V_OK)
        tally(sp, q, x.rows, res);
    scratch_free(&x);
    if (st != W2V_OK)
        w2v_analogy_result_free(res);
    return st;
}
