#!/usr/bin/env bash
# End-to-end check of scripts/reproduce-mikolov.sh on a small planted corpus
# (20-d vectors): the runs of the selected experiments are made and
# recorded, the tables and the line chart are written, a second call runs
# nothing (resumable), -n lists without running, and held-out loss appears
# when HELDOUT is set.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "$here/.." && pwd)
R=$root/scripts/reproduce-mikolov.sh
command -v python3 >/dev/null || skip_all "python3 is needed for the tables"
planted_corpus "$TMP/c.txt" 3000
# analogies among planted words (any will do: the pipeline is under test)
{ echo ": topics"; for t in 0 1 2 3; do echo "t${t}w0 t${t}w1 t$((t + 1))w0 t$((t + 1))w1"; done; } > "$TMP/q.txt"
export NO_MAKE=1 THREADS=1 DIM=20 QUESTIONS=$TMP/q.txt HELDOUT=2000
export CURVE="q2:1 all:1" SAMPLES5="0 1e-3" ALPHA_POINTS="all:1" ALPHAS5="0.05" SAMPLES5_ALPHA="1e-3"
cd "$root" || exit 1
check "dry run lists 5 runs" sh -c "'$R' -n -x 5 -o '$TMP/o' '$TMP/c.txt' 2>/dev/null | grep -c ': [^ ]*w2v-train ' | grep -qx 5"
check "dry run trains nothing" test ! -e "$TMP/o/runs/c-h2000-all-sg-neg5-s0-d20-e1.tsv"
check "experiment 5" sh -c "'$R' -x 5 -o '$TMP/o' '$TMP/c.txt' > '$TMP/out' 2>'$TMP/err'"
check "five runs recorded" test "$(ls "$TMP"/o/runs/*.tsv | wc -l)" -eq 5
check "alpha run" test -s "$TMP/o/runs/c-h2000-all-sg-neg5-s1e-3-d20-e1-a0.05.tsv"
check "run records wall, user, sys and the command" \
    awk -F'\t' 'NF == 5 && $2 > 0 && $5 ~ /w2v-train/ { ok = 1 } END { exit !ok }' "$TMP/o/runs/c-h2000-all-sg-neg5-s0-d20-e1.tsv"
check "table has held-out loss" grep -q '| none | 0.025 | .* | [0-9][0-9.]* / [0-9.]* / [-0-9.]* |' "$TMP/o/exp5.md"
check "table printed" grep -q 'Experiment 5' "$TMP/out"
check "curve TSV: 3 series" sh -c "head -1 '$TMP/o/exp5-updates.tsv' | awk -F'\t' '{ exit NF != 4 }'"
check "line chart" grep -q '<polyline' "$TMP/o/exp5-updates.svg"
check "held-out text is not trained on" sh -c "test \$(wc -w < '$TMP/o/corpora/c-h2000.heldout.txt') -eq 2000"
check "resumable: nothing run again" sh -c "'$R' -x 5 -o '$TMP/o' '$TMP/c.txt' 2>&1 >/dev/null | grep -c '^== ' | grep -qx 0"
check "unknown experiment refused" sh -c "! '$R' -x 7 -o '$TMP/o' '$TMP/c.txt' 2>/dev/null"
finish
