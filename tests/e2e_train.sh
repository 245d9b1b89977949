#!/usr/bin/env bash
# End-to-end checks of w2v-train: outputs, formats, peers loading them,
# determinism, and the error paths of bad arguments and files.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
T=$W2V_BIN/w2v-train
planted_corpus "$TMP/c.txt"

run_ok() { "$T" "$@" -quiet -threads 2 2>"$TMP/err"; }
# fails with a one-line message naming $1 and a non-zero exit, leaves no $2
run_bad() {
    local want=$1 out=$2; shift 2
    "$T" "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    [ $rc -ne 0 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q -- "$want" "$TMP/err" &&
        [ ! -e "$out" ] && ! ls "$(dirname "$out")"/*.tmp.* >/dev/null 2>&1 ||
        { echo "rc=$rc stderr: $(cat "$TMP/err")"; return 1; }
}

# the same one-thread run written in both formats
check "binary output" "$T" "$TMP/c.txt" -o "$TMP/v.bin" -dim 20 -epochs 2 -min-count 1 -threads 1 -quiet
check "binary header" test "$(head -n1 "$TMP/v.bin")" = "121 20"
check "text output" "$T" "$TMP/c.txt" -output "$TMP/v.txt" -size 20 -iter 2 -min-count 1 -threads 1 -quiet
check "text header" test "$(head -n1 "$TMP/v.txt")" = "121 20"
check "text rows" test "$(wc -l <"$TMP/v.txt")" -eq 122
check "forced binary" run_ok -train "$TMP/c.txt" -output "$TMP/v.vec" -binary 1 -dim 8 -epochs 1 -min-count 1
check "forced binary is binary" sh -c "! grep -q -a '^the [-0-9.e]* ' '$TMP/v.vec'"
check "word2vec.c flags" run_ok -train "$TMP/c.txt" -output "$TMP/w.bin" -cbow 0 -size 10 -window 5 -sample 1e-4 -negative 5 -hs 0 -min-count 1 -iter 1 -alpha 0.025 -binary 1 -debug 2
check "-debug 0 is quiet" sh -c "test -z \"\$('$T' '$TMP/c.txt' -o '$TMP/w.bin' -dim 8 -epochs 1 -debug 0 2>&1)\""
check "-classes refused" run_bad "classes" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -classes 10
# word2vec.c's other modes train and learn the planted topics
for mode in "-cbow 1" "-hs 1 -negative 0" "-cbow 1 -hs 1 -negative 0" "-hs 1 -negative 3"; do
    check "mode $mode" run_ok "$TMP/c.txt" -o "$TMP/m.bin" -dim 20 -epochs 3 -min-count 1 $mode
    check "mode $mode learns topics" learns_topics "$TMP/m.bin" t5w3 t0w1 t11w8
done
check "cbow alpha default 0.05" sh -c "'$T' '$TMP/c.txt' -o '$TMP/m.bin' -dim 8 -epochs 1 -cbow 1 -threads 1 2>&1 | grep -q 'training cbow+ns: .*alpha 0.05,'"
"$T" "$TMP/c.txt" -o "$TMP/l.bin" -dim 20 -epochs 30 -min-count 1 -threads 2 -quiet \
    -save-loss "$TMP/loss.txt" -progress-every 0.05
check "loss curve written" test "$(grep -vc '^#' "$TMP/loss.txt")" -ge 3
check "loss falls" awk '!/^#/ { if (n++ == 0) first = $5; last = $5 } END { exit !(n >= 3 && last < first) }' "$TMP/loss.txt"
check "vocab saved" run_ok "$TMP/c.txt" -o "$TMP/v2.bin" -dim 8 -epochs 1 -save-vocab "$TMP/vocab.txt"
check "vocab format" grep -q '^the [0-9][0-9]*$' "$TMP/vocab.txt"
check "vocab read" run_ok "$TMP/c.txt" -o "$TMP/v3.bin" -dim 8 -epochs 1 -read-vocab "$TMP/vocab.txt"
"$T" "$TMP/c.txt" -o "$TMP/cm1.bin" -dim 8 -epochs 1 -threads 1 -quiet
"$T" "$TMP/c.txt" -o "$TMP/cm2.bin" -dim 8 -epochs 1 -threads 1 -quiet -corpus-memory 0.00001
check "corpus cache file gives the same vectors" cmp -s "$TMP/cm1.bin" "$TMP/cm2.bin"
check "stdin corpus" sh -c "'$T' - -o '$TMP/s.bin' -dim 8 -epochs 1 -quiet < '$TMP/c.txt'"
check "default output name" sh -c "cd '$TMP' && '$T' c.txt -dim 8 -epochs 1 -quiet && test -s vectors.bin"
check "progress and summary" sh -c "'$T' '$TMP/c.txt' -o '$TMP/p.bin' -dim 8 -epochs 1 -verbose 2>&1 | grep -q 'words/s.*peak memory'"

# one thread + seed: identical files; another seed: different
"$T" "$TMP/c.txt" -o "$TMP/d1.bin" -dim 16 -epochs 1 -threads 1 -seed 5 -quiet
"$T" "$TMP/c.txt" -o "$TMP/d2.bin" -dim 16 -epochs 1 -threads 1 -seed 5 -quiet
"$T" "$TMP/c.txt" -o "$TMP/d3.bin" -dim 16 -epochs 1 -threads 1 -seed 6 -quiet
check "deterministic with one thread" cmp -s "$TMP/d1.bin" "$TMP/d2.bin"
check "seed matters" sh -c "! cmp -s '$TMP/d1.bin' '$TMP/d3.bin'"

# peers load what we write, and read the same numbers from both formats
if have_gensim; then
    check "gensim loads both formats" "$PY" - "$TMP/v.bin" "$TMP/v.txt" <<'PY'
import sys, numpy as np
from gensim.models import KeyedVectors
b = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
t = KeyedVectors.load_word2vec_format(sys.argv[2], binary=False)
assert len(b.index_to_key) == 121 and b.vector_size == 20, (len(b.index_to_key), b.vector_size)
assert b.index_to_key == t.index_to_key
assert np.array_equal(b.vectors, t.vectors), "text and binary differ"
assert b.index_to_key[0] == "the"
# planted structure survives the trip: a word's neighbour shares its topic
top = b.most_similar("t3w1", topn=1)[0][0]
assert top.startswith("t3w"), top
PY
else
    skip "gensim not installed: gensim does not load our files here"
fi
if command -v fasttext >/dev/null; then
    awk '{ print "__label__" ($1 ~ /^t[0-5]w/ ? "a" : "b") " " $0 }' "$TMP/c.txt" > "$TMP/sup.txt"
    check "fastText reads our .vec (text)" sh -c "fasttext supervised -input '$TMP/sup.txt' -output '$TMP/ft' -dim 20 -epoch 1 -pretrainedVectors '$TMP/v.txt' -thread 1 >/dev/null 2>&1 && test -s '$TMP/ft.bin'"
else
    skip "fasttext not installed: fastText does not load our .vec here"
fi

# bad arguments and files: one line, non-zero exit, nothing left behind
check "unknown flag" run_bad "unknown option" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -frobnicate 1
check "dim 0" run_bad "-dim" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -dim 0
check "window -1" run_bad "-window" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -window -1
check "non-numeric" run_bad "-negative" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -negative five
check "3e" run_bad "-epochs" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -epochs 3e
check "1.5.2" run_bad "-alpha" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -alpha 1.5.2
check "sample 2" run_bad "-sample" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -sample 2
check "threads 0" run_bad "-threads" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -threads 0
check "missing value" run_bad "needs a value" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -dim
check "negative 0 without hs" run_bad "-hs 1" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -negative 0
check "cbow 2" run_bad "-cbow" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -cbow 2
check "missing corpus" run_bad "$TMP/none.txt" "$TMP/x.bin" "$TMP/none.txt" -o "$TMP/x.bin"
check "no corpus" run_bad "no corpus" "$TMP/x.bin" -o "$TMP/x.bin"
check "directory corpus" run_bad "$TMP" "$TMP/x.bin" "$TMP" -o "$TMP/x.bin"
check "missing output dir" run_bad "$TMP/nodir/x.bin" "$TMP/nodir/x.bin" "$TMP/c.txt" -o "$TMP/nodir/x.bin"
check "model over memory limit" run_bad "max-memory" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -dim 10000 -max-memory 0.001 -quiet
check "max-token-bytes capped" run_bad "-max-token-bytes" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -max-token-bytes 5000
check "max seed" run_ok "$TMP/c.txt" -o "$TMP/s.bin" -dim 8 -epochs 1 -seed 18446744073709551615
check "seed too large" run_bad "-seed" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -seed 18446744073709551616
check "empty corpus" run_bad "no words" "$TMP/x.bin" /dev/null -o "$TMP/x.bin"
check "min-count too high" run_bad "at least" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -min-count 100000
check "bad regex" run_bad "pattern" "$TMP/x.bin" "$TMP/c.txt" -o "$TMP/x.bin" -token-regex '(['
if [ "$(id -u)" -ne 0 ]; then
    touch "$TMP/unreadable.txt"; chmod 000 "$TMP/unreadable.txt"
    check "unreadable corpus" run_bad "unreadable" "$TMP/x.bin" "$TMP/unreadable.txt" -o "$TMP/x.bin"
fi
if [ -c /dev/full ]; then
    "$T" "$TMP/c.txt" -o /dev/full -dim 8 -epochs 1 -quiet 2>"$TMP/err"
    check "full disk (/dev/full) fails" test $? -ne 0
    check "full disk names the file" grep -q "/dev/full.*space" "$TMP/err"
    check "/dev/full is still a device" test -c /dev/full
fi
check "write to /dev/null" run_ok "$TMP/c.txt" -o /dev/null -dim 8 -epochs 1
check "/dev/null is still a device" test -c /dev/null
# a write that fails half way (file size limit: EFBIG) keeps the previous
# file whole and leaves no temporary behind
cp "$TMP/v.bin" "$TMP/keep.bin"
(trap '' XFSZ; ulimit -f 20; "$T" "$TMP/c.txt" -o "$TMP/keep.bin" -dim 100 -epochs 1 -quiet 2>"$TMP/err")
check "failed write reported" test $? -ne 0
check "failed write names the file" grep -q "keep.bin" "$TMP/err"
check "previous output kept" cmp -s "$TMP/v.bin" "$TMP/keep.bin"
check "no temporary left" sh -c "! ls '$TMP'/keep.bin.tmp.* 2>/dev/null"
# Reading real text on several threads gives the vocabulary of one thread's
# read, byte for byte: at -min-count 1 most words are tied at counts of 1
# and 2, so their order is the order of first appearance in the file.
xz_corpus=$here/../../shared/corpora/enwiki8.txt.xz
if command -v xz >/dev/null && [ -s "$xz_corpus" ]; then
    xz -dc "$xz_corpus" 2>/dev/null | head -c 6000000 > "$TMP/wiki.txt"
    for n in 1 2 3; do
        "$T" "$TMP/wiki.txt" -o "$TMP/r$n.bin" -dim 1 -epochs 1 -min-count 1 -threads $n \
            -save-vocab "$TMP/r$n.vocab" -quiet
    done
    check "real text: 2 threads read one thread's vocabulary" cmp -s "$TMP/r1.vocab" "$TMP/r2.vocab"
    check "real text: 3 threads read one thread's vocabulary" cmp -s "$TMP/r1.vocab" "$TMP/r3.vocab"
    check "real text: many ties to order" test "$(awk '$2 == 1' "$TMP/r1.vocab" | wc -l)" -gt 10000
else
    skip "no ../shared/corpora/enwiki8.txt.xz (or no xz): the real-text read check"
fi
finish
