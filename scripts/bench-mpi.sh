#!/usr/bin/env bash
# Data-parallel training against the single-node run, on one machine:
# w2v-train with all cores, then w2v-train-mpi with 1, 2 and 4 processes
# (more processes than cores are oversubscribed), the same settings, and
# each one's analogy accuracy, wall time and synchronisation traffic.
#   scripts/bench-mpi.sh [CORPUS]      (default data/enwiki8.txt)
# Environment: EPOCHS (5), DIM (300), RANKS ("1 2 4"), SYNC (-sync-every,
# default the program's), MODE (-sync-mode), SINGLE=0 (skip w2v-train),
# BENCH_DIR (data/bench).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s all mpi
corpus=${1:-data/enwiki8.txt}
[ -s "$corpus" ] || { echo "no corpus $corpus (scripts/bench.sh prepares data/enwiki8.txt)" >&2; exit 1; }
questions=eval/data/questions-words.txt  # scripts/fetch-data.sh, or the environment's copy
[ -s "$questions" ] || questions=../shared/data/analogy/questions-words.txt
work=${BENCH_DIR:-data/bench}
mkdir -p "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# mpirun binds a process to one core when cores >= processes: its threads would share it
export OMPI_MCA_hwloc_base_binding_policy=none
cores=$(nproc)
common=(-dim "${DIM:-300}" -epochs "${EPOCHS:-5}" -window 5 -negative 5 -sample 1e-4 -min-count 5)
sync=()
[ -n "${SYNC:-}" ] && sync+=(-sync-every "$SYNC")
[ -n "${MODE:-}" ] && sync+=(-sync-mode "$MODE")
printf '| %-34s | %6s | %8s | %6s | %-s\n' run "wall s" analogy "rounds" "sync traffic (w2v-train-mpi's report)"
printf '| %-34s | %6s | %8s | %6s | %-s\n' --- --- --- --- ---
score() { bin/w2v-eval "$1" "$questions" | awk '$1 == "total" { print $5 }'; }
if [ "${SINGLE:-1}" != 0 ]; then
    /usr/bin/time -f %e -o "$work/mpi.time" bin/w2v-train "$corpus" -o "$work/mpi.bin" \
        "${common[@]}" -threads "$cores" -quiet
    printf '| %-34s | %6s | %7s%% | %6s |\n' "w2v-train, $cores threads" \
        "$(cat "$work/mpi.time")" "$(score "$work/mpi.bin")" -
fi
for np in ${RANKS:-1 2 4}; do
    t=$(( cores / np )); [ "$t" -ge 1 ] || t=1
    /usr/bin/time -f %e -o "$work/mpi.time" mpirun -np "$np" bin/w2v-train-mpi "$corpus" \
        -o "$work/mpi.bin" "${common[@]}" -threads "$t" "${sync[@]}" 2>"$work/mpi.log"
    line=$(grep -a '^sync:' "$work/mpi.log" | sed 's/^sync: //')
    printf '| %-34s | %6s | %7s%% | %6s | %s\n' "w2v-train-mpi, $np x $t thread(s)" \
        "$(cat "$work/mpi.time")" "$(score "$work/mpi.bin")" "${line%% rounds*}" "${line#* rounds, }"
done
