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

/* Each argument is evaluated once, also when the check fails (a failing
 * T_OK(commit(f)) must not commit twice while printing). */
#define T_TRUE(c) T_CHECK((c), "%s", #c)
#define T_EQ(a, b)                                                               \
    do {                                                                         \
        long long t_a_ = (long long)(a), t_b_ = (long long)(b);                  \
        T_CHECK(t_a_ == t_b_, "%s == %s (%lld vs %lld)", #a, #b, t_a_, t_b_);    \
    } while (0)
#define T_NEAR(a, b, tol)                                                        \
    do {                                                                         \
        double t_a_ = (double)(a), t_b_ = (double)(b), t_t_ = (double)(tol);     \
        T_CHECK(fabs(t_a_ - t_b_) <= t_t_, "%s ~ %s (%.9g vs %.9g, tol %g)", #a, #b, \
                t_a_, t_b_, t_t_);                                               \
    } while (0)
#define T_STREQ(a, b)                                                            \
    do {                                                                         \
        const char *t_a_ = (a), *t_b_ = (b);                                     \
        T_CHECK(strcmp(t_a_, t_b_) == 0, "%s == %s (\"%s\" vs \"%s\")", #a, #b, t_a_, t_b_); \
    } while (0)
#define T_OK(st)                                                                 \
    do {                                                                         \
        int t_s_ = (int)(st);                                                    \
        T_CHECK(t_s_ == 0, "%s returned %d", #st, t_s_);                         \
    } while (0)
#define T_DONE() (printf("RESULT %d %d\n", t_pass, t_fail), t_fail != 0)

#endif
