/*
 * score_analogies.c - load word vectors with libw2v and score them on an
 * analogy file ("a b c d" questions under ": section" lines, as word2vec's
 * questions-words.txt).
 *
 *     cc score_analogies.c $(pkg-config --cflags --libs w2v) -o score_analogies
 *     ./score_analogies vectors.bin questions-words.txt
 *
 * A question counts as seen when its four words are among the vectors'
 * first 30000 (the library's default restriction) and as correct when the
 * word nearest to b - a + c, the question words left out, is d.
 */
#include <stdio.h>

#include <w2v/eval.h>
#include <w2v/vecio.h>

static void print_tally(const char *name, const w2v_tally *t)
{
    printf("%-24s %5zu / %-5zu correct (%6.2f %%), %zu of %zu questions seen\n", name,
           t->correct, t->seen, 100.0 * w2v_tally_accuracy(t, 0), t->seen, t->total);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s VECTORS QUESTIONS\n", argv[0]);
        return 2;
    }
    w2v_error err;
    w2v_vectors *vec = NULL;
    w2v_space *sp = NULL;
    w2v_analogies *q = NULL;
    w2v_analogy_result res = {0};
    w2v_analogy_opts opts = w2v_analogy_opts_default();
    opts.threads = 2;

    /* Only the first restrict_rows rows can take part: read no more. */
    w2v_status st = w2v_vectors_read(argv[1], W2V_FORMAT_AUTO, opts.restrict_rows, &vec, &err);
    if (st == W2V_OK)
        st = w2v_space_create(vec, 0, W2V_CASE_UPPER, &sp, &err); /* gensim folds case */
    w2v_vectors_free(vec);
    if (st == W2V_OK)
        st = w2v_analogies_load(argv[2], &q, &err);
    if (st == W2V_OK)
        st = w2v_analogies_eval(sp, q, &opts, &res, &err);
    if (st == W2V_OK) {
        for (size_t s = 0; s < res.nsections; s++)
            print_tally(w2v_analogies_section_name(q, s), &res.sections[s]);
        print_tally("total", &res.all);
    } else {
        fprintf(stderr, "%s: %s\n", argv[0], err.msg);
    }
    w2v_analogy_result_free(&res);
    w2v_analogies_free(q);
    w2v_space_free(sp);
    return st == W2V_OK ? 0 : 1;
}
