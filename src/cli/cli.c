/*
 * cli.c - shared helpers of the programs (see cli.h): the flag table,
 * number parsing, messages, the stop signals, clocks and machine facts.
 */
#define _GNU_SOURCE /* sched_getaffinity */
#include "cli.h"

#include "w2v/version.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

int cli_parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

int cli_parse_double(const char *s, double lo, double hi, double *out)
{
    if (!s || !*s || *s == ' ')
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

const cli_flag *cli_flag_find(const cli_flag *flags, size_t n, const char *name)
{
    for (size_t k = 0; k < n; k++)
        if (!strcmp(name, flags[k].name))
            return &flags[k];
    return NULL;
}

/* The index of val among the '|'-separated words of choices, or -1. */
static int choice_index(const char *choices, const char *val)
{
    size_t n = strlen(val);
    int k = 0;
    for (const char *p = choices; *p; k++) {
        size_t len = strcspn(p, "|");
        if (len == n && !strncmp(p, val, n))
            return k;
        p += len + (p[len] == '|');
    }
    return -1;
}

int cli_flag_set(const char *prog, const cli_flag *f, const char *arg, const char *val)
{
    int bad = 0;
    uint64_t v = 0, hi = f->hi >= CLI_U64_ALL ? UINT64_MAX : (uint64_t)f->hi;
    switch (f->kind) {
    case CLI_STR: *(const char **)f->dst = val; break;
    case CLI_BOOL: *(int *)f->dst = 1; break;
    case CLI_CHOICE: {
        const cli_choice *c = f->dst;
        int k = choice_index(c->choices, val);
        if (k < 0) {
            cli_error(prog, "%s: '%s' is not one of %s", arg, val, c->choices);
            return -1;
        }
        *c->index = k;
        break;
    }
    case CLI_DBL: bad = cli_parse_double(val, f->lo, f->hi, (double *)f->dst); break;
    case CLI_U64:
        bad = cli_parse_u64(val, (uint64_t)f->lo, hi, &v);
        if (!bad)
            *(uint64_t *)f->dst = v;
        break;
    case CLI_UINT:
        bad = cli_parse_u64(val, (uint64_t)f->lo, hi < UINT_MAX ? hi : UINT_MAX, &v);
        if (!bad)
            *(unsigned *)f->dst = (unsigned)v;
        break;
    }
    if (bad && f->kind == CLI_DBL)
        cli_error(prog, "%s: '%s' is not a number in [%g, %g]", arg, val, f->lo, f->hi);
    else if (bad)
        cli_error(prog, "%s: '%s' is not an integer in [%llu, %llu]", arg, val,
                  (unsigned long long)f->lo,
                  (unsigned long long)(f->kind == CLI_UINT && hi > UINT_MAX ? UINT_MAX : hi));
    return bad ? -1 : 0;
}

const cli_flag *cli_flag_take(const char *prog, const cli_flag *flags, size_t n,
                              const char *name, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    const cli_flag *f = cli_flag_find(flags, n, name);
    if (!f) {
        cli_error(prog, "unknown option '%s' (see %s --help)", arg, prog);
        return NULL;
    }
    if (f->kind == CLI_BOOL)
        return cli_flag_set(prog, f, arg, NULL) == 0 ? f : NULL;
    if (*i + 1 >= argc) {
        cli_error(prog, "option %s needs a value", arg);
        return NULL;
    }
    return cli_flag_set(prog, f, arg, argv[++*i]) == 0 ? f : NULL;
}

const cli_flag *cli_take_option(const char *prog, void (*usage)(FILE *), const cli_flag *flags,
                                size_t n, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (cli_is_help(a)) {
        usage(stdout);
        exit(0);
    }
    if (cli_is_version(a)) {
        cli_print_version(prog);
        exit(0);
    }
    return cli_flag_take(prog, flags, n, a + 1 + (a[1] == '-'), argc, argv, i);
}

int cli_is_help(const char *arg)
{
    return !strcmp(arg, "-h") || !strcmp(arg, "-help") || !strcmp(arg, "--help");
}

int cli_is_version(const char *arg)
{
    return !strcmp(arg, "-version") || !strcmp(arg, "--version");
}

void cli_print_version(const char *prog)
{
    printf("%s (w2v) %s\n"
           "Licensed under the Apache License, Version 2.0: "
           "<https://www.apache.org/licenses/LICENSE-2.0>\n", prog, w2v_version());
}

void cli_error(const char *prog, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

uint64_t cli_peak_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (uint64_t)ru.ru_maxrss * 1024u; /* Linux reports KiB */
}

unsigned cli_ncores(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return (unsigned)CPU_COUNT(&set);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
}

uint64_t cli_phys_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (uint64_t)pages * (uint64_t)size : 0;
}

/* The one piece of process state a signal handler may touch. */
static atomic_int stop_requested;

/* The first SIGINT/SIGTERM asks for a clean stop; SA_RESETHAND restores the
 * default action, so a second one ends the process at once. */
static void on_stop_signal(int sig)
{
    (void)sig;
    atomic_store(&stop_requested, 1);
}

atomic_int *cli_catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigemptyset(&sa.sa_mask);
    atomic_store(&stop_requested, 0);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &stop_requested;
}
