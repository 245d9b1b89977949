#!/usr/bin/env bash
# Build and run scripts/bench-kernel.c: the training kernels alone, rows in
# cache against rows scattered over an enwiki8-sized matrix (see the .c).
#   scripts/bench-kernel.sh [CALLS]       (default 200000 per measurement)
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/libw2v.a
cc -std=c11 -O2 -Isrc -Iinclude -o build/bench-kernel scripts/bench-kernel.c build/libw2v.a -lm
build/bench-kernel "$@"
