/*
 * fuzz_phrase.c - phrase counting and rewriting (w2v_phrase_count_buffer,
 * w2v_phrase_rewrite_buffer) on any text.
 *
 * Input: one option byte (min-count 1..4 in bits 0-1, threshold 0, 1, 10
 * or 1e9 in bits 2-3, delta 0 or min-count in bit 4), then the text.
 *
 * Invariants (phrase.h):
 *   - N is the number of tokens; every token, pair and score lookup is
 *     consistent with the text's own counts (pair counts never exceed the
 *     counts of their tokens);
 *   - the rewritten text has one line per input line, each ending in '\n';
 *     with every join byte read as a space it is the input's tokens, in
 *     order, one space apart: joining only replaces a space by '_';
 *   - the number of joins reported is the number of spaces replaced, and
 *     no token joins both its neighbours in one pass;
 *   - a threshold no score reaches joins nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "w2v/phrase.h"

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 1 << 16)
        return 0;
    static const double thresholds[4] = {0, 1, 10, 1e9};
    w2v_phrase_opts o = w2v_phrase_opts_default();
    o.min_count = 1 + (data[0] & 3);
    o.threshold = thresholds[(data[0] >> 2) & 3];
    o.delta = data[0] & 16 ? -1 : 0;
    const char *text = (const char *)data + 1;
    size_t n = size - 1;

    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    to.max_token_bytes = W2V_TOKENIZE_MAX_TOKEN_LIMIT; /* no cuts: compare bytes */
    w2v_tokenizer *tok;
    w2v_error err;
    FUZZ_CHECK(w2v_tokenizer_create(&to, &tok, &err) == W2V_OK);
    w2v_phrase_counts *pc;
    FUZZ_CHECK(w2v_phrase_counts_create(&o, &pc, &err) == W2V_OK);
    FUZZ_CHECK(w2v_phrase_count_buffer(pc, tok, text, n, NULL, &err) == W2V_OK);

    /* The expected text: tokens one space apart, one line per input line. */
    char *want = malloc(2 * n + 2);
    FUZZ_CHECK(want != NULL);
    size_t w = 0, tokens = 0;
    int in_token = 0, line_has = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            want[w++] = '\n';
            in_token = line_has = 0;
        } else if (is_space(c)) {
            in_token = 0;
        } else {
            if (!in_token) {
                if (line_has)
                    want[w++] = ' ';
                tokens++;
                line_has = 1;
            }
            in_token = 1;
            want[w++] = (char)c;
        }
    }
    if (n > 0 && text[n - 1] != '\n')
        want[w++] = '\n';
    FUZZ_CHECK(w2v_phrase_tokens(pc) == tokens);

    char *out = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&out, &len);
    FUZZ_CHECK(fp != NULL);
    uint64_t joined = 0;
    FUZZ_CHECK(w2v_phrase_rewrite_buffer(pc, &o, tok, text, n, fp, &joined, &err) == W2V_OK);
    fclose(fp);
    FUZZ_CHECK(len == w);
    /* the output is the expected text with some separators made '_', and
     * never the two around one token */
    uint64_t replaced = 0;
    int prev_join = 0;
    for (size_t i = 0; i < len; i++) {
        if (want[i] == ' ') {
            int j = out[i] == W2V_PHRASE_JOIN;
            FUZZ_CHECK(j || out[i] == ' ');
            FUZZ_CHECK(!(j && prev_join));
            prev_join = j;
            replaced += (uint64_t)j;
        } else {
            FUZZ_CHECK(out[i] == want[i]);
            if (want[i] == '\n')
                prev_join = 0;
        }
    }
    FUZZ_CHECK(joined == replaced);
    if (o.threshold >= 1e9)
        FUZZ_CHECK(joined == 0);

    /* spot-check the counts at each join: pairs never outnumber their tokens */
    w2v_phrase_item *it;
    size_t k;
    FUZZ_CHECK(w2v_phrase_list(pc, &o, &it, &k, &err) == W2V_OK);
    for (size_t i = 0; i < k; i++) {
        FUZZ_CHECK(it[i].count <= it[i].count_a && it[i].count <= it[i].count_b);
        FUZZ_CHECK(it[i].count >= o.min_count && it[i].score > o.threshold);
        FUZZ_CHECK(w2v_phrase_pair_count(pc, it[i].a, it[i].alen, it[i].b, it[i].blen) ==
                   it[i].count);
        FUZZ_CHECK(w2v_phrase_score(pc, &o, it[i].a, it[i].alen, it[i].b, it[i].blen) ==
                   it[i].score);
        FUZZ_CHECK(i == 0 || it[i - 1].score >= it[i].score);
    }
    FUZZ_CHECK(joined == 0 || k > 0);
    free(it);
    free(out);
    free(want);
    w2v_phrase_counts_free(pc);
    w2v_tokenizer_free(tok);
    return 0;
}
