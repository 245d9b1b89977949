/*
 * fuzz.h - what every fuzz target shares.
 *
 * A target is one file tests/fuzz/fuzz_<name>.c defining
 * LLVMFuzzerTestOneInput.  It is built two ways: with clang
 * -fsanitize=fuzzer (plus ASan/UBSan) to search for failing inputs, and
 * with tests/fuzz/replay.c, a plain main() that runs the seed corpus
 * tests/fuzz/corpus/<name>/ on every `make test`, with any compiler.
 * Targets assert invariants that hold for every input (the parser returns
 * a consistent result or a clean error), never expected outputs.  A broken
 * invariant prints where and aborts, which both drivers report as a crash.
 */
#ifndef W2V_FUZZ_H
#define W2V_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "w2v/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                             \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                 \
        }                                                                            \
    } while (0)

/*
 * An error a reader returned: negative status, the same status recorded,
 * a message that starts with prefix (the name given to the reader; NULL:
 * not checked) and is one printable line (no control bytes, so a hostile
 * file cannot garble a terminal or a log).
 */
static inline void fuzz_check_error(w2v_status st, const w2v_error *err, const char *prefix)
{
    FUZZ_CHECK(st < 0);
    FUZZ_CHECK(err->status == st);
    FUZZ_CHECK(err->msg[0] != '\0');
    if (prefix)
        FUZZ_CHECK(strncmp(err->msg, prefix, strlen(prefix)) == 0);
    for (const unsigned char *p = (const unsigned char *)err->msg; *p; p++)
        FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
}

/*
 * Length of the well-formed UTF-8 sequence at s[0..n), 0 if none.
 *
 * Written from the byte table of RFC 3629, section 4 (UTF8-1 .. UTF8-4),
 * not from a decoder: no code point is computed, so this reference shares
 * no formula with the tokenizer's decoder (src/text/tokenize.c) and cannot
 * share its mistakes.  Each row is a range of lead bytes, the length of
 * the sequences they start and the range allowed for the second byte;
 * every later byte is 80..BF.  The second-byte ranges are where overlong
 * forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4) are
 * excluded; C0, C1 and F5..FF start nothing.
 */
static inline size_t fuzz_utf8_len(const unsigned char *s, size_t n)
{
    static const struct {
        unsigned char lead_lo, lead_hi, len, second_lo, second_hi;
    } rows[] = {
        {0x00, 0x7F, 1, 0x00, 0x00}, /* UTF8-1 */
        {0xC2, 0xDF, 2, 0x80, 0xBF}, /* UTF8-2 */
        {0xE0, 0xE0, 3, 0xA0, 0xBF}, /* UTF8-3 */
        {0xE1, 0xEC, 3, 0x80, 0xBF},
        {0xED, 0xED, 3, 0x80, 0x9F},
        {0xEE, 0xEF, 3, 0x80, 0xBF},
        {0xF0, 0xF0, 4, 0x90, 0xBF}, /* UTF8-4 */
        {0xF1, 0xF3, 4, 0x80, 0xBF},
        {0xF4, 0xF4, 4, 0x80, 0x8F},
    };
    for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
        if (s[0] < rows[r].lead_lo || s[0] > rows[r].lead_hi)
            continue;
        size_t len = rows[r].len;
        if (n < len)
            return 0;
        if (len > 1 && (s[1] < rows[r].second_lo || s[1] > rows[r].second_hi))
            return 0;
        for (size_t i = 2; i < len; i++)
            if (s[i] < 0x80 || s[i] > 0xBF)
                return 0;
        return len;
    }
    return 0;
}

static inline int fuzz_valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0, l; i < n; i += l)
        if ((l = fuzz_utf8_len(s + i, n - i)) == 0)
            return 0;
    return 1;
}

#endif
