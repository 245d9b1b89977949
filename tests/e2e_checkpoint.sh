#!/usr/bin/env bash
# Checkpoints: a run killed with -9 or stopped with SIGINT and resumed ends
# with exactly the vectors of an uninterrupted run (one thread, one seed);
# corrupted, truncated or mismatched checkpoints are refused.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
T=$W2V_BIN/w2v-train
planted_corpus "$TMP/c.txt" 40000
args=(-dim 64 -epochs 24 -threads 1 -seed 9 -min-count 1 -quiet) # long enough (~2 s) for the SIGINT below to land mid-run

"$T" "$TMP/c.txt" -o "$TMP/ref.bin" "${args[@]}"
check "reference run" test -s "$TMP/ref.bin"

# kill -9 after a few checkpoints, then resume from the last one
"$T" "$TMP/c.txt" -o "$TMP/k.bin" "${args[@]}" -checkpoint "$TMP/k.ckpt" -checkpoint-every 0.2 &
pid=$!
for i in $(seq 100); do [ -s "$TMP/k.ckpt" ] && break; sleep 0.1; done
sleep 0.5
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
check "killed before finishing" test ! -e "$TMP/k.bin"
check "checkpoint survived kill -9" test -s "$TMP/k.ckpt"
check "no temporary left but the one being written" sh -c "[ \$(ls '$TMP'/k.ckpt.tmp.* 2>/dev/null | wc -l) -le 1 ]"
rm -f "$TMP"/k.ckpt.tmp.*
"$T" "$TMP/c.txt" -resume "$TMP/k.ckpt" -o "$TMP/k.bin" -quiet
check "resume after kill -9" test -s "$TMP/k.bin"
check "resumed = uninterrupted (bit-identical)" cmp -s "$TMP/ref.bin" "$TMP/k.bin"

# SIGINT: final checkpoint, exit 130, then resume (corpus path taken from the checkpoint)
"$T" "$TMP/c.txt" -o "$TMP/i.bin" "${args[@]}" -checkpoint "$TMP/i.ckpt" -checkpoint-every 1000 2>"$TMP/i.err" &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
check "SIGINT exits 130" test $rc -eq 130
check "SIGINT message" grep -q "resume" "$TMP/i.err"
check "SIGINT wrote a checkpoint" test -s "$TMP/i.ckpt"
"$T" -resume "$TMP/i.ckpt" -o "$TMP/i.bin" -quiet
check "resumed after SIGINT = uninterrupted" cmp -s "$TMP/ref.bin" "$TMP/i.bin"

# damaged checkpoints are refused with a clear message
size=$(stat -c %s "$TMP/k.ckpt")
cp "$TMP/k.ckpt" "$TMP/bad.ckpt"
# change the middle byte (xor, so it always changes: writing a fixed byte
# left the file intact whenever that byte was already there)
old=$(od -An -tu1 -j $((size / 2)) -N1 "$TMP/k.ckpt" | tr -d ' ')
printf "\\$(printf %03o $((old ^ 0x5a)))" | dd of="$TMP/bad.ckpt" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
check "the copy differs" sh -c "! cmp -s '$TMP/k.ckpt' '$TMP/bad.ckpt'"
"$T" "$TMP/c.txt" -resume "$TMP/bad.ckpt" -o "$TMP/bad.bin" -quiet 2>"$TMP/err"
check "corrupted checkpoint refused" sh -c "test $? -eq 1 && grep -q 'checksum' '$TMP/err' && test ! -e '$TMP/bad.bin'"
head -c $((size - 1000)) "$TMP/k.ckpt" > "$TMP/trunc.ckpt"
"$T" "$TMP/c.txt" -resume "$TMP/trunc.ckpt" -o "$TMP/bad.bin" -quiet 2>"$TMP/err"
check "truncated checkpoint refused" sh -c "test $? -eq 1 && grep -q 'trunc' '$TMP/err'"
"$T" "$TMP/c.txt" -resume "$TMP/c.txt" -o "$TMP/bad.bin" -quiet 2>"$TMP/err"
check "not a checkpoint" grep -q "not a valid checkpoint" "$TMP/err"
head -n 100 "$TMP/c.txt" > "$TMP/other.txt"
"$T" "$TMP/other.txt" -resume "$TMP/k.ckpt" -o "$TMP/bad.bin" -quiet 2>"$TMP/err"
check "other corpus refused" grep -q "not the corpus" "$TMP/err"
finish
