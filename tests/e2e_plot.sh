#!/usr/bin/env bash
# End-to-end checks of w2v-plot: scatter and bar SVGs from files, XML
# validity (xmllint where installed), escaping, and the error paths.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
P=$W2V_BIN/w2v-plot

cat >"$TMP/v.txt" <<'EOF'
6 3
king 1 0.9 0.1
queen 1 0.1 0.9
man 0.2 0.9 0.1
woman 0.2 0.1 0.9
a&b<c> 0.5 0.5 0.5
-x -1 0 0
EOF
printf 'system\tsemantic\tsyntactic\nword2vec.c\t18.7\t31.6\ngensim\tNA\t40.1\nw2v <new>\t26.6\t-1\n' >"$TMP/t.tsv"

command -v xmllint >/dev/null 2>&1 || skip "xmllint not installed: XML validity checked by the closing tag only"
valid_xml() {
    if command -v xmllint >/dev/null 2>&1; then xmllint --noout "$1"; else grep -q '</svg>' "$1"; fi
}
count() { grep -o "$1" "$2" | wc -l; }
# fails with a one-line message naming $1 and exit status $2, leaves no $3
run_bad() {
    local want=$1 code=$2 out=$3; shift 3
    "$P" "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    [ $rc -eq "$code" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q -- "$want" "$TMP/err" &&
        [ ! -e "$out" ] && ! ls "$(dirname "$out")"/*.tmp.* >/dev/null 2>&1 ||
        { echo "rc=$rc stderr: $(cat "$TMP/err")"; return 1; }
}

check "scatter with pairs" "$P" "$TMP/v.txt" king queen man woman -pairs -o "$TMP/s.svg" -title "K & Q"
check "scatter is XML" valid_xml "$TMP/s.svg"
check "four points" test "$(count '<circle' "$TMP/s.svg")" -eq 4
# the arrows: the <line>s of the one group that carries the arrowhead
arrows() { awk '/marker-end=/ { on = 1; next } on && /<\/g>/ { exit } on { n += gsub(/<line/, "") } END { print n + 0 }' "$1"; }
check "one arrow group" test "$(count 'marker-end=' "$TMP/s.svg")" -eq 1
check "two arrows" test "$(arrows "$TMP/s.svg")" -eq 2
check "variance in axis titles" grep -q 'PC1 ([0-9.]*% of variance)' "$TMP/s.svg"
check "escaped title" grep -q '<title>K &amp; Q</title>' "$TMP/s.svg"
check "escaped word" sh -c "'$P' -o '$TMP/e.svg' '$TMP/v.txt' king 'a&b<c>' -- -x && grep -q 'a&amp;b&lt;c&gt;' '$TMP/e.svg'"
check "escaped word is XML" valid_xml "$TMP/e.svg"
check "word after --" test "$(count '<circle' "$TMP/e.svg")" -eq 3
check "repeated word is one point" sh -c "'$P' '$TMP/v.txt' king queen king man -pairs -o '$TMP/r.svg' && test \$(grep -o '<circle' '$TMP/r.svg' | wc -l) -eq 3"
check "raw vectors" "$P" "$TMP/v.txt" king queen man -raw -o "$TMP/raw.svg" -xlabel "first" -ylabel "second"
check "axis titles given" grep -q '>first</text>' "$TMP/raw.svg"
check "stdout" sh -c "'$P' '$TMP/v.txt' king queen -o - | grep -q '</svg>'"
check "size" sh -c "'$P' '$TMP/v.txt' king queen -o '$TMP/w.svg' -width 400 -height 300 && grep -q 'width=\"400\" height=\"300\"' '$TMP/w.svg'"
check "bars" "$P" -bars "$TMP/t.tsv" -o "$TMP/b.svg" -title "Accuracy" -ylabel "%"
check "bars are XML" valid_xml "$TMP/b.svg"
# 5 bars (one NA) + 2 legend swatches + background
check "bar rects" test "$(count '<rect' "$TMP/b.svg")" -eq 8
check "corner cell is the x title" grep -q '>system</text>' "$TMP/b.svg"
check "no values" sh -c "'$P' -bars '$TMP/t.tsv' -o '$TMP/b2.svg' -no-values && ! grep -q '>31.6</text>' '$TMP/b2.svg' && grep -q '>31.6</text>' '$TMP/b.svg'"

check "no input" run_bad "no vector file" 2 "$TMP/x.svg" -o "$TMP/x.svg"
check "no words" run_bad "no words" 2 "$TMP/x.svg" "$TMP/v.txt" -o "$TMP/x.svg"
check "no output" run_bad "no output" 2 "$TMP/x.svg" "$TMP/v.txt" king
check "odd pairs" run_bad "even number" 2 "$TMP/x.svg" "$TMP/v.txt" king queen man -pairs -o "$TMP/x.svg"
check "unknown option" run_bad "unknown option '-bogus'" 2 "$TMP/x.svg" "$TMP/v.txt" king -bogus -o "$TMP/x.svg"
check "missing value" run_bad "needs a value" 2 "$TMP/x.svg" "$TMP/v.txt" king -o
check "bad width" run_bad "-width: '10'" 2 "$TMP/x.svg" "$TMP/v.txt" king -o "$TMP/x.svg" -width 10
check "bad binary" run_bad "-binary: '2'" 2 "$TMP/x.svg" "$TMP/v.txt" king -o "$TMP/x.svg" -binary 2
check "bars and words" run_bad "-bars draws a table" 2 "$TMP/x.svg" -bars "$TMP/t.tsv" king -o "$TMP/x.svg"
check "unknown words" run_bad "2 words not in the vocabulary: 'prince', 'duke'" 1 "$TMP/x.svg" "$TMP/v.txt" king prince duke -o "$TMP/x.svg"
check "missing vectors" run_bad "$TMP/none.bin" 1 "$TMP/x.svg" "$TMP/none.bin" king -o "$TMP/x.svg"
check "missing table" run_bad "$TMP/none.tsv" 1 "$TMP/x.svg" -bars "$TMP/none.tsv" -o "$TMP/x.svg"
printf 'a\tb\nx\t1\t2\ny\t1\tzz\n' >"$TMP/bad.tsv"
check "bad table" run_bad "bad.tsv:3: column 3" 1 "$TMP/x.svg" -bars "$TMP/bad.tsv" -o "$TMP/x.svg"
check "unwritable output" run_bad "$TMP/no/x.svg" 1 "$TMP/no/x.svg" "$TMP/v.txt" king -o "$TMP/no/x.svg"
finish
