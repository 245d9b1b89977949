#!/usr/bin/env bash
# bench-revdict.sh VECTORS.bin VOCAB [VECTORS.bin VOCAB ...] - the reverse
# dictionary (Hill et al. 2016) on WordNet's glosses: from a definition, find
# the word.
#
# For each model: every (headword, gloss) of WordNet 3.0 whose headword is
# one of the 30,000 most frequent words of the vectors (and is not in its own
# gloss) is kept; each gloss is embedded with w2v-embed (mean, mean of unit
# vectors as fastText does, SIF with and without the component removal, the
# component taken from all the glosses); the 30,000 words are ranked by
# cosine to it, the gloss's own words left out; the table gives accuracy at
# 1/10/100 and the median rank of the headword over SAMPLE pairs (a fixed
# random sample; 0 = all).  The ranking runs in numpy (scripts/revdict.py).
#
# Needs WordNet's database files (Debian: apt-get install wordnet-base; or
# WORDNET=DIR holding data.noun etc.) and python3 with numpy.
# Environment: W2V_BIN (default bin/), PY (/usr/bin/python3), WORDNET
# (/usr/share/wordnet), TOP (30000), SAMPLE (2000), OUT (a temporary
# directory, removed at the end unless given).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${W2V_BIN:-$root/bin}
py=${PY:-/usr/bin/python3}
wn=${WORDNET:-/usr/share/wordnet}
TOP=${TOP:-30000} SAMPLE=${SAMPLE:-2000}
[ $# -ge 2 ] && [ $(($# % 2)) -eq 0 ] || {
    echo "usage: bench-revdict.sh VECTORS.bin VOCAB [VECTORS.bin VOCAB ...]" >&2; exit 2; }
[ -f "$wn/data.noun" ] || {
    echo "bench-revdict: no WordNet in $wn (apt-get install wordnet-base, or WORDNET=DIR)" >&2; exit 1; }
"$py" -c 'import numpy' 2>/dev/null || { echo "bench-revdict: $py cannot import numpy" >&2; exit 1; }
[ -x "$bin/w2v-embed" ] || { echo "bench-revdict: build first ($bin/w2v-embed missing)" >&2; exit 1; }
if [ -n "${OUT:-}" ]; then out=$OUT; mkdir -p "$out"; else
    out=$(mktemp -d "${TMPDIR:-/tmp}/w2v-revdict.XXXXXX"); trap 'rm -rf "$out"' EXIT; fi
while [ $# -ge 2 ]; do
    vec=$1 voc=$2; shift 2
    d=$out/$(basename "$vec" .bin)
    echo "== $vec (top $TOP words; vocabulary $voc)"
    "$py" "$root/scripts/revdict.py" prepare "$wn" "$vec" "$TOP" "$d"
    runs=()
    for w in mean unit sif sif-keep-pc; do
        case $w in
        sif-keep-pc) flags=(-weight sif -remove-pc 0) ;;
        *) flags=(-weight $w) ;;
        esac
        "$bin/w2v-embed" "$vec" "$d/glosses.txt" -vocab "$voc" "${flags[@]}" -o "$d/g-$w.bin" -quiet
        runs+=("$w=$d/g-$w.bin")
    done
    nice -n 10 "$py" "$root/scripts/revdict.py" score "$vec" "$TOP" "$d" "$SAMPLE" "${runs[@]}"
done
