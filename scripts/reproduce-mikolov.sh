#!/usr/bin/env bash
# Reproduce the experiments of Mikolov et al. 2013 ("Distributed
# Representations of Words and Phrases and their Compositionality") on a
# corpus of your choice:
#   - Table 1: skip-gram with NEG-5, NEG-15 and HS-Huffman, each without and
#     with 1e-5 sub-sampling; 300 dimensions, window 5;
#   - skip-gram against CBOW (NEG-5, 1e-5);
#   - phrases (Table 3): w2v-phrase (2 passes), then NEG-5 and HS with 1e-5
#     sub-sampling on the phrase corpus, scored on questions-phrases.txt.
# Every model is scored with w2v-eval (questions-words: semantic /
# syntactic / total, 30,000 most frequent words; phrases over the whole
# vocabulary) and timed.  Writes
# OUT/table.md (our figures beside the paper's), OUT/grid.svg (bar chart),
# OUT/words.svg (king/queen/man/woman-style pairs) and keeps the vectors.
#
#   scripts/reproduce-mikolov.sh CORPUS [OUT]    (EPOCHS=1 THREADS=cores REUSE=)
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:?usage: scripts/reproduce-mikolov.sh CORPUS [OUT]}
out=${2:-data/mikolov}
epochs=${EPOCHS:-1}
threads=${THREADS:-$(nproc)}
make -s
mkdir -p "$out"
shared=../shared
if [ -s eval/data/questions-words.txt ]; then qw=eval/data/questions-words.txt; qp=eval/data/questions-phrases.txt
elif [ -s "$shared/data/analogy/questions-words.txt" ]; then
    qw=$shared/data/analogy/questions-words.txt; qp=$shared/data/analogy/questions-phrases.txt
else scripts/fetch-data.sh; qw=eval/data/questions-words.txt; qp=eval/data/questions-phrases.txt; fi
PY=/usr/bin/python3
[ -x $PY ] || PY=python3

# train NAME CORPUS QUESTIONS FLAGS...  -> one TSV row in $out/rows.tsv
# (REUSE=1 keeps rows already there, to finish an interrupted run)
train() {
    local name=$1 c=$2 q=$3; shift 3
    if [ -n "${REUSE:-}" ] && grep -q "^$name	" "$out/rows.tsv"; then return 0; fi
    echo "== $name: $*" >&2
    local t0 t1
    t0=$(date +%s.%N)
    bin/w2v-train "$c" -o "$out/$name.bin" -dim 300 -window 5 -min-count 5 -epochs "$epochs" \
        -threads "$threads" -quiet "$@"
    t1=$(date +%s.%N)
    # phrases are rare: score them over the whole vocabulary, as the paper does
    local restrict=30000
    case $q in *phrases*) restrict=0 ;; esac
    bin/w2v-eval -json -restrict $restrict "$out/$name.bin" "$q" | $PY -c '
import sys, json
o = json.loads(sys.stdin.readline())
pct = lambda s: "%.1f" % (100.0 * s["correct"] / s["seen"]) if s and s["seen"] else "-"
print("\t".join([sys.argv[1], pct(o.get("syntactic")), pct(o.get("semantic")),
                 "%.1f" % (100 * o["accuracy"]), "%d/%d" % (o["total"]["seen"], o["total"]["total"]),
                 "%.0f" % (float(sys.argv[3]) - float(sys.argv[2]))]))' "$name" "$t0" "$t1" >> "$out/rows.tsv"
}

[ -n "${REUSE:-}" ] || : > "$out/rows.tsv"
train neg5 "$corpus" "$qw" -negative 5 -sample 0
train neg15 "$corpus" "$qw" -negative 15 -sample 0
train hs "$corpus" "$qw" -hs 1 -negative 0 -sample 0
train neg5-1e5 "$corpus" "$qw" -negative 5 -sample 1e-5
train neg15-1e5 "$corpus" "$qw" -negative 15 -sample 1e-5
train hs-1e5 "$corpus" "$qw" -hs 1 -negative 0 -sample 1e-5
train cbow-neg5-1e5 "$corpus" "$qw" -cbow 1 -negative 5 -sample 1e-5

# phrases: two passes with a decreasing threshold, then train and score phrases
if [ ! -s "$out/phrases.txt" ]; then
    bin/w2v-phrase "$corpus" -o "$out/phrases.txt" -passes 2 -threshold 100 -threshold-decay 0.5 -quiet
fi
train phrase-neg5-1e5 "$out/phrases.txt" "$qp" -negative 5 -sample 1e-5
train phrase-hs-1e5 "$out/phrases.txt" "$qp" -hs 1 -negative 0 -sample 1e-5

# the table, with the paper's figures (Table 1 and 3; 1 billion words of Google News)
$PY - "$out/rows.tsv" "$corpus" "$epochs" "$threads" > "$out/table.md" <<'PYEOF'
import sys
rows = {r[0]: r[1:] for r in (l.rstrip("\n").split("\t") for l in open(sys.argv[1]))}
paper = {"neg5": ("63", "54", "59", "38 min"), "neg15": ("63", "58", "61", "97 min"),
         "hs": ("53", "40", "47", "41 min"), "neg5-1e5": ("61", "58", "60", "14 min"),
         "neg15-1e5": ("61", "61", "61", "36 min"), "hs-1e5": ("52", "59", "55", "21 min"),
         "phrase-neg5-1e5": ("", "", "27", ""), "phrase-hs-1e5": ("", "", "47", "")}
label = {"neg5": "NEG-5", "neg15": "NEG-15", "hs": "HS-Huffman", "neg5-1e5": "NEG-5, 1e-5",
         "neg15-1e5": "NEG-15, 1e-5", "hs-1e5": "HS-Huffman, 1e-5",
         "cbow-neg5-1e5": "CBOW NEG-5, 1e-5", "phrase-neg5-1e5": "phrases: NEG-5, 1e-5",
         "phrase-hs-1e5": "phrases: HS-Huffman, 1e-5"}
print("Corpus %s, %s epoch(s), %s threads, 300 dimensions, window 5, min-count 5.\n" % tuple(sys.argv[2:5]))
print("| method | syntactic % | semantic % | total % | seen / total | time s | paper syn / sem / total % | paper time |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for k, name in label.items():
    if k not in rows: continue
    syn, sem, tot, seen, secs = rows[k]
    p = paper.get(k, ("", "", "", ""))
    ps = " / ".join(x for x in p[:3] if x) if any(p[:3]) else ""
    print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (name, syn, sem, tot, seen, secs, ps, p[3]))
PYEOF
{ printf 'method\tsyntactic\tsemantic\ttotal\n'
  awk -F'\t' '$1 !~ /^phrase/ {print $1 "\t" $2 "\t" $3 "\t" $4}' "$out/rows.tsv"; } > "$out/grid.tsv"
bin/w2v-plot -bars "$out/grid.tsv" -o "$out/grid.svg" -title "Analogy accuracy (%) by method" || true
bin/w2v-plot "$out/neg15-1e5.bin" -pairs king queen man woman uncle aunt prince princess \
    -o "$out/words.svg" -title "king - man + woman" 2>/dev/null || true
cat "$out/table.md"
