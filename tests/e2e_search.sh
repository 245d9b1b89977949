#!/usr/bin/env bash
# e2e_search.sh - w2v-embed and w2v-search from a trained model: a
# document's own text finds it first, a query with no known word says so,
# stdin batches answer as single queries do, JSON parses, the index keeps
# working when the documents move, SIF matches a numpy reference (when
# /usr/bin/python3 has numpy), and damaged indexes are refused in one line.
# About 2 s.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
T=$W2V_BIN/w2v-train
EM=$W2V_BIN/w2v-embed
S=$W2V_BIN/w2v-search
D=$TMP
header_is() { [ "$(head -n 1 "$1")" = "$2" ] || { echo "  header: $(head -n 1 "$1")"; return 1; }; }

planted_corpus "$D/c.txt" 3000
"$T" "$D/c.txt" -o "$D/v.bin" -save-vocab "$D/voc.txt" -dim 16 -epochs 2 -min-count 1 \
    -threads 2 -quiet || { echo "FAIL: training"; finish; }
# documents: 300 distinct lines of the corpus, plus one with no known word
awk '!seen[$0]++' "$D/c.txt" | head -n 300 > "$D/docs.txt"
echo "zzz unknown words only" >> "$D/docs.txt"
ndocs=$(wc -l < "$D/docs.txt")

check "build" "$S" -build "$D/v.bin" "$D/voc.txt" "$D/docs.txt" -o "$D/ix" -quiet
check "build: nothing else written" test "$(ls "$D" | grep -c tmp)" = 0

# own text first: every 15th document, one query each
own_first() {
    local n ok=0 all=0 top
    for n in $(seq 1 15 "$((ndocs - 1))"); do
        top=$("$S" "$D/ix" -n 1 -quiet -- "$(sed -n "${n}p" "$D/docs.txt")" | awk 'NR == 2 { print $3 }')
        all=$((all + 1)); [ "$top" = "$n" ] && ok=$((ok + 1))
    done
    [ "$ok" -eq "$all" ] || { echo "  own text first for $ok of $all"; return 1; }
}
check "own text finds itself first" own_first

# no known word
"$S" "$D/ix" -quiet qqq zzz > "$D/out"
check "no known word: says so" grep -q "no word of the query has a vector" "$D/out"
check "  and lists nothing" test "$(grep -c '^ *[0-9]' "$D/out")" = 0

# stdin, in batches of 7, answers as one query at a time
sed -n '1,20p' "$D/docs.txt" > "$D/q.txt"
echo "qqq" >> "$D/q.txt"
check "stdin batches" sh -c "'$S' '$D/ix' -batch 7 -n 3 -quiet < '$D/q.txt' > '$D/batch.out'"
: > "$D/single.out"
while IFS= read -r q; do "$S" "$D/ix" -n 3 -quiet -- "$q" >> "$D/single.out"; done < "$D/q.txt"
check "  same as one by one" cmp -s "$D/batch.out" "$D/single.out"
check "  21 answers" test "$(grep -c '^query: ' "$D/batch.out")" = 21

# JSON
"$S" "$D/ix" -json -n 2 -quiet < "$D/q.txt" > "$D/out.jsonl"
check "json: one object per query" test "$(wc -l < "$D/out.jsonl")" = 21
if [ -x "$PY" ]; then
    check "json parses, no-known-word noted" "$PY" -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows[0]["hits"][0]["line"] == 1, rows[0]
assert rows[-1]["known_words"] == 0 and rows[-1]["hits"] == [] and "note" in rows[-1]
' "$D/out.jsonl"
else
    echo "SKIP: json parse check (no $PY)"
fi

# the index holds the text: move it and delete the documents
cp "$D/docs.txt" "$D/docs.keep"
mv "$D/ix" "$D/moved.ix" && rm "$D/docs.txt"
line5=$(sed -n 5p "$D/docs.keep")
"$S" "$D/moved.ix" -n 1 -quiet -- "$line5" > "$D/out"
check "moved index, documents gone: still answers with the text" grep -qF "$line5" "$D/out"
cp "$D/docs.keep" "$D/docs.txt"

# mean and unit weights build and find own text too
for w in mean unit; do
    check "-weight $w builds without a vocabulary" "$S" -build "$D/v.bin" "$D/docs.txt" -weight $w -o "$D/ix-$w" -quiet
    top=$("$S" "$D/ix-$w" -n 1 -quiet -- "$line5" | awk 'NR == 2 { print $3 }')
    check "  -weight $w: own text first" test "$top" = 5
done

# damaged indexes: one line naming the file, status 1
cp "$D/moved.ix" "$D/ix"
size=$(stat -c %s "$D/ix")
one_line_err() {
    local f=$1
    "$S" "$f" the >/dev/null 2>"$D/err"; local rc=$?
    [ $rc -eq 1 ] && [ "$(wc -l < "$D/err")" = 1 ] && grep -qF "$f" "$D/err" ||
        { echo "  rc=$rc: $(cat "$D/err")"; return 1; }
}
for at in 10 100 $((size / 2)) $((size - 3)); do
    cp "$D/ix" "$D/bad.ix"
    printf '\x55' | dd of="$D/bad.ix" bs=1 seek=$at conv=notrunc status=none
    check "byte $at changed: refused" one_line_err "$D/bad.ix"
done
for n in 0 7 300 $((size / 3)) $((size - 1)); do
    head -c $n "$D/ix" > "$D/short.ix"
    check "truncated to $n bytes: refused" one_line_err "$D/short.ix"
done
check "a vector file is not an index" one_line_err "$D/v.bin"

# w2v-embed: line vectors keyed by line number, zero vectors counted
check "embed" sh -c "'$EM' '$D/v.bin' '$D/docs.txt' -vocab '$D/voc.txt' -binary 0 -o '$D/e.txt' 2> '$D/err'"
check "  header: lines x dim" header_is "$D/e.txt" "$ndocs 16"
check "  keys are line numbers" test "$(awk 'NR > 1 { if ($1 != NR - 1) bad++ } END { print bad + 0 }' "$D/e.txt")" = 0
check "  the report counts the line with no known word" grep -q "(1 with no known word" "$D/err"
check "  its vector is zero" test "$(tail -n 1 "$D/e.txt" | awk '{ s = 0; for (i = 2; i <= NF; i++) s += ($i != 0); print s }')" = 0
# -pc: saved on the first run, loaded on the next; a query embedded against
# the corpus's component is the corpus's own row
check "-pc saves" sh -c "'$EM' '$D/v.bin' '$D/docs.txt' -vocab '$D/voc.txt' -binary 0 -pc '$D/pc.txt' -o '$D/e1.txt' 2> '$D/err' && grep -q 'saved to' '$D/err'"
check "  same vectors as without" cmp -s "$D/e.txt" "$D/e1.txt"
sed -n 5p "$D/docs.txt" > "$D/one.txt"
check "-pc loads" sh -c "'$EM' '$D/v.bin' '$D/one.txt' -vocab '$D/voc.txt' -binary 0 -pc '$D/pc.txt' -o '$D/e2.txt' 2> '$D/err' && grep -q 'read from' '$D/err'"
check "  a query is embedded as its line was" test "$(sed -n 2p "$D/e2.txt" | cut -d' ' -f2-)" = "$(sed -n 6p "$D/e.txt" | cut -d' ' -f2-)"

# SIF against numpy: weights a/(a+p), mean over known words, first singular
# vector removed
if [ -x "$PY" ] && "$PY" -c 'import numpy' 2>/dev/null; then
    "$T" "$D/c.txt" -o "$D/v.txt" -save-vocab "$D/voc.txt" -dim 16 -epochs 1 -min-count 1 -threads 2 -quiet
    for w in sif mean unit; do
        "$EM" "$D/v.txt" "$D/docs.txt" -vocab "$D/voc.txt" -weight $w -sif-a 0.01 -binary 0 -o "$D/e-$w.txt" -quiet
        check "$w matches numpy to 1e-5" "$PY" - "$D/v.txt" "$D/voc.txt" "$D/docs.txt" "$D/e-$w.txt" $w <<'EOF'
import sys
import numpy as np
vec_path, voc_path, docs_path, out_path, weight = sys.argv[1:]
lines = open(vec_path).read().split("\n")
V, Dm = map(int, lines[0].split())
vec = {}
for l in lines[1:V + 1]:
    f = l.split()
    vec[f[0]] = np.array(f[1:], dtype=np.float64)
counts = {w: int(c) for w, c in (l.split() for l in open(voc_path))}
total = sum(counts.values())
a = 0.01
X = []
for line in open(docs_path):
    known = [w for w in line.split() if w in vec]
    x = np.zeros(Dm)
    for w in known:
        v = vec[w]
        if weight == "sif":
            v = v * a / (a + counts.get(w, 0) / total)
        elif weight == "unit":
            v = v / np.linalg.norm(v)
        x += v
    X.append(x / max(len(known), 1))
X = np.array(X)
if weight == "sif":
    u = np.linalg.svd(X, full_matrices=False)[2][0]
    X = X - np.outer(X @ u, u)
got = np.loadtxt(out_path, skiprows=1)[:, 1:]
err = np.abs(got - X).max()
assert err < 1e-5, err
EOF
    done
else
    echo "SKIP: SIF against numpy (no numpy in $PY)"
fi
finish
