/*
 * version.h - the version of w2v: the one place it is written.
 *
 * The Makefile reads the three numbers below for the shared library's name
 * (libw2v.so.MAJOR.MINOR, soname libw2v.so.MAJOR), w2v.pc and `make deb`;
 * every program prints it on --version.  MAJOR changes when the library's
 * ABI breaks, MINOR when it grows, PATCH for fixes alone.
 */
#ifndef W2V_VERSION_H
#define W2V_VERSION_H

#define W2V_VERSION_MAJOR 1
#define W2V_VERSION_MINOR 0
#define W2V_VERSION_PATCH 0

#define W2V_VERSION_STR_(x) #x
#define W2V_VERSION_STR(x) W2V_VERSION_STR_(x)
/* "MAJOR.MINOR.PATCH" of the headers a program was compiled with. */
#define W2V_VERSION_STRING                                                                     \
    W2V_VERSION_STR(W2V_VERSION_MAJOR)                                                         \
    "." W2V_VERSION_STR(W2V_VERSION_MINOR) "." W2V_VERSION_STR(W2V_VERSION_PATCH)

/*
 * The version of the library a program runs with, "MAJOR.MINOR.PATCH": with
 * the shared library it may differ from W2V_VERSION_STRING, the headers'.
 * @return a static string; never NULL.  Thread-safe.
 */
const char *w2v_version(void);

#endif
