#!/usr/bin/env bash
# End-to-end checks of saved models: -save-model, -continue (new words,
# counts, the planted topics kept and learnt), -continue-schedule (bit for
# bit an uninterrupted run), -init-vectors / -freeze-init, the evaluation
# tools reading a model file, and every bad input refused in one line with
# nothing written.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
T=$W2V_BIN/w2v-train

# topics FILE FIRST LAST [SENTENCES] [SEED]: a planted corpus whose sentences
# draw topics FIRST..LAST (words tNwM) with "the" as glue
topics() {
    awk -v lo="$2" -v hi="$3" -v n="${4:-3000}" -v seed="${5:-7}" 'BEGIN { srand(seed);
        for (s = 0; s < n; s++) { t = lo + int(rand() * (hi - lo + 1)); line = "";
            for (i = 0; i < 12; i++) { if (rand() < 0.25) line = line "the ";
                line = line "t" t "w" int(rand() * 10) " " } print line } }' > "$1"
}
# score VECTORS.txt FIRST LAST: the share of planted words of topics
# FIRST..LAST whose nearest planted word (any topic) has their topic
score() {
    awk -v lo="$2" -v hi="$3" 'NR > 1 && $1 ~ /^t[0-9]+w[0-9]+$/ {
            n++; w[n] = $1; s = 0
            for (i = 2; i <= NF; i++) { v[n, i] = $i; s += $i * $i }
            s = sqrt(s); if (s == 0) s = 1
            for (i = 2; i <= NF; i++) v[n, i] /= s
            d = NF }
         END {
            for (a = 1; a <= n; a++) {
                split(w[a], x, "w"); t = substr(x[1], 2) + 0
                if (t < lo || t > hi) continue
                best = -2; arg = 0
                for (b = 1; b <= n; b++) if (b != a) {
                    c = 0; for (i = 2; i <= d; i++) c += v[a, i] * v[b, i]
                    if (c > best) { best = c; arg = b } }
                split(w[arg], y, "w"); same += x[1] == y[1]; m++ }
            printf "%.3f\n", m ? same / m : 0 }' "$1"
}
differ() { ! cmp -s "$1" "$2"; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
rows() { grep -E "^($2) " "$1" | sort; } # rows of the words matching $2
# fails with a one-line message naming $1 and a non-zero exit, leaves no $2
run_bad() {
    local want=$1 out=$2; shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    [ $rc -ne 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q -- "$want" "$TMP/err" &&
        [ ! -e "$out" ] && ! ls "$(dirname "$out")"/*.tmp.* >/dev/null 2>&1 ||
        { echo "rc=$rc stderr: $(cat "$TMP/err")"; return 1; }
}
common="-dim 24 -window 4 -min-count 1 -threads 1 -seed 3 -quiet"

# ---- corpus A (topics 1-8), continued on corpus B (topics 5-12) ----------
topics "$TMP/a.txt" 1 8 3000 7
topics "$TMP/b.txt" 5 12 3000 8
"$T" "$TMP/a.txt" $common -epochs 5 -o "$TMP/a.txt.vec" -save-model "$TMP/a.w2vm" -save-vocab "$TMP/a.vocab"
"$T" "$TMP/b.txt" -continue "$TMP/a.w2vm" -epochs 5 -threads 1 -quiet -o "$TMP/ab.vec" \
    -save-model "$TMP/ab.w2vm" -save-vocab "$TMP/ab.vocab"
a14=$(score "$TMP/a.txt.vec" 1 4); ab14=$(score "$TMP/ab.vec" 1 4); ab=$(score "$TMP/ab.vec" 1 12)
echo "planted score: topics 1-4 after A $a14, after A+B $ab14; all twelve after A+B $ab"
check "A learns its topics" ge "$(score "$TMP/a.txt.vec" 1 8)" 0.9
check "A+B knows all twelve topics" ge "$ab" 0.9
check "A+B learns the new topics 9-12" ge "$(score "$TMP/ab.vec" 9 12)" 0.9
check "topics 1-4 keep 0.9 of their score" awk -v a="$a14" -v b="$ab14" 'BEGIN { exit !(b >= 0.9 * a) }'
check "vocabulary: 80 + 40 new + glue" test "$(head -n1 "$TMP/ab.vec")" = "121 24"
check "old words keep their rows' order" cmp -s <(awk 'NR > 1 { print $1 }' "$TMP/a.txt.vec") \
    <(awk 'NR > 1 && NR <= 82 { print $1 }' "$TMP/ab.vec")
check "counts add up" awk 'NR == FNR { a[$1] = $2; next } ($1 in a) && $1 ~ /^t[1-4]w/ && $2 != a[$1] { bad = 1 }
    END { exit bad }' "$TMP/a.vocab" "$TMP/ab.vocab"
check "counts of shared words grow" awk 'NR == FNR { a[$1] = $2; next } $1 == "t5w0" { exit !($2 > a[$1]) }' \
    "$TMP/a.vocab" "$TMP/ab.vocab"
check "w2v-nearest reads the model file" sh -c "'$W2V_BIN/w2v-nearest' -n 1 '$TMP/ab.w2vm' t11w3 | grep -q 't11w'"
check "w2v-eval reads the model file" sh -c "printf 't1w1 t1w2 1\nt1w1 t9w2 0\nt9w1 t9w3 1\nt2w1 t9w4 0\n' > '$TMP/sim.txt' &&
    '$W2V_BIN/w2v-eval' '$TMP/ab.w2vm' '$TMP/sim.txt' | grep -qi 'spearman\|rho'"

# ---- zero new words: only what training touches changes ------------------
topics "$TMP/a14.txt" 1 4 1500 9
"$T" "$TMP/a14.txt" -continue "$TMP/a.w2vm" -epochs 2 -threads 1 -quiet -o "$TMP/z.vec" \
    -save-vocab "$TMP/z.vocab"
check "zero new words: same vocabulary, same order" cmp -s <(awk 'NR > 1 { print $1 }' "$TMP/a.txt.vec") \
    <(awk 'NR > 1 { print $1 }' "$TMP/z.vec")
check "zero new words: same header" test "$(head -n1 "$TMP/z.vec")" = "$(head -n1 "$TMP/a.txt.vec")"
check "zero new words: rows of words absent from the text unchanged" cmp -s \
    <(rows "$TMP/a.txt.vec" 't[5-8]w[0-9]') <(rows "$TMP/z.vec" 't[5-8]w[0-9]')
check "zero new words: rows of the text's words trained" differ \
    <(rows "$TMP/a.txt.vec" 't[1-4]w[0-9]') <(rows "$TMP/z.vec" 't[1-4]w[0-9]')
check "zero new words: counts of absent words unchanged" cmp -s <(grep -E '^t[5-8]w' "$TMP/a.vocab") \
    <(grep -E '^t[5-8]w' "$TMP/z.vocab")
check "a word under -min-count does not join" sh -c "printf 't1w1 t1w2 rareword t1w3\n' > '$TMP/r.txt' &&
    '$T' '$TMP/r.txt' -continue '$TMP/a.w2vm' -min-count 2 -epochs 1 -quiet -o '$TMP/r.vec' &&
    ! grep -q '^rareword ' '$TMP/r.vec' && test \"\$(head -n1 '$TMP/r.vec')\" = '81 24'"
check "-max-vocab bounds the total" sh -c "'$T' '$TMP/b.txt' -continue '$TMP/a.w2vm' -max-vocab 91 \
    -epochs 1 -quiet -o '$TMP/mv.vec' && test \"\$(head -n1 '$TMP/mv.vec')\" = '91 24'"
for mode in "-cbow 1" "-hs 1 -negative 0" "-hs 1 -negative 3"; do
    "$T" "$TMP/a.txt" $common -epochs 3 $mode -o "$TMP/m.vec" -save-model "$TMP/m.w2vm"
    check "continue $mode" "$T" "$TMP/b.txt" -continue "$TMP/m.w2vm" -epochs 3 -quiet -o "$TMP/mc.vec"
    check "continue $mode learns the new topics" ge "$(score "$TMP/mc.vec" 9 12)" 0.8
done

# ---- 2 epochs + 3 continued = 5 epochs, bit for bit ----------------------
planted_corpus "$TMP/c.txt"
for mode in "" "-kernel pair" "-cbow 1" "-hs 1 -negative 0"; do
    "$T" "$TMP/c.txt" $common $mode -epochs 5 -o "$TMP/full.bin"
    "$T" "$TMP/c.txt" $common $mode -epochs 2 -schedule-epochs 5 -o "$TMP/two.bin" -save-model "$TMP/two.w2vm"
    "$T" "$TMP/c.txt" -continue "$TMP/two.w2vm" -continue-schedule -epochs 3 -quiet -o "$TMP/more.bin"
    check "2 + 3 epochs = 5 epochs, bit for bit ($mode)" cmp -s "$TMP/full.bin" "$TMP/more.bin"
done
"$T" "$TMP/c.txt" $common -epochs 1 -schedule-epochs 5 -o "$TMP/s1.bin" -save-model "$TMP/s1.w2vm"
"$T" "$TMP/c.txt" -continue "$TMP/s1.w2vm" -continue-schedule -epochs 1 -quiet -o "$TMP/s2.bin" -save-model "$TMP/s2.w2vm"
"$T" "$TMP/c.txt" -continue "$TMP/s2.w2vm" -continue-schedule -epochs 3 -quiet -o "$TMP/s5.bin"
"$T" "$TMP/c.txt" $common -epochs 5 -o "$TMP/full.bin"
check "1 + 1 + 3 epochs = 5 epochs, bit for bit" cmp -s "$TMP/full.bin" "$TMP/s5.bin"
"$T" "$TMP/c.txt" -continue "$TMP/s1.w2vm" -continue-schedule -quiet -o "$TMP/rest.bin"
check "-continue-schedule without -epochs: the rest of the schedule" cmp -s "$TMP/full.bin" "$TMP/rest.bin"

# ---- -init-vectors and -freeze-init -------------------------------------
"$T" "$TMP/b.txt" $common -epochs 3 -init-vectors "$TMP/a.txt.vec" -freeze-init -o "$TMP/fz.vec" 2>"$TMP/fz.err"
check "frozen rows unchanged" cmp -s <(rows "$TMP/a.txt.vec" 't[5-8]w[0-9]|the') <(rows "$TMP/fz.vec" 't[5-8]w[0-9]|the')
check "new words placed in the frozen space" ge "$(score "$TMP/fz.vec" 9 12)" 0.9
for mode in "-kernel pair" "-cbow 1" "-hs 1 -negative 0"; do
    "$T" "$TMP/b.txt" $common $mode -epochs 1 -init-vectors "$TMP/a.txt.vec" -freeze-init -o "$TMP/fz2.vec"
    check "frozen rows unchanged ($mode)" cmp -s <(rows "$TMP/a.txt.vec" 't[5-8]w[0-9]|the') \
        <(rows "$TMP/fz2.vec" 't[5-8]w[0-9]|the')
    check "unfrozen rows train ($mode)" differ <(rows "$TMP/fz.vec" 't9w[0-9]') <(rows "$TMP/fz2.vec" 't9w[0-9]')
done
"$T" "$TMP/b.txt" $common -epochs 1 -init-vectors "$TMP/a.txt.vec" -o "$TMP/iv.vec" -threads 1 -seed 3 2>/dev/null
"$T" "$TMP/b.txt" -dim 24 -window 4 -min-count 1 -threads 1 -seed 3 -epochs 1 -init-vectors "$TMP/a.txt.vec" \
    -o "$TMP/iv2.vec" 2>"$TMP/iv.err"
check "matched words reported" grep -q "init-vectors .*: 41 of 81 words" "$TMP/iv.err"
check "without -freeze-init the rows train" differ <(rows "$TMP/a.txt.vec" 't5w[0-9]') \
    <(rows "$TMP/iv.vec" 't5w[0-9]')
"$T" "$TMP/b.txt" -window 4 -min-count 1 -threads 1 -epochs 1 -quiet -init-vectors "$TMP/a.w2vm" -o "$TMP/iv3.vec"
check "-init-vectors takes the dimension and reads a model file" test "$(head -n1 "$TMP/iv3.vec")" = "81 24"
"$T" "$TMP/a.txt" $common -epochs 1 -o "$TMP/a1.bin"
"$T" "$TMP/b.txt" $common -epochs 1 -init-vectors "$TMP/a1.bin" -freeze-init -o "$TMP/ib.vec"
"$T" "$TMP/a.txt" $common -epochs 1 -o "$TMP/a1.vec"
check "-init-vectors reads word2vec binary" cmp -s <(rows "$TMP/a1.vec" 't[5-8]w[0-9]') <(rows "$TMP/ib.vec" 't[5-8]w[0-9]')

# -init-warmup F: the matched rows wait for the first F of the run, then train
"$T" "$TMP/b.txt" $common -epochs 3 -init-vectors "$TMP/a.txt.vec" -init-warmup 1 -o "$TMP/w1.vec"
check "-init-warmup 1 keeps the rows to the end, as -freeze-init" \
    cmp -s "$TMP/fz.vec" "$TMP/w1.vec"
"$T" "$TMP/b.txt" $common -epochs 3 -init-vectors "$TMP/a.txt.vec" -init-warmup 0.5 -o "$TMP/wh.vec"
"$T" "$TMP/b.txt" $common -epochs 3 -init-vectors "$TMP/a.txt.vec" -init-warmup 0 -o "$TMP/w0.vec"
check "-init-warmup 0.5: the rows train after the warm-up" \
    differ <(rows "$TMP/a.txt.vec" 't[5-8]w[0-9]') <(rows "$TMP/wh.vec" 't[5-8]w[0-9]')
check "-init-warmup 0.5: not from the start" \
    differ <(rows "$TMP/w0.vec" 't[5-8]w[0-9]') <(rows "$TMP/wh.vec" 't[5-8]w[0-9]')
check "-init-warmup 0.5 keeps what the start knew" ge "$(score "$TMP/wh.vec" 5 8)" 0.9
check "-init-warmup outside 0..1 refused" run_bad "init-warmup" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -init-vectors "$TMP/a.txt.vec" -init-warmup 1.5 -o "$TMP/x.vec"
check "-init-warmup alone refused" run_bad "needs -init-vectors" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -init-warmup 0.5 -o "$TMP/x.vec"
check "-init-warmup with -freeze-init refused" run_bad "give one" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -init-vectors "$TMP/a.txt.vec" -freeze-init -init-warmup 0.5 -o "$TMP/x.vec"
check "-init-vectors (with its warm-up) and -checkpoint refused" run_bad "does not record" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -init-vectors "$TMP/a.txt.vec" -checkpoint "$TMP/ck" -o "$TMP/x.vec"
check "-init-vectors -init-warmup 0 takes -checkpoint" "$T" "$TMP/b.txt" $common -epochs 1 \
    -init-vectors "$TMP/a.txt.vec" -init-warmup 0 -checkpoint "$TMP/ck0" -o "$TMP/ck0.vec"

# a corpus shorter than one progress step: the workers' rate is still the
# starting one (a float), which the reader must accept
printf 'a b c d e f\na b c\n' > "$TMP/tiny.txt"
"$T" "$TMP/tiny.txt" -min-count 1 -dim 4 -epochs 1 -quiet -save-model "$TMP/tiny.w2vm" -o "$TMP/tiny.vec"
check "a model of a tiny corpus reads back" "$W2V_BIN/w2v-nearest" -n 1 "$TMP/tiny.w2vm" a

# ---- bad input: one line naming the file, nothing written ----------------
head -c 1000 "$TMP/a.w2vm" > "$TMP/trunc.w2vm"
check "truncated model refused" run_bad "trunc.w2vm: model file truncated" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -continue "$TMP/trunc.w2vm" -o "$TMP/x.vec" -save-model "$TMP/x.w2vm"
check "truncated model: no model written" test ! -e "$TMP/x.w2vm"
cp "$TMP/a.w2vm" "$TMP/bad.w2vm"
size=$(stat -c %s "$TMP/bad.w2vm")
printf '\x55' | dd of="$TMP/bad.w2vm" bs=1 seek=$((size - 100)) conv=notrunc 2>/dev/null
check "corrupted model refused" run_bad "bad.w2vm: checksum mismatch" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -continue "$TMP/bad.w2vm" -o "$TMP/x.vec"
check "w2v-eval refuses the corrupted model" run_bad "bad.w2vm: checksum mismatch" "$TMP/x.vec" \
    "$W2V_BIN/w2v-eval" "$TMP/bad.w2vm" "$TMP/sim.txt"
check "w2v-nearest refuses the truncated model" run_bad "trunc.w2vm: model file truncated" "$TMP/x.vec" \
    "$W2V_BIN/w2v-nearest" "$TMP/trunc.w2vm" t1w1
cp "$TMP/a.w2vm" "$TMP/v2.w2vm"
printf '\x02' | dd of="$TMP/v2.w2vm" bs=1 seek=8 conv=notrunc 2>/dev/null
check "model of another version refused" run_bad "v2.w2vm: model file version 2, this build reads version 1" \
    "$TMP/x.vec" "$T" "$TMP/b.txt" -continue "$TMP/v2.w2vm" -o "$TMP/x.vec"
check "vector file of another dimension refused" run_bad "a.txt.vec: vectors of dimension 24, but this run's is 32" \
    "$TMP/x.vec" "$T" "$TMP/b.txt" -dim 32 -init-vectors "$TMP/a.txt.vec" -o "$TMP/x.vec"
check "init vectors with no word in common refused" run_bad "no word in common" "$TMP/x.vec" \
    sh -c "printf '1 24\nzzz $(printf '0 %.0s' $(seq 24))\n' > '$TMP/zz.vec' &&
           '$T' '$TMP/b.txt' -quiet -init-vectors '$TMP/zz.vec' -o '$TMP/x.vec'"
check "a checkpoint is not a model" run_bad "not a valid model file (wrong magic)" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -continue "$TMP/a.txt.vec" -o "$TMP/x.vec"
check "-dim cannot change" run_bad "a.w2vm: the model has dimension 24; -dim 32" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -continue "$TMP/a.w2vm" -dim 32 -o "$TMP/x.vec"
check "-cbow cannot change" run_bad "the model is skip-gram; -cbow 1" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -continue "$TMP/a.w2vm" -cbow 1 -o "$TMP/x.vec"
check "-hs cannot change" run_bad "no hierarchical softmax; -hs 1" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -continue "$TMP/a.w2vm" -hs 1 -o "$TMP/x.vec"
check "tokenizer cannot change" run_bad "tokenizer options" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -continue "$TMP/a.w2vm" -lowercase -o "$TMP/x.vec"
check "-continue-schedule on other text refused" run_bad "b.txt: not the corpus" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -continue "$TMP/two.w2vm" -continue-schedule -o "$TMP/x.vec"
check "-continue-schedule of a finished schedule refused" run_bad "finished its learning-rate schedule" "$TMP/x.vec" \
    "$T" "$TMP/a.txt" -continue "$TMP/a.w2vm" -continue-schedule -o "$TMP/x.vec"
check "-continue-schedule with -alpha refused" run_bad "takes every setting" "$TMP/x.vec" \
    "$T" "$TMP/c.txt" -continue "$TMP/two.w2vm" -continue-schedule -alpha 0.1 -o "$TMP/x.vec"
check "-freeze-init alone refused" run_bad "needs -init-vectors" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -freeze-init -o "$TMP/x.vec"
check "-continue with -resume refused" run_bad "exclude each other" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -continue "$TMP/a.w2vm" -resume "$TMP/a.w2vm" -o "$TMP/x.vec"
check "-continue with -checkpoint refused" run_bad "does not record" "$TMP/x.vec" \
    "$T" "$TMP/b.txt" -continue "$TMP/a.w2vm" -checkpoint "$TMP/ck" -o "$TMP/x.vec"
finish
