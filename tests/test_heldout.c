/*
 * test_heldout.c - the held-out negative-sampling loss: exact values on an
 * untrained model, pair counting with windows, sentence ends and unknown
 * words, determinism, and that training on planted text lowers the loss on
 * more planted text.
 */
#include "t.h"

#include <stdlib.h>
#include <unistd.h>

#include "planted.h"
#include "w2v/corpus.h"
#include "w2v/heldout.h"
#include "w2v/model.h"
#include "w2v/train.h"

static w2v_tokenizer *tokenizer(void)
{
    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    w2v_tokenizer *tok = NULL;
    T_OK(w2v_tokenizer_create(&to, &tok, NULL));
    return tok;
}

static w2v_corpus *mem_corpus(const w2v_tokenizer *tok, const char *text, size_t len,
                              uint64_t min_count)
{
    w2v_corpus_opts co = w2v_corpus_opts_default();
    co.min_count = min_count;
    w2v_corpus *c = NULL;
    T_OK(w2v_corpus_build_mem(text, len, "mem", tok, &co, &c, NULL));
    return c;
}

/* The held-out text goes through a file, as w2v-train reads it. */
static w2v_corpus *heldout_of(const w2v_tokenizer *tok, const w2v_vocab *v, const char *text,
                              size_t len)
{
    char path[] = "/tmp/w2v-heldout-XXXXXX";
    int fd = mkstemp(path);
    T_TRUE(fd >= 0);
    if (fd < 0)
        return NULL;
    T_EQ(write(fd, text, len), (long long)len);
    close(fd);
    w2v_corpus *c = NULL;
    T_OK(w2v_heldout_corpus(path, tok, v, &c, NULL));
    unlink(path);
    return c;
}

static void test_pairs(void)
{
    w2v_tokenizer *tok = tokenizer();
    const char *train = "a b c d\na b c d\nd c b a\n";
    w2v_corpus *c = mem_corpus(tok, train, strlen(train), 1);
    w2v_model m;
    w2v_model_opts mo = w2v_model_opts_default();
    T_OK(w2v_model_create(&m, w2v_vocab_size(c->vocab), 8, &mo, NULL));
    /* W_out starts at zero: every score is 0, each term log 2 */
    const char *text = "a b c d\n";
    w2v_corpus *h = heldout_of(tok, c->vocab, text, strlen(text));
    w2v_heldout_result r;
    T_OK(w2v_heldout_loss(&m, c->vocab, h, 1, 3, 1, &r, NULL));
    T_EQ(r.pairs, 6); /* a-b, b-a, b-c, c-b, c-d, d-c */
    T_NEAR(r.positive, log(2), 1e-12);
    T_TRUE(r.loss >= log(2) && r.loss <= 4 * log(2) + 1e-12);
    T_OK(w2v_heldout_loss(&m, c->vocab, h, 2, 3, 1, &r, NULL));
    T_EQ(r.pairs, 10);
    T_OK(w2v_heldout_loss(&m, c->vocab, h, 5, 3, 1, &r, NULL));
    T_EQ(r.pairs, 12);
    T_EQ(r.frequent_pairs, 12); /* four words, all of rank < 1000 */
    w2v_corpus_free(h);

    /* sentence ends stop windows; unknown words are dropped */
    const char *text2 = "a zz b\nc d\n";
    h = heldout_of(tok, c->vocab, text2, strlen(text2));
    T_OK(w2v_heldout_loss(&m, c->vocab, h, 5, 3, 1, &r, NULL));
    T_EQ(r.pairs, 4);
    w2v_corpus_free(h);

    /* a word pair needs two known words in one sentence: an error, not a NaN */
    w2v_error err;
    h = heldout_of(tok, c->vocab, "zz a\nb yy\n", 10);
    T_EQ(w2v_heldout_loss(&m, c->vocab, h, 5, 3, 1, &r, &err), W2V_ERR_EMPTY);
    w2v_corpus_free(h);
    h = heldout_of(tok, c->vocab, text, strlen(text));
    T_EQ(w2v_heldout_loss(&m, c->vocab, h, 0, 3, 1, &r, NULL), W2V_ERR_ARG);
    T_EQ(w2v_heldout_loss(&m, c->vocab, h, 5, 0, 1, &r, NULL), W2V_ERR_ARG);
    w2v_model hs;
    mo.ns = 0;
    mo.hs = 1;
    T_OK(w2v_model_create(&hs, w2v_vocab_size(c->vocab), 8, &mo, NULL));
    T_EQ(w2v_heldout_loss(&hs, c->vocab, h, 5, 3, 1, &r, &err), W2V_ERR_ARG);
    T_TRUE(strstr(err.msg, "negative") != NULL);
    w2v_model_free(&hs);
    w2v_corpus_free(h);
    w2v_model_free(&m);
    w2v_corpus_free(c);
    w2v_tokenizer_free(tok);
}

static void test_training_lowers_it(void)
{
    w2v_tokenizer *tok = tokenizer();
    size_t len, hlen;
    char *text = planted_corpus(3000, 11, &len);
    char *held = planted_corpus(300, 99, &hlen);
    w2v_corpus *c = mem_corpus(tok, text, len, 5);
    w2v_corpus *h = heldout_of(tok, c->vocab, held, hlen);
    w2v_model m;
    w2v_model_opts mo = w2v_model_opts_default();
    T_OK(w2v_model_create(&m, w2v_vocab_size(c->vocab), 16, &mo, NULL));
    w2v_heldout_result before, after, again;
    T_OK(w2v_heldout_loss(&m, c->vocab, h, 5, 5, 7, &before, NULL));
    w2v_train_opts o = w2v_train_opts_default();
    o.epochs = 3;
    T_OK(w2v_train(c, &m, &o, NULL, NULL, NULL));
    T_OK(w2v_heldout_loss(&m, c->vocab, h, 5, 5, 7, &after, NULL));
    T_OK(w2v_heldout_loss(&m, c->vocab, h, 5, 5, 7, &again, NULL));
    T_CHECK(after.loss < 0.8 * before.loss, "held-out loss %g after training, %g before",
            after.loss, before.loss);
    T_EQ(after.pairs, before.pairs);
    T_TRUE(after.loss == again.loss); /* same seed, same negatives */
    w2v_model_free(&m);
    w2v_corpus_free(h);
    w2v_corpus_free(c);
    free(text);
    free(held);
    w2v_tokenizer_free(tok);
}

int main(void)
{
    (void)planted_score;
    test_pairs();
    test_training_lowers_it();
    return T_DONE();
}
