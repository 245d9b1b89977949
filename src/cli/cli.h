/*
 * cli.h - what the programs share: the flag table and strict number
 * parsing, messages, the stop signals, clocks and machine facts (cores,
 * memory, peak RSS).
 *
 * Programs are thin: they turn argv into option structs, call the library
 * and print.  A program lists its value-taking flags in one cli_flag table
 * (name, kind, destination, bounds) and cli_flag_take parses them, so "3e",
 * "1.5.2", "-1" for an unsigned value and out-of-range numbers are errors
 * that name the flag, the same way in every program.  For the programs
 * (src/cli, src/mpi) and the tests; the library never includes it.
 */
#ifndef W2V_CLI_H
#define W2V_CLI_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Parse all of s as a number within [lo, hi]; 0 on success, -1 otherwise. */
int cli_parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
int cli_parse_double(const char *s, double lo, double hi, double *out);

/* A flag: "-name VALUE" (or --name) stored in *dst, numbers checked
 * against [lo, hi].  A CLI_BOOL flag takes no value and sets the int *dst
 * to 1.  A CLI_CHOICE value must be one of the '|'-separated words of a
 * cli_choice (dst) and its index is stored ("add|mul": add 0, mul 1).
 * A double cannot hold UINT64_MAX: an upper bound of CLI_U64_ALL (2^64)
 * stands for it. */
typedef enum { CLI_U64, CLI_UINT, CLI_DBL, CLI_STR, CLI_BOOL, CLI_CHOICE } cli_kind;
typedef struct {
    const char *name;
    cli_kind kind; /* dst is uint64_t *, unsigned *, double *, const char **,
                      int * (CLI_BOOL) or cli_choice * (CLI_CHOICE) */
    void *dst;
    double lo, hi;
} cli_flag;
typedef struct {
    const char *choices; /* "upper|lower|none" */
    int *index;          /* where the chosen word's index goes */
} cli_choice;
#define CLI_U64_ALL 18446744073709551616.0

/* The flag called name (without its dashes), or NULL. */
const cli_flag *cli_flag_find(const cli_flag *flags, size_t n, const char *name);

/* Store val through f; on a malformed or out-of-range value print
 * "prog: ARG: 'VAL' is not ..." and return -1. */
int cli_flag_set(const char *prog, const cli_flag *f, const char *arg, const char *val);

/* argv[*i] is "-name" or "--name": find the flag, take its value from
 * argv[*i + 1] (advancing *i; a CLI_BOOL takes none) and store it.  @return the flag, or NULL
 * after printing why not (unknown option, missing or bad value). */
const cli_flag *cli_flag_take(const char *prog, const cli_flag *flags, size_t n,
                              const char *name, int argc, char **argv, int *i);

/* The option argv[*i] ("-name" or "--name") of a program with usage text
 * usage: -h/--help prints it to stdout and exits 0, --version prints the
 * version and exits 0, anything else is cli_flag_take's.  @return the flag
 * taken, or NULL after printing why not. */
const cli_flag *cli_take_option(const char *prog, void (*usage)(FILE *), const cli_flag *flags,
                                size_t n, int argc, char **argv, int *i);

/* The options every program has, whatever its other flags:
 * -h, -help, --help and -version, --version. */
int cli_is_help(const char *arg);
int cli_is_version(const char *arg);

/* --version: "prog (w2v) MAJOR.MINOR.PATCH" and the licence, to stdout. */
void cli_print_version(const char *prog);

/* Print "prog: message\n" to stderr. */
void cli_error(const char *prog, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Wall-clock seconds from a monotonic clock. */
double cli_now(void);

/* Peak resident memory of this process in bytes (0 if unknown). */
uint64_t cli_peak_rss(void);

/* Number of cores this process may run on (its affinity: taskset, cpusets,
 * mpirun's binding), else the online cores; at least 1. */
unsigned cli_ncores(void);

/*
 * Catch SIGINT and SIGTERM: the first sets the returned flag (hand it to
 * the library as its stop flag, which then finishes cleanly); the handler
 * then restores the default, so a second signal kills at once.
 */
atomic_int *cli_catch_stop_signals(void);

/* Physical memory of this machine in bytes (0 if unknown). */
uint64_t cli_phys_memory(void);

#endif
