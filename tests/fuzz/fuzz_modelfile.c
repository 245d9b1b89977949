/*
 * fuzz_modelfile.c - the saved-model reader (w2v_model_file_read_mem), fed
 * damaged and hostile files.
 *
 * Input: one option byte, then the bytes of a model file.  Option bit 0:
 * recompute the file's checksum (its last 8 bytes: the checkpoint's sum,
 * tests/fuzz/checkpoint_sum.h, from the model file's seed) so that
 * mutations reach the field checks and the success path instead of
 * stopping at the checksum.
 *
 * Invariants (model_file.h):
 *   - an error is W2V_ERR_FORMAT, _LIMIT or _NOMEM with a one-line
 *     printable message naming the file, and nothing stays allocated;
 *   - a success is a consistent model: the vocabulary has V words, the
 *     matrices the layers the settings name, every value finite, the
 *     settings pass w2v_train_check, and saving it again and reading that
 *     gives the same bytes back (the file was canonical).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint_sum.h"
#include "fuzz.h"
#include "w2v/model_file.h"

#define NAME "fuzz.w2vm"
#define MODEL_SUM_SEED 0x30DE1F11Eull /* src/train/model_file.c */

/* The model file's checksum of p[0..n): the checkpoint's, another seed. */
static uint64_t model_sum(const unsigned char *p, size_t n)
{
    return ckpt_sum_seeded(p, n, MODEL_SUM_SEED);
}

int LLVMFuzzerTestOneInput(const uint8_t *input, size_t isize)
{
    if (isize < 1 || isize > 1 << 20)
        return 0;
    size_t size = isize - 1;
    unsigned char *data = malloc(size ? size : 1);
    FUZZ_CHECK(data != NULL);
    memcpy(data, input + 1, size);
    if ((input[0] & 1) && size >= 8) {
        uint64_t sum = model_sum(data, size - 8);
        memcpy(data + size - 8, &sum, 8);
    }
    w2v_model_file mf;
    w2v_error err;
    /* a small cap: a lying header must not make the reader allocate much */
    w2v_status st = w2v_model_file_read_mem(data, size, NAME, 1 << 24, &mf, &err);
    if (st != W2V_OK) {
        FUZZ_CHECK(st == W2V_ERR_FORMAT || st == W2V_ERR_LIMIT || st == W2V_ERR_NOMEM);
        fuzz_check_error(st, &err, NAME);
        FUZZ_CHECK(mf.vocab == NULL && mf.model.in == NULL && mf.state.workers == NULL);
        free(data);
        return 0;
    }
    size_t V = mf.model.V, D = mf.model.D;
    FUZZ_CHECK(V >= 1 && D >= 1 && w2v_vocab_size(mf.vocab) == V);
    FUZZ_CHECK((mf.model.out != NULL) == (mf.train.negative > 0));
    FUZZ_CHECK((mf.model.hs != NULL) == (mf.train.hs != 0));
    FUZZ_CHECK(w2v_train_check(&mf.train, &err) == W2V_OK);
    for (size_t i = 0; i < V; i++)
        for (size_t d = 0; d < D; d++)
            FUZZ_CHECK(isfinite(mf.model.in[i * mf.model.stride + d]));
    /* Saved again, the same bytes. */
    char path[] = "/tmp/fuzz-modelfile.XXXXXX";
    int fd = mkstemp(path);
    FUZZ_CHECK(fd >= 0);
    close(fd);
    FUZZ_CHECK(w2v_model_file_save(path, &mf, &err) == W2V_OK);
    FILE *f = fopen(path, "rb");
    FUZZ_CHECK(f != NULL);
    unsigned char *back = malloc(size + 1);
    size_t n = fread(back, 1, size + 1, f);
    fclose(f);
    unlink(path);
    FUZZ_CHECK(n == size && memcmp(back, data, size) == 0);
    free(back);
    free(data);
    w2v_model_file_free(&mf);
    return 0;
}
