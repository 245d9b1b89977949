#!/usr/bin/env bash
# Speed and quality of w2v-train against the peers, one after the other in
# one run, on the same corpus with the same settings:
#   skip-gram, -dim 300 -window 5 -negative 5 -sample 1e-4 -min-count 5
#   -threads 2 (override: THREADS=N), EPOCHS epochs (default 1).
#
#   scripts/bench.sh [CORPUS] [EPOCHS]       (make bench runs it with defaults)
#   PEERS="fasttext gensim" (default) or PEERS="" for w2v-train alone
#
# Prints wall time, words/s (corpus words x epochs / wall time of the
# whole process, vocabulary building included), peak RSS, each peer's
# speed relative to w2v-train, and analogy accuracy (3CosAdd, 30,000 most
# frequent words, case-insensitive) and WS-353 rho from w2v-eval on every
# system's vectors.  gensim's corpus_file mode keeps only the first 10,000
# words of a line, so gensim reads a copy cut into lines of 1,000 words.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s
corpus=${1:-}
epochs=${2:-${EPOCHS:-1}}
threads=${THREADS:-2}
peers=${PEERS-fasttext gensim}
work=${BENCH_DIR:-data/bench}
mkdir -p "$work"
shared=../shared
if [ -z "$corpus" ]; then
    if [ -s data/enwiki8.txt ]; then corpus=data/enwiki8.txt
    elif [ -s "$shared/corpora/enwiki8.txt.xz" ]; then
        xz -dc "$shared/corpora/enwiki8.txt.xz" > data/enwiki8.txt.part
        mv data/enwiki8.txt.part data/enwiki8.txt; corpus=data/enwiki8.txt
    elif [ -s data/text8 ]; then corpus=data/text8
    else echo "no corpus: run scripts/fetch-data.sh or give a path" >&2; exit 1; fi
fi
if [ -d eval/data ] && [ -s eval/data/questions-words.txt ]; then evd=eval/data; an=$evd/questions-words.txt
else evd=$shared/data/similarity; an=$shared/data/analogy/questions-words.txt; fi
ws=$evd/EN-WS-353-ALL.txt
words=$(wc -w < "$corpus")
PY=/usr/bin/python3
results=$work/results.tsv
: > "$results"

measure() { # NAME VECTORS CMD...  -> appends name wall peak_mb to results
    local name=$1 vec=$2; shift 2
    echo "== $name: $*" >&2
    /usr/bin/time -f "%e %M" -o "$work/$name.time" "$@" > "$work/$name.log" 2>&1 ||
        { echo "$name failed, see $work/$name.log" >&2; return 1; }
    read -r wall kb < "$work/$name.time"
    local q
    q=$(bin/w2v-eval -json "$vec" "$an" "$ws" | "$PY" -c '
import sys, json
acc = sem = syn = rho = "n/a"
pct = lambda s: "%.2f" % (100.0 * s["correct"] / s["seen"]) if s and s["seen"] else "n/a"
for line in sys.stdin:
    o = json.loads(line)
    if o.get("kind") == "analogy":
        acc, sem, syn = "%.2f" % (100 * o["accuracy"]), pct(o["semantic"]), pct(o["syntactic"])
    elif o.get("kind") == "similarity": rho = "%.3f" % o["spearman"]
print(acc, sem, syn, rho)')
    echo "$name $wall $((kb / 1024)) $q" >> "$results"
}

common="-dim 300 -window 5 -negative 5 -sample 1e-4 -min-count 5 -threads $threads -epochs $epochs"
measure w2v-train "$work/w2v.bin" bin/w2v-train "$corpus" -o "$work/w2v.bin" $common -quiet
for p in $peers; do
    case $p in
    fasttext)
        command -v fasttext >/dev/null || { echo "fasttext not installed, skipped" >&2; continue; }
        measure fastText "$work/ft.vec" fasttext skipgram -input "$corpus" -output "$work/ft" \
            -dim 300 -ws 5 -neg 5 -minCount 5 -t 1e-4 -epoch "$epochs" -thread "$threads" \
            -minn 0 -maxn 0 -lr 0.025 -verbose 0 ;;
    gensim)
        "$PY" -c 'import gensim' 2>/dev/null || { echo "gensim not installed, skipped" >&2; continue; }
        [ -s "$work/lines.txt" ] || tr ' ' '\n' < "$corpus" | grep -v '^$' | paste -d' ' $(printf -- '- %.0s' $(seq 1000)) > "$work/lines.txt"
        measure gensim "$work/gensim.bin" "$PY" -c "
import sys
from gensim.models import Word2Vec
m = Word2Vec(corpus_file='$work/lines.txt', sg=1, vector_size=300, window=5, negative=5,
             sample=1e-4, min_count=5, workers=$threads, epochs=$epochs)
m.wv.save_word2vec_format('$work/gensim.bin', binary=True)" ;;
    *) echo "unknown peer $p" >&2 ;;
    esac
done

echo
echo "corpus $corpus ($words words), $epochs epoch(s), $threads threads, dim 300"
printf '| %-10s | %7s | %9s | %7s | %12s | %9s | %8s | %9s | %6s |\n' system "wall s" words/s "peak MB" "w2v-train is" "analogy %" semantic syntactic WS-353
printf '| %-10s | %7s | %9s | %7s | %12s | %9s | %8s | %9s | %6s |\n' --- --- --- --- --- --- --- --- ---
base=$(awk '$1=="w2v-train"{print $2}' "$results")
while read -r name wall mb acc sem syn rho; do
    wps=$(awk -v w="$words" -v e="$epochs" -v t="$wall" 'BEGIN{printf "%.0fk", w*e/t/1000}')
    ratio=$(awk -v b="$base" -v t="$wall" 'BEGIN{printf "%.2fx faster", t/b}')
    printf '| %-10s | %7s | %9s | %7s | %12s | %9s | %8s | %9s | %6s |\n' "$name" "$wall" "$wps" "$mb" "$ratio" "$acc" "$sem" "$syn" "$rho"
done < "$results"
