#!/usr/bin/env bash
# Every training mode of w2v-train beside word2vec.c, in paired runs:
#   skip-gram NEG-5, CBOW NEG-5, skip-gram HS (-hs 1 -negative 0)
#   -dim 300 -window 5 -sample 1e-4 -min-count 5, 1 epoch, THREADS=2 threads.
#
#   scripts/bench-modes.sh [CORPUS]          (default: data/enwiki8.txt)
#   W2V_C_BIN=/path/to/word2vec   word2vec.c's binary (built by the user from
#                                 github.com/tmikolov/word2vec); without it
#                                 that peer is skipped, visibly
#   RUNS=3 paired runs per mode (w2v then word2vec.c, then again)
#   PEER_RUNS=N                   word2vec.c in the first N runs only (default
#                                 RUNS; it takes minutes a run)
#   W2V_BIN_DIR=DIR               w2v-train and w2v-eval from DIR (default bin,
#                                 built with make)
#   BEFORE_BIN_DIR=DIR            also run DIR/w2v-train ("w2v-before": an
#                                 earlier build) in every run, for a before/after
#   MODES="sg-ns cbow-ns sg-hs"   a subset, if wanted
#   BENCH_LOCK=FILE               take flock(1) on FILE around every timed
#                                 run (so timings on a shared machine do not
#                                 overlap); unset: no lock
#   PROBE=1                       watch where the host runs CPUs 0 and 1
#                                 through every timed run (scripts/probe-cores.c
#                                 watch: a cache line's hand-over time every
#                                 0.1 s): a run is "near" when under 10 % of its
#                                 samples were far (over 100 ns: two L3s), "far"
#                                 when over 90 % were, "mixed" otherwise; far
#                                 halves w2v's two-thread runs
#                                 (performance-profile.md, section 12), so the
#                                 summary then gives the ratios per placement too
#
# Prints one line per run (wall s, CPU s = user + sys, words/s = corpus words
# / wall of the whole process, analogy %) and per mode min / median / max of
# wall and CPU time for each system, the median of the paired wall ratios
# (word2vec.c / w2v) and the analogy spread.  Analogy: 3CosAdd over the
# 30,000 most frequent words (w2v-eval's default, as compute-accuracy 30000).
set -euo pipefail
cd "$(dirname "$0")/.."
bindir=${W2V_BIN_DIR:-bin}
[ "$bindir" != bin ] || make -s bin/w2v-train bin/w2v-eval
corpus=${1:-data/enwiki8.txt}
[ -s "$corpus" ] || { echo "no corpus $corpus (run scripts/fetch-data.sh or give a path)" >&2; exit 1; }
runs=${RUNS:-3}
peer_runs=${PEER_RUNS:-$runs}
threads=${THREADS:-2}
modes=${MODES:-sg-ns cbow-ns sg-hs}
work=${BENCH_DIR:-data/bench-modes}
mkdir -p "$work"
if [ -s eval/data/questions-words.txt ]; then an=eval/data/questions-words.txt
elif [ -s ../shared/data/analogy/questions-words.txt ]; then an=../shared/data/analogy/questions-words.txt
else an=; echo "no questions-words.txt in eval/data or ../shared/data/analogy: accuracy skipped" >&2; fi
c_bin=${W2V_C_BIN:-}
if [ -z "$c_bin" ] || [ ! -x "$c_bin" ]; then
    echo "word2vec.c: W2V_C_BIN not set to an executable: SKIPPED (w2v-train alone)" >&2
    c_bin=
fi
words=$(wc -w < "$corpus")
if [ -n "${PROBE:-}" ]; then
    cc -O2 -std=c11 -o "$work/probe-cores" scripts/probe-cores.c -pthread
    "$work/probe-cores" watch 864000 > "$work/watch.log" &
    watcher=$!
    trap 'kill "$watcher" 2>/dev/null' EXIT
fi
# placement FROM TO (unix times) -> "near|far|mixed FAR/SAMPLES", or "-"
placement() {
    [ -n "${PROBE:-}" ] || { echo -; return; }
    awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b { n++; if ($2 > 100) far++ }
        END { p = "mixed"
              if (n == 0) p = "-"; else if (far < 0.1 * n) p = "near"; else if (far > 0.9 * n) p = "far"
              printf "%s %d/%d\n", p, far, n }' "$work/watch.log"
}
lock() { if [ -n "${BENCH_LOCK:-}" ]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi; }

# run SYSTEM MODE RUN CMD... -> prints "wall cpu accuracy" and logs a line
run() {
    local sys=$1 mode=$2 r=$3 vec=$work/$1-$2-$3.bin; shift 3
    local start place samples
    start=$(date +%s.%N)
    lock /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" -output "$vec" > "$work/$sys-$mode.log" 2>&1 ||
        { echo "$sys $mode failed: see $work/$sys-$mode.log" >&2; exit 1; }
    read -r place samples <<< "$(placement "$start" "$(date +%s.%N)")"
    local wall user sys_t acc=n/a
    read -r wall user sys_t < "$work/time"
    if [ -n "$an" ]; then
        acc=$("$bindir"/w2v-eval -json "$vec" "$an" | grep -o '"accuracy":[0-9.e-]*' | head -1 | cut -d: -f2)
        acc=$(awk -v a="$acc" 'BEGIN { printf "%.2f", 100 * a }')
    fi
    rm -f "$vec"
    local cpu
    cpu=$(awk -v u="$user" -v s="$sys_t" 'BEGIN { printf "%.1f", u + s }')
    printf '%-10s %-8s run %d: %7.1f s wall %7.1f s CPU %6.0fk words/s  analogy %s %%  %s\n' \
        "$sys" "$mode" "$r" "$wall" "$cpu" "$(awk -v w="$words" -v t="$wall" 'BEGIN { print w / t / 1e3 }')" "$acc" \
        "$([ "$place" = - ] || echo "placement $place ($samples samples far)")" >&2
    echo "$sys $mode $r $wall $cpu $acc $place" >> "$work/results"
}

: > "$work/results"
common="-size 300 -window 5 -sample 1e-4 -min-count 5 -threads $threads -iter 1"
for mode in $modes; do
    case $mode in
    sg-ns) w=""; c="-cbow 0 -hs 0 -negative 5" ;;
    cbow-ns) w="-cbow 1"; c="-cbow 1 -hs 0 -negative 5" ;;
    sg-hs) w="-hs 1 -negative 0"; c="-cbow 0 -hs 1 -negative 0" ;;
    *) echo "unknown mode $mode" >&2; exit 1 ;;
    esac
    for r in $(seq "$runs"); do
        # shellcheck disable=SC2086
        run w2v-train "$mode" "$r" "$bindir"/w2v-train "$corpus" $common $w -quiet
        # shellcheck disable=SC2086
        [ -z "${BEFORE_BIN_DIR:-}" ] || run w2v-before "$mode" "$r" "$BEFORE_BIN_DIR"/w2v-train "$corpus" $common $w -quiet
        # shellcheck disable=SC2086
        [ -z "$c_bin" ] || [ "$r" -gt "$peer_runs" ] || run word2vec.c "$mode" "$r" "$c_bin" -train "$corpus" $common $c -binary 1
    done
done

echo
echo "corpus $corpus ($words words), $threads threads, $runs runs ($peer_runs with word2vec.c beside); wall / CPU s as min / median / max"
awk '
function sort(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t } }
function med(a, n) { return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
function mmm(key, what,   n, i, a) {
    n = cnt[key]; for (i = 1; i <= n; i++) a[i] = v[key, what, i]; sort(a, n)
    return sprintf(what == "acc" ? "%.2f / %.2f / %.2f" : "%.1f / %.1f / %.1f", a[1], med(a, n), a[n])
}
{ key = $1 SUBSEP $2; n = ++cnt[key]; v[key, "wall", n] = $4; v[key, "cpu", n] = $5; v[key, "acc", n] = $6
  wall[$1, $2, $3] = $4; place[$1, $2, $3] = $7
  if (!($2 in seen)) { seen[$2] = 1; order[++nm] = $2 }
  if (!($1 in sseen)) { sseen[$1] = 1; sys[++ns] = $1 } }
END {
    printf "%-8s %-10s %-22s %-22s %-22s %s\n", "mode", "system", "wall s", "CPU s", "analogy %", "wall / w2v-train (median of pairs, min-max)"
    for (m = 1; m <= nm; m++) {
        mode = order[m]
        for (s = 1; s <= ns; s++) {
            key = sys[s] SUBSEP mode
            if (!(key in cnt)) continue
            n = 0
            for (r = 1; (("w2v-train", mode, r) in wall); r++)
                if ((sys[s], mode, r) in wall) ratio[++n] = wall[sys[s], mode, r] / wall["w2v-train", mode, r]
            sort(ratio, n)
            rs = sys[s] == "w2v-train" || n == 0 ? "" : sprintf("%.2fx (%.2f-%.2f)", med(ratio, n), ratio[1], ratio[n])
            printf "%-8s %-10s %-22s %-22s %-22s %s\n", mode, sys[s], mmm(key, "wall"), mmm(key, "cpu"), mmm(key, "acc"), rs
        }
    }
    # with PROBE: the ratios to each peer again, split by where w2v-train ran
    for (m = 1; m <= nm; m++) {
        mode = order[m]
        for (s = 1; s <= ns; s++) {
            if (sys[s] == "w2v-train") continue
            split("near far mixed", pl, " ")
            for (p = 1; p <= 3; p++) {
                n = 0; runs_s = ""
                for (r = 1; (("w2v-train", mode, r) in wall); r++)
                    if ((sys[s], mode, r) in wall && place["w2v-train", mode, r] == pl[p]) {
                        ratio[++n] = wall[sys[s], mode, r] / wall["w2v-train", mode, r]
                        runs_s = runs_s sprintf(" %.1f", wall["w2v-train", mode, r])
                    }
                if (!n) continue
                sort(ratio, n)
                printf "%-8s %-10s w2v-train placed %-5s: %d pairs, %.2fx (%.2f-%.2f); w2v-train wall s:%s\n", mode, sys[s], pl[p], n, med(ratio, n), ratio[1], ratio[n], runs_s
            }
        }
    }
}' "$work/results"
