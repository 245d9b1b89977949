/*
 * cli.h - what the programs share: strict number parsing and messages.
 *
 * Programs are thin: they turn argv into option structs, call the library
 * and print.  These helpers make "3e", "1.5.2", "-1" for an unsigned value
 * and out-of-range numbers errors that name the flag.
 */
#ifndef W2V_CLI_H
#define W2V_CLI_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Parse all of s as a number within [lo, hi]; 0 on success, -1 otherwise. */
int cli_parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
int cli_parse_double(const char *s, double lo, double hi, double *out);

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

/* Number of online cores (at least 1). */
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
