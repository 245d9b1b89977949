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

/* Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629), 0 if none. */
static inline size_t fuzz_utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, v = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return 0;
    return len;
}

static inline int fuzz_valid_utf8(const unsigned char *s, size_t n)
{
    for (size_t i = 0, l; i < n; i += l)
        if ((l = fuzz_utf8_len(s + i, n - i)) == 0)
            return 0;
    return 1;
}

#endif
