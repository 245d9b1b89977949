#!/usr/bin/env bash
# How w2v-train's cost grows with dimension, threads and corpus size:
# one epoch of skip-gram (-window 5 -negative 5 -sample 1e-4 -min-count 5)
# at -dim 100, 300, 600 with 1 and 2 threads, and at -dim 300 on the first
# half of the corpus.  Prints wall time, words/s (corpus words / wall time
# of the whole process) and peak memory.
#   scripts/bench-scaling.sh [CORPUS]
set -euo pipefail
cd "$(dirname "$0")/.."
make -s
corpus=${1:-data/enwiki8.txt}
[ -s "$corpus" ] || { echo "no corpus $corpus (scripts/bench.sh prepares data/enwiki8.txt)" >&2; exit 1; }
work=${BENCH_DIR:-data/bench}
mkdir -p "$work"
words=$(wc -w < "$corpus")
half=$work/half.txt
[ -s "$half" ] || head -c $(( $(stat -c %s "$corpus") / 2 )) "$corpus" > "$half"
hwords=$(wc -w < "$half")
printf '| %-22s | %6s | %9s | %7s |\n' run "wall s" words/s "peak MB"
printf '| %-22s | %6s | %9s | %7s |\n' --- --- --- ---
run() { # LABEL CORPUS WORDS ARGS...
    local label=$1 c=$2 n=$3; shift 3
    /usr/bin/time -f "%e %M" -o "$work/scale.time" bin/w2v-train "$c" -o "$work/scale.bin" \
        -window 5 -negative 5 -sample 1e-4 -min-count 5 -epochs 1 -quiet "$@"
    read -r wall kb < "$work/scale.time"
    printf '| %-22s | %6s | %8.0fk | %7d |\n' "$label" "$wall" \
        "$(awk -v w="$n" -v t="$wall" 'BEGIN{print w/t/1000}')" $((kb / 1024))
}
for dim in 100 300 600; do
    for t in 1 2; do
        run "dim $dim, $t thread(s)" "$corpus" "$words" -dim $dim -threads $t
    done
done
run "dim 300, 2 threads, half" "$half" "$hwords" -dim 300 -threads 2
