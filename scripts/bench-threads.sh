#!/usr/bin/env bash
# Thread scaling of every training mode: one epoch over a fixed prefix of a
# corpus at each thread count, one mode after the other.
#
#   scripts/bench-threads.sh CORPUS [THREAD COUNTS...]    (default 1 2 4 8 12 16)
#   PREFIX_MB=50   megabytes of CORPUS to train on (its last word may be cut)
#   MODES="sg-ns cbow-ns sg-hs"
#   W2V_TRAIN=bin/w2v-train   the binary (built with make if it is the default)
#
# Settings: -dim 300 -window 5 -sample 1e-4 -min-count 5 -epochs 1.  Needs
# only w2v-train and coreutils (no evaluation data, no python).  Prints a
# table: mode, threads, seconds (training, then the whole process), words/s
# over the training time, and the speedup over the first thread count.
# A 50 MB prefix is about 8.5 M words: at ~0.7 M words/s per thread for
# skip-gram NEG the sweep of 3 modes x 6 counts takes about 2-3 minutes on
# a 16-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:?usage: scripts/bench-threads.sh CORPUS [THREADS...]}
shift
counts=${*:-1 2 4 8 12 16}
modes=${MODES:-sg-ns cbow-ns sg-hs}
bin=${W2V_TRAIN:-bin/w2v-train}
[ "$bin" != bin/w2v-train ] || make -s bin/w2v-train
work=$(mktemp -d "${TMPDIR:-/tmp}/w2v-threads.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix.txt
head -c "$(( ${PREFIX_MB:-50} * 1000000 ))" "$corpus" > "$prefix"
echo "corpus: first $(wc -c < "$prefix") bytes of $corpus, $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
printf '%-8s %7s %10s %10s %12s %8s\n' mode threads train_s total_s words/s speedup
for mode in $modes; do
    case $mode in
    sg-ns) flags="" ;;
    cbow-ns) flags="-cbow 1" ;;
    sg-hs) flags="-hs 1 -negative 0" ;;
    *) echo "unknown mode $mode" >&2; exit 1 ;;
    esac
    base=
    for t in $counts; do
        start=$(date +%s.%N)
        # shellcheck disable=SC2086
        "$bin" "$prefix" -o "$work/v.bin" -dim 300 -window 5 -sample 1e-4 -min-count 5 \
            -epochs 1 -threads "$t" $flags -verbose > "$work/log" 2>&1 ||
            { echo "$mode at $t threads failed:"; tail -3 "$work/log"; exit 1; }
        end=$(date +%s.%N)
        train=$(sed -n 's/.*, training \([0-9.]*\) s,.*/\1/p' "$work/log" | tail -1)
        words=$(sed -n 's/^trained \([0-9]*\) words.*/\1/p' "$work/log" | tail -1)
        [ -n "$base" ] || base=$train
        awk -v m="$mode" -v t="$t" -v s="$train" -v a="$start" -v e="$end" -v w="$words" -v b="$base" \
            'BEGIN { printf "%-8s %7d %10.2f %10.2f %11.0fk %7.2fx\n", m, t, s, e - a, w / s / 1e3, b / s }'
    done
done
