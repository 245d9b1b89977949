/*
 * fuzz_evalfile.c - analogy question files and word-pair files
 * (w2v_analogies_parse, w2v_pairs_parse, w2v_eval_detect), and scoring
 * what they parse against a small fixed vector space.
 *
 * Input: one option byte, then the file.  Bit 0: 3CosMul instead of
 * 3CosAdd; bit 1: dummy (unknown words count); bits 2-3: case rule (none,
 * upper, lower); bits 4-5: restrict rows (0 = all, 2, 5, 9).
 *
 * Invariants (eval.h):
 *   - detection always answers one of the two kinds;
 *   - both parsers: an error leaves *out NULL and a one-line printable
 *     message naming the file; a success holds at least one entry, with
 *     non-empty words free of blanks and control bytes, lines ascending;
 *     questions: 4 words of at most W2V_VECIO_MAX_WORD bytes, a valid
 *     section, only section 0 possibly unnamed; pairs: finite scores;
 *   - scoring: per-section tallies add up to the total, correct <= seen <=
 *     total, answers are rows of the space or -1 (skipped questions), and
 *     the counts of questions equal the file's; pairs: used + unknown =
 *     pairs (used = pairs with dummy), correlations NaN or in [-1, 1].
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "w2v/eval.h"
#include "w2v/vecio.h"

#define NAME "fuzz.txt"

/* Words with case variants, non-ASCII and a duplicate direction. */
static const char vectors[] =
    "9 3\n"
    "king 1 0.1 0\n"
    "queen 0.9 0.2 0.1\n"
    "man 0.1 1 0\n"
    "woman 0 0.9 0.3\n"
    "King 0.5 0.5 0.5\n"
    "\xc3\xa9" "cole 0 0 1\n"
    "Paris 0.3 -0.2 0.8\n"
    "france -0.1 0.4 0.9\n"
    "a 0 0 0\n";

static w2v_space *space(w2v_case fold)
{
    static w2v_space *sp[3];
    if (!sp[fold]) {
        w2v_vectors *v = NULL;
        w2v_error err;
        FUZZ_CHECK(w2v_vectors_read_mem(vectors, sizeof vectors - 1, "fixed", W2V_FORMAT_TEXT, 0,
                                        &v, &err) == W2V_OK);
        FUZZ_CHECK(w2v_space_create(v, 0, fold, &sp[fold], &err) == W2V_OK);
        w2v_vectors_free(v);
    }
    return sp[fold];
}

static void check_word(const char *w)
{
    size_t n = strlen(w);
    FUZZ_CHECK(n >= 1 && n <= W2V_VECIO_MAX_WORD);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        FUZZ_CHECK(c != ' ' && c != '\t' && c >= 0x20 && c != 0x7f);
    }
}

static void check_tally(const w2v_tally *t)
{
    FUZZ_CHECK(t->correct <= t->seen && t->seen <= t->total);
}

static void analogies(const uint8_t *p, size_t n, const w2v_analogy_opts *ao, w2v_case fold)
{
    w2v_analogies *q = NULL;
    w2v_error err;
    w2v_status st = w2v_analogies_parse(p, n, NAME, &q, &err);
    if (st != W2V_OK) {
        FUZZ_CHECK(q == NULL);
        fuzz_check_error(st, &err, NAME);
        return;
    }
    size_t nq = w2v_analogies_count(q), ns = w2v_analogies_nsections(q), last = 0;
    FUZZ_CHECK(nq >= 1 && ns >= 1);
    for (size_t s = 1; s < ns; s++)
        FUZZ_CHECK(w2v_analogies_section_name(q, s)[0] != '\0');
    for (size_t i = 0; i < nq; i++) {
        const char *w[4];
        size_t sec, line;
        w2v_analogies_get(q, i, w, &sec, &line);
        for (int k = 0; k < 4; k++)
            check_word(w[k]);
        FUZZ_CHECK(sec < ns && line > last);
        last = line;
    }
    w2v_space *sp = space(fold);
    w2v_analogy_result r;
    FUZZ_CHECK(w2v_analogies_eval(sp, q, ao, &r, &err) == W2V_OK);
    FUZZ_CHECK(r.nsections == ns && r.all.total == nq);
    w2v_tally sum = {0, 0, 0};
    for (size_t s = 0; s < ns; s++) {
        check_tally(&r.sections[s]);
        sum.correct += r.sections[s].correct;
        sum.seen += r.sections[s].seen;
        sum.total += r.sections[s].total;
    }
    check_tally(&r.all);
    FUZZ_CHECK(sum.correct == r.all.correct && sum.seen == r.all.seen && sum.total == r.all.total);
    if (r.has_split)
        FUZZ_CHECK(r.semantic.total + r.syntactic.total == r.all.total);
    size_t rows = w2v_space_rows(sp);
    for (size_t i = 0; i < nq; i++)
        FUZZ_CHECK(r.answer[i] == W2V_ROW_NONE || r.answer[i] < rows);
    double acc = w2v_tally_accuracy(&r.all, ao->dummy);
    FUZZ_CHECK(acc >= 0.0 && acc <= 1.0);
    w2v_analogy_result_free(&r);
    w2v_analogies_free(q);
}

static void pairs(const uint8_t *p, size_t n, size_t restrict_rows, int dummy, w2v_case fold)
{
    w2v_pairs *pr = NULL;
    w2v_error err;
    w2v_status st = w2v_pairs_parse(p, n, NAME, &pr, &err);
    if (st != W2V_OK) {
        FUZZ_CHECK(pr == NULL);
        fuzz_check_error(st, &err, NAME);
        return;
    }
    size_t np = w2v_pairs_count(pr), last = 0;
    FUZZ_CHECK(np >= 1);
    for (size_t i = 0; i < np; i++) {
        const char *w1, *w2;
        double score;
        size_t line;
        w2v_pairs_get(pr, i, &w1, &w2, &score, &line);
        check_word(w1);
        check_word(w2);
        FUZZ_CHECK(isfinite(score) && line > last);
        last = line;
    }
    w2v_sim_result r;
    st = w2v_pairs_eval(space(fold), pr, restrict_rows, dummy, &r, &err);
    if (st != W2V_OK) {
        FUZZ_CHECK(st == W2V_ERR_EMPTY && !dummy);
        fuzz_check_error(st, &err, NULL);
    } else {
        FUZZ_CHECK(r.pairs == np);
        FUZZ_CHECK(dummy ? r.used == np : r.used + r.oov == np);
        FUZZ_CHECK(r.used >= 1);
        FUZZ_CHECK(isnan(r.spearman) || fabs(r.spearman) <= 1.0 + 1e-9);
        FUZZ_CHECK(isnan(r.pearson) || fabs(r.pearson) <= 1.0 + 1e-9);
    }
    w2v_pairs_free(pr);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 20)
        return 0;
    static const size_t restricts[] = {0, 2, 5, 9};
    static const w2v_case folds[] = {W2V_CASE_NONE, W2V_CASE_UPPER, W2V_CASE_LOWER,
                                     W2V_CASE_UPPER};
    const unsigned opt = data[0];
    const uint8_t *p = data + 1;
    size_t n = size - 1;
    w2v_eval_kind kind = w2v_eval_detect(p, n);
    FUZZ_CHECK(kind == W2V_EVAL_ANALOGY || kind == W2V_EVAL_SIMILARITY);
    w2v_analogy_opts ao = w2v_analogy_opts_default();
    ao.method = opt & 1 ? W2V_ANALOGY_MUL : W2V_ANALOGY_ADD;
    ao.dummy = (opt >> 1) & 1;
    ao.restrict_rows = restricts[(opt >> 4) & 3];
    ao.threads = 1;
    const w2v_case fold = folds[(opt >> 2) & 3];
    analogies(p, n, &ao, fold);
    pairs(p, n, ao.restrict_rows, ao.dummy, fold);
    return 0;
}
