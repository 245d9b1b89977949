/*
 * pca.c - the first two principal components of a few vectors (see
 * plot.h, w2v_plot_pca).
 *
 * Shape legend: n rows (the words to plot), D dimension, B block size.
 *
 * DESIGN: block power iteration (subspace iteration) on the covariance
 * C = X^T X of the centred rows, never formed: one step is Z = X^T (X Q)
 * for a block Q of B orthonormal directions, then Gram-Schmidt.  Each step
 * also does a Rayleigh-Ritz projection: the B x B matrix T = (XQ)^T (XQ) is
 * diagonalised by Jacobi rotations, and its top two eigenvectors, mapped
 * back through Q, are the current estimates.  With B = 8 directions the
 * error in the top two shrinks by (lambda_9 / lambda_2) per step instead of
 * (lambda_3 / lambda_2) for plain power iteration, so the typical plot of
 * 8-40 words converges in a few dozen steps.  Start vectors come from a
 * fixed-seed generator, so the result is the same on every run; the sign
 * of each axis is then fixed by its largest element.  Work is O(n D B) per
 * step and memory O((n + B) D) doubles: no n x n or D x D matrix.
 */
#include "w2v/plot.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 8
#define MAX_STEPS 3000
/* Stop when the squared distance between successive top-2 subspaces
 * (2 - sum of squared cosines) is below this: about 1e-10 in angle. */
#define SUBSPACE_TOL 1e-20
/* An eigenvalue below this fraction of the total variance is zero. */
#define ZERO_VARIANCE 1e-14

/* xorshift64*: a fixed sequence of start vectors, no shared state. */
static double next_uniform(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (double)((*s * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

static double dot(const double *a, const double *b, size_t D)
{
    double s = 0;
    for (size_t j = 0; j < D; j++)
        s += a[j] * b[j];
    return s;
}

/* Modified Gram-Schmidt, twice (once is not enough in floating point).  A
 * vector that is (numerically) in the span of the earlier ones is zeroed
 * and stays zero: the data has fewer than B directions. */
static void orthonormalize(double *Q, size_t B, size_t D)
{
    for (size_t b = 0; b < B; b++) {
        double *q = Q + b * D;
        double before = sqrt(dot(q, q, D));
        for (int round = 0; round < 2; round++)
            for (size_t c = 0; c < b; c++) {
                const double *p = Q + c * D;
                double r = dot(p, q, D);
                for (size_t j = 0; j < D; j++)
                    q[j] -= r * p[j];
            }
        double norm = sqrt(dot(q, q, D));
        if (!(norm > 1e-10 * before) || norm == 0) {
            memset(q, 0, D * sizeof *q);
            continue;
        }
        for (size_t j = 0; j < D; j++)
            q[j] /= norm;
    }
}

/*
 * Eigen-decomposition of the symmetric B x B matrix A (destroyed) by cyclic
 * Jacobi rotations: lambda[k] and column k of V (V[r * B + k]).
 */
static void jacobi(double *A, size_t B, double *lambda, double *V)
{
    for (size_t r = 0; r < B; r++)
        for (size_t c = 0; c < B; c++)
            V[r * B + c] = r == c;
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0, diag = 0;
        for (size_t r = 0; r < B; r++) {
            diag += A[r * B + r] * A[r * B + r];
            for (size_t c = r + 1; c < B; c++)
                off += A[r * B + c] * A[r * B + c];
        }
        if (off <= 1e-30 * diag || off == 0)
            break;
        for (size_t p = 0; p < B; p++)
            for (size_t q = p + 1; q < B; q++) {
                double apq = A[p * B + q];
                if (apq == 0)
                    continue;
                /* Rotate so that A[p][q] becomes 0 (Golub & Van Loan 8.5.2). */
                double tau = (A[q * B + q] - A[p * B + p]) / (2 * apq);
                double t = (tau >= 0 ? 1 : -1) / (fabs(tau) + sqrt(1 + tau * tau));
                double c = 1 / sqrt(1 + t * t), s = t * c;
                for (size_t k = 0; k < B; k++) { /* columns p, q */
                    double akp = A[k * B + p], akq = A[k * B + q];
                    A[k * B + p] = c * akp - s * akq;
                    A[k * B + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < B; k++) { /* rows p, q */
                    double apk = A[p * B + k], aqk = A[q * B + k];
                    A[p * B + k] = c * apk - s * aqk;
                    A[q * B + k] = s * apk + c * aqk;
                }
                for (size_t k = 0; k < B; k++) {
                    double vkp = V[k * B + p], vkq = V[k * B + q];
                    V[k * B + p] = c * vkp - s * vkq;
                    V[k * B + q] = s * vkp + c * vkq;
                }
            }
    }
    for (size_t k = 0; k < B; k++)
        lambda[k] = A[k * B + k];
}

/* Y = X Q^T (n x B). */
static void project(const double *X, const double *Q, size_t n, size_t B, size_t D, double *Y)
{
    for (size_t i = 0; i < n; i++)
        for (size_t b = 0; b < B; b++)
            Y[i * B + b] = dot(X + i * D, Q + b * D, D);
}

/* The top-2 Ritz vectors U (2 x D) and values of the block Q. */
static void ritz(const double *Q, const double *Y, size_t n, size_t B, size_t D, double *U,
                 double lam2[2])
{
    double T[BLOCK * BLOCK], V[BLOCK * BLOCK], lambda[BLOCK];
    for (size_t a = 0; a < B; a++)
        for (size_t b = 0; b < B; b++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += Y[i * B + a] * Y[i * B + b];
            T[a * B + b] = s;
        }
    jacobi(T, B, lambda, V);
    size_t top[2] = {0, 0};
    for (size_t k = 1; k < B; k++)
        if (lambda[k] > lambda[top[0]])
            top[0] = k;
    top[1] = top[0] == 0 && B > 1 ? 1 : 0;
    for (size_t k = 0; k < B; k++)
        if (k != top[0] && lambda[k] > lambda[top[1]])
            top[1] = k;
    for (int m = 0; m < 2; m++) {
        double *u = U + (size_t)m * D;
        memset(u, 0, D * sizeof *u);
        if (B < 2 && m == 1) {
            lam2[1] = 0;
            continue;
        }
        for (size_t b = 0; b < B; b++) {
            double w = V[b * B + top[m]];
            for (size_t j = 0; j < D; j++)
                u[j] += w * Q[b * D + j];
        }
        lam2[m] = lambda[top[m]];
    }
}

w2v_status w2v_plot_pca(const float *const *rows, size_t n, size_t D, double *xy, double *axes,
                        double explained[2], w2v_error *err)
{
    if (n == 0)
        return w2v_error_set(err, W2V_ERR_EMPTY, "pca: no vectors");
    if (D == 0)
        return w2v_error_set(err, W2V_ERR_ARG, "pca: dimension 0");
    size_t B = D < BLOCK ? D : BLOCK;
    if (n > SIZE_MAX / sizeof(double) / D || D > SIZE_MAX / sizeof(double) / (2 * BLOCK + 4))
        return w2v_error_set(err, W2V_ERR_NOMEM, "pca: %zu x %zu is too large", n, D);
    double *X = malloc(n * D * sizeof *X);
    double *Q = malloc(B * D * sizeof *Q), *Z = malloc(B * D * sizeof *Z);
    double *U = malloc(2 * D * sizeof *U), *Uprev = calloc(2 * D, sizeof *Uprev);
    double *Y = malloc(n * B * sizeof *Y), *mean = calloc(D, sizeof *mean);
    w2v_status st = W2V_OK;
    if (!X || !Q || !Z || !U || !Uprev || !Y || !mean) {
        st = w2v_error_set(err, W2V_ERR_NOMEM, "pca: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < D; j++) {
            double v = rows[i][j];
            if (!isfinite(v)) {
                st = w2v_error_set(err, W2V_ERR_ARG, "pca: row %zu, element %zu is not finite",
                                   i, j);
                goto out;
            }
            mean[j] += v;
        }
    for (size_t j = 0; j < D; j++)
        mean[j] /= (double)n;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < D; j++) {
            double v = (double)rows[i][j] - mean[j];
            X[i * D + j] = v;
            total += v * v;
        }

    uint64_t seed = 0x9E3779B97F4A7C15ull;
    for (size_t k = 0; k < B * D; k++)
        Q[k] = next_uniform(&seed);
    orthonormalize(Q, B, D);
    double lam[2] = {0, 0};
    for (int step = 0; step < MAX_STEPS; step++) {
        project(X, Q, n, B, D, Y);
        ritz(Q, Y, n, B, D, U, lam);
        double cos2 = 0;
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 2; b++) {
                double c = dot(U + (size_t)a * D, Uprev + (size_t)b * D, D);
                cos2 += c * c;
            }
        /* rank < 2: the second vector is zero in both, so compare what exists */
        double dims = dot(U, U, D) + dot(U + D, U + D, D);
        if (step > 0 && dims - cos2 < SUBSPACE_TOL)
            break;
        memcpy(Uprev, U, 2 * D * sizeof *U);
        /* Z = X^T Y: the next block */
        memset(Z, 0, B * D * sizeof *Z);
        for (size_t i = 0; i < n; i++)
            for (size_t b = 0; b < B; b++) {
                double y = Y[i * B + b];
                const double *x = X + i * D;
                double *z = Z + b * D;
                for (size_t j = 0; j < D; j++)
                    z[j] += y * x[j];
            }
        memcpy(Q, Z, B * D * sizeof *Q);
        orthonormalize(Q, B, D);
    }
    for (int m = 0; m < 2; m++) {
        double *u = U + (size_t)m * D;
        if (!(lam[m] > ZERO_VARIANCE * total)) {
            memset(u, 0, D * sizeof *u);
            lam[m] = 0;
        }
        size_t big = 0;
        for (size_t j = 1; j < D; j++)
            if (fabs(u[j]) > fabs(u[big]))
                big = j;
        if (u[big] < 0)
            for (size_t j = 0; j < D; j++)
                u[j] = -u[j];
        for (size_t i = 0; i < n; i++)
            xy[2 * i + (size_t)m] = dot(X + i * D, u, D) + 0.0; /* + 0.0: no -0 */
        if (explained)
            explained[m] = total > 0 ? lam[m] / total : 0;
    }
    if (axes)
        memcpy(axes, U, 2 * D * sizeof *U);
out:
    free(X);
    free(Q);
    free(Z);
    free(U);
    free(Uprev);
    free(Y);
    free(mean);
    return st;
}
