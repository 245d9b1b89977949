#!/usr/bin/env bash
# The measurements behind docs/continue.md, on enwiki8 (or CORPUS):
#
#   scripts/bench-continue.sh [CORPUS]          PART=alpha|init|warmup|all (all)
#
# alpha: a model trained 5 epochs on the first half of the corpus, then
#        continued (-continue) for 1 epoch on the second half at several
#        learning rates; the default for continuing comes from this.
# init:  a 5-epoch model of the whole corpus; then 1 epoch on its first 10 %
#        started from it: -init-vectors (no warm-up), -init-vectors -freeze-init,
#        -continue, from scratch, and fastText's -pretrainedVectors.
# warmup: (after init) -init-vectors at -alpha 0.025 and 0.0125 with
#        -init-warmup 0 to 0.75, three seeds where the defaults were chosen.
# Settings as scripts/bench.sh: skip-gram, -dim 300 -window 5 -negative 5
# -sample 1e-4 -min-count 5, THREADS (2) threads.  Each line of
# $work/results.tsv: name, wall s, CPU s (user + sys), analogy % (3CosAdd,
# 30,000 most frequent words, case-insensitive), WS-353 rho.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s
corpus=${1:-}
part=${PART:-all}
threads=${THREADS:-2}
work=${BENCH_DIR:-data/bench-continue}
mkdir -p "$work"
shared=../shared
if [ -z "$corpus" ]; then
    if [ -s data/enwiki8.txt ]; then corpus=data/enwiki8.txt
    elif [ -s "$shared/corpora/enwiki8.txt.xz" ]; then
        mkdir -p data
        xz -dc "$shared/corpora/enwiki8.txt.xz" > data/enwiki8.txt.part
        mv data/enwiki8.txt.part data/enwiki8.txt; corpus=data/enwiki8.txt
    else echo "no corpus: run scripts/fetch-data.sh or give a path" >&2; exit 1; fi
fi
if [ -d eval/data ] && [ -s eval/data/questions-words.txt ]; then evd=eval/data; an=$evd/questions-words.txt
else evd=$shared/data/similarity; an=$shared/data/analogy/questions-words.txt; fi
ws=$evd/EN-WS-353-ALL.txt
PY=/usr/bin/python3
results=$work/results.tsv
common="-dim 300 -window 5 -negative 5 -sample 1e-4 -min-count 5 -threads $threads"

score() { # VECTORS -> "analogy% rho"
    bin/w2v-eval -json "$1" "$an" "$ws" | "$PY" -c '
import sys, json
acc = rho = "n/a"
for line in sys.stdin:
    o = json.loads(line)
    if o.get("kind") == "analogy": acc = "%.2f" % (100 * o["accuracy"])
    elif o.get("kind") == "similarity": rho = "%.3f" % o["spearman"]
print(acc, rho)'
}
run() { # NAME VECTORS CMD...
    local name=$1 vec=$2; shift 2
    echo "== $name: $*" >&2
    /usr/bin/time -f "%e %U %S" -o "$work/$name.time" "$@" > "$work/$name.log" 2>&1 ||
        { echo "$name failed, see $work/$name.log" >&2; return 1; }
    read -r wall user sys < "$work/$name.time"
    local cpu
    cpu=$(echo "$user $sys" | awk '{ printf "%.1f", $1 + $2 }')
    printf '%s\t%s\t%s\t%s\n' "$name" "$wall" "$cpu" "$(score "$vec" | tr ' ' '\t')" | tee -a "$results"
}

bytes=$(stat -c %s "$corpus")
if [ "$part" = alpha ] || [ "$part" = all ]; then
    head -c $((bytes / 2)) "$corpus" > "$work/half1.txt"
    tail -c +$((bytes / 2 + 1)) "$corpus" > "$work/half2.txt"
    run half1-5ep "$work/half1.bin" bin/w2v-train "$work/half1.txt" $common -epochs 5 \
        -o "$work/half1.bin" -save-model "$work/half1.w2vm" -quiet
    for a in 0.025 0.0125 0.00625 0.003; do
        run "continue-half2-alpha$a" "$work/c$a.bin" bin/w2v-train "$work/half2.txt" \
            -continue "$work/half1.w2vm" -alpha $a -epochs 1 -threads "$threads" \
            -o "$work/c$a.bin" -quiet
    done
    run fresh-half2-1ep "$work/h2.bin" bin/w2v-train "$work/half2.txt" $common -epochs 1 \
        -o "$work/h2.bin" -quiet
fi
if [ "$part" = init ] || [ "$part" = all ]; then
    head -c $((bytes / 10)) "$corpus" > "$work/first10.txt"
    run full-5ep "$work/full5.vec" bin/w2v-train "$corpus" $common -epochs 5 \
        -o "$work/full5.vec" -save-model "$work/full5.w2vm" -quiet
    one="$work/first10.txt $common -epochs 1 -quiet"
    run first10-scratch "$work/s.vec" bin/w2v-train $one -o "$work/s.vec" -save-vocab "$work/first10.vocab"
    run first10-init "$work/i.vec" bin/w2v-train $one -init-vectors "$work/full5.vec" \
        -alpha 0.025 -init-warmup 0 -o "$work/i.vec"
    run first10-init-alpha0.0125 "$work/i2.vec" bin/w2v-train $one -init-vectors "$work/full5.vec" \
        -alpha 0.0125 -init-warmup 0 -o "$work/i2.vec"
    run first10-init-freeze "$work/f.vec" bin/w2v-train $one -init-vectors "$work/full5.vec" \
        -freeze-init -o "$work/f.vec"
    run first10-continue "$work/k.vec" bin/w2v-train "$work/first10.txt" -continue \
        "$work/full5.w2vm" -epochs 1 -threads "$threads" -quiet -o "$work/k.vec"
    if command -v fasttext >/dev/null; then
        ft="-dim 300 -ws 5 -neg 5 -minCount 5 -t 1e-4 -epoch 1 -thread $threads -minn 0 -maxn 0 -lr 0.025 -verbose 0"
        run fasttext-first10-scratch "$work/fts.vec" fasttext skipgram -input "$work/first10.txt" \
            -output "$work/fts" $ft
        run fasttext-first10-pretrained "$work/ftp.vec" fasttext skipgram \
            -input "$work/first10.txt" -output "$work/ftp" $ft -pretrainedVectors "$work/full5.vec"
    else
        echo "fasttext not installed: its -pretrainedVectors run skipped" >&2
    fi
fi
if [ "$part" = warmup ] || [ "$part" = all ]; then
    # -init-vectors at two rates and several warm-ups, three seeds where the
    # defaults were chosen; scored on the 10 % words (below, "same-w-*")
    [ -s "$work/full5.vec" ] && [ -s "$work/first10.vocab" ] ||
        { echo "PART=warmup needs PART=init's full5.vec and first10.vocab" >&2; exit 1; }
    one="$work/first10.txt $common -epochs 1 -quiet"
    for a in 0.025 0.0125; do
        for f in 0 0.1 0.25 0.5 0.75; do
            for seed in 1 2 3; do
                [ "$seed" = 1 ] || [ "$a" = 0.0125 ] || continue
                case $f in 0|0.5|0.75) ;; *) [ "$seed" = 1 ] || continue ;; esac
                bin/w2v-train $one -init-vectors "$work/full5.vec" -alpha $a -init-warmup $f \
                    -seed $seed -o "$work/w-a$a-f$f-s$seed.vec"
            done
        done
    done
fi
if [ "$part" = init ] || [ "$part" = all ] || [ "$part" = compare ] || [ "$part" = warmup ]; then
    # The runs above keep different vocabularies (the 10 % runs know 19,000
    # words, -continue and fastText's -pretrainedVectors keep the 5-epoch
    # model's 68,000, in other orders), so "the 30,000 first words" means
    # other questions for each.  On the same questions: every file cut down
    # to the words of the 10 % vocabulary, in its order.
    echo "== the same words for every model: those of $work/first10.vocab" >&2
    for v in full5 s i i2 f k fts ftp $(cd "$work" && ls w-*.vec 2>/dev/null | sed 's/\.vec$//'); do
        [ -s "$work/$v.vec" ] || continue
        awk 'NR == FNR { want[$1] = FNR; n++; next }
             FNR == 1 { print n, $2; next } ($1 in want) { row[want[$1]] = $0 }
             END { for (i = 1; i <= n; i++) print row[i] }' "$work/first10.vocab" "$work/$v.vec" \
            > "$work/same-$v.vec"
        printf '%s\t-\t-\t%s\n' "same-words-$v" "$(score "$work/same-$v.vec" | tr ' ' '\t')" |
            tee -a "$results"
    done
fi
