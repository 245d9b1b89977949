#!/usr/bin/env bash
# The Python module against gensim, the same Python call for both, one after
# the other in one run (each in a fresh process):
#   Word2Vec(corpus_file=...)  and  Word2Vec(sentences=<a line reader>)
#   sg=1, vector_size=300, window=5, negative=5, sample=1e-4, min_count=5,
#   workers=2 (WORKERS=N), epochs=1 (EPOCHS=N)
#
#   scripts/bench-python.sh [CORPUS]       (or W2V_BENCH_CORPUS=...)
#
# The corpus is found as scripts/bench.sh finds it (data/enwiki8.txt, the
# shared xz copy, data/text8).  Both read a copy cut into lines of 1,000
# words (gensim's corpus_file mode keeps only the first 10,000 words of a
# line).  Prints wall and CPU seconds of the Word2Vec call (vocabulary and
# training), peak RSS of the process, analogy accuracy (3CosAdd, 30,000
# most frequent words) and WS-353 rho, and w2v's speed-up per call shape.
# CPU time is reported beside wall time: on a shared machine the wall
# figures follow the load, the CPU figures much less.  TABLE_ONLY=1 prints
# the table of the last run again without running anything.
# Several minutes (gensim's runs take most of it); run it on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
make -s python
corpus=${1:-${W2V_BENCH_CORPUS:-}}
workers=${WORKERS:-2}
epochs=${EPOCHS:-1}
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
if [ -d eval/data ] && [ -s eval/data/questions-words.txt ]; then
    an=eval/data/questions-words.txt; ws=eval/data/EN-WS-353-ALL.txt
else
    an=$shared/data/analogy/questions-words.txt; ws=$shared/data/similarity/EN-WS-353-ALL.txt
fi
"$PY" -c 'import gensim' 2>/dev/null || { echo "gensim is not importable by $PY" >&2; exit 1; }
lines=$work/$(basename "$corpus").lines
if [ ! -s "$lines" ] || [ "$lines" -ot "$corpus" ]; then
    tr ' ' '\n' < "$corpus" | grep -v '^$' | paste -d' ' $(printf -- '- %.0s' $(seq 1000)) > "$lines.part"
    mv "$lines.part" "$lines"
fi
words=$(wc -w < "$lines")
results=$work/python.txt
[ -n "${TABLE_ONLY:-}" ] || : > "$results"
[ -n "${TABLE_ONLY:-}" ] ||
for shape in corpus_file sentences; do
    for system in w2v gensim; do
        echo "== $system Word2Vec($shape=...)" >&2
        PYTHONPATH=python "$PY" scripts/bench_python.py "$system" "$shape" "$lines" "$workers" \
            "$epochs" "$an" "$ws" "$work/py-$system-$shape.bin" >> "$results"
        tail -n 1 "$results" >&2
    done
done

echo
echo "corpus $corpus ($words words), $epochs epoch(s), workers=$workers, vector_size=300"
fmt='| %-7s | %-12s | %7s | %7s | %9s | %7s | %9s | %6s | %13s | %12s |\n'
printf "$fmt" system call "wall s" "CPU s" words/s "peak MB" "analogy %" WS-353 "w2v is (wall)" "w2v is (CPU)"
printf "$fmt" --- --- --- --- --- --- --- --- --- ---
while read -r system shape wall cpu mb acc rho; do
    base=$(awk -v s="$shape" '$1=="w2v" && $2==s {print $3, $4}' "$results")
    wps=$(awk -v w="$words" -v e="$epochs" -v t="$wall" 'BEGIN{printf "%.0fk", w*e/t/1000}')
    rw=$(echo "$base" | awk -v t="$wall" '{printf "%.1fx faster", t/$1}')
    rc=$(echo "$base" | awk -v t="$cpu" '{printf "%.1fx less", t/$2}')
    [ "$system" = w2v ] && rw="-" && rc="-"
    printf "$fmt" "$system" "$shape=" "$wall" "$cpu" "$wps" "$mb" "$acc" "$rho" "$rw" "$rc"
done < "$results"
