#!/usr/bin/env bash
# bench-search.sh [DIR] - 1,000 queries over 1,000,000 documents at 300-d:
# w2v-search (index mapped, 2 threads) side by side with a numpy brute force
# over the same document vectors.
#
# The data are synthetic (scripts/bench_search.py make): random word
# vectors and Zipf counts, documents of 6-14 words, and queries that are
# 1,000 of the documents' own lines, so both tools must put that document
# first (checked).  It is made once in DIR (default $TMPDIR/w2v-bench-search;
# the index alone is 1.2 GB, keep it out of the repository).
#
# Timings: w2v-search is the whole process (open and check the index,
# embed the queries, search, print), read from /usr/bin/time with its peak
# RSS; the page cache is warmed first by one untimed run, for both tools.
# numpy is timed inside Python around the products and top-k (loading the
# map and the interpreter are not charged to it).  numpy uses whatever BLAS
# libblas.so.3 is; set NUMPY_BLAS_DIR to a directory holding another
# libblas.so.3 (e.g. OpenBLAS: `apt-get download libopenblas0-pthread &&
# dpkg -x libopenblas0-pthread_*.deb ob`, then
# NUMPY_BLAS_DIR=ob/usr/lib/x86_64-linux-gnu/openblas-pthread) to time it
# too.  With the reference BLAS numpy is slow, so it answers NUMPY_Q (100)
# queries and the time is also given scaled to 1,000.
# Every timing runs under flock /tmp/w2v-bench.lock (one timing at a time).
#
# Environment: W2V_BIN (default bin/), PY (default /usr/bin/python3), N, Q,
# THREADS (2), NUMPY_Q (100), NUMPY_BLAS_DIR.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${W2V_BIN:-$root/bin}
py=${PY:-/usr/bin/python3}
dir=${1:-${TMPDIR:-/tmp}/w2v-bench-search}
N=${N:-1000000} Q=${Q:-1000} D=300 V=${V:-50000} THREADS=${THREADS:-2} NUMPY_Q=${NUMPY_Q:-100}
# W2V_BENCH_LOCK= (empty) runs without the lock: for trying the script on small sizes only
lock=${W2V_BENCH_LOCK-flock /tmp/w2v-bench.lock}
[ -x "$bin/w2v-search" ] || { echo "bench-search: build first ($bin/w2v-search missing)" >&2; exit 1; }
"$py" -c 'import numpy' 2>/dev/null || { echo "bench-search: $py cannot import numpy" >&2; exit 1; }
mkdir -p "$dir"
tag=$N-$Q-$D
if [ ! -s "$dir/qids.txt" ] || [ "$(wc -l < "$dir/docs.txt")" != "$N" ]; then
    echo "making $N documents, $Q queries in $dir"
    nice -n 10 "$py" "$root/scripts/bench_search.py" make "$dir" "$N" $D $V "$Q"
    rm -f "$dir/docs-$tag.w2vi"
fi
if [ ! -s "$dir/docs-$tag.w2vi" ]; then
    echo "building the index (not under the lock: its time is for information)"
    nice -n 10 /usr/bin/time -f "build: %e s wall, %U s user, %S s sys, peak RSS %M KB" \
        "$bin/w2v-search" -build "$dir/vectors.bin" "$dir/vocab.txt" "$dir/docs.txt" \
        -threads "$THREADS" -o "$dir/docs-$tag.w2vi"
fi
ix=$dir/docs-$tag.w2vi
awk 'NR == FNR { want[$1] = 1; next } FNR in want' "$dir/qids.txt" "$dir/docs.txt" > "$dir/queries.txt"
head -n "$NUMPY_Q" "$dir/qids.txt" > "$dir/qids-numpy.txt"
ls -l "$ix"

echo "== w2v-search: $Q queries over $N documents, $THREADS threads"
"$bin/w2v-search" "$ix" -n 10 -quiet -threads "$THREADS" < "$dir/queries.txt" > /dev/null  # warm the cache
for run in 1 2 3; do
    $lock sh -c 'echo "  load average before run: $(cut -d" " -f1-3 /proc/loadavg)"'
    $lock /usr/bin/time -f "w2v-search run $run: %e s wall, %U s user, %S s sys, peak RSS %M KB" \
        "$bin/w2v-search" "$ix" -n 10 -json -threads "$THREADS" < "$dir/queries.txt" > "$dir/ours.jsonl"
done

numpy_run() {
    local label=$1 nq=$2 qf=$3
    $lock "$py" "$root/scripts/bench_search.py" numpy "$ix" "$qf" 10 > "$dir/numpy.txt" 2> "$dir/numpy.err"
    sed "s/^/$label /" "$dir/numpy.err"
    awk -v nq="$nq" -v q="$Q" '/wall/ { for (i = 1; i <= NF; i++) if ($(i+1) == "s" && $(i+2) == "wall,")
        printf "  scaled to %d queries: %.1f s wall\n", q, $i * q / nq }' "$dir/numpy.err"
}
echo "== numpy brute force, system BLAS ($(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null || echo unknown)), $NUMPY_Q queries"
numpy_run "system-blas" "$NUMPY_Q" "$dir/qids-numpy.txt"
if [ -n "${NUMPY_BLAS_DIR:-}" ]; then
    echo "== numpy brute force, libblas.so.3 from $NUMPY_BLAS_DIR, $Q queries ($THREADS threads)"
    LD_LIBRARY_PATH=$NUMPY_BLAS_DIR OPENBLAS_NUM_THREADS=$THREADS numpy_run "other-blas" "$Q" "$dir/qids.txt"
    "$py" "$root/scripts/bench_search.py" agree "$dir/ours.jsonl" "$dir/numpy.txt" "$dir/qids.txt"
else
    head -n "$NUMPY_Q" "$dir/ours.jsonl" > "$dir/ours-head.jsonl"
    "$py" "$root/scripts/bench_search.py" agree "$dir/ours-head.jsonl" "$dir/numpy.txt" "$dir/qids-numpy.txt"
fi
