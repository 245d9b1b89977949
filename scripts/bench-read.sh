#!/usr/bin/env bash
# Reading alone: read + vocabulary of a corpus on one thread and on two, in
# alternating rounds, with each run's peak memory.
#
#   scripts/bench-read.sh CORPUS [ROUNDS] [OTHER_W2V_TRAIN...]   (default 8 rounds)
#   W2V_TRAIN=bin/w2v-train   the binary (built with make if it is the default)
#
# Each round runs every binary (W2V_TRAIN first, then the others: earlier
# builds, for a before/after) with -threads 1 and then -threads 2, at
# -dim 1 -epochs 1, so training takes a moment and the run is the read; the
# time is the "read+vocabulary" of -verbose, the memory the peak RSS of the
# whole run from GNU time (/usr/bin/time) and the read's own peak (the RSS
# high-water mark when the read was done, as -verbose prints it).  Prints
# one line per run, then per binary the min / median / max of both times,
# the ratio of each round's pair and the ranges of both peaks.  enwiki8 (100 MB) takes about 2 s a round per binary.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:?usage: scripts/bench-read.sh CORPUS [ROUNDS] [OTHER_W2V_TRAIN...]}
rounds=${2:-8}
shift $(( $# >= 2 ? 2 : 1 ))
w2v=${W2V_TRAIN:-bin/w2v-train}
[ "$w2v" != bin/w2v-train ] || make -s bin/w2v-train
[ -x /usr/bin/time ] || { echo "bench-read: needs GNU time (/usr/bin/time)" >&2; exit 1; }
bins=("$w2v" "$@")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for r in $(seq "$rounds"); do
    for b in "${bins[@]}"; do
        for t in 1 2; do
            out=$(/usr/bin/time -f "peak-rss-kb %M" "$b" "$corpus" -dim 1 -epochs 1 \
                  -threads "$t" -verbose -o "$work/v.bin" 2>&1)
            read_s=$(sed -n 's/^time: read+vocabulary \([0-9.]*\) s.*/\1/p' <<<"$out")
            # -verbose prints 10^6-byte MB; GNU time's KiB are shown / 1024 (MiB)
            read_mb=$(sed -n 's/^time: read+vocabulary .*peak memory \([0-9.]*\) MB).*/\1/p' <<<"$out" |
                      awk '{ printf "%.1f", $1 * 1e6 / 1048576 }')
            rss=$(sed -n 's/^peak-rss-kb \([0-9]*\)$/\1/p' <<<"$out")
            if [ -z "$read_s" ] || [ -z "$rss" ]; then
                echo "bench-read: $b failed:" >&2
                echo "$out" >&2
                exit 1
            fi
            printf '%-28s round %d: %d thread(s) %5.2f s  %6.1f MB  read %s MB\n' "$b" "$r" "$t" \
                "$read_s" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "${read_mb:-?}"
            echo "$b $r $t $read_s $rss ${read_mb:--1}" >> "$work/results"
        done
    done
done

echo
echo "$corpus, $rounds rounds: read + vocabulary s (min / median / max), ratio per round, peak RSS MB"
echo "(peak: the whole run's; read: the read's own, where the build prints it)"
for b in "${bins[@]}"; do
    awk -v b="$b" '
        function stats(a, n,   i, j, x, m) {
            for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
            m = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
            return sprintf("%.2f / %.2f / %.2f", a[1], m, a[n])
        }
        function range(a, n,   i, lo, hi) {
            if (n == 0 || a[1] < 0) return "?"
            lo = hi = a[1]; for (i = 1; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (a[i] > hi) hi = a[i] }
            return sprintf("%.1f-%.1f", lo, hi)
        }
        $1 == b { if ($3 == 1) { one[$2] = $4; r1[++n1] = $4; m1[n1] = $5; p1[n1] = $6 } else { two[$2] = $4; r2[++n2] = $4; m2[n2] = $5; p2[n2] = $6 } }
        END {
            for (r in one) if (r in two && two[r] > 0) q[++nq] = one[r] / two[r]
            lo1 = hi1 = m1[1]; for (i = 1; i <= n1; i++) { if (m1[i] < lo1) lo1 = m1[i]; if (m1[i] > hi1) hi1 = m1[i] }
            lo2 = hi2 = m2[1]; for (i = 1; i <= n2; i++) { if (m2[i] < lo2) lo2 = m2[i]; if (m2[i] > hi2) hi2 = m2[i] }
            printf "%s\n  1 thread   %s s   peak %.1f-%.1f MB   read %s MB\n  2 threads  %s s   peak %.1f-%.1f MB   read %s MB\n  ratio      %s x\n",
                   b, stats(r1, n1), lo1 / 1024, hi1 / 1024, range(p1, n1), stats(r2, n2), lo2 / 1024, hi2 / 1024, range(p2, n2), stats(q, nq)
        }' "$work/results"
done
