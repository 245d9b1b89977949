#!/usr/bin/env bash
# Open MPI's default allreduce against the ring that w2v-train-mpi asks for,
# on 32 MB of floats (one piece of its exchange), with NP processes (2).
#   scripts/bench-allreduce.sh [NP]
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
mpicc -O2 -o build/bench-allreduce scripts/bench-allreduce.c
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
np=${1:-2}
echo -n "default:     "; mpirun -np "$np" build/bench-allreduce
echo -n "ring (4):    "; mpirun -np "$np" --mca coll_tuned_use_dynamic_rules 1 \
    --mca coll_tuned_allreduce_algorithm 4 build/bench-allreduce
