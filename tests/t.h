/*
 * t.h - the test harness: a dozen lines, no dependencies.
 *
 * Each tests/test_*.c is one program for one module.  A check that fails
 * prints file:line and the values; T_DONE() prints the program's tally as
 * "RESULT <passed> <failed>" (tests/run.sh adds the tallies up) and returns
 * non-zero when anything failed.
 */
#ifndef W2V_TEST_H
#define W2V_TEST_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int t_pass, t_fail;

#define T_CHECK(cond, ...)                                                   \
    do {                                                                     \
        if (cond) {                                                          \
            t_pass++;                                                        \
        } else {                                                             \
            t_fail++;                                                        \
            fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);           \
            fprintf(stderr, __VA_ARGS__);                                    \
            fputc('\n', stderr);                                             \
        }                                                                    \
    } while (0)

#define T_TRUE(c) T_CHECK((c), "%s", #c)
#define T_EQ(a, b) T_CHECK((long long)(a) == (long long)(b), "%s == %s (%lld vs %lld)", #a, #b, (long long)(a), (long long)(b))
#define T_NEAR(a, b, tol) T_CHECK(fabs((double)(a) - (double)(b)) <= (tol), "%s ~ %s (%.9g vs %.9g, tol %g)", #a, #b, (double)(a), (double)(b), (double)(tol))
#define T_STREQ(a, b) T_CHECK(strcmp((a), (b)) == 0, "%s == %s (\"%s\" vs \"%s\")", #a, #b, (a), (b))
#define T_OK(st) T_CHECK((st) == 0, "%s returned %d", #st, (int)(st))
#define T_DONE() (printf("RESULT %d %d\n", t_pass, t_fail), t_fail != 0)

#endif
