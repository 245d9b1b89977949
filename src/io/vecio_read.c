/*
 * vecio_read.c - the reading half of vecio.h: word2vec binary and text
 * vector files (word2vec.c, gensim, fastText .vec), from a path or memory.
 *
 * DESIGN: one parser over a byte range.  A path is mapped (mmap; a pipe or
 * other non-regular file is read into memory) and handed to the same code as
 * w2v_vectors_read_mem, so the fuzz target exercises exactly what users run.
 * Nothing in the file is trusted: the header's V and D are checked against
 * limits and against the bytes that follow before any allocation; every
 * record is bounds-checked; a value that is not a finite float is an error
 * naming the line (text) or byte offset (binary).
 *
 * Format detection (W2V_FORMAT_AUTO): the first record is text if its line
 * holds a word and exactly D numbers, or if the D*4 bytes where binary
 * floats would be are all printable ASCII (then it is a text file with a bad
 * line, and the text parser names it).  Otherwise it is binary.
 *
 * Rules, chosen to match gensim's load_word2vec_format where it is sane:
 *   - binary: a word is the bytes up to the first space; '\n' before a word
 *     is skipped (word2vec.c writes one after each vector, gensim does not);
 *     then exactly D little-endian float32.
 *   - text: fields are separated by spaces or tabs; trailing spaces, tabs
 *     and '\r' are ignored (fastText, word2vec.c, CRLF files).  Numbers are
 *     read as double and rounded to float, the same route as numpy's
 *     float32(str), so both tools see the same floats.
 *   - a duplicate word keeps its first vector (gensim does the same); later
 *     rows with that word are dropped, so V in the result can be smaller
 *     than the header's.  max_words counts kept (distinct) words.
 *   - the header must match the data: fewer records than declared is an
 *     error, and so is data after the last declared record (unless
 *     max_words stopped reading early).
 *   - words are bytes: UTF-8 is passed through unvalidated (word2vec.c may
 *     cut a character in two); a NUL byte in a word is refused.
 *
 * A w2v model file (model_file.h, recognised by its magic) is read as
 * well: its words and W_E rows, in its row order.
 *
 * It does not read gensim's native pickles, fastText .bin, or files without
 * a header line.
 */
#include "w2v/vecio.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/bigalloc.h"
#include "w2v/model_file.h"

/* Longest header line we look for ("<V> <D>" plus slack for spaces/CR). */
#define HEADER_MAX 128
/* Word indices are kept as uint32 in the duplicate table. */
#define MAX_ROWS ((size_t)UINT32_MAX - 1)
/* A text value longer than this cannot be a float anyone wrote. */
#define VALUE_MAX 256

typedef struct {
    const unsigned char *p; /* the whole file */
    size_t len;
    const char *name;
    w2v_error *err;
} source;

/* ---- small helpers ------------------------------------------------------ */

/* Copy at most 40 bytes of a word into buf, replacing non-printables by '?'
 * so an error message stays one readable line. */
static const char *show(char *buf, size_t cap, const unsigned char *w, size_t n)
{
    size_t lim = n < 40 ? n : 40, o = 0;
    for (size_t i = 0; i < lim && o + 1 < cap; i++)
        buf[o++] = (w[i] >= 0x20 && w[i] < 0x7f) ? (char)w[i] : '?';
    if (n > lim && o + 4 < cap) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

static int is_sep(unsigned char c) { return c == ' ' || c == '\t'; }

/* Overflow-checked a * b; 0 on overflow. */
static int mul_ok(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}

static int finite_bits(uint32_t bits) { return (bits & 0x7f800000u) != 0x7f800000u; }

/*
 * Parse the token [s, e) as a decimal number into a float the way numpy's
 * float32(str) does (string -> double -> float).  Fast path (Clinger): when
 * the significand has at most 15 digits and |exponent| <= 22 both parts are
 * exact doubles, so one multiply or divide rounds once, exactly as strtod
 * would.  Anything else goes through strtod.  Returns 0 on success, -1 when
 * the token is not a number, -2 when it is NaN/Inf or overflows a float.
 */
static int parse_value(const unsigned char *s, const unsigned char *e, float *out)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const unsigned char *p = s;
    int neg = 0;
    if (p < e && (*p == '+' || *p == '-'))
        neg = (*p++ == '-');
    const unsigned char *mag = p; /* the unsigned part */
    uint64_t m = 0;               /* first 19 significant digits */
    int sig = 0, dropped = 0, frac = 0, seen_dot = 0, digits = 0;
    for (; p < e; p++) {
        if (*p >= '0' && *p <= '9') {
            digits++;
            if (sig < 19) {
                if (m || *p != '0')
                    sig++;
                m = m * 10 + (uint64_t)(*p - '0');
                frac += seen_dot;
            } else {
                dropped = 1; /* beyond 19 digits: leave it to strtod */
            }
        } else if (*p == '.' && !seen_dot) {
            seen_dot = 1;
        } else {
            break;
        }
    }
    int ok = digits > 0;
    long ex = 0;
    if (ok && p < e && (*p == 'e' || *p == 'E')) {
        p++;
        int eneg = 0;
        if (p < e && (*p == '+' || *p == '-'))
            eneg = (*p++ == '-');
        if (p >= e || *p < '0' || *p > '9')
            ok = 0;
        for (; p < e && *p >= '0' && *p <= '9'; p++)
            if (ex < 100000)
                ex = ex * 10 + (*p - '0');
        if (eneg)
            ex = -ex;
    }
    if (!ok || p != e) {
        /* Not decimal syntax: say "non-finite" for nan/inf spellings. */
        size_t n = (size_t)(e - mag);
        char low[9] = {0};
        for (size_t i = 0; i < n && i < 8; i++)
            low[i] = (char)((mag[i] >= 'A' && mag[i] <= 'Z') ? mag[i] + 32 : mag[i]);
        if (n <= 8 && (!strcmp(low, "nan") || !strcmp(low, "inf") || !strcmp(low, "infinity")))
            return -2;
        return -1;
    }
    long e10 = ex - frac;
    double v;
    if (!dropped && sig <= 15 && e10 >= -22 && e10 <= 22) {
        v = (double)m; /* exact: m < 10^15 < 2^53 */
        v = e10 < 0 ? v / p10[-e10] : v * p10[e10];
    } else {
        char buf[VALUE_MAX + 1];
        size_t n = (size_t)(e - mag);
        if (n > VALUE_MAX)
            return -1;
        memcpy(buf, mag, n);
        buf[n] = '\0';
        v = strtod(buf, NULL); /* syntax checked above; overflow gives HUGE_VAL */
    }
    float f = (float)(neg ? -v : v);
    if (!isfinite(f))
        return -2;
    *out = f;
    return 0;
}

/* ---- duplicate detection ------------------------------------------------ */

typedef struct {
    uint32_t *slot; /* 0 = empty, else row index + 1 */
    size_t mask;
} dupset;

static uint64_t hash_bytes(const unsigned char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

/* ---- the result under construction ------------------------------------- */

typedef struct {
    char *bytes;   /* all words, NUL-terminated, back to back */
    size_t used, cap;
    size_t *off;   /* start of word i in bytes (pointers come at the end) */
    char **words;  /* the array handed out, filled once parsing is done */
} word_arena;

static int arena_add(word_arena *a, size_t row, const unsigned char *w, size_t n)
{
    if (a->cap - a->used < n + 1) {
        size_t ncap = a->cap ? a->cap : 4096;
        while (ncap - a->used < n + 1) {
            if (ncap > SIZE_MAX / 2)
                return -1;
            ncap *= 2;
        }
        char *nb = realloc(a->bytes, ncap);
        if (!nb)
            return -1;
        a->bytes = nb;
        a->cap = ncap;
    }
    memcpy(a->bytes + a->used, w, n);
    a->bytes[a->used + n] = '\0';
    a->off[row] = a->used;
    a->used += n + 1;
    return 0;
}

void w2v_vectors_free(w2v_vectors *v)
{
    if (!v)
        return;
    word_arena *a = v->arena_;
    if (a) {
        free(a->bytes);
        free(a->off);
        free(a->words);
        free(a);
    }
    free(v->vecs);
    free(v);
}

/* ---- the parser --------------------------------------------------------- */

typedef struct {
    source *src;
    size_t V, D, rows; /* declared words, dimension, rows wanted */
    size_t kept;       /* rows stored so far */
    float *vecs;
    word_arena *arena;
    dupset dup;
} builder;

/* 1 when w is new (remember it as row `row`), 0 when a duplicate. */
static int dup_insert(builder *b, const unsigned char *w, size_t n, size_t row)
{
    size_t i = (size_t)hash_bytes(w, n) & b->dup.mask;
    for (;;) {
        uint32_t s = b->dup.slot[i];
        if (s == 0) {
            b->dup.slot[i] = (uint32_t)(row + 1);
            return 1;
        }
        const char *o = b->arena->bytes + b->arena->off[s - 1];
        if (strlen(o) == n && memcmp(o, w, n) == 0)
            return 0;
        i = (i + 1) & b->dup.mask;
    }
}

/* Record word w for the next row unless it is a duplicate.  Returns 1 when
 * stored (the caller fills vecs row b->kept - 1), 0 for a duplicate, -1 on
 * allocation failure. */
static int take_word(builder *b, const unsigned char *w, size_t n)
{
    if (arena_add(b->arena, b->kept, w, n) != 0)
        return -1;
    if (!dup_insert(b, w, n, b->kept)) {
        b->arena->used -= n + 1; /* forget the copy */
        return 0;
    }
    b->kept++;
    return 1;
}

static w2v_status parse_binary(builder *b, size_t pos)
{
    source *s = b->src;
    const unsigned char *p = s->p;
    size_t len = s->len, D = b->D, vbytes = D * 4; /* D*4 checked by caller */
    char wb[64];
    size_t rec;
    for (rec = 0; rec < b->V && b->kept < b->rows; rec++) {
        while (pos < len && p[pos] == '\n')
            pos++;
        if (pos >= len)
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: byte %zu: file ends after %zu of the %zu words the header "
                                 "declares (truncated file?)",
                                 s->name, pos, rec, b->V);
        size_t look = len - pos < W2V_VECIO_MAX_WORD + 1 ? len - pos : W2V_VECIO_MAX_WORD + 1;
        const unsigned char *sp = memchr(p + pos, ' ', look);
        if (!sp) {
            if (look <= W2V_VECIO_MAX_WORD)
                return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                     "%s: byte %zu: record %zu is truncated (no space after "
                                     "the word)",
                                     s->name, pos, rec + 1);
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: byte %zu: no space within %d bytes: word too long or not "
                                 "a binary vector file",
                                 s->name, pos, W2V_VECIO_MAX_WORD);
        }
        size_t wlen = (size_t)(sp - (p + pos));
        if (wlen == 0)
            return w2v_error_set(s->err, W2V_ERR_FORMAT, "%s: byte %zu: record %zu has an empty word",
                                 s->name, pos, rec + 1);
        if (memchr(p + pos, '\0', wlen))
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: byte %zu: record %zu: word contains a NUL byte (binary garbage?)",
                                 s->name, pos, rec + 1);
        size_t vpos = pos + wlen + 1;
        if (len - vpos < vbytes)
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: byte %zu: record %zu ('%s') is truncated: %zu bytes of floats "
                                 "needed, %zu left",
                                 s->name, vpos, rec + 1, show(wb, sizeof wb, p + pos, wlen), vbytes,
                                 len - vpos);
        int t = take_word(b, p + pos, wlen);
        if (t < 0)
            return w2v_error_set(s->err, W2V_ERR_NOMEM, "%s: out of memory for words", s->name);
        /* Values are checked even for a dropped duplicate: a bad record is
         * a bad file. */
        float *row = t > 0 ? b->vecs + (b->kept - 1) * D : NULL;
        const unsigned char *q = p + vpos;
        uint32_t bad = 0;
        for (size_t k = 0; k < D; k++) {
            uint32_t bits;
            memcpy(&bits, q + 4 * k, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            bits = __builtin_bswap32(bits);
#endif
            bad |= !finite_bits(bits);
            if (row)
                memcpy(row + k, &bits, 4);
        }
        if (bad) {
            size_t k = 0;
            uint32_t bits;
            for (;; k++) {
                memcpy(&bits, q + 4 * k, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
                bits = __builtin_bswap32(bits);
#endif
                if (!finite_bits(bits))
                    break;
            }
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: byte %zu: value %zu of '%s' (record %zu) is %s", s->name,
                                 vpos + 4 * k, k + 1, show(wb, sizeof wb, p + pos, wlen), rec + 1,
                                 (bits & 0x007fffffu) ? "NaN" : "infinite");
        }
        pos = vpos + vbytes;
    }
    if (rec == b->V) { /* all declared records read: nothing may follow */
        size_t q = pos;
        while (q < len && (p[q] == '\n' || p[q] == '\r' || is_sep(p[q])))
            q++;
        if (q < len)
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: byte %zu: data after the %zu words the header declares "
                                 "(wrong header or concatenated files?)",
                                 s->name, q, b->V);
    }
    return W2V_OK;
}

/* Parse one text record [p+pos, p+eol) into row (when row != NULL); the
 * word is [pos, *wend).  line is for messages. */
static w2v_status text_values(source *s, size_t line, const unsigned char *w, size_t wlen,
                              const unsigned char *q, const unsigned char *e, size_t D, float *row)
{
    char wb[64];
    size_t k = 0;
    for (;;) {
        while (q < e && is_sep(*q))
            q++;
        if (q >= e)
            break;
        const unsigned char *t = q;
        while (q < e && !is_sep(*q))
            q++;
        if (k >= D) {
            size_t extra = 1;
            for (const unsigned char *r = q; r < e;) {
                while (r < e && is_sep(*r))
                    r++;
                if (r < e)
                    extra++;
                while (r < e && !is_sep(*r))
                    r++;
            }
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: line %zu: '%s' has %zu values, the header says %zu", s->name,
                                 line, show(wb, sizeof wb, w, wlen), D + extra, D);
        }
        float f;
        int rc = parse_value(t, q, &f);
        if (rc != 0) {
            char vb[64];
            return w2v_error_set(s->err, W2V_ERR_FORMAT, "%s: line %zu: value %zu of '%s' (\"%s\") %s",
                                 s->name, line, k + 1, show(wb, sizeof wb, w, wlen),
                                 show(vb, sizeof vb, t, (size_t)(q - t)),
                                 rc == -2 ? "is not finite (NaN, Inf or beyond float range)"
                                          : "is not a number");
        }
        if (row)
            row[k] = f;
        k++;
    }
    if (k != D)
        return w2v_error_set(s->err, W2V_ERR_FORMAT,
                             "%s: line %zu: '%s' has %zu values, the header says %zu", s->name, line,
                             show(wb, sizeof wb, w, wlen), k, D);
    return W2V_OK;
}

/* The line [pos, *eol) with trailing spaces, tabs and '\r' removed; *next is
 * the start of the following line. */
static size_t line_end(const source *s, size_t pos, size_t *next)
{
    const unsigned char *nl = memchr(s->p + pos, '\n', s->len - pos);
    size_t eol = nl ? (size_t)(nl - s->p) : s->len;
    *next = nl ? eol + 1 : eol;
    while (eol > pos && (s->p[eol - 1] == '\r' || is_sep(s->p[eol - 1])))
        eol--;
    return eol;
}

static w2v_status parse_text(builder *b, size_t pos)
{
    source *s = b->src;
    const unsigned char *p = s->p;
    size_t line = 2, rec;
    for (rec = 0; rec < b->V && b->kept < b->rows; rec++, line++) {
        if (pos >= s->len)
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: line %zu: file ends after %zu of the %zu vectors the header "
                                 "declares (truncated file?)",
                                 s->name, line, rec, b->V);
        size_t next, eol = line_end(s, pos, &next);
        if (eol == pos)
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: line %zu: empty line where a word and %zu values belong",
                                 s->name, line, b->D);
        size_t w = pos;
        while (w < eol && !is_sep(p[w]))
            w++;
        size_t wlen = w - pos;
        if (wlen == 0)
            return w2v_error_set(s->err, W2V_ERR_FORMAT, "%s: line %zu: line starts with a space (empty word)",
                                 s->name, line);
        if (wlen > W2V_VECIO_MAX_WORD)
            return w2v_error_set(s->err, W2V_ERR_FORMAT, "%s: line %zu: word longer than %d bytes",
                                 s->name, line, W2V_VECIO_MAX_WORD);
        if (memchr(p + pos, '\0', wlen))
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: line %zu: word contains a NUL byte (binary garbage?)", s->name,
                                 line);
        int t = take_word(b, p + pos, wlen);
        if (t < 0)
            return w2v_error_set(s->err, W2V_ERR_NOMEM, "%s: out of memory for words", s->name);
        float *row = t > 0 ? b->vecs + (b->kept - 1) * b->D : NULL;
        /* A duplicate's values are still checked: a bad line is a bad file. */
        w2v_status st = text_values(s, line, p + pos, wlen, p + w, p + eol, b->D, row);
        if (st != W2V_OK)
            return st;
        pos = next;
    }
    if (rec == b->V) { /* all declared records read: nothing may follow */
        while (pos < s->len) {
            size_t next, eol = line_end(s, pos, &next);
            size_t q = pos;
            while (q < eol && is_sep(p[q]))
                q++;
            if (q < eol)
                return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                     "%s: line %zu: more lines than the %zu vectors the header "
                                     "declares",
                                     s->name, line, b->V);
            pos = next;
            line++;
        }
    }
    return W2V_OK;
}

/* Read "<V> <D>" from the first line; *pos is set after its '\n'. */
static w2v_status parse_header(source *s, size_t *V, size_t *D, size_t *pos)
{
    const unsigned char *p = s->p;
    if (s->len == 0)
        return w2v_error_set(s->err, W2V_ERR_FORMAT,
                             "%s: empty file (expected a '<words> <dimension>' header line)", s->name);
    size_t look = s->len < HEADER_MAX ? s->len : HEADER_MAX;
    const unsigned char *nl = memchr(p, '\n', look);
    if (!nl)
        return w2v_error_set(s->err, W2V_ERR_FORMAT,
                             "%s: line 1: no '<words> <dimension>' header line in the first %zu "
                             "bytes (not a word2vec vector file?)",
                             s->name, look);
    size_t end = (size_t)(nl - p), i = 0;
    size_t val[2];
    for (int f = 0; f < 2; f++) {
        while (i < end && is_sep(p[i]))
            i++;
        if (i >= end || p[i] < '0' || p[i] > '9')
            return w2v_error_set(s->err, W2V_ERR_FORMAT,
                                 "%s: line 1: header must be '<words> <dimension>' (two decimal "
                                 "numbers)",
                                 s->name);
        size_t v = 0;
        for (; i < end && p[i] >= '0' && p[i] <= '9'; i++) {
            if (v > (SIZE_MAX - 9) / 10)
                return w2v_error_set(s->err, W2V_ERR_LIMIT, "%s: line 1: header number too large",
                                     s->name);
            v = v * 10 + (size_t)(p[i] - '0');
        }
        val[f] = v;
    }
    while (i < end && (is_sep(p[i]) || p[i] == '\r'))
        i++;
    if (i != end)
        return w2v_error_set(s->err, W2V_ERR_FORMAT,
                             "%s: line 1: header must be '<words> <dimension>', found more", s->name);
    *V = val[0];
    *D = val[1];
    *pos = end + 1;
    if (*D == 0)
        return w2v_error_set(s->err, W2V_ERR_FORMAT, "%s: line 1: dimension 0 in the header", s->name);
    if (*D > W2V_VECIO_MAX_DIM)
        return w2v_error_set(s->err, W2V_ERR_LIMIT,
                             "%s: line 1: dimension %zu exceeds the limit of %d", s->name, *D,
                             W2V_VECIO_MAX_DIM);
    if (*V == 0)
        return w2v_error_set(s->err, W2V_ERR_EMPTY, "%s: line 1: the header declares 0 words",
                             s->name);
    if (*V > MAX_ROWS)
        return w2v_error_set(s->err, W2V_ERR_LIMIT, "%s: line 1: %zu words exceed the limit of %zu",
                             s->name, *V, MAX_ROWS);
    return W2V_OK;
}

/* Text or binary?  See the DESIGN note at the top. */
static int detect_binary(const source *s, size_t pos, size_t D)
{
    const unsigned char *p = s->p;
    size_t next, eol = line_end(s, pos, &next);
    size_t w = pos;
    while (w < eol && !is_sep(p[w]))
        w++;
    if (w > pos && w < eol) {
        source quiet = *s;
        quiet.err = NULL;
        if (text_values(&quiet, 2, p + pos, w - pos, p + w, p + eol, D, NULL) == W2V_OK)
            return 0;
    }
    /* Where binary floats would be: all printable ASCII means text. */
    size_t q = pos;
    while (q < s->len && p[q] == '\n')
        q++;
    const unsigned char *sp = memchr(p + q, ' ', s->len - q);
    if (!sp)
        return 0;
    size_t v = (size_t)(sp - p) + 1, n = D * 4;
    if (n > s->len - v)
        n = s->len - v;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[v + i];
        if (!((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\r' || c == '\t'))
            return 1;
    }
    return 0;
}

/* A model file: its words and W_E, the first max_words rows (0: all). */
static w2v_status read_model(const void *data, size_t len, const char *name, size_t max_words,
                             w2v_vectors **out, w2v_error *err)
{
    w2v_model_file mf;
    w2v_status st = w2v_model_file_read_mem(data, len, name, 0, &mf, err);
    if (st)
        return st;
    size_t V = mf.model.V, D = mf.model.D, rows = max_words && max_words < V ? max_words : V;
    w2v_vectors *v = calloc(1, sizeof *v);
    word_arena *a = calloc(1, sizeof *a);
    if (v && a) {
        v->arena_ = a;
        v->vecs = big_alloc(rows * D * sizeof(float));
        a->off = malloc(rows * sizeof *a->off);
        a->words = malloc(rows * sizeof *a->words);
    }
    int ok = v && a && v->vecs && a->off && a->words;
    for (size_t i = 0; ok && i < rows; i++) {
        const char *w = w2v_vocab_word(mf.vocab, (uint32_t)i);
        ok = arena_add(a, i, (const unsigned char *)w, strlen(w)) == 0;
        memcpy(v->vecs + i * D, mf.model.in + i * mf.model.stride, D * sizeof(float));
    }
    w2v_model_file_free(&mf);
    if (!ok) {
        if (v)
            w2v_vectors_free(v);
        else
            free(a);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory for %zu x %zu vectors",
                             name, rows, D);
    }
    for (size_t i = 0; i < rows; i++)
        a->words[i] = a->bytes + a->off[i];
    v->V = rows;
    v->D = D;
    v->words = a->words;
    *out = v;
    return W2V_OK;
}

w2v_status w2v_vectors_read_mem(const void *data, size_t len, const char *name, int format,
                                size_t max_words, w2v_vectors **out, w2v_error *err)
{
    if (!out || (!data && len))
        return w2v_error_set(err, W2V_ERR_ARG, "w2v_vectors_read_mem: NULL argument");
    *out = NULL;
    if (!name)
        name = "(memory)";
    if (format != W2V_FORMAT_AUTO && format != W2V_FORMAT_TEXT && format != W2V_FORMAT_BINARY)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: unknown vector format %d", name, format);
    if (w2v_model_file_is(data, len))
        return read_model(data, len, name, max_words, out, err);
    source s = {data, len, name, err};
    size_t V = 0, D = 0, pos = 0;
    w2v_status st = parse_header(&s, &V, &D, &pos);
    if (st != W2V_OK)
        return st;
    int binary = format == W2V_FORMAT_AUTO ? detect_binary(&s, pos, D) : format;

    /* The bytes present must be able to hold what the header declares. */
    /* Smallest record: a 1-byte word, a space and D floats (binary, the
     * newline is optional) or D one-digit values each after a separator
     * (text, a newline between lines). */
    size_t body = len - pos, need, per;
    if (!mul_ok(D, binary ? 4 : 2, &per) || per > SIZE_MAX - 2 || !mul_ok(V, per + 2, &need) ||
        need - (binary ? 0 : 1) > body)
        return w2v_error_set(err, W2V_ERR_FORMAT,
                             "%s: line 1: the header declares %zu words of dimension %zu, more than "
                             "the %zu bytes after it can hold (%s format)",
                             name, V, D, body, binary ? "binary" : "text");
    size_t rows = max_words && max_words < V ? max_words : V, nfloat, nbytes;
    if (!mul_ok(rows, D, &nfloat) || !mul_ok(nfloat, sizeof(float), &nbytes))
        return w2v_error_set(err, W2V_ERR_LIMIT, "%s: %zu x %zu floats overflow", name, rows, D);

    w2v_vectors *v = calloc(1, sizeof *v);
    word_arena *a = calloc(1, sizeof *a);
    builder b = {&s, V, D, rows, 0, NULL, a, {NULL, 0}};
    size_t cap = 16;
    while (cap < 2 * rows)
        cap *= 2;
    if (v && a) {
        v->arena_ = a;
        b.vecs = big_alloc(nbytes ? nbytes : 1);
        a->off = malloc(rows * sizeof *a->off);
        b.dup.slot = calloc(cap, sizeof *b.dup.slot);
        b.dup.mask = cap - 1;
        v->vecs = b.vecs;
    }
    if (!v || !a || !b.vecs || !a->off || !b.dup.slot) {
        free(b.dup.slot);
        if (v)
            w2v_vectors_free(v);
        else
            free(a);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory for %zu x %zu vectors", name,
                             rows, D);
    }
    st = binary ? parse_binary(&b, pos) : parse_text(&b, pos);
    free(b.dup.slot);
    if (st != W2V_OK) {
        w2v_vectors_free(v);
        return st;
    }
    /* Words were stored as offsets while the arena could move. */
    a->words = malloc((b.kept ? b.kept : 1) * sizeof *a->words);
    if (!a->words) {
        w2v_vectors_free(v);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory for %zu words", name, b.kept);
    }
    for (size_t i = 0; i < b.kept; i++)
        a->words[i] = a->bytes + a->off[i];
    v->V = b.kept;
    v->D = D;
    v->words = a->words;
    *out = v;
    return W2V_OK;
}

w2v_status w2v_vectors_read(const char *path, int format, size_t max_words, w2v_vectors **out,
                            w2v_error *err)
{
    if (!path || !out)
        return w2v_error_set(err, W2V_ERR_ARG, "w2v_vectors_read: NULL argument");
    *out = NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return w2v_error_set(err, W2V_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat stt;
    if (fstat(fd, &stt) != 0) {
        int e = errno;
        close(fd);
        return w2v_error_set(err, W2V_ERR_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    if (S_ISDIR(stt.st_mode)) {
        close(fd);
        return w2v_error_set(err, W2V_ERR_IO, "%s: is a directory, not a vector file", path);
    }
    if (!S_ISREG(stt.st_mode) && !S_ISFIFO(stt.st_mode)) { /* /dev/urandom would never end */
        close(fd);
        return w2v_error_set(err, W2V_ERR_IO, "%s: not a regular file or a pipe", path);
    }
    w2v_status st;
    if (S_ISREG(stt.st_mode) && stt.st_size > 0) {
        if ((uint64_t)stt.st_size > SIZE_MAX) {
            close(fd);
            return w2v_error_set(err, W2V_ERR_LIMIT, "%s: file too large to map", path);
        }
        size_t len = (size_t)stt.st_size;
        void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
        int e = errno;
        close(fd);
        if (m == MAP_FAILED)
            return w2v_error_set(err, W2V_ERR_IO, "%s: cannot map: %s", path, strerror(e));
        madvise(m, len, MADV_SEQUENTIAL);
        st = w2v_vectors_read_mem(m, len, path, format, max_words, out, err);
        munmap(m, len);
        return st;
    }
    /* A pipe (or an empty regular file): read it whole. */
    size_t cap = 1 << 16, len = 0;
    unsigned char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            close(fd);
            return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory reading", path);
        }
        if (len == cap) {
            unsigned char *nb = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
            continue;
        }
        ssize_t r = read(fd, buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            close(fd);
            return w2v_error_set(err, W2V_ERR_IO, "%s: read error: %s", path, strerror(e));
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    st = w2v_vectors_read_mem(buf, len, path, format, max_words, out, err);
    free(buf);
    return st;
}
