/*
 * tokenize.h - text to tokens and sentence ends.
 *
 * DESIGN: a tokenizer is built once from its options and is then immutable,
 * so any number of threads may share it.  Two matchers stand behind one
 * interface:
 *   - the default (regex == NULL): tokens are maximal runs of bytes other
 *     than ASCII whitespace (space, \t, \n, \v, \f, \r), which is what
 *     word2vec.c does on text8-style input.  It is a byte scanner, held by a
 *     test to give exactly what PCRE2 gives for the equivalent pattern
 *     W2V_TOKENIZE_DEFAULT_REGEX;
 *   - a PCRE2 pattern (compiled once, UTF mode, JIT where available, invalid
 *     UTF-8 never matches and never fails the match): every match is a token.
 * Either way each '\n' ends a sentence, and a pattern is matched against one
 * line at a time (a line longer than W2V_TOKENIZE_CHUNK bytes is matched in
 * pieces cut at ASCII whitespace).
 *
 * Sentence ends: every '\n' gives one, so "a\n\n\nb" is a sentence end
 * after "a", two more with no token before them, then "b".  Empty sentences
 * are not collapsed here; consumers skip them (word2vec.c does the same).
 * With a pattern, a '\r' just before the '\n' is not part of the line.
 *
 * Invalid UTF-8: the byte scanner keeps such bytes inside tokens (as
 * word2vec.c does), while a pattern never matches them.  So the scanner and
 * W2V_TOKENIZE_DEFAULT_REGEX agree exactly on valid UTF-8, and on any input
 * the pattern gives what the scanner gives once every byte that does not
 * start a well-formed sequence is read as a blank.  Tokens from a pattern
 * are always valid UTF-8.
 *
 * Tokens longer than max_token_bytes are cut to at most max_token_bytes at a
 * UTF-8 character boundary (bytes that are not valid UTF-8 count as one
 * character each, so they are cut exactly at the limit) and counted in
 * w2v_tokenize_stats.overlong, so the caller can say so.  The rest of an
 * overlong token is dropped, not emitted as another token; a token whose
 * first character alone is longer than max_token_bytes (possible only below
 * 4) is dropped whole and still counted.  Lowercasing is Unicode-aware for
 * valid UTF-8 (the C library's simple one-to-one mapping, through a private
 * UTF-8 locale) and leaves invalid bytes as they are; it is applied after
 * matching, and the length limit applies to the folded bytes, which may be
 * more or fewer than the original ones.
 *
 * It does not build vocabularies or map words to ids (see corpus.h).
 */
#ifndef W2V_TOKENIZE_H
#define W2V_TOKENIZE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "w2v/error.h"

/*
 * The PCRE2 pattern equivalent to the default byte scanner.  Vertical tab is
 * written \x0b because in PCRE2 "\v" means any vertical space, which would
 * also exclude U+0085, U+2028 and U+2029.
 */
#define W2V_TOKENIZE_DEFAULT_REGEX "[^ \\t\\n\\x0b\\f\\r]+"
/* word2vec.c cuts at 99 bytes; 100 keeps every real word of any script. */
#define W2V_TOKENIZE_MAX_TOKEN_DEFAULT 100
/* Upper bound for max_token_bytes: a token is copied into a scratch buffer. */
#define W2V_TOKENIZE_MAX_TOKEN_LIMIT (1u << 20)
/* Read size for files with a pattern; also the longest piece of a line a
 * pattern sees. */
#define W2V_TOKENIZE_CHUNK (16u << 20)
/* Read size for files with the default scanner, plus 4 x max_token_bytes:
 * its tokens do not depend on it, and a buffer this small stays in the
 * cache between the read and the scan. */
#define W2V_TOKENIZE_SCAN_CHUNK (1u << 20)
/* PCRE2 match limit: stops a pathological pattern instead of hanging. */
#define W2V_TOKENIZE_MATCH_LIMIT_DEFAULT 10000000u

typedef struct w2v_tokenizer w2v_tokenizer;

typedef struct {
    const char *regex;        /* NULL: the default byte scanner; else a PCRE2
                                 pattern, compiled with UTF and UCP (so \w, \d,
                                 \s, \b are Unicode-aware); \C is refused */
    int lowercase;            /* non-zero: fold case (Unicode-aware) */
    size_t max_token_bytes;   /* 1..W2V_TOKENIZE_MAX_TOKEN_LIMIT */
    uint32_t match_limit;     /* PCRE2 match limit per match attempt, >= 1 */
    int jit;                  /* non-zero (default): JIT-compile the pattern where
                                 PCRE2 can; 0: the interpreter only (slower; the
                                 tests use it as the JIT's reference) */
} w2v_tokenize_opts;

typedef struct {
    uint64_t bytes;      /* input bytes consumed */
    uint64_t tokens;     /* tokens handed to the callback */
    uint64_t sentences;  /* sentence ends handed to the callback */
    uint64_t overlong;   /* tokens cut to max_token_bytes */
} w2v_tokenize_stats;

/* Defaults: default scanner, no case folding, 100-byte tokens, JIT on. */
w2v_tokenize_opts w2v_tokenize_opts_default(void);

/*
 * Build a tokenizer.  Compiles the pattern (errors name the offset in the
 * pattern; an empty pattern is an error), JIT-compiles it where PCRE2 can,
 * and with lowercase loads a private UTF-8 LC_CTYPE (the process locale is
 * never changed).  @return W2V_OK and *out, or an error (W2V_ERR_REGEX,
 * _ARG, _NOMEM) with *out == NULL.
 */
w2v_status w2v_tokenizer_create(const w2v_tokenize_opts *opts, w2v_tokenizer **out,
                                w2v_error *err);
/* Free a tokenizer; NULL is accepted. */
void w2v_tokenizer_free(w2v_tokenizer *tok);

/*
 * Non-zero when the tokenizer folds case with Unicode tables; 0 when it does
 * not fold, or folds ASCII only because no UTF-8 locale ("C.UTF-8") could be
 * loaded (a caller that asked for lowercase may want to warn).
 */
int w2v_tokenizer_unicode_lowercase(const w2v_tokenizer *tok);

/* Non-zero when tok matches a PCRE2 pattern, 0 for the default byte scanner. */
int w2v_tokenizer_has_pattern(const w2v_tokenizer *tok);

/* Non-zero when the pattern runs JIT-compiled; 0 for the interpreter or no pattern. */
int w2v_tokenizer_jit(const w2v_tokenizer *tok);

/*
 * Called once per token (tok, len > 0) and once per sentence end
 * (tok == NULL, len == 0).  The bytes are valid only during the call.
 * Return 0 to go on, non-zero to stop: the tokenize call then returns
 * W2V_ERR_INTERRUPTED.
 */
typedef int (*w2v_token_fn)(void *user, const char *tok, size_t len);

/*
 * Tokenize buf[0..len).  The end of the buffer ends the last token; it does
 * not end a sentence (so a caller may feed a stream in pieces cut at
 * whitespace).  stats (may be NULL) is added to, not reset.
 * Thread-safe for a shared tokenizer.  @return W2V_OK; W2V_ERR_INTERRUPTED
 * when the callback stopped it; W2V_ERR_REGEX when a match fails (match
 * limit reached: the message names the line and byte offset, counted from
 * buf); W2V_ERR_NOMEM; W2V_ERR_ARG.
 */
w2v_status w2v_tokenize_buffer(const w2v_tokenizer *tok, const char *buf, size_t len,
                               w2v_token_fn fn, void *user, w2v_tokenize_stats *stats,
                               w2v_error *err);

/*
 * Tokenize a whole file, read in chunks (W2V_TOKENIZE_CHUNK bytes with a
 * pattern, W2V_TOKENIZE_SCAN_CHUNK + 4 x max_token_bytes with the scanner)
 * cut at whitespace, so lines of any length work and memory stays bounded
 * (one chunk plus max_token_bytes).  path "-" reads standard input; FIFOs work
 * (the file is read once).  A directory, a missing or unreadable file is
 * W2V_ERR_IO naming the path and the reason; a read error names the byte
 * offset.  A final line without '\n' still ends its sentence (one sentence
 * end at EOF); an empty file gives nothing and W2V_OK.  The default
 * scanner gives exactly what w2v_tokenize_buffer gives on the whole file in
 * memory, however long its runs without ASCII whitespace (such a run is one
 * token, cut to max_token_bytes); a pattern sees a run of more than
 * W2V_TOKENIZE_CHUNK bytes in pieces cut at character boundaries.  Other
 * returns as for w2v_tokenize_buffer, with line and byte offsets counted
 * from the start of the file.
 */
w2v_status w2v_tokenize_file(const w2v_tokenizer *tok, const char *path, w2v_token_fn fn,
                             void *user, w2v_tokenize_stats *stats, w2v_error *err);

/* How far w2v_tokenize_split looks past a nominal cut for a '\n' before it
 * settles for any whitespace byte: whole sentences stay in one share when
 * lines are shorter than this. */
#define W2V_TOKENIZE_SPLIT_LINE_SEARCH (1u << 20)

/*
 * Cut the regular file path into n shares that end between tokens, for
 * data-parallel readers (one share per process).  cuts[0] = 0, cuts[n] =
 * the file's size, and cuts[i] (0 < i < n) is the first offset at or after
 * size * i / n that follows a '\n' within W2V_TOKENIZE_SPLIT_LINE_SEARCH
 * bytes, or else the first offset that follows any ASCII whitespace byte
 * (or the size).  Cuts never decrease, so shares may be empty.  Because
 * every cut follows whitespace, the default scanner gives exactly the
 * file's tokens, share after share; a pattern that matches across
 * whitespace may see a token split at a cut.  @return W2V_OK; W2V_ERR_ARG
 * for n == 0 or "-" (standard input cannot be split); W2V_ERR_IO naming the
 * path; W2V_ERR_NOMEM.
 */
w2v_status w2v_tokenize_split(const char *path, unsigned n, uint64_t *cuts, w2v_error *err);

/*
 * The same cuts at chosen offsets instead of equal shares, with a '\n'
 * search of line_search bytes instead of W2V_TOKENIZE_SPLIT_LINE_SEARCH:
 * cuts[i] (0 < i < n) is the cut that rule gives for the nominal offset
 * at[i] (at[0] and at[n] are not read), raised to cuts[i-1] where it would
 * fall before it.  line_search 0 cuts after the first whitespace byte, which
 * is all the default scanner needs (w2v_corpus_build's parallel read, whose
 * chunks of unequal sizes let its readers take work as they free up).
 * @return as w2v_tokenize_split; W2V_ERR_ARG for a NULL at.
 */
w2v_status w2v_tokenize_split_at(const char *path, unsigned n, const uint64_t *at,
                                 uint64_t line_search, uint64_t *cuts, w2v_error *err);

/*
 * Tokenize bytes [begin, end) of the regular file path, as
 * w2v_tokenize_file does for a whole file: the share's end ends its last
 * sentence (if it does not end in '\n'), and byte offsets in messages
 * count from the start of the file (line numbers from the share's start).
 * end past the file's size reads to its end.  @return as w2v_tokenize_file;
 * W2V_ERR_ARG for begin > end or "-".
 */
w2v_status w2v_tokenize_file_range(const w2v_tokenizer *tok, const char *path, uint64_t begin,
                                   uint64_t end, w2v_token_fn fn, void *user,
                                   w2v_tokenize_stats *stats, w2v_error *err);

#endif
