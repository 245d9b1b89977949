/*
 * version.c - the library's version (see w2v/version.h).
 */
#include "w2v/version.h"

const char *w2v_version(void)
{
    return W2V_VERSION_STRING;
}
