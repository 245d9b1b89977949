/*
 * train_nearest.c - train word vectors on a text file with libw2v, save
 * them, and print the words nearest to a query word.
 *
 *     cc train_nearest.c $(pkg-config --cflags --libs w2v) -o train_nearest
 *     ./train_nearest corpus.txt king vectors.txt
 *
 * The steps are those of w2v-train, without its options: a tokenizer, a
 * corpus (vocabulary + the text as word ids), a model, training, then the
 * vectors written to a file and read back as a searchable space.  Every
 * call returns a w2v_status; on failure the w2v_error holds a one-line
 * message naming the file and line, which is all a program has to print.
 */
#include <stdio.h>
#include <stdlib.h>

#include <w2v/corpus.h>
#include <w2v/eval.h>
#include <w2v/model.h>
#include <w2v/tokenize.h>
#include <w2v/train.h>
#include <w2v/vecio.h>
#include <w2v/version.h>

#define NEIGHBOURS 5

/* Train on corpus_path and write the vectors (text format) to out_path. */
static w2v_status train(const char *corpus_path, const char *out_path, w2v_error *err)
{
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    w2v_tokenizer *tok = NULL;
    w2v_corpus *corpus = NULL;
    w2v_model model = {0};
    const char **words = NULL;

    w2v_status st = w2v_tokenizer_create(&to, &tok, err);
    if (st == W2V_OK) {
        w2v_corpus_opts co = w2v_corpus_opts_default();
        co.min_count = 2;
        st = w2v_corpus_build(corpus_path, tok, &co, &corpus, err);
    }
    size_t V = st == W2V_OK ? w2v_vocab_size(corpus->vocab) : 0, D = 32;
    if (st == W2V_OK) {
        w2v_model_opts mo = w2v_model_opts_default();
        st = w2v_model_create(&model, V, D, &mo, err);
    }
    if (st == W2V_OK) {
        w2v_train_opts o = w2v_train_opts_default(); /* skip-gram, 5 negatives */
        o.epochs = 10;
        o.threads = 2;
        w2v_train_stats stats;
        st = w2v_train(corpus, &model, &o, NULL, &stats, err);
        if (st == W2V_OK)
            printf("trained %llu words, vocabulary %zu, dimension %zu\n",
                   (unsigned long long)stats.words, V, D);
    }
    if (st == W2V_OK) {
        /* Row i of the input matrix is the vector of vocabulary word i. */
        words = malloc(V * sizeof *words);
        if (!words)
            st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
        for (size_t i = 0; words && i < V; i++)
            words[i] = w2v_vocab_word(corpus->vocab, (w2v_row)i);
    }
    if (st == W2V_OK)
        st = w2v_vectors_write(out_path, 0, V, D, words, model.in, model.stride, err);
    free(words);
    w2v_model_free(&model);
    w2v_corpus_free(corpus);
    w2v_tokenizer_free(tok);
    return st;
}

/* Read the vectors back and print the NEIGHBOURS words nearest to word. */
static w2v_status nearest(const char *vec_path, const char *word, w2v_error *err)
{
    w2v_vectors *vec = NULL;
    w2v_space *sp = NULL;
    w2v_status st = w2v_vectors_read(vec_path, W2V_FORMAT_AUTO, 0, &vec, err);
    if (st == W2V_OK)
        st = w2v_space_create(vec, 0, W2V_CASE_NONE, &sp, err);
    w2v_vectors_free(vec); /* the space keeps its own copy */
    if (st != W2V_OK)
        return st;
    float *query = malloc(w2v_space_dim(sp) * sizeof *query);
    w2v_row rows[W2V_QUERY_MAX_WORDS];
    size_t nrows;
    if (!query)
        st = w2v_error_set(err, W2V_ERR_NOMEM, "out of memory");
    else
        st = w2v_space_query(sp, word, 0, query, rows, &nrows, err);
    if (st == W2V_OK) {
        w2v_hit hits[NEIGHBOURS];
        size_t n = w2v_space_nearest(sp, query, 0, rows, nrows, NEIGHBOURS, hits);
        printf("nearest to %s:\n", word);
        for (size_t i = 0; i < n; i++)
            printf("  %-20s %.3f\n", w2v_space_word(sp, hits[i].row), hits[i].score);
    }
    free(query);
    w2v_space_free(sp);
    return st;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s CORPUS WORD [VECTORS.txt]\n", argv[0]);
        return 2;
    }
    const char *out = argc > 3 ? argv[3] : "vectors.txt";
    printf("libw2v %s (headers %s)\n", w2v_version(), W2V_VERSION_STRING);
    w2v_error err;
    if (train(argv[1], out, &err) != W2V_OK || nearest(out, argv[2], &err) != W2V_OK) {
        fprintf(stderr, "%s: %s\n", argv[0], err.msg);
        return 1;
    }
    return 0;
}
