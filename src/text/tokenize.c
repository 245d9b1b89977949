/*
 * tokenize.c - bytes to tokens and sentence ends (see tokenize.h).
 *
 * DESIGN: one pipeline, two matchers.  A matcher finds token spans in a
 * piece of input and reports every '\n'; each span then goes through
 * emit_token(), which folds case and cuts overlong tokens, so both matchers
 * share exactly one notion of "token too long" and of "lowercase".
 *   - The default matcher is a byte scanner: bit masks of the blanks and
 *     newlines of each 64-byte block (SSE2, with a scalar twin over a
 *     256-entry class table), then a few bit operations per token (its
 *     speed: docs/performance.md, "Component timings").  Bytes
 *     that are not valid UTF-8 are token bytes, as in word2vec.c.  Its
 *     reference is PCRE2 itself: the tests hold it equal to the pattern
 *     W2V_TOKENIZE_DEFAULT_REGEX.
 *   - A PCRE2 pattern is compiled once with PCRE2_UTF | PCRE2_UCP |
 *     PCRE2_MATCH_INVALID_UTF (invalid bytes never match and never make the
 *     matcher fail), JIT-compiled when the library allows it (then run with
 *     pcre2_jit_match(), which costs less per call), and applied
 *     one line at a time (a '\r' before the '\n' is not part of the line).
 *     Every call asks only for non-empty matches (PCRE2_NOTEMPTY), so the
 *     scan always moves forward; a defensive one-character step covers any
 *     match that would not.  The match limit stops a pattern that would
 *     backtrack for ever and becomes an error naming the line and byte.
 *     The interpreter (no JIT, or the JIT stack ran out) is the reference
 *     twin of the JIT: it gets a second compile without
 *     MATCH_INVALID_UTF and only runs of valid UTF-8 (see
 *     match_line_interp() for why), and the tests hold the two equal.
 * The tokenizer is immutable after create; everything a call mutates (match
 * data, the case-folding buffer, counters) lives in a struct run on that
 * call's stack, so one tokenizer serves any number of threads.
 *
 * Lowercasing uses towlower_l() with a private "C.UTF-8" locale_t (never the
 * process locale), i.e. the C library's simple one-to-one Unicode case
 * mapping: "ÉCOLE" -> "école", "ΣΟΦΙΑ" -> "σοφια" (no final-sigma rule),
 * U+0130 -> "i".  A fold may change the byte length (U+023A is 2 bytes, its
 * lowercase 3), so the folded token is written into a buffer of
 * max_token_bytes and the cut happens on the folded bytes.  Without that
 * locale the fold is ASCII-only and w2v_tokenizer_unicode_lowercase() says
 * so.  Invalid UTF-8 bytes are copied unchanged.
 *
 * Files are read with read(2) into one buffer (read_size(): W2V_TOKENIZE_CHUNK
 * bytes for a pattern, about W2V_TOKENIZE_SCAN_CHUNK for the scanner) and
 * cut after the last ASCII whitespace byte (after the last '\n' when a
 * pattern is used), so no token straddles two pieces and memory stays
 * bounded whatever the line length.  A byte range of a file is the same
 * loop after an lseek, told to stop after end - begin bytes; the cuts of
 * w2v_tokenize_split come from small pread windows around each nominal cut,
 * so splitting never reads the whole file.
 *
 * It does not normalise Unicode (NFC/NFKC), does not apply full or
 * language-specific case mappings (German sharp s, Turkish i, final sigma),
 * and does not treat Unicode spaces as separators in the default scanner.
 */
#include "w2v/tokenize.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wctype.h>

#include "core/pages.h"

struct w2v_tokenizer {
    pcre2_code *code;           /* NULL: the default byte scanner; else with
                                   MATCH_INVALID_UTF, for the JIT */
    pcre2_code *code_valid;     /* the same pattern without MATCH_INVALID_UTF,
                                   for the interpreter on checked valid runs */
    pcre2_match_context *mctx;  /* holds the match limit; read-only after create */
    int jit;                    /* code was JIT-compiled */
    int lowercase;              /* fold case */
    locale_t loc;               /* UTF-8 LC_CTYPE for towlower_l; 0: ASCII-only fold */
    size_t max_token;           /* opts.max_token_bytes */
    uint32_t match_limit;       /* opts.match_limit, for messages */
};

/* Byte classes of the default scanner: ASCII whitespace as word2vec.c sees it. */
enum { TOKEN_BYTE = 0, BLANK_BYTE = 1, NEWLINE_BYTE = 2 };
static const unsigned char byte_class[256] = {
    ['\t'] = BLANK_BYTE, ['\n'] = NEWLINE_BYTE, ['\v'] = BLANK_BYTE,
    ['\f'] = BLANK_BYTE, ['\r'] = BLANK_BYTE,   [' '] = BLANK_BYTE,
};

/* ------------------------------------------------------------------------ */
/* UTF-8                                                                    */

/*
 * Length of the well-formed UTF-8 sequence that starts at s[0] (RFC 3629:
 * shortest form, no surrogates, at most U+10FFFF; the same rule PCRE2 uses
 * for PCRE2_MATCH_INVALID_UTF), with its code point in *cp; 0 when s[0]
 * does not start one.  n >= 1 is the number of bytes available.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0; /* continuation byte, C0/C1 (always overlong), F5..FF */
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return 0;
    *cp = v;
    return len;
}

/* Write the scalar value cp (<= U+10FFFF, not a surrogate) to o; @return its length. */
static size_t utf8_encode(uint32_t cp, unsigned char *o)
{
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * Where to cut s[0..n) (n > max) so that at most max bytes remain and no
 * well-formed character is split.  Decoding from s[0], characters are the
 * well-formed sequences and every other byte is a unit of its own; a
 * character that straddles max must start at a non-continuation byte in
 * s[max-3 .. max-1], and no earlier character can cover such a byte, so it
 * is enough to look back three bytes.  May return 0 (max < 4 and the first
 * character is longer than max).
 */
static size_t utf8_cut(const unsigned char *s, size_t n, size_t max)
{
    for (size_t back = 1; back <= 3 && back <= max; back++) {
        size_t at = max - back;
        if ((s[at] & 0xC0) != 0x80) {
            uint32_t cp;
            size_t len = utf8_decode(s + at, n - at, &cp);
            return len > back ? at : max;
        }
    }
    return max;
}

/* ------------------------------------------------------------------------ */
/* One call's mutable state                                                 */

typedef struct {
    const w2v_tokenizer *tok;
    w2v_token_fn fn;
    void *user;
    pcre2_match_data *md;   /* pattern only: this call's match data */
    unsigned char *fold;    /* lowercase only: max(max_token, 16) bytes */
    w2v_tokenize_stats st;  /* this call's counts, added to the caller's at the end */
    const char *what;       /* the path, or "input" for a buffer, for messages */
    uint64_t base;          /* stream offset of the piece being tokenized */
    uint64_t line;          /* 1-based line number at the start of that piece */
    w2v_error *err;
} run;

static w2v_status interrupted(run *r)
{
    return w2v_error_set(r->err, W2V_ERR_INTERRUPTED, "%s: stopped by the token callback",
                         r->what);
}

/*
 * Fold s[0..n) into out (room for max bytes), whole characters only.
 * @return the folded length; *cut is set when some of s did not fit.
 */
static size_t fold_case(const w2v_tokenizer *t, const unsigned char *s, size_t n,
                        unsigned char *out, int *cut)
{
    const size_t max = t->max_token;
    size_t i = 0, o = 0;
    /* ASCII prefix: a byte in, a byte out, so i == o; a tight loop because
     * this is nearly every token of nearly every corpus. */
    for (size_t lim = n < max ? n : max; i < lim && s[i] < 0x80; i++)
        out[i] = (unsigned char)(s[i] + ((unsigned)(s[i] - 'A') < 26u ? 32 : 0));
    o = i;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) { /* ASCII: the common case, no decoding */
            if (o == max)
                break;
            out[o++] = (c >= 'A' && c <= 'Z') ? (unsigned char)(c | 0x20) : c;
            i++;
            continue;
        }
        unsigned char enc[4];
        uint32_t cp;
        size_t in_len = utf8_decode(s + i, n - i, &cp), out_len;
        const unsigned char *src = s + i;
        if (in_len == 0) { /* invalid byte: copied unchanged, a unit of its own */
            in_len = out_len = 1;
        } else if (t->loc) {
            uint32_t lc = (uint32_t)towlower_l((wint_t)cp, t->loc);
            if (lc > 0x10FFFF || (lc >= 0xD800 && lc <= 0xDFFF))
                lc = cp; /* never trust a table to produce a non-character */
            out_len = utf8_encode(lc, enc);
            src = enc;
        } else {
            out_len = in_len; /* no Unicode tables: non-ASCII kept as is */
        }
        if (out_len > max - o)
            break;
        memcpy(out + o, src, out_len);
        o += out_len;
        i += in_len;
    }
    *cut = i < n;
    return o;
}

/*
 * fold_case() for the common token: at most 16 bytes, all ASCII, with 16
 * bytes readable at s (avail).  Two 8-byte words are folded at once (SWAR),
 * so no branch depends on the token's length.  The bytes past n are masked
 * off by keep[] in memory order, so byte order does not matter.  out has
 * room for 16 bytes.  @return 0 when the token does not qualify.
 */
static int fold_ascii16(const unsigned char *s, size_t n, size_t avail, unsigned char *out)
{
    static const unsigned char keep[32] = {
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    };
    const uint64_t high = UINT64_C(0x8080808080808080);
    if (n > 16 || avail < 16)
        return 0;
    uint64_t w[2], m[2];
    size_t n0 = n < 8 ? n : 8;
    memcpy(w, s, 16);
    memcpy(&m[0], keep + 16 - n0, 8);
    memcpy(&m[1], keep + 16 - (n - n0), 8);
    w[0] &= m[0];
    w[1] &= m[1];
    if ((w[0] | w[1]) & high)
        return 0;
    for (int k = 0; k < 2; k++) {
        /* Bytes are < 0x80, so no sum below carries into the next byte:
         * b + 0x3F has its high bit set iff b >= 'A', b + 0x25 iff b > 'Z'. */
        uint64_t ge_a = w[k] + UINT64_C(0x3F3F3F3F3F3F3F3F);
        uint64_t gt_z = w[k] + UINT64_C(0x2525252525252525);
        w[k] |= (ge_a & ~gt_z & high) >> 2; /* 0x80 >> 2 == 0x20, the case bit */
    }
    memcpy(out, w, 16);
    return 1;
}

/*
 * The one way a token reaches the callback: folded if asked, cut to
 * max_token at a character boundary (the rest is dropped), counted.
 * avail >= n is how many bytes may be read at s.
 * @return the callback's value (non-zero: stop).
 */
static inline int emit_token(run *r, const unsigned char *s, size_t n, size_t avail)
{
    const w2v_tokenizer *t = r->tok;
    if (r->fold && n <= t->max_token && fold_ascii16(s, n, avail, r->fold)) {
        s = r->fold;
    } else if (r->fold) {
        int cut;
        n = fold_case(t, s, n, r->fold, &cut);
        s = r->fold;
        r->st.overlong += (uint64_t)cut;
    } else if (n > t->max_token) {
        n = utf8_cut(s, n, t->max_token);
        r->st.overlong++;
    }
    if (n == 0) /* first character alone longer than max_token: dropped */
        return 0;
    r->st.tokens++;
    return r->fn(r->user, (const char *)s, n);
}

static inline int emit_sentence_end(run *r)
{
    r->st.sentences++;
    return r->fn(r->user, NULL, 0);
}

/* ------------------------------------------------------------------------ */
/* The default byte scanner                                                 */

/*
 * The scanner works on 64-byte blocks.  For each block it builds two bit
 * masks (bit i for byte i): W, the ASCII whitespace bytes, and N, the
 * newlines.  Token starts are token bytes after a blank, token ends blanks
 * after a token byte, both found with shifts; the loop then costs a few
 * instructions per token instead of a branch per byte.  A sentence end
 * belongs before the first token that ends after it, so newline bits below
 * a token's end are flushed before that token.
 *
 * block_masks() is the scalar reference (the byte_class table); it also
 * serves the last, partial block of every buffer, so every test input
 * shorter than 64 bytes runs it.  block_masks_sse2() is the fast twin for
 * full blocks (SSE2 is part of every x86-64 CPU).  The tests hold the
 * whole scanner equal to PCRE2 with W2V_TOKENIZE_DEFAULT_REGEX.
 */
static void block_masks(const unsigned char *p, size_t n, uint64_t *w, uint64_t *nl)
{
    uint64_t ws = 0, lf = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned cls = byte_class[p[i]];
        ws |= (uint64_t)(cls != TOKEN_BYTE) << i;
        lf |= (uint64_t)(cls == NEWLINE_BYTE) << i;
    }
    *w = ws;
    *nl = lf;
}

#if defined(__SSE2__)
#include <emmintrin.h>
static inline void block_masks_sse2(const unsigned char *p, uint64_t *w, uint64_t *nl)
{
    const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
    const __m128i four = _mm_set1_epi8(4), lf = _mm_set1_epi8('\n');
    uint64_t ws = 0, nls = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        /* \t \n \v \f \r are 9..13: (v - 9) <= 4 as unsigned bytes */
        __m128i x = _mm_sub_epi8(v, tab);
        __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, four), x);
        __m128i blank = _mm_or_si128(ctl, _mm_cmpeq_epi8(v, space));
        ws |= (uint64_t)(unsigned)_mm_movemask_epi8(blank) << (16 * k);
        nls |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf)) << (16 * k);
    }
    *w = ws;
    *nl = nls;
}
#endif

/* Emit one sentence end per bit of nl. @return non-zero to stop. */
static int emit_newlines(run *r, uint64_t nl)
{
    for (int k = __builtin_popcountll(nl); k > 0; k--)
        if (emit_sentence_end(r))
            return 1;
    return 0;
}

static w2v_status scan_bytes(run *r, const unsigned char *buf, size_t len)
{
    size_t start = 0;       /* offset of the token in progress, if in_token */
    int in_token = 0;
    uint64_t prev_ws = 1;   /* was the byte before the block blank? (buf[-1] counts as blank) */
    for (size_t base = 0; base < len; base += 64) {
        uint64_t w, nl;
        size_t n = len - base;
#if defined(__SSE2__)
        if (n >= 64)
            block_masks_sse2(buf + base, &w, &nl);
        else
#endif
        {
            n = n < 64 ? n : 64;
            block_masks(buf + base, n, &w, &nl);
        }
        if (n < 64)
            w |= ~(uint64_t)0 << n; /* past the end reads as blank: ends the last token */
        uint64_t before = (w << 1) | prev_ws; /* bit i: byte i-1 is blank */
        uint64_t starts = ~w & before;
        uint64_t ends = w & ~before;
        prev_ws = w >> 63;
        while (ends) { /* starts and ends alternate; the first end may close an older token */
            unsigned e = (unsigned)__builtin_ctzll(ends);
            ends &= ends - 1;
            if (!in_token) {
                start = base + (unsigned)__builtin_ctzll(starts);
                starts &= starts - 1;
            }
            in_token = 0;
            if (nl) {
                uint64_t below = nl & ((UINT64_C(1) << e) - 1);
                nl &= ~below;
                if (emit_newlines(r, below))
                    return interrupted(r);
            }
            if (emit_token(r, buf + start, base + e - start, len - start))
                return interrupted(r);
        }
        if (starts) { /* at most one start is left: a token running past the block */
            start = base + (unsigned)__builtin_ctzll(starts);
            in_token = 1;
        }
        if (nl && emit_newlines(r, nl))
            return interrupted(r);
    }
    if (in_token && emit_token(r, buf + start, len - start, len - start)) /* len % 64 == 0 */
        return interrupted(r);
    return W2V_OK;
}

/* ------------------------------------------------------------------------ */
/* The PCRE2 matcher                                                        */

static w2v_status match_error(run *r, int rc, uint64_t at)
{
    if (rc == PCRE2_ERROR_MATCHLIMIT)
        return w2v_error_set(r->err, W2V_ERR_REGEX,
                             "%s: token pattern too expensive at line %llu, byte offset %llu "
                             "(PCRE2 match limit %lu reached); simplify the pattern or raise "
                             "the match limit",
                             r->what, (unsigned long long)r->line, (unsigned long long)at,
                             (unsigned long)r->tok->match_limit);
    PCRE2_UCHAR msg[160];
    if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
        strcpy((char *)msg, "unknown PCRE2 error");
    return w2v_error_set(r->err, W2V_ERR_REGEX,
                         "%s: token pattern failed at line %llu, byte offset %llu: %s", r->what,
                         (unsigned long long)r->line, (unsigned long long)at, (char *)msg);
}

/*
 * Tokens for the matches in seg[off..len) that pcre2_match() finds with
 * options opt, for the code either matcher uses (PCRE2_NOTEMPTY is added).
 * at is the stream offset of seg[0].  The match data is this call's own.
 */
static w2v_status match_run(run *r, const pcre2_code *code, int jit, const unsigned char *seg,
                            size_t len, size_t off, uint32_t opt, uint64_t at, size_t *stopped)
{
    const w2v_tokenizer *t = r->tok;
    opt |= PCRE2_NOTEMPTY;
    while (off < len) {
        int rc = jit ? pcre2_jit_match(code, seg, len, off, opt, r->md, t->mctx)
                     : pcre2_match(code, seg, len, off, opt, r->md, t->mctx);
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc == PCRE2_ERROR_JIT_STACKLIMIT && stopped) {
            *stopped = off; /* the caller goes on with the interpreter */
            return W2V_OK;
        }
        if (rc < 0)
            return match_error(r, rc, at + off);
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
        size_t a = ov[0], b = ov[1];
        if (a < b && b <= len && emit_token(r, seg + a, b - a, len - a))
            return interrupted(r);
        if (b > off && b <= len) {
            off = b;
        } else { /* no progress (cannot happen with NOTEMPTY): step one character */
            uint32_t cp;
            size_t step = utf8_decode(seg + off, len - off, &cp);
            off += step ? step : 1;
        }
    }
    if (stopped)
        *stopped = len;
    return W2V_OK;
}

/*
 * The interpreter's way through the line s[0..n), from offset from on.  With
 * PCRE2_MATCH_INVALID_UTF, pcre2_match() re-checks the UTF-8 of the whole
 * rest of the subject on every call (and ignores PCRE2_NO_UTF_CHECK), which
 * is quadratic on a long line: 64 KiB of text takes a second.  So the
 * interpreter gets the code compiled without that option and the line's
 * maximal well-formed runs one at a time, checked here once, with
 * PCRE2_NO_UTF_CHECK.  A run that does not start or end the line is matched
 * with NOTBOL/NOTEOL, so the invalid bytes around it behave as in
 * MATCH_INVALID_UTF mode: nothing matches them and no match crosses them.
 */
static w2v_status match_line_interp(run *r, const unsigned char *s, size_t n, uint64_t at,
                                    size_t from)
{
    const w2v_tokenizer *t = r->tok;
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        uint32_t cp;
        while (j < n) {
            if (s[j] < 0x80) {
                j++;
                continue;
            }
            size_t len = utf8_decode(s + j, n - j, &cp);
            if (len == 0)
                break;
            j += len;
        }
        if (j > i && j > from) {
            uint32_t opt = PCRE2_NO_UTF_CHECK | (i > 0 ? PCRE2_NOTBOL : 0u) |
                           (j < n ? PCRE2_NOTEOL : 0u);
            w2v_status st = match_run(r, t->code_valid, 0, s + i, j - i,
                                      from > i ? from - i : 0, opt, at + i, NULL);
            if (st != W2V_OK)
                return st;
        }
        i = j;
        while (i < n && utf8_decode(s + i, n - i, &cp) == 0)
            i++;
    }
    return W2V_OK;
}

/* Every non-empty match in the line s[0..n) (no '\n' in it) is a token. */
static w2v_status match_line(run *r, const unsigned char *s, size_t n, uint64_t at)
{
    const w2v_tokenizer *t = r->tok;
    if (!t->jit)
        return match_line_interp(r, s, n, at, 0);
    size_t stopped;
    w2v_status st = match_run(r, t->code, 1, s, n, 0, 0, at, &stopped);
    if (st == W2V_OK && stopped < n) /* JIT stack exhausted: the interpreter's heap grows */
        st = match_line_interp(r, s, n, at, stopped);
    return st;
}

static w2v_status scan_pattern(run *r, const unsigned char *buf, size_t len)
{
    const unsigned char *p = buf, *end = buf + len;
    while (p < end) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (nl && n > 0 && p[n - 1] == '\r')
            n--; /* CRLF: the '\r' belongs to the line end */
        w2v_status st = match_line(r, p, n, r->base + (uint64_t)(p - buf));
        if (st != W2V_OK)
            return st;
        if (!nl)
            break;
        if (emit_sentence_end(r))
            return interrupted(r);
        r->line++;
        p = nl + 1;
    }
    return W2V_OK;
}

static w2v_status scan(run *r, const unsigned char *buf, size_t len)
{
    return r->tok->code ? scan_pattern(r, buf, len) : scan_bytes(r, buf, len);
}

/* ------------------------------------------------------------------------ */
/* Create, free, the per-call setup                                         */

w2v_tokenize_opts w2v_tokenize_opts_default(void)
{
    w2v_tokenize_opts o;
    o.regex = NULL;
    o.lowercase = 0;
    o.max_token_bytes = W2V_TOKENIZE_MAX_TOKEN_DEFAULT;
    o.match_limit = W2V_TOKENIZE_MATCH_LIMIT_DEFAULT;
    o.jit = 1;
    return o;
}

/* A UTF-8 LC_CTYPE for towlower_l, or 0.  Only meaningful where wchar_t is UCS-4. */
static locale_t utf8_locale(void)
{
#ifdef __STDC_ISO_10646__
    static const char *const names[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        locale_t loc = newlocale(LC_CTYPE_MASK, names[i], (locale_t)0);
        if (loc)
            return loc;
    }
#endif
    return (locale_t)0;
}

w2v_status w2v_tokenizer_create(const w2v_tokenize_opts *opts, w2v_tokenizer **out,
                                w2v_error *err)
{
    if (!out)
        return w2v_error_set(err, W2V_ERR_ARG, "tokenizer: no output pointer");
    *out = NULL;
    if (!opts)
        return w2v_error_set(err, W2V_ERR_ARG, "tokenizer: no options");
    if (opts->max_token_bytes < 1 || opts->max_token_bytes > W2V_TOKENIZE_MAX_TOKEN_LIMIT)
        return w2v_error_set(err, W2V_ERR_ARG,
                             "maximum token length must be 1..%u bytes (got %zu)",
                             W2V_TOKENIZE_MAX_TOKEN_LIMIT, opts->max_token_bytes);
    if (opts->match_limit < 1)
        return w2v_error_set(err, W2V_ERR_ARG, "pattern match limit must be at least 1");
    if (opts->regex && !*opts->regex)
        return w2v_error_set(err, W2V_ERR_REGEX,
                             "empty token pattern (leave it unset for the default tokenizer)");

    w2v_tokenizer *t = calloc(1, sizeof *t);
    if (!t)
        return w2v_error_set(err, W2V_ERR_NOMEM, "tokenizer: out of memory");
    t->max_token = opts->max_token_bytes;
    t->match_limit = opts->match_limit;
    t->lowercase = opts->lowercase != 0;

    if (opts->regex) {
        int code;
        PCRE2_SIZE where;
        /* NEVER_BACKSLASH_C: \C could match half a character, and then a
         * token would not be valid UTF-8; every other match is. */
        const uint32_t copt = PCRE2_UTF | PCRE2_UCP | PCRE2_NEVER_BACKSLASH_C;
        t->code = pcre2_compile((PCRE2_SPTR)opts->regex, PCRE2_ZERO_TERMINATED,
                                copt | PCRE2_MATCH_INVALID_UTF, &code, &where, NULL);
        if (t->code)
            t->code_valid = pcre2_compile((PCRE2_SPTR)opts->regex, PCRE2_ZERO_TERMINATED,
                                          copt, &code, &where, NULL);
        if (!t->code || !t->code_valid) {
            PCRE2_UCHAR msg[160];
            if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
                strcpy((char *)msg, "unknown PCRE2 error");
            w2v_tokenizer_free(t);
            return w2v_error_set(err, W2V_ERR_REGEX,
                                 "token pattern \"%s\" does not compile: %s at offset %zu",
                                 opts->regex, (char *)msg, (size_t)where);
        }
        /* JIT is an optimisation only: where it is unsupported or fails,
         * pcre2_match() runs the interpreter with the same results. */
        t->jit = opts->jit && pcre2_jit_compile(t->code, PCRE2_JIT_COMPLETE) == 0;
        t->mctx = pcre2_match_context_create(NULL);
        if (!t->mctx) {
            w2v_tokenizer_free(t);
            return w2v_error_set(err, W2V_ERR_NOMEM, "tokenizer: out of memory");
        }
        pcre2_set_match_limit(t->mctx, opts->match_limit);
    }
    if (t->lowercase)
        t->loc = utf8_locale();
    *out = t;
    return W2V_OK;
}

void w2v_tokenizer_free(w2v_tokenizer *tok)
{
    if (!tok)
        return;
    pcre2_match_context_free(tok->mctx);
    pcre2_code_free(tok->code);
    pcre2_code_free(tok->code_valid);
    if (tok->loc)
        freelocale(tok->loc);
    free(tok);
}

int w2v_tokenizer_unicode_lowercase(const w2v_tokenizer *tok)
{
    return tok && tok->lowercase && tok->loc != (locale_t)0;
}

int w2v_tokenizer_has_pattern(const w2v_tokenizer *tok)
{
    return tok && tok->code;
}

int w2v_tokenizer_jit(const w2v_tokenizer *tok)
{
    return tok && tok->code && tok->jit;
}

static w2v_status run_init(run *r, const w2v_tokenizer *tok, w2v_token_fn fn, void *user,
                           const char *what, w2v_error *err)
{
    memset(r, 0, sizeof *r);
    r->tok = tok;
    r->fn = fn;
    r->user = user;
    r->what = what;
    r->line = 1;
    r->err = err;
    /* One ovector pair is all we read; captures are not needed. */
    if (tok->code && !(r->md = pcre2_match_data_create(1, NULL)))
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", what);
    /* At least 16 bytes: fold_ascii16() writes two whole words. */
    if (tok->lowercase && !(r->fold = malloc(tok->max_token < 16 ? 16 : tok->max_token))) {
        pcre2_match_data_free(r->md);
        r->md = NULL;
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", what);
    }
    return W2V_OK;
}

static void run_done(run *r, w2v_tokenize_stats *stats)
{
    if (stats) {
        stats->bytes += r->st.bytes;
        stats->tokens += r->st.tokens;
        stats->sentences += r->st.sentences;
        stats->overlong += r->st.overlong;
    }
    pcre2_match_data_free(r->md);
    free(r->fold);
}

/* ------------------------------------------------------------------------ */
/* Buffers and files                                                        */

w2v_status w2v_tokenize_buffer(const w2v_tokenizer *tok, const char *buf, size_t len,
                               w2v_token_fn fn, void *user, w2v_tokenize_stats *stats,
                               w2v_error *err)
{
    if (!tok || !fn || (!buf && len > 0))
        return w2v_error_set(err, W2V_ERR_ARG, "tokenize: missing tokenizer, callback or buffer");
    run r;
    w2v_status st = run_init(&r, tok, fn, user, "input", err);
    if (st != W2V_OK)
        return st;
    st = scan(&r, (const unsigned char *)buf, len);
    if (st == W2V_OK)
        r.st.bytes += len;
    run_done(&r, stats);
    return st;
}

/*
 * Where to end the piece buf[from..have) so that no token straddles the cut:
 * just after the last ASCII whitespace byte (for a pattern, after the last
 * '\n' if there is one, so that lines stay whole).  @return from if there is
 * no such byte.
 */
static size_t piece_end(const w2v_tokenizer *t, const unsigned char *buf, size_t from,
                        size_t have)
{
    if (t->code)
        for (size_t i = have; i > from; i--)
            if (buf[i - 1] == '\n')
                return i;
    for (size_t i = have; i > from; i--)
        if (byte_class[buf[i - 1]] != TOKEN_BYTE)
            return i;
    return from;
}

/*
 * Fill buf up to cap bytes, or to the end of the input (*eof), reading at
 * most *left more bytes (the end of a range counts as the end of the input).
 */
static w2v_status fill(run *r, int fd, unsigned char *buf, size_t *have, size_t cap,
                       uint64_t *left, int *eof)
{
    if (*left < cap - *have)
        cap = *have + (size_t)*left;
    while (*have < cap && !*eof) {
        ssize_t got = read(fd, buf + *have, cap - *have);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            return w2v_error_set(r->err, W2V_ERR_IO, "%s: read error at byte offset %llu: %s",
                                 r->what, (unsigned long long)(r->base + *have), strerror(e));
        }
        if (got == 0)
            *eof = 1;
        *have += (size_t)got;
        *left -= (uint64_t)got;
    }
    if (*left == 0)
        *eof = 1;
    return W2V_OK;
}

/*
 * Bytes per read of a file.  A pattern sees a line in pieces of this size,
 * so it is W2V_TOKENIZE_CHUNK, as documented.  The scanner's tokens do not
 * depend on the size, only on it being large enough: a token longer than
 * the buffer is cut from the bytes at hand, so they must hold whatever the
 * cut keeps, and case folding may turn 3 bytes into 1 (U+212A KELVIN SIGN
 * to 'k').  So the scanner reads W2V_TOKENIZE_SCAN_CHUNK + 4 x max_token
 * bytes at a time: one buffer per reading thread, small enough to stay in
 * the cache between the read and the scan.
 */
static size_t read_size(const w2v_tokenizer *t)
{
    return t->code ? W2V_TOKENIZE_CHUNK : W2V_TOKENIZE_SCAN_CHUNK + 4 * t->max_token;
}

/*
 * The read loop over at most limit bytes of fd.  Invariant: buf[0..have)
 * holds the unconsumed input, which starts at stream offset r->base (a
 * file offset: a range starts at its begin).  Each round fills the buffer,
 * tokenizes up to piece_end() and keeps the rest (a partial token) for the
 * next round; the end of the limit is the end of the input.
 * A whitespace-free run that fills the whole buffer is, for the byte
 * scanner, one overlong token: it is emitted (cut) once and the rest of it
 * skipped as it arrives; a pattern instead sees it in pieces cut at a
 * character boundary.
 */
static w2v_status read_loop(run *r, int fd, unsigned char *buf, uint64_t limit)
{
    const size_t cap = read_size(r->tok);
    const uint64_t start = r->base;
    uint64_t left = limit;
    size_t have = 0;
    int eof = 0, skipping = 0;
    unsigned char last = '\n';
    for (;;) {
        w2v_status st = fill(r, fd, buf, &have, cap, &left, &eof);
        if (st != W2V_OK)
            return st;
        if (have == 0)
            break;
        last = buf[have - 1];
        size_t from = 0;
        if (skipping) { /* the tail of an overlong token already emitted */
            while (from < have && byte_class[buf[from]] == TOKEN_BYTE)
                from++;
            skipping = from == have;
        }
        size_t cut = eof ? have : piece_end(r->tok, buf, from, have);
        if (cut == from && from < have) { /* from == 0 and no whitespace in a full buffer */
            if (!r->tok->code) {
                if (emit_token(r, buf, have, have))
                    return interrupted(r);
                skipping = 1;
                from = cut = have;
            } else {
                /* Back off from an incomplete multi-byte sequence at the end. */
                cut = have;
                for (size_t back = 1; back <= 3; back++) {
                    unsigned char c = buf[have - back];
                    if ((c & 0xC0) != 0x80) {
                        size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
                        if (want > back)
                            cut = have - back;
                        break;
                    }
                }
            }
        }
        r->base += from;
        st = scan(r, buf + from, cut - from);
        if (st != W2V_OK)
            return st;
        r->base += cut - from;
        r->st.bytes += cut;
        memmove(buf, buf + cut, have - cut);
        have -= cut;
    }
    if (r->base > start && last != '\n' && emit_sentence_end(r))
        return interrupted(r);
    return W2V_OK;
}

/*
 * Open path for reading ("-": standard input, is_stdin) into *fd and stat
 * it into *sb; a directory is refused.  On error nothing stays open.
 */
static w2v_status open_input(const char *path, int is_stdin, int *fd, struct stat *sb,
                             w2v_error *err)
{
    const char *what = is_stdin ? "standard input" : path;
    *fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0) {
        int e = errno;
        return w2v_error_set(err, W2V_ERR_IO, "%s: cannot open: %s", path, strerror(e));
    }
    w2v_status st = W2V_OK;
    if (fstat(*fd, sb) != 0) {
        int e = errno;
        st = w2v_error_set(err, W2V_ERR_IO, "%s: cannot stat: %s", what, strerror(e));
    } else if (S_ISDIR(sb->st_mode)) {
        st = w2v_error_set(err, W2V_ERR_IO, "%s: cannot read: %s", what, strerror(EISDIR));
    }
    if (st != W2V_OK && !is_stdin)
        close(*fd);
    return st;
}

/*
 * The body of w2v_tokenize_file and w2v_tokenize_file_range: tokenize at
 * most limit bytes of path from byte offset begin (0 for standard input,
 * which is never seeked), with offsets in messages counted from the start
 * of the file.
 */
static w2v_status tokenize_path(const w2v_tokenizer *tok, const char *path, uint64_t begin,
                                uint64_t limit, w2v_token_fn fn, void *user,
                                w2v_tokenize_stats *stats, w2v_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *what = is_stdin ? "standard input" : path;
    int fd;
    struct stat sb;
    w2v_status st = open_input(path, is_stdin, &fd, &sb, err);
    if (st != W2V_OK)
        return st;
    if (begin > 0 && (begin > (uint64_t)INT64_MAX || lseek(fd, (off_t)begin, SEEK_SET) < 0)) {
        int e = begin > (uint64_t)INT64_MAX ? EOVERFLOW : errno;
        st = w2v_error_set(err, W2V_ERR_IO, "%s: cannot seek to byte offset %llu: %s", what,
                           (unsigned long long)begin, strerror(e));
    }
    /* pages of its own, not malloc's: a reading thread's arena would keep
     * them after the thread is done (core/pages.h) */
    const size_t buf_bytes = w2v_page_round_up(read_size(tok), w2v_page_size());
    unsigned char *buf = NULL;
    if (st == W2V_OK && !(buf = w2v_pages_resize(NULL, 0, buf_bytes)))
        st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory for the read buffer", what);
    if (st == W2V_OK) {
        run r;
        st = run_init(&r, tok, fn, user, what, err);
        if (st == W2V_OK) {
            r.base = begin; /* offsets in messages count from the start of the file */
            st = read_loop(&r, fd, buf, limit);
            run_done(&r, stats);
        }
    }
    w2v_pages_free(buf, buf_bytes);
    if (!is_stdin)
        close(fd);
    return st;
}

w2v_status w2v_tokenize_file(const w2v_tokenizer *tok, const char *path, w2v_token_fn fn,
                             void *user, w2v_tokenize_stats *stats, w2v_error *err)
{
    if (!tok || !fn || !path)
        return w2v_error_set(err, W2V_ERR_ARG, "tokenize: missing tokenizer, callback or path");
    return tokenize_path(tok, path, 0, UINT64_MAX, fn, user, stats, err);
}

w2v_status w2v_tokenize_file_range(const w2v_tokenizer *tok, const char *path, uint64_t begin,
                                   uint64_t end, w2v_token_fn fn, void *user,
                                   w2v_tokenize_stats *stats, w2v_error *err)
{
    if (!tok || !fn || !path)
        return w2v_error_set(err, W2V_ERR_ARG, "tokenize: missing tokenizer, callback or path");
    if (strcmp(path, "-") == 0)
        return w2v_error_set(err, W2V_ERR_ARG,
                             "standard input cannot be read by byte range (give a file)");
    if (begin > end)
        return w2v_error_set(err, W2V_ERR_ARG, "%s: byte range [%llu, %llu) ends before it begins",
                             path, (unsigned long long)begin, (unsigned long long)end);
    return tokenize_path(tok, path, begin, end - begin, fn, user, stats, err);
}

/* ------------------------------------------------------------------------ */
/* Splitting a file into shares                                             */

/* Read size of w2v_tokenize_split's windows: a cut usually needs one. */
#define SPLIT_BLOCK (64u << 10)

/* pread() all of n bytes at off, or fewer at the end of the file (*got). */
static w2v_status pread_full(int fd, const char *path, unsigned char *buf, size_t n,
                             uint64_t off, size_t *got, w2v_error *err)
{
    *got = 0;
    while (*got < n) {
        ssize_t k = pread(fd, buf + *got, n - *got, (off_t)(off + *got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;
            return w2v_error_set(err, W2V_ERR_IO, "%s: read error at byte offset %llu: %s",
                                 path, (unsigned long long)(off + *got), strerror(e));
        }
        if (k == 0)
            break;
        *got += (size_t)k;
    }
    return W2V_OK;
}

/*
 * The cut for the nominal offset from (1 <= from < size): the first offset
 * o >= from with byte o-1 a '\n', if o < from + line_search; else the first
 * o >= from with byte o-1 ASCII whitespace; else size.  Reads SPLIT_BLOCK
 * windows from byte from-1 on: one where a '\n' comes soon (or line_search
 * is 0), all of the search where none does.
 */
static w2v_status split_point(int fd, const char *path, uint64_t size, uint64_t from,
                              uint64_t line_search, unsigned char *buf, uint64_t *cut,
                              w2v_error *err)
{
    /* bytes before nl_end are followed by an offset inside the '\n' search */
    const uint64_t nl_end = from - 1 + line_search;
    uint64_t blank = 0; /* the first cut after any whitespace; 0: none yet */
    for (uint64_t pos = from - 1; pos < size;) {
        uint64_t rest = size - pos;
        size_t got;
        w2v_status st = pread_full(fd, path, buf, rest < SPLIT_BLOCK ? (size_t)rest : SPLIT_BLOCK,
                                   pos, &got, err);
        if (st != W2V_OK)
            return st;
        if (got == 0) /* the file shrank under us: its end is the cut */
            break;
        if (pos < nl_end) {
            size_t span = nl_end - pos < got ? (size_t)(nl_end - pos) : got;
            const unsigned char *nl = memchr(buf, '\n', span);
            if (nl) {
                *cut = pos + (uint64_t)(nl - buf) + 1;
                return W2V_OK;
            }
        }
        for (size_t i = 0; !blank && i < got; i++)
            if (byte_class[buf[i]] != TOKEN_BYTE)
                blank = pos + i + 1;
        if (blank && pos + got >= nl_end)
            return *cut = blank, W2V_OK;
        pos += got;
    }
    *cut = blank ? blank : size;
    return W2V_OK;
}

/* w2v_tokenize_split_at, or (at NULL) w2v_tokenize_split's equal shares. */
static w2v_status split(const char *path, unsigned n, const uint64_t *at,
                        uint64_t line_search, uint64_t *cuts, w2v_error *err)
{
    if (!path || !cuts || n == 0)
        return w2v_error_set(err, W2V_ERR_ARG, "split: missing path or cuts, or zero shares");
    if (strcmp(path, "-") == 0)
        return w2v_error_set(err, W2V_ERR_ARG,
                             "standard input cannot be split into shares (give a file)");
    int fd;
    struct stat sb;
    w2v_status st = open_input(path, 0, &fd, &sb, err);
    if (st != W2V_OK)
        return st;
    unsigned char *buf = NULL;
    if (!S_ISREG(sb.st_mode))
        st = w2v_error_set(err, W2V_ERR_IO, "%s: cannot split: not a regular file", path);
    else if (!(buf = malloc(SPLIT_BLOCK)))
        st = w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", path);
    const uint64_t size = sb.st_size > 0 ? (uint64_t)sb.st_size : 0;
    /* size * i / n without overflow: (q n + r) i / n = q i + r i / n, r i < n^2 <= 2^64 */
    const uint64_t q = size / n, r = size % n;
    cuts[0] = 0;
    for (unsigned i = 1; i < n && st == W2V_OK; i++) {
        uint64_t nominal = at ? at[i] : q * i + r * i / n;
        uint64_t cut = size;
        if (nominal < size) /* offset 0 follows no byte: search from 1 */
            st = split_point(fd, path, size, nominal ? nominal : 1, line_search, buf, &cut,
                             err);
        cuts[i] = cut > cuts[i - 1] ? cut : cuts[i - 1];
    }
    cuts[n] = size;
    free(buf);
    close(fd);
    return st;
}

w2v_status w2v_tokenize_split(const char *path, unsigned n, uint64_t *cuts, w2v_error *err)
{
    return split(path, n, NULL, W2V_TOKENIZE_SPLIT_LINE_SEARCH, cuts, err);
}

w2v_status w2v_tokenize_split_at(const char *path, unsigned n, const uint64_t *at,
                                 uint64_t line_search, uint64_t *cuts, w2v_error *err)
{
    if (!at)
        return w2v_error_set(err, W2V_ERR_ARG, "split: missing offsets");
    return split(path, n, at, line_search, cuts, err);
}
