#!/usr/bin/env bash
# Where does the host run two of this machine's CPUs right now? Builds
# scripts/probe-cores.c (the design is in its header) and runs ROUNDS rounds
# of about a quarter second each: a round is "far" when the two CPUs sit in
# different L3 domains (a cache line takes over 100 ns to pass between them),
# "smt" when they share one core's vector units. "far" halves two-thread w2v
# runs (docs/performance-profile.md, section 12).
#   scripts/probe-cores.sh [ROUNDS] [CPU_A CPU_B]     (defaults 60, 0 1)
#   scripts/probe-cores.sh watch SECONDS [CPU_A CPU_B]  beside a run: the
#       hand-over time alone, every 0.1 s, as "UNIX_TIME NS" lines
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build
cc -O2 -std=c11 -Wall -Wextra -o build/probe-cores scripts/probe-cores.c -pthread
exec build/probe-cores "$@"
