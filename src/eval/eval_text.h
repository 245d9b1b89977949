/*
 * eval_text.h - line and field scanning shared by the question and pair
 * parsers (private to the library; static inline, so it exports no symbols).
 *
 * DESIGN: the parsers see a file as lines of fields separated by runs of
 * spaces or tabs; '\r' before '\n' is dropped (CRLF files).  A control
 * byte other than tab means the file is not text (a CR inside a line too:
 * it would end up inside a word): the parsers report it with the line and
 * column rather than guessing at fields.
 */
#ifndef W2V_EVAL_TEXT_H
#define W2V_EVAL_TEXT_H

#include <stddef.h>
#include <string.h>

typedef struct {
    const unsigned char *p, *end; /* unread part of the data */
    size_t line;                  /* number of the line last returned (1-based) */
} txt_lines;

static inline void txt_init(txt_lines *it, const void *data, size_t len)
{
    it->p = data;
    it->end = it->p + len;
    it->line = 0;
}

/* Next line as [*s, *e) without its '\n' and trailing '\r'; 0 at the end. */
static inline int txt_next(txt_lines *it, const unsigned char **s, const unsigned char **e)
{
    if (it->p >= it->end)
        return 0;
    const unsigned char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    const unsigned char *stop = nl ? nl : it->end;
    *s = it->p;
    *e = stop;
    while (*e > *s && (*e)[-1] == '\r')
        (*e)--;
    it->p = nl ? nl + 1 : it->end;
    it->line++;
    return 1;
}

/* Column (1-based) of the first control byte other than tab in [s, e) (a
 * line from txt_next(), so without its CRLF end), 0 if none. */
static inline size_t txt_binary_at(const unsigned char *s, const unsigned char *e)
{
    for (const unsigned char *q = s; q < e; q++)
        if ((*q < 0x20 && *q != '\t') || *q == 0x7f)
            return (size_t)(q - s) + 1;
    return 0;
}

static inline int txt_sep(unsigned char c) { return c == ' ' || c == '\t'; }

/* Split [s, e) into fields; up to max are stored in fs/fe.  @return the
 * number of fields (which may exceed max). */
static inline size_t txt_fields(const unsigned char *s, const unsigned char *e,
                                const unsigned char **fs, const unsigned char **fe, size_t max)
{
    size_t n = 0;
    for (;;) {
        while (s < e && txt_sep(*s))
            s++;
        if (s >= e)
            return n;
        const unsigned char *t = s;
        while (s < e && !txt_sep(*s))
            s++;
        if (n < max) {
            fs[n] = t;
            fe[n] = s;
        }
        n++;
    }
}

/* 1 for a line with no fields or one whose first non-blank byte is '#'. */
static inline int txt_skip(const unsigned char *s, const unsigned char *e)
{
    while (s < e && txt_sep(*s))
        s++;
    return s == e || *s == '#';
}

#endif
