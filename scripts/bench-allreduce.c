/*
 * bench-allreduce.c - seconds per MPI_Allreduce of 32 MB of floats, the
 * size of one piece of w2v-train-mpi's exchange (scripts/bench-allreduce.sh).
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const int n = 8 << 20, reps = 10;
    float *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    if (!a || !b)
        MPI_Abort(MPI_COMM_WORLD, 1);
    for (int i = 0; i < n; i++)
        a[i] = (float)i;
    MPI_Allreduce(a, b, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); /* warm up */
    double t = MPI_Wtime();
    for (int k = 0; k < reps; k++)
        MPI_Allreduce(a, b, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    t = (MPI_Wtime() - t) / reps;
    if (rank == 0)
        printf("%.3f s per 32 MB allreduce, %.2f GB/s\n", t, 32 * 1.048576e-3 / t);
    free(a);
    free(b);
    MPI_Finalize();
    return 0;
}
