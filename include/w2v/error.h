/*
 * error.h - status codes and the caller-owned error record.
 *
 * Every fallible library call returns a w2v_status (W2V_OK == 0, stable
 * negative codes) and, when handed a non-NULL w2v_error, fills it with a
 * one-line message naming the file, line or byte where that applies.  The
 * library never prints and never exits: the programs decide what to show.
 */
#ifndef W2V_ERROR_H
#define W2V_ERROR_H

#include <stddef.h>

typedef enum {
    W2V_OK = 0,
    W2V_ERR_ARG = -1,      /* invalid argument or option value */
    W2V_ERR_NOMEM = -2,    /* allocation failed or would exceed a limit */
    W2V_ERR_IO = -3,       /* open/read/write/rename failed */
    W2V_ERR_FORMAT = -4,   /* malformed input file */
    W2V_ERR_REGEX = -5,    /* token pattern failed to compile or match */
    W2V_ERR_EMPTY = -6,    /* nothing to work on (empty corpus, no vocab) */
    W2V_ERR_LIMIT = -7,    /* a named limit was exceeded */
    W2V_ERR_INTERRUPTED = -8, /* stopped on request (signal, callback) */
    W2V_ERR_THREAD = -9       /* a thread could not be started */
} w2v_status;

/* Room for a path plus a sentence; messages longer than this are cut. */
#define W2V_ERROR_MSG_MAX 512

typedef struct {
    w2v_status status;
    char msg[W2V_ERROR_MSG_MAX];
} w2v_error;

/* Short constant name of a status ("I/O error", ...). Never NULL. */
const char *w2v_status_str(w2v_status s);

/*
 * Record a formatted message in err (if non-NULL) and return status, so a
 * failing path reads `return w2v_error_set(err, W2V_ERR_IO, "%s: ...", p);`.
 */
w2v_status w2v_error_set(w2v_error *err, w2v_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reset err to W2V_OK with an empty message (NULL is accepted). */
void w2v_error_clear(w2v_error *err);

#endif
