#!/usr/bin/env bash
# End-to-end checks of w2v-phrase: joined output, lines kept, several
# passes, word2phrase's flags, the phrase list, and the error paths of bad
# arguments and files (one-line message, exit status, no output left).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
P=$W2V_BIN/w2v-phrase

# 60 lines: "new york city" in 40 of them among words drawn from 30 fillers,
# so new/york/city are frequent together and rare apart.
awk 'BEGIN { srand(3); for (s = 0; s < 60; s++) { line = "";
     for (i = 0; i < 8; i++) line = line "f" int(rand() * 30) " ";
     if (s % 3) line = line "New York City ";
     for (i = 0; i < 4; i++) line = line "f" int(rand() * 30) " ";
     print line } }' > "$TMP/c.txt"
printf '\n\n' >> "$TMP/c.txt"  # blank lines are kept

# fails with a one-line message naming $1 and exit status $2, leaves no $3
run_bad() {
    local want=$1 code=$2 out=$3; shift 3
    "$P" "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    [ $rc -eq "$code" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q -- "$want" "$TMP/err" &&
        [ ! -e "$out" ] && ! ls "$(dirname "$out")"/*.tmp.* "$out".pass* >/dev/null 2>&1 ||
        { echo "rc=$rc stderr: $(cat "$TMP/err")"; return 1; }
}
lines() { wc -l <"$1"; }

check "one pass" "$P" "$TMP/c.txt" -o "$TMP/p1.txt" -threshold 1 -quiet
check "lines kept" test "$(lines "$TMP/p1.txt")" -eq "$(lines "$TMP/c.txt")"
check "pairs joined" grep -q 'New_York City' "$TMP/p1.txt"
check "blank lines kept" test "$(tail -n 2 "$TMP/p1.txt" | tr -d '\n')" = ""
check "single spaces" sh -c "! grep -q '  \\| \$' '$TMP/p1.txt'"
check "same words" test "$(tr -s ' _\n' '\n\n\n' <"$TMP/p1.txt" | sort | md5sum)" = \
    "$(tr -s ' \n' '\n\n' <"$TMP/c.txt" | sort | md5sum)"
check "two passes: three-word phrases" "$P" "$TMP/c.txt" -o "$TMP/p2.txt" -threshold 1 -passes 2 -quiet
check "three-word phrase" test "$(grep -c 'New_York_City' "$TMP/p2.txt")" -eq 40
check "no temporaries" sh -c "! ls '$TMP'/*.pass* '$TMP'/*.tmp.* >/dev/null 2>&1"
check "decay 1 keeps the threshold" "$P" "$TMP/c.txt" -o "$TMP/p3.txt" -threshold 1 -passes 2 -threshold-decay 1 -quiet
check "lowercase" "$P" "$TMP/c.txt" -o "$TMP/p4.txt" -threshold 1 -lowercase -quiet
check "lowercased phrase" grep -q 'new_york city' "$TMP/p4.txt"
check "token regex" "$P" "$TMP/c.txt" -o "$TMP/p5.txt" -threshold 1 -token-regex '[A-Za-z]+' -quiet
check "regex splits f12" grep -q '^f f f' "$TMP/p5.txt"
check "high threshold joins nothing" "$P" "$TMP/c.txt" -o "$TMP/p6.txt" -quiet
check "unchanged text" test "$(tr -s ' ' <"$TMP/c.txt" | sed 's/ $//' | md5sum)" = "$(md5sum <"$TMP/p6.txt")"
check "stdout" sh -c "'$P' '$TMP/c.txt' -o - -threshold 1 -quiet | grep -q New_York"
check "word2phrase flags" sh -c "'$P' -train '$TMP/c.txt' -output '$TMP/w.txt' -min-count 5 -threshold 1 -debug 2 2>/dev/null && grep -q New_York '$TMP/w.txt'"
check "debug 0 is quiet" sh -c "'$P' -train '$TMP/c.txt' -output '$TMP/w.txt' -debug 0 2>&1 | wc -c | grep -qx 0"
check "summary" sh -c "'$P' '$TMP/c.txt' -o '$TMP/w.txt' -verbose 2>&1 | grep -q 'pass 1/1: threshold 100, .* tokens'"
check "save phrases" "$P" "$TMP/c.txt" -o "$TMP/w.txt" -threshold 1 -passes 2 -save-phrases "$TMP/ph.tsv" -quiet
check "phrase list header" test "$(head -n 1 "$TMP/ph.tsv")" = "$(printf 'pass\tphrase\tscore\tcount\tcount_a\tcount_b')"
check "phrase list rows" grep -q "^1	New_York	[0-9.e+]*	40	40	40\$" "$TMP/ph.tsv"
check "phrase list pass 2" grep -q "^2	New_York_City	" "$TMP/ph.tsv"
check "max-bigrams" "$P" "$TMP/c.txt" -o "$TMP/m.txt" -threshold 1 -max-bigrams 1000 -quiet

# bad arguments: exit 2, one line, nothing written
check "no corpus" run_bad "no corpus" 2 "$TMP/x.txt" -o "$TMP/x.txt"
check "no output" run_bad "no output" 2 "$TMP/x.txt" "$TMP/c.txt"
check "stdin refused" run_bad "standard input" 2 "$TMP/x.txt" - -o "$TMP/x.txt"
check "unknown option" run_bad "unknown option '-bogus'" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -bogus 1
check "missing value" run_bad "needs a value" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -threshold
check "two corpora" run_bad "more than one corpus" 2 "$TMP/x.txt" "$TMP/c.txt" "$TMP/c.txt" -o "$TMP/x.txt"
check "min-count 0" run_bad "-min-count: '0'" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -min-count 0
check "negative threshold" run_bad "-threshold: '-1'" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -threshold -1
check "threshold not a number" run_bad "-threshold: '1e'" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -threshold 1e
check "passes 0" run_bad "-passes: '0'" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -passes 0
check "passes 17" run_bad "-passes: '17'" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -passes 17
check "decay 0" run_bad "-threshold-decay: '0'" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -threshold-decay 0
check "decay above 1" run_bad "-threshold-decay: '1.5'" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -threshold-decay 1.5
check "max-bigrams too small" run_bad "-max-bigrams" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -max-bigrams 10
check "max-token-bytes 0" run_bad "-max-token-bytes: '0'" 2 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -max-token-bytes 0

# bad files: exit 1, one line naming the file, nothing written
check "missing corpus" run_bad "$TMP/nope.txt" 1 "$TMP/x.txt" "$TMP/nope.txt" -o "$TMP/x.txt"
check "directory corpus" run_bad "is a directory" 1 "$TMP/x.txt" "$TMP" -o "$TMP/x.txt"
mkfifo "$TMP/fifo"
check "fifo corpus" run_bad "not a regular file" 1 "$TMP/x.txt" "$TMP/fifo" -o "$TMP/x.txt"
check "unwritable output" run_bad "$TMP/no/dir/x.txt" 1 "$TMP/no/dir/x.txt" "$TMP/c.txt" -o "$TMP/no/dir/x.txt"
check "bad regex" run_bad "token" 1 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -token-regex '(['
check "unwritable phrase list" run_bad "$TMP/no/ph.tsv" 1 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -save-phrases "$TMP/no/ph.tsv"
check "bad tmp dir" run_bad "temporary" 1 "$TMP/x.txt" "$TMP/c.txt" -o "$TMP/x.txt" -passes 2 -tmp-dir "$TMP/no"
# a failure keeps the previous output
echo old >"$TMP/keep.txt"
"$P" "$TMP/c.txt" -o "$TMP/keep.txt" -passes 2 -tmp-dir "$TMP/no" 2>/dev/null
check "old output kept" test "$(cat "$TMP/keep.txt")" = old
finish
