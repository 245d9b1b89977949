/*
 * error.c - status names and the error record helpers (see error.h).
 */
#include "w2v/error.h"

#include <stdarg.h>
#include <stdio.h>

const char *w2v_status_str(w2v_status s)
{
    switch (s) {
    case W2V_OK: return "ok";
    case W2V_ERR_ARG: return "invalid argument";
    case W2V_ERR_NOMEM: return "out of memory";
    case W2V_ERR_IO: return "I/O error";
    case W2V_ERR_FORMAT: return "malformed input";
    case W2V_ERR_REGEX: return "token pattern error";
    case W2V_ERR_EMPTY: return "nothing to do";
    case W2V_ERR_LIMIT: return "limit exceeded";
    case W2V_ERR_INTERRUPTED: return "interrupted";
    case W2V_ERR_THREAD: return "cannot start thread";
    }
    return "unknown error";
}

w2v_status w2v_error_set(w2v_error *err, w2v_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->status = status;
    }
    return status;
}

void w2v_error_clear(w2v_error *err)
{
    if (err) {
        err->status = W2V_OK;
        err->msg[0] = '\0';
    }
}
