/*
 * fuzz_checkpoint.c - the checkpoint reader on arbitrary files.
 *
 * Input: one option byte, then the file.  Option bits: 0 recompute the
 * file's checksum (its last 8 bytes, tests/fuzz/checkpoint_sum.h) so that
 * mutations reach the field checks instead of stopping at the checksum;
 * 1-2 the memory cap handed to the loader (none, 1 MiB, 4 KiB, 64 bytes).
 * The file is written to a temporary (the loader reads a path).
 *
 * Invariants (checkpoint.h):
 *   - an error is a clean one: a format, limit or memory status, one
 *     printable line naming the file, and nothing to free;
 *   - a loaded checkpoint is consistent: settings that w2v_train_check
 *     accepts, a vocabulary of V distinct words each found at its own id,
 *     a model of V rows with exactly the output matrices the settings use,
 *     one saved state per thread within its epoch, corpus and learning
 *     rate, and a corpus fingerprint with words <= length.
 * Allocations are bounded by the input: every size is checked against the
 * file before anything is allocated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint_sum.h"
#include "fuzz.h"
#include "w2v/checkpoint.h"

static char path[64];

static void remove_input(void)
{
    unlink(path);
}

static void write_input(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        strcpy(path, "/tmp/w2v-fuzz-ckpt.XXXXXX");
        int fd = mkstemp(path);
        FUZZ_CHECK(fd >= 0);
        close(fd);
        atexit(remove_input);
    }
    FILE *f = fopen(path, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size);
    FUZZ_CHECK(fclose(f) == 0);
}

static void check_loaded(const w2v_checkpoint *ck)
{
    const w2v_train_opts *o = &ck->train;
    w2v_error e;
    FUZZ_CHECK(w2v_train_check(o, &e) == W2V_OK);
    FUZZ_CHECK(o->cbow == 0 || o->cbow == 1);
    FUZZ_CHECK(o->hs == 0 || o->hs == 1);
    FUZZ_CHECK(ck->lowercase == 0 || ck->lowercase == 1);
    FUZZ_CHECK(ck->regex != NULL && ck->corpus_path != NULL);
    FUZZ_CHECK(ck->max_token_bytes >= 1 && ck->max_token_bytes <= W2V_TOKENIZE_MAX_TOKEN_LIMIT);
    FUZZ_CHECK(ck->corpus_words <= ck->corpus_len);

    size_t V = w2v_vocab_size(ck->vocab);
    FUZZ_CHECK(V >= 1 && ck->model.V == V);
    FUZZ_CHECK(ck->model.D >= 1 && ck->model.D <= W2V_MODEL_MAX_DIM);
    FUZZ_CHECK(ck->model.in != NULL);
    FUZZ_CHECK((ck->model.out != NULL) == (o->negative > 0));
    FUZZ_CHECK((ck->model.hs != NULL) == (o->hs != 0));
    for (uint32_t id = 0; id < V; id++) {
        const char *w = w2v_vocab_word(ck->vocab, id);
        size_t len = strlen(w);
        FUZZ_CHECK(len >= 1 && len <= W2V_VOCAB_MAX_WORD_BYTES);
        FUZZ_CHECK(w2v_vocab_find(ck->vocab, w, len) == id);
    }

    FUZZ_CHECK(ck->state.saved && ck->state.threads == o->threads && ck->state.workers);
    FUZZ_CHECK(ck->state.words_done <= ck->corpus_words * o->epochs);
    for (unsigned i = 0; i < o->threads; i++) {
        const w2v_worker_state *ws = &ck->state.workers[i];
        FUZZ_CHECK(ws->epoch <= o->epochs && ws->pos <= ck->corpus_len);
        FUZZ_CHECK(ws->pending < W2V_TRAIN_CHUNK);
        FUZZ_CHECK(ws->alpha >= 0 && ws->alpha <= o->alpha);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t caps[] = {0, 1u << 20, 4096, 64};
    if (size < 1 || size > (1u << 20))
        return 0;
    const unsigned opt = data[0];
    size_t n = size - 1;
    uint8_t *file = malloc(n ? n : 1);
    FUZZ_CHECK(file != NULL);
    memcpy(file, data + 1, n);
    if ((opt & 1) && n >= 8)
        ckpt_fix_sum(file, n);
    write_input(file, n);
    free(file);

    w2v_checkpoint ck;
    w2v_error err;
    w2v_status st = w2v_checkpoint_load(path, caps[(opt >> 1) & 3], &ck, &err);
    if (st != W2V_OK) {
        FUZZ_CHECK(st == W2V_ERR_FORMAT || st == W2V_ERR_LIMIT || st == W2V_ERR_NOMEM);
        fuzz_check_error(st, &err, path);
        /* nothing is left to free: the struct is cleared */
        FUZZ_CHECK(ck.vocab == NULL && ck.model.in == NULL && ck.state.workers == NULL &&
                   ck.regex == NULL && ck.corpus_path == NULL);
        return 0;
    }
    check_loaded(&ck);
    w2v_checkpoint_free(&ck);
    return 0;
}
