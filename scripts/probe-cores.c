/*
 * probe-cores.c - where does the host run two of this machine's CPUs right
 * now, as seen from inside?
 *
 * On a virtual machine the host decides where each vCPU runs, and moves
 * them.  Two placements change what Hogwild training gets from two threads:
 *   - far: the two CPUs sit in different L3 domains (core complexes or
 *     sockets).  Every cache line that both threads write (the model's rows
 *     of frequent words) then crosses the fabric: a line handed from one
 *     CPU to the other takes 4-5x as long as within one L3.
 *   - smt: the two CPUs are the two hardware threads of one core.  Work
 *     that keeps the vector units busy gets one core's throughput between
 *     the two; work that waits on a dependency chain hardly notices (time-
 *     slicing, or a slower clock, would slow both alike).
 * So each round measures, with one thread pinned to each of two CPUs:
 *   - the one-way time of a cache line bouncing between them (two threads
 *     taking turns to bump one counter);
 *   - FMA throughput (ten independent 8-float FMA chains), each CPU alone
 *     and then both at once;
 *   - a scalar dependency chain (multiply, add, shift, xor), on A alone
 *     and on both at once.
 * A round is "far" when the line takes over 100 ns, "smt" when both-at-once
 * FMA falls below 3/4 of the alone rate while the chain does not.  The
 * summary gives how often each was seen.
 *
 *   scripts/probe-cores.sh [ROUNDS] [CPU_A CPU_B]     (defaults 60, 0 1)
 *   scripts/probe-cores.sh watch SECONDS [CPU_A CPU_B]
 *
 * A round takes about a quarter of a second and keeps both CPUs busy.
 * "watch" is for beside a run: it only times the line, 2,000 hand-overs
 * (about 0.1-0.4 ms) every 0.1 s, and prints "UNIX_TIME NS" per sample, so
 * that a benchmark can tell which part of a run was far (bench-modes.sh,
 * PROBE=1).  It measures the machine, not w2v, and links nothing of it.
 */
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FMA_ITERS 20000000L   /* x 10 chains x 16 flops: ~0.03 s a CPU */
#define CHAIN_ITERS 30000000L /* ~0.03 s */
#define BOUNCES 200000L       /* round trips of the line: ~0.015-0.08 s */
#define FAR_NS 100.0          /* within one L3 a hand-over takes 30-50 ns */

typedef struct {
    int cpu;
    int fma;      /* 1: the FMA loop, 0: the scalar chain */
    double rate;  /* GFLOP/s or G steps/s, wall clock */
    double sink;  /* the loop's result, stored so that the loop is not
                     optimised away (the job is seen by another thread) */
} job;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Ten independent chains: more than FMA latency x units, so throughput. */
__attribute__((target("avx2,fma"))) static double fma_loop(long n)
{
    __m256 m = _mm256_set1_ps(0.999f), c = _mm256_set1_ps(0.001f);
    __m256 a0 = _mm256_set1_ps(0), a1 = _mm256_set1_ps(1), a2 = _mm256_set1_ps(2);
    __m256 a3 = _mm256_set1_ps(3), a4 = _mm256_set1_ps(4), a5 = _mm256_set1_ps(5);
    __m256 a6 = _mm256_set1_ps(6), a7 = _mm256_set1_ps(7), a8 = _mm256_set1_ps(8);
    __m256 a9 = _mm256_set1_ps(9);
    for (long k = 0; k < n; k++) {
        a0 = _mm256_fmadd_ps(a0, m, c);
        a1 = _mm256_fmadd_ps(a1, m, c);
        a2 = _mm256_fmadd_ps(a2, m, c);
        a3 = _mm256_fmadd_ps(a3, m, c);
        a4 = _mm256_fmadd_ps(a4, m, c);
        a5 = _mm256_fmadd_ps(a5, m, c);
        a6 = _mm256_fmadd_ps(a6, m, c);
        a7 = _mm256_fmadd_ps(a7, m, c);
        a8 = _mm256_fmadd_ps(a8, m, c);
        a9 = _mm256_fmadd_ps(a9, m, c);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)),
                             _mm256_add_ps(_mm256_add_ps(a4, a5), _mm256_add_ps(a6, a7)));
    s = _mm256_add_ps(s, _mm256_add_ps(a8, a9));
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0];
}

/* One chain: every step waits for the one before. */
static double chain_loop(long n)
{
    volatile unsigned long seed = 1;
    unsigned long y = seed;
    for (long k = 0; k < n; k++) {
        y = y * 3 + 1;
        y ^= y >> 7;
    }
    return (double)(y & 1);
}

static int pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

/* The bouncing line: the side whose turn it is (count even: A, odd: B)
 * bumps the count, which hands the line to the other CPU. */
typedef struct {
    _Alignas(64) atomic_long count; /* alone in its line */
    _Alignas(64) int cpu_b;
    long rounds;
} bounce;

static void *bounce_b(void *arg)
{
    bounce *b = arg;
    pin(b->cpu_b);
    for (long i = 0; i < b->rounds; i++) {
        while (atomic_load_explicit(&b->count, memory_order_acquire) != 2 * i + 1)
            ;
        atomic_store_explicit(&b->count, 2 * i + 2, memory_order_release);
    }
    return NULL;
}

/* One-way hand-over time in ns over count round trips after warm ones (by
 * then the second thread is running), the calling thread pinned to cpu_a;
 * a negative value when the second thread cannot start. */
static double bounce_ns(int cpu_a, int cpu_b, long warm, long count)
{
    bounce *b = aligned_alloc(64, sizeof *b);
    if (!b)
        return -1;
    b->cpu_b = cpu_b;
    b->rounds = warm + count;
    atomic_init(&b->count, 0);
    pin(cpu_a);
    pthread_t t;
    if (pthread_create(&t, NULL, bounce_b, b) != 0) {
        free(b);
        return -1;
    }
    double t0 = now();
    for (long i = 0; i < warm + count; i++) {
        if (i == warm)
            t0 = now();
        while (atomic_load_explicit(&b->count, memory_order_acquire) != 2 * i)
            ;
        atomic_store_explicit(&b->count, 2 * i + 1, memory_order_release);
    }
    double ns = (now() - t0) / (2.0 * (double)count) * 1e9;
    pthread_join(t, NULL);
    free(b);
    return ns;
}

static void *run(void *arg)
{
    job *j = arg;
    if (pin(j->cpu) != 0)
        j->cpu = -1;
    double t0 = now();
    if (j->fma) {
        j->sink = fma_loop(FMA_ITERS);
        j->rate = (double)FMA_ITERS * 10 * 16 / (now() - t0) / 1e9;
    } else {
        j->sink = chain_loop(CHAIN_ITERS);
        j->rate = (double)CHAIN_ITERS / (now() - t0) / 1e9;
    }
    return NULL;
}

/* a and b at once: a on a new thread, b on this one. */
static int both(job *a, job *b)
{
    pthread_t t;
    if (pthread_create(&t, NULL, run, a) != 0)
        return -1;
    run(b);
    pthread_join(t, NULL);
    return 0;
}

/* watch: a short bounce every 0.1 s (a thread started per sample: about
 * 50 us, against 0.1-0.4 ms of bouncing), as "UNIX_TIME NS" lines. */
#define WATCH_WARM 200L
#define WATCH_BOUNCES 2000L

static int watch(double seconds, int ca, int cb)
{
    for (double end = now() + seconds; now() < end;) {
        double ns = bounce_ns(ca, cb, WATCH_WARM, WATCH_BOUNCES);
        if (ns < 0) {
            fprintf(stderr, "probe-cores: cannot start a thread\n");
            return 1;
        }
        struct timespec real;
        clock_gettime(CLOCK_REALTIME, &real);
        printf("%.3f %.0f\n", (double)real.tv_sec + (double)real.tv_nsec * 1e-9, ns);
        fflush(stdout);
        nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "watch")) {
        double seconds = atof(argv[2]);
        int ca = argc > 4 ? atoi(argv[3]) : 0, cb = argc > 4 ? atoi(argv[4]) : 1;
        if (!(seconds > 0) || ca < 0 || cb < 0 || ca == cb) {
            fprintf(stderr, "usage: probe-cores watch SECONDS [CPU_A CPU_B]\n");
            return 2;
        }
        return watch(seconds, ca, cb);
    }
    int rounds = argc > 1 ? atoi(argv[1]) : 60;
    int ca = argc > 3 ? atoi(argv[2]) : 0, cb = argc > 3 ? atoi(argv[3]) : 1;
    if (rounds < 1 || ca < 0 || cb < 0 || ca == cb) {
        fprintf(stderr, "usage: probe-cores [ROUNDS] [CPU_A CPU_B]\n");
        return 2;
    }
    int far = 0, smt = 0;
    printf("  time      line ns | FMA GFLOP/s: A alone, B alone, both (A + B) | chain G "
           "steps/s: A alone, both (A + B)\n");
    for (int r = 0; r < rounds; r++) {
        job fa = {ca, 1, 0, 0}, fb = {cb, 1, 0, 0}, f2a = {ca, 1, 0, 0}, f2b = {cb, 1, 0, 0};
        job c1 = {ca, 0, 0, 0}, c2a = {ca, 0, 0, 0}, c2b = {cb, 0, 0, 0};
        double line = bounce_ns(ca, cb, 0, BOUNCES);
        run(&fa);
        run(&fb);
        run(&c1);
        if (line < 0 || both(&f2a, &f2b) != 0 || both(&c2a, &c2b) != 0) {
            fprintf(stderr, "probe-cores: cannot start a thread\n");
            return 1;
        }
        if (fa.cpu < 0 || fb.cpu < 0) {
            fprintf(stderr, "probe-cores: cannot pin to CPU %d or %d\n", ca, cb);
            return 1;
        }
        double alone = (fa.rate + fb.rate) / 2, two = (f2a.rate + f2b.rate) / 2;
        /* both at once, the chain keeps its rate alone when the CPUs share
         * only a core's units, and halves when they share time */
        int is_smt = two < 0.75 * alone && (c2a.rate + c2b.rate) / 2 > 0.75 * c1.rate;
        int is_far = line > FAR_NS;
        smt += is_smt;
        far += is_far;
        time_t tt = time(NULL);
        struct tm tm;
        gmtime_r(&tt, &tm);
        printf("%02d:%02d:%02d  %7.0f | %6.0f %6.0f %6.0f + %-6.0f | %5.2f %5.2f + %-5.2f %s%s\n",
               tm.tm_hour, tm.tm_min, tm.tm_sec, line, fa.rate, fb.rate, f2a.rate, f2b.rate,
               c1.rate, c2a.rate, c2b.rate, is_far ? " far" : "", is_smt ? " smt" : "");
        fflush(stdout);
    }
    printf("CPUs %d and %d: far (line over %.0f ns) in %d of %d rounds (%.0f %%), smt (FMA both "
           "at once below 3/4 of alone, the chain not) in %d (%.0f %%)\n",
           ca, cb, FAR_NS, far, rounds, 100.0 * far / rounds, smt, 100.0 * smt / rounds);
    return 0;
}
