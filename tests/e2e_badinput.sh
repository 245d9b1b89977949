#!/usr/bin/env bash
# e2e_badinput.sh - the bad-input battery (issue 5, "nothing crashes it").
#
# Every program is fed empty, broken, hostile or merely odd input.  Each case
# asserts its outcome: either the right result, or a one-line error naming
# the file (and line or byte where one applies), an exit status from 1 to
# 123, and no output file or temporary left behind.  A crash (status >= 128)
# or a hang (every command runs under `timeout 60`, status 124) fails.
# Cases already in e2e_train.sh (unknown flag, -dim 0, -window -1, 3e,
# 1.5.2, -sample 2, -threads 0, missing/directory/unreadable corpus, stdin,
# /dev/full and a missing directory as output, /dev/null as corpus, every
# word below min-count, a bad regex) are not repeated.
# The long-line cases use 24 MB lines: longer than W2V_TOKENIZE_CHUNK
# (16 MiB), which is the boundary that matters, at a quarter of the cost of
# 100 MB.  About 10 s on two cores (25 s in the sanitizer builds).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
T=$W2V_BIN/w2v-train
E=$W2V_BIN/w2v-eval
N=$W2V_BIN/w2v-nearest
D=$TMP

# ---- helpers ------------------------------------------------------------------

# go CMD...: run it with a time limit; status in $rc, output in $D/out, $D/err
go() { timeout 60 "$@" >"$D/out" 2>"$D/err"; rc=$?; }
no_temporaries() { ! compgen -G "$D/*.tmp.*" >/dev/null; }
one_line() { local l; mapfile -t l <"$D/err"; [ ${#l[@]} -eq 1 ]; }
show() { echo "  rc=$rc stderr: $(head -c 400 "$D/err")"; }
# bad RE OUT CMD...: fails cleanly with one stderr line matching the extended
# regex RE; OUT (or '-' for none) must not exist afterwards
bad() {
    local want=$1 out=$2; shift 2
    [ "$out" = - ] || rm -f "$out"
    go "$@"
    if [ $rc -ge 1 ] && [ $rc -lt 124 ] && one_line &&
        grep -qE -- "$want" "$D/err" && { [ "$out" = - ] || [ ! -e "$out" ]; } && no_temporaries; then
        return 0
    fi
    show
    return 1
}
# good CMD...: exit status 0
good() { go "$@"; [ $rc -eq 0 ] || { show; return 1; }; }
# trainer shorthands: output $D/v.txt (text); later flags override TR's
TR=(-quiet -threads 2 -dim 8 -epochs 1 -min-count 1)
tr_good() { rm -f "$D/v.txt"; good "$T" -o "$D/v.txt" "${TR[@]}" "$@"; }
tr_bad() { local want=$1; shift; bad "$want" "$D/x.bin" "$T" -o "$D/x.bin" "${TR[@]}" "$@"; }
# the vocabulary of a run: tr_vocab CORPUS [flags] -> $D/voc.txt
tr_vocab() { rm -f "$D/voc.txt"; tr_good "$@" -save-vocab "$D/voc.txt"; }
# count of word $1 in $D/voc.txt (empty when absent)
vcount() { awk -v w="$1" '$1 == w { print $2 }' "$D/voc.txt"; }
# feed FILE FIFO: write FILE into FIFO in the background (pid in $wpid); a
# reader that never opens the FIFO leaves no writer behind once reap runs
feed() { timeout 60 sh -c 'cat "$1" > "$2"' feed "$1" "$2" >/dev/null 2>&1 & wpid=$!; }
reap() { kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null; }
header_is() { [ "$(head -n 1 "$1")" = "$2" ] || { echo "  header: $(head -n 1 "$1")"; return 1; }; }
invalid_utf8_lines() { LC_ALL=C.UTF-8 grep -caxv '.*' "$1"; }

printf 'alpha beta gamma\nalpha beta gamma\nalpha beta\n' > "$D/c.txt"

# ---- training input -------------------------------------------------------------

: > "$D/empty.txt"
check "empty regular file" tr_bad "empty.txt: the corpus contains no words" "$D/empty.txt"
printf '\n\n\n\n\n' > "$D/newlines.txt"
check "only newlines" tr_bad "newlines.txt: the corpus contains no words" "$D/newlines.txt"
printf '  \t \r\n \f\v \n' > "$D/blanks.txt"
check "only blanks" tr_bad "blanks.txt: the corpus contains no words" "$D/blanks.txt"
printf 'hello\n' > "$D/one.txt"
check "one word trains" tr_good "$D/one.txt"
check "one word: one vector" header_is "$D/v.txt" "1 8"
check "one word below -min-count 5" bad "one.txt: no word occurs at least 5 times" "$D/x.bin" \
    "$T" "$D/one.txt" -o "$D/x.bin" -quiet
printf 'hello' > "$D/one-nonl.txt"
check "one word, no newline" tr_good "$D/one-nonl.txt"

printf 'alpha beta\nalpha b\0ta gamma\n' > "$D/nul.txt"
check "NUL byte: error names file:line" tr_bad "nul.txt:2: .*NUL" "$D/nul.txt"
check "NUL byte, pattern tokenizer" tr_bad "nul.txt:2: .*NUL" "$D/nul.txt" -token-regex '\S+'

# invalid UTF-8: the default scanner keeps the bytes (as word2vec.c), a
# pattern never matches them; the vectors read back either way
printf 'caf\xc3 na\xefve \xff\xfe abc\nCAF\xc3 abc \xe2\x82\xac \xed\xa0\x80\nabc \xe2\x82' > "$D/utf.txt"
check "invalid UTF-8, default scanner" tr_vocab "$D/utf.txt"
check "  keeps the raw bytes" test "$(vcount $'caf\xc3')" = 1
check "  truncated sequence at EOF is a word" test "$(vcount $'\xe2\x82')" = 1
check "  vectors read back" good "$N" "$D/v.txt" abc
check "  raw word among the neighbours" grep -qa $'caf\xc3' "$D/out"
check "  in binary too" good "$T" -o "$D/utf.bin" "${TR[@]}" "$D/utf.txt"
check "  binary vectors read back" good "$N" "$D/utf.bin" abc
check "  with the raw word" grep -qa $'caf\xc3' "$D/out"
check "invalid UTF-8, -lowercase" tr_vocab "$D/utf.txt" -lowercase
check "  folds around invalid bytes" test "$(vcount $'caf\xc3')" = 2
check "invalid UTF-8, pattern tokenizer" tr_vocab "$D/utf.txt" -token-regex '\S+'
check "  only valid UTF-8 words" test "$(invalid_utf8_lines "$D/voc.txt")" = 0
check "  the valid part of a word is kept" test "$(vcount caf)" = 1
check "  U+20AC survives" test "$(vcount $'\xe2\x82\xac')" = 1

printf 'alpha beta gamma\r\nalpha beta gamma\r\nalpha beta\r\n' > "$D/crlf.txt"
check "CRLF corpus" tr_vocab "$D/crlf.txt"
check "  no CR in the words" test "$(grep -c $'\r' "$D/voc.txt")" = 0
"$T" "$D/c.txt" -o "$D/lf.txt" -save-vocab "$D/lf.voc" "${TR[@]}"
check "  same vocabulary as LF" cmp -s "$D/lf.voc" "$D/voc.txt"
check "CRLF corpus, pattern tokenizer" tr_vocab "$D/crlf.txt" -token-regex '\w+'
check "  same vocabulary as LF" cmp -s "$D/lf.voc" "$D/voc.txt"

# a 1 MB token: cut at -max-token-bytes and said so
{ head -c 1048576 /dev/zero | tr '\0' x; printf ' abc\nabc def\n'; } > "$D/tok1m.txt"
check "1 MB token is cut" good "$T" "$D/tok1m.txt" -o "$D/v.txt" -threads 2 -dim 8 -epochs 1 -min-count 1 -save-vocab "$D/voc.txt"
check "  a note says so" grep -q "cut" "$D/err"
check "  to 100 bytes" test "$(awk '$1 ~ /^x+$/ { print length($1) }' "$D/voc.txt")" = 100
check "1 MB token, -max-token-bytes 4096" tr_vocab "$D/tok1m.txt" -max-token-bytes 4096
check "  4096-byte word" test "$(awk '$1 ~ /^x+$/ { print length($1) }' "$D/voc.txt")" = 4096
check "  its vectors read back" good "$N" "$D/v.txt" abc
check "1 MB token, -max-token-bytes 1048576: refused" \
    tr_bad "tok1m.txt:1: .*(limit|4096)|max-token-bytes" "$D/tok1m.txt" -max-token-bytes 1048576

# 24 MB lines: longer than the 16 MiB read chunk
yes abcdefghi | head -n 2400000 | tr '\n' ' ' > "$D/long.txt"
printf '\nabc def\n' >> "$D/long.txt"
check "24 MB line of words" tr_vocab "$D/long.txt" -sample 1e-5
check "  every word counted once" test "$(vcount abcdefghi)" = 2400000
check "  and the next line" test "$(vcount def)" = 1
check "24 MB line, pattern tokenizer" tr_vocab "$D/long.txt" -sample 1e-5 -token-regex '[a-z]+'
check "  every word counted once" test "$(vcount abcdefghi)" = 2400000
{ printf 'abc def\n'; head -c 24000000 /dev/zero | tr '\0' y; printf '\nabc ghi\n'; } > "$D/longtok.txt"
check "24 MB token" tr_vocab "$D/longtok.txt"
check "  is one 100-byte word" test "$(awk '$1 ~ /^y+$/ { print length($1) ":" $2 }' "$D/voc.txt")" = 100:1
check "  the lines around it" test "$(vcount abc):$(vcount ghi)" = 2:1
check "24 MB token, pattern tokenizer" tr_vocab "$D/longtok.txt" -token-regex '\w+'
check "  no word over 100 bytes" test "$(awk 'length($1) > 100' "$D/voc.txt" | wc -l)" = 0
check "  the lines around it" test "$(vcount abc):$(vcount ghi)" = 2:1

# a FIFO is read once, and gives what the file gives
"$T" "$D/c.txt" -o "$D/file.bin" -quiet -threads 1 -dim 8 -epochs 2 -min-count 1 -seed 3
mkfifo "$D/fifo"
feed "$D/c.txt" "$D/fifo"
check "FIFO corpus" good "$T" "$D/fifo" -o "$D/fifo.bin" -quiet -threads 1 -dim 8 -epochs 2 -min-count 1 -seed 3
reap
check "  same vectors as the file" cmp -s "$D/file.bin" "$D/fifo.bin"
check "directory as output" bad "$D: is a directory" - "$T" "$D/c.txt" -o "$D" -quiet
check "-save-vocab /dev/full: no vectors left" bad "/dev/full" "$D/x.bin" \
    "$T" "$D/c.txt" -o "$D/x.bin" -save-vocab /dev/full "${TR[@]}"
check "-save-vocab in a missing directory" tr_bad "$D/nodir/v.voc" "$D/c.txt" -save-vocab "$D/nodir/v.voc"

# absurd settings and malformed numbers
check "-dim 100000000" tr_bad "^w2v-train: -dim: " "$D/c.txt" -dim 100000000
check "-dim 10000 over -max-memory" tr_bad "over the limit|max-memory" "$D/c.txt" -dim 10000 -max-memory 0.000001
check "-window 0" tr_bad "^w2v-train: -window: " "$D/c.txt" -window 0
check "-negative 0" tr_bad "^w2v-train: -negative" "$D/c.txt" -negative 0
check "-alpha -1" tr_bad "^w2v-train: -alpha: " "$D/c.txt" -alpha -1
check "-alpha nan" tr_bad "^w2v-train: -alpha: " "$D/c.txt" -alpha nan
check "-alpha inf" tr_bad "^w2v-train: -alpha: " "$D/c.txt" -alpha inf
check "-alpha 0.02x" tr_bad "^w2v-train: -alpha: " "$D/c.txt" -alpha 0.02x
check "-sample -0.5" tr_bad "^w2v-train: -sample: " "$D/c.txt" -sample -0.5
check "-epochs 0" tr_bad "^w2v-train: -epochs: " "$D/c.txt" -epochs 0
check "-epochs -1" tr_bad "^w2v-train: -epochs: " "$D/c.txt" -epochs -1
check "-min-count -1" tr_bad "^w2v-train: -min-count: " "$D/c.txt" -min-count -1
check "-max-vocab -5" tr_bad "^w2v-train: -max-vocab: " "$D/c.txt" -max-vocab -5
check "-seed -1" tr_bad "^w2v-train: -seed: " "$D/c.txt" -seed -1
check "-dim 1e3" tr_bad "^w2v-train: -dim: " "$D/c.txt" -dim 1e3
check "-dim 0x10" tr_bad "^w2v-train: -dim: " "$D/c.txt" -dim 0x10
check "-dim ''" tr_bad "^w2v-train: -dim: " "$D/c.txt" -dim ''
check "-dim ' 8'" tr_bad "^w2v-train: -dim: " "$D/c.txt" -dim ' 8'
check "-threads 2.0" tr_bad "^w2v-train: -threads: " "$D/c.txt" -threads 2.0
check "-threads 99999" tr_bad "^w2v-train: -threads: " "$D/c.txt" -threads 99999
check "-kernel fast" tr_bad "^w2v-train: -kernel: " "$D/c.txt" -kernel fast
check "-binary 2" tr_bad "^w2v-train: -binary: " "$D/c.txt" -binary 2
check "-max-token-bytes 0" tr_bad "^w2v-train: -max-token-bytes: " "$D/c.txt" -max-token-bytes 0
check "---dim" tr_bad "unknown option" "$D/c.txt" ---dim 8
check "two corpora" tr_bad "more than one corpus" "$D/c.txt" "$D/c.txt"
check "--dim works like -dim" tr_good "$D/c.txt" --dim 8
check "more threads than words" good "$T" "$D/one.txt" -o "$D/v.txt" -quiet -threads 64 -min-count 1 -dim 8
check "  one vector" header_is "$D/v.txt" "1 8"
check "-max-vocab 1" tr_good "$D/c.txt" -max-vocab 1
check "  keeps the most frequent word" sh -c "head -n 2 '$D/v.txt' | tail -n 1 | grep -q '^alpha '"

# ---- vocabulary files (-read-vocab) ------------------------------------------------

rv_bad() { local want=$1; printf -- "$2" > "$D/r.voc"; tr_bad "$want" "$D/c.txt" -read-vocab "$D/r.voc"; }
rv_good() { printf -- "$1" > "$D/r.voc"; tr_good "$D/c.txt" -read-vocab "$D/r.voc" && header_is "$D/v.txt" "$2"; }
check "vocab: good" rv_good 'alpha 3\nbeta 3\ngamma 2\n' "3 8"
check "vocab: no final newline" rv_good 'alpha 3\nbeta 3\ngamma 2' "3 8"
check "vocab: CRLF" rv_good 'alpha 3\r\nbeta 3\r\ngamma 2\r\n' "3 8"
check "vocab: non-UTF-8 word" rv_good 'alpha 3\nbe\xffta 3\n' "2 8"
printf 'alpha 3\nbeta 3\n' > "$D/r.voc"
check "vocab: a corpus word with a NUL byte is just unknown" \
    tr_good "$D/nul.txt" -read-vocab "$D/r.voc"
check "  both words trained" header_is "$D/v.txt" "2 8"
check "vocab: none of its words in the corpus" rv_bad "c.txt: no word of the given vocabulary" 'zzz 3\n'
printf 'alpha 3\nbeta 3\n' > "$D/r.voc"
check "vocab: every count below -min-count" bad "c.txt: no word of the given vocabulary .* at least 5" "$D/x.bin" \
    "$T" "$D/c.txt" -read-vocab "$D/r.voc" -o "$D/x.bin" -quiet
check "vocab: truncated line" rv_bad "r.voc:2: " 'alpha 3\nbeta'
check "vocab: negative count" rv_bad "r.voc:2: .*\"-3\"" 'alpha 3\nbeta -3\n'
check "vocab: non-numeric count" rv_bad "r.voc:2: " 'alpha 3\nbeta many\n'
check "vocab: fractional count" rv_bad "r.voc:2: " 'alpha 3\nbeta 2.5\n'
check "vocab: count overflows" rv_bad "r.voc:1: " 'alpha 99999999999999999999999\n'
check "vocab: duplicate word" rv_bad "r.voc:2: duplicate word \"alpha\"" 'alpha 3\nalpha 2\n'
check "vocab: word with a space" rv_bad "r.voc:2: " 'alpha 3\nal pha 2\n'
check "vocab: NUL in a word" rv_bad "r.voc:1: .*NUL" 'al\0pha 3\n'
check "vocab: blank line inside" rv_bad "r.voc:2: " 'alpha 3\n\nbeta 2\n'
check "vocab: empty" rv_bad "r.voc: .*no words" ''
check "vocab: binary garbage" bad "w2v-eval:[0-9]+: " "$D/x.bin" "$T" "$D/c.txt" -read-vocab "$E" -o "$D/x.bin" "${TR[@]}"
check "vocab: missing" tr_bad "$D/none.voc: " "$D/c.txt" -read-vocab "$D/none.voc"
check "vocab: directory" tr_bad "$D: " "$D/c.txt" -read-vocab "$D"

# ---- vector files (w2v-nearest, w2v-eval) --------------------------------------------

ONE='\x00\x00\x80\x3f' HALF='\x00\x00\x00\x3f' ZERO='\x00\x00\x00\x00'
NAN='\x00\x00\xc0\x7f' INF='\x00\x00\x80\x7f'
# vec_bad RE NAME CONTENT: w2v-nearest fails on it, naming NAME
vec_bad() { printf -- "$3" > "$D/$2"; bad "$D/$2: $1" - "$N" "$D/$2" king; }
vec_good() { printf -- "$2" > "$D/$1"; good "$N" "$D/$1" king; }
check "text vectors" vec_good v.txt '3 2\nking 1 0\nqueen 0.9 0.1\nman 0 1\n'
cp "$D/out" "$D/text.out"
check "text: no final newline, CRLF, trailing blanks" \
    vec_good v2.txt '3 2\r\nking 1 0 \r\nqueen 0.9 0.1\t\r\nman 0 1'
check "  same answer" cmp -s "$D/text.out" "$D/out"
check "binary, newline after each vector" vec_good b1.bin "3 2\nking $ONE$ZERO\nqueen $ONE$HALF\nman $ZERO$ONE\n"
cp "$D/out" "$D/bin.out"
check "binary, no newlines (gensim)" vec_good b2.bin "3 2\nking $ONE${ZERO}queen $ONE${HALF}man $ZERO$ONE"
check "  same answer" cmp -s "$D/bin.out" "$D/out"
check "  queen first" sh -c "sed -n 2p '$D/out' | grep -q queen"
check "text: truncated" vec_bad "line 4: .*truncated" t.txt '3 2\nking 1 0\nqueen 0.9 0.1\n'
check "text: value missing" vec_bad "line 3: .*1 values, the header says 2" t.txt '3 2\nking 1 0\nqueen 0.9\nman 0 1\n'
check "text: header larger than data" vec_bad "line 5: " t.txt '5 2\nking 1 0\nqueen 0.9 0.1\nman 0 1\n'
check "text: header smaller than data" vec_bad "line 4: more lines" t.txt '2 2\nking 1 0\nqueen 0.9 0.1\nman 0 1\n'
check "text: dimension 0" vec_bad "line 1: dimension 0" t.txt '3 0\nking\nqueen\nman\n'
check "text: absurd dimension" vec_bad "line 1: dimension 99999999999 exceeds" t.txt '3 99999999999\nking 1 0\n'
check "text: absurd word count" vec_bad "line 1: " t.txt '99999999999 2\nking 1 0\n'
check "text: header number overflows" vec_bad "line 1: header number too large" t.txt '99999999999999999999999 2\nking 1 0\n'
check "text: negative word count" vec_bad "line 1: header must be" t.txt '-3 2\nking 1 0\n'
check "text: 0 words" vec_bad "line 1: .*0 words" t.txt '0 2\n'
check "text: non-numeric value" vec_bad "line 2: value 2 of 'king' .* not a number" t.txt '3 2\nking 1 x\nqueen 0.9 0.1\nman 0 1\n'
check "text: NaN" vec_bad "line 3: .*not finite" t.txt '3 2\nking 1 0\nqueen nan 0.1\nman 0 1\n'
check "text: -Inf" vec_bad "line 4: .*not finite" t.txt '3 2\nking 1 0\nqueen 0.9 0.1\nman -inf 1\n'
check "text: beyond float range" vec_bad "line 2: .*not finite" t.txt '3 2\nking 1 1e39\nqueen 0.9 0.1\nman 0 1\n'
check "text: word with a space" vec_bad "line 3: " t.txt '3 2\nking 1 0\nque en 0.9 0.1\nman 0 1\n'
check "text: empty line" vec_bad "line 3: empty line" t.txt '3 2\nking 1 0\n\nman 0 1\n'
check "text: duplicate word keeps the first" vec_good t.txt '3 2\nking 1 0\nking 0 1\nqueen 0.9 0.1\n'
check "  only the other word is a neighbour" test "$(grep -c '^ *[0-9]' "$D/out")" = 1
check "text: non-UTF-8 word" vec_good t.txt '3 2\nking 1 0\nqu\xffen 0.9 0.1\nman 0 1\n'
check "  comes back as it is" grep -qa $'qu\xffen' "$D/out"
check "binary: truncated" vec_bad "byte 37: record 3 .* truncated" t.bin "3 2\nking $ONE$ZERO\nqueen $ONE$HALF\nman $ZERO"
check "binary: header larger than data" vec_bad "byte [0-9]+: file ends after 3 of the 4" t.bin "4 2\nking $ONE$ZERO\nqueen $ONE$HALF\nman $ZERO$ONE\n"
check "binary: header smaller than data" vec_bad "byte [0-9]+: data after the 2 words" t.bin "2 2\nking $ONE$ZERO\nqueen $ONE$HALF\nman $ZERO$ONE\n"
check "binary: header far beyond the data" vec_bad "line 1: .*more than the" t.bin "4000000000 2\nking $ONE$ZERO\n"
check "binary: dimension beyond the data" vec_bad "line 1: .*more than the" t.bin "3 100000\nking $ONE$ZERO\n"
check "binary: NaN" vec_bad "byte 13: value 2 of 'king' .* NaN" t.bin "3 2\nking $ONE$NAN\nqueen $ONE$HALF\nman $ZERO$ONE\n"
check "binary: Inf" vec_bad "byte 24: value 1 of 'queen' .* infinite" t.bin "3 2\nking $ONE$ZERO\nqueen $INF$HALF\nman $ZERO$ONE\n"
check "binary: NUL in a word" vec_bad "byte 18: .*NUL" t.bin "3 2\nking $ONE$ZERO\nqu\x00en $ONE$HALF\nman $ZERO$ONE\n"
check "binary: empty word" vec_bad "byte 18: .*empty word" t.bin "3 2\nking $ONE$ZERO\n $ONE$HALF\nman $ZERO$ONE\n"
check "binary: word with a space" vec_bad "byte [0-9]+: " t.bin "3 2\nking $ONE$ZERO\nque en $ONE$HALF\nman $ZERO$ONE\n"
check "binary: duplicate word keeps the first" vec_good t.bin "3 2\nking $ONE$ZERO\nking $ZERO$ONE\nqueen $ONE$HALF\n"
check "  only the other word is a neighbour" test "$(grep -c '^ *[0-9]' "$D/out")" = 1
check "binary: non-UTF-8 word" vec_good t.bin "3 2\nking $ONE$ZERO\nqu\xe9en $ONE$HALF\nman $ZERO$ONE\n"
check "  comes back as it is" grep -qa $'qu\xe9en' "$D/out"
check "empty vector file" vec_bad "empty file" t.bin ''
check "header only" vec_bad "line 1: " t.bin '3 2\n'
check "header without newline" vec_bad "line 1: " t.bin '3 2'
check "binary garbage as vectors" bad "w2v-eval: line 1: " - "$N" "$E" king
check "vectors: missing file" bad "$D/none.bin: " - "$N" "$D/none.bin" king
check "vectors: directory" bad "$D: is a directory" - "$N" "$D" king
check "vectors: /dev/zero" bad "/dev/zero: not a regular file" - "$N" /dev/zero king
mkfifo "$D/vfifo"
printf '3 2\nking 1 0\nqueen 0.9 0.1\nman 0 1\n' > "$D/v3.txt"
feed "$D/v3.txt" "$D/vfifo"
check "vectors from a FIFO" good "$N" "$D/vfifo" king
reap
check "  same answer" cmp -s "$D/text.out" "$D/out"
check "unknown query word" bad "'nobody' is not in the vocabulary" - "$N" "$D/v.txt" nobody
check "dangling operator" bad "^w2v-nearest: " - "$N" "$D/v.txt" king -
check "w2v-nearest -n 0" bad "^w2v-nearest: -n: " - "$N" -n 0 "$D/v.txt" king
check "w2v-nearest -n 3e" bad "^w2v-nearest: -n: " - "$N" -n 3e "$D/v.txt" king
check "w2v-nearest -restrict -1" bad "^w2v-nearest: -restrict: " - "$N" -restrict -1 "$D/v.txt" king
check "w2v-nearest -binary 2" bad "^w2v-nearest: -binary: " - "$N" -binary 2 "$D/v.txt" king
check "w2v-nearest unknown flag" bad "unknown option '-frob'" - "$N" -frob "$D/v.txt" king
check "w2v-nearest missing value" bad "needs a value" - "$N" "$D/v.txt" -n
check "w2v-nearest: text read as binary" bad "v.txt: byte [0-9]+: " - "$N" -binary 1 "$D/v.txt" king
check "w2v-nearest: binary read as text" bad "b1.bin: line 2: " - "$N" -binary 0 "$D/b1.bin" king
printf 'king\n\n  \nnobody\r\nqueen\r\n' > "$D/queries"
go "$N" "$D/v.txt" < "$D/queries"
check "stdin queries: blank lines skipped, CRLF, unknown word reported" \
    test $rc = 1 -a "$(grep -c '^query: ' "$D/out")" = 2 -a "$(wc -l < "$D/err")" = 1
{ head -c 70000 /dev/zero | tr '\0' k; printf '\nking\n'; } > "$D/queries"
go "$N" "$D/v.txt" < "$D/queries"
check "stdin query line over 64 KiB" test $rc = 1 -a "$(grep -c '^query: king' "$D/out")" = 1

# ---- question and similarity files (w2v-eval) -------------------------------------------

printf '4 2\nking 1 0\nqueen 0.9 0.1\nman 0 1\nwoman 0.1 0.9\n' > "$D/e.txt"
ev_bad() { printf -- "$2" > "$D/q.txt"; bad "$D/q.txt$1" - "$E" "$D/e.txt" "$D/q.txt"; }
ev_json() { printf -- "$1" > "$D/q.txt"; good "$E" -json "$D/e.txt" "$D/q.txt" && grep -qF -- "$2" "$D/out" ||
    { echo "  $(cat "$D/out")"; return 1; }; }
ANA='"total":{"correct":1,"seen":1,"total":1}'
check "questions" ev_json ': sec\nking queen man woman\n' "$ANA"
check "questions: blank lines, comments" ev_json '\n# c\n: sec\n\n\nking queen man woman\n\n' "$ANA"
check "questions: CRLF, tabs, no final newline" ev_json ': sec\r\nking\tqueen man  woman' "$ANA"
check "questions: 3 words" ev_bad ":2: expected 4 words .* found 3" ': sec\nking queen man\n'
check "questions: 5 words" ev_bad ":2: expected 4 words .* found 5" ': sec\nking queen man woman x\n'
check "questions: nameless section" ev_bad ":1: section header without a name" ':\nking queen man woman\n'
check "questions: control byte" ev_bad ":2: control byte 0x01 at column 5" ': s\nking\x01 queen man woman\n'
check "questions: CR inside a line" ev_bad ":2: control byte 0x0d at column 5" ': s\nking\rqueen man woman x\n'
check "questions: only a header" ev_bad ": no analogy questions" ': sec\n'
SIM='"pairs":3,"used":3,"oov":0,"spearman":1,'
check "pairs" ev_json 'king queen 9\nking man 1\nqueen woman 5\n' "$SIM"
check "pairs: CRLF, tabs, blank lines, comments" ev_json '# x\r\nking\tqueen\t9\r\n\r\nking man 1\r\n  \r\nqueen woman 5' "$SIM"
check "pairs: 2 fields" ev_bad ":2: expected 'word1 word2 score', found 2" 'king queen 9\nking man\n'
check "pairs: 4 fields" ev_bad ":1: expected 'word1 word2 score', found 4" 'king queen 9 1\n'
check "pairs: NaN score" ev_bad ":1: score \"nan\"" 'king queen nan\nking man 1\n'
check "pairs: score overflows" ev_bad ":1: score \"1e999\"" 'king queen 1e999\nking man 1\n'
check "pairs: hex score" ev_bad ":1: score \"0x10\"" 'king queen 0x10\nking man 1\n'
check "pairs: control byte" ev_bad ":1: control byte 0x00" 'king queen\0 9\n'
check "empty evaluation file" ev_bad ": no word pairs" ''
check "only newlines" ev_bad ": no word pairs" '\n\n\r\n\n'
check "binary garbage" bad "^w2v-eval: $E:1: control byte" - "$E" "$D/e.txt" "$E"
check "missing evaluation file" bad "$D/none.txt: cannot open" - "$E" "$D/e.txt" "$D/none.txt"
mkdir "$D/emptydir"
check "empty directory" bad "emptydir: no files" - "$E" "$D/e.txt" "$D/emptydir"
check "evaluation file /dev/zero" bad "/dev/zero: not a regular file" - "$E" "$D/e.txt" /dev/zero
mkfifo "$D/qfifo"
printf ': sec\nking queen man woman\n' > "$D/q.txt"
feed "$D/q.txt" "$D/qfifo"
check "questions from a FIFO" good "$E" -json "$D/e.txt" "$D/qfifo"
reap
check "  scored" grep -qF "$ANA" "$D/out"
printf ': sec\nking queen man woman\n' > "$D/q.txt"
check "bad vector file named" bad "t.bin: line 1: " - "$E" "$D/t.bin" "$D/q.txt"
check "one bad file of two: the good one is scored" sh -c \
    "timeout 60 '$E' -json '$D/e.txt' '$D/q.txt' '$D/none.txt' >'$D/out' 2>'$D/err'; test \$? = 1 && grep -qF '$ANA' '$D/out' && test \$(wc -l <'$D/err') = 1"
check "w2v-eval -restrict -1" bad "^w2v-eval: -restrict: " - "$E" -restrict -1 "$D/e.txt" "$D/q.txt"
check "w2v-eval -threads 0" bad "^w2v-eval: -threads: " - "$E" -threads 0 "$D/e.txt" "$D/q.txt"
check "w2v-eval -method x" bad "^w2v-eval: -method: " - "$E" -method x "$D/e.txt" "$D/q.txt"
check "w2v-eval -case x" bad "^w2v-eval: -case: " - "$E" -case x "$D/e.txt" "$D/q.txt"
check "w2v-eval unknown flag" bad "unknown option '-frob'" - "$E" -frob "$D/e.txt" "$D/q.txt"
check "w2v-eval -answers in a missing directory" bad "$D/nodir/a.tsv" "$D/nodir/a.tsv" \
    "$E" -answers "$D/nodir/a.tsv" "$D/e.txt" "$D/q.txt"
check "w2v-eval -answers /dev/full" bad "/dev/full" - "$E" -answers /dev/full "$D/e.txt" "$D/q.txt"
if [ "$(id -u)" -ne 0 ]; then
    cp "$D/q.txt" "$D/unreadable.txt"; chmod 000 "$D/unreadable.txt"
    check "unreadable evaluation file" bad "unreadable.txt: cannot open" - "$E" "$D/e.txt" "$D/unreadable.txt"
fi
# ---- w2v-embed and w2v-search ----------------------------------------------------

EM=$W2V_BIN/w2v-embed
SR=$W2V_BIN/w2v-search
printf '3 2\nalpha 1 0\nbeta 0 1\ngamma 1 1\n' > "$D/s.txt"
printf 'alpha 10\nbeta 5\ngamma 2\n' > "$D/s.voc"
printf 'alpha beta\ngamma\nnothing here\n' > "$D/docs.txt"
check "embed: no -o" bad "no output given" - "$EM" "$D/s.txt" "$D/docs.txt" -vocab "$D/s.voc"
check "embed: sif without -vocab" bad "-weight sif needs -vocab" "$D/e.vec" "$EM" "$D/s.txt" "$D/docs.txt" -o "$D/e.vec"
check "embed: -weight x" bad "^w2v-embed: -weight: 'x'" "$D/e.vec" "$EM" "$D/s.txt" "$D/docs.txt" -weight x -o "$D/e.vec"
check "embed: -sif-a 0" bad "^w2v-embed: -sif-a: " "$D/e.vec" "$EM" "$D/s.txt" "$D/docs.txt" -vocab "$D/s.voc" -sif-a 0 -o "$D/e.vec"
check "embed: -pc with mean" bad "-pc needs component removal" "$D/e.vec" "$EM" "$D/s.txt" "$D/docs.txt" -weight mean -pc "$D/pc" -o "$D/e.vec"
check "embed: missing vectors" bad "none.bin: " "$D/e.vec" "$EM" "$D/none.bin" "$D/docs.txt" -weight mean -o "$D/e.vec"
check "embed: vectors are a vocabulary" bad "s.voc" "$D/e.vec" "$EM" "$D/s.voc" "$D/docs.txt" -weight mean -o "$D/e.vec"
check "embed: bad vocabulary" bad "s.txt:2: count is not" "$D/e.vec" "$EM" "$D/s.txt" "$D/docs.txt" -vocab "$D/s.txt" -o "$D/e.vec"
check "embed: text is a directory" bad "emptydir: is a directory" "$D/e.vec" "$EM" "$D/s.txt" "$D/emptydir" -weight mean -o "$D/e.vec"
check "embed: missing text" bad "none.txt: cannot open" "$D/e.vec" "$EM" "$D/s.txt" "$D/none.txt" -weight mean -o "$D/e.vec"
check "embed: empty text" bad "empty.txt: no lines" "$D/e.vec" "$EM" "$D/s.txt" "$D/empty.txt" -weight mean -o "$D/e.vec"
printf 'nothing known\n' > "$D/unk.txt"
check "embed: sif, no known word anywhere" bad "unk.txt: no line has a word with a vector" "$D/e.vec" "$EM" "$D/s.txt" "$D/unk.txt" -vocab "$D/s.voc" -o "$D/e.vec"
check "embed: mean, no known word: zero vectors" good "$EM" "$D/s.txt" "$D/unk.txt" -weight mean -o "$D/e.vec"
check "  counted" grep -q "(1 with no known word" "$D/err"
printf '1 3\npc 1 0 0\n' > "$D/pc3.txt"
check "embed: component of the wrong dimension" bad "pc3.txt: a component file holds one vector of 2" "$D/e.vec" "$EM" "$D/s.txt" "$D/docs.txt" -vocab "$D/s.voc" -pc "$D/pc3.txt" -o "$D/e.vec"
printf '1 2\npc 3 0\n' > "$D/pc2.txt"
check "embed: component not of unit length" bad "pc2.txt: the component has length 3" "$D/e.vec" "$EM" "$D/s.txt" "$D/docs.txt" -vocab "$D/s.voc" -pc "$D/pc2.txt" -o "$D/e.vec"
check "embed: output in a missing directory" bad "nodir" - "$EM" "$D/s.txt" "$D/docs.txt" -weight mean -o "$D/nodir/e.vec"
check "embed: output /dev/full" bad "/dev/full" - "$EM" "$D/s.txt" "$D/docs.txt" -weight mean -o /dev/full
printf 'alpha\nbeta\0gamma\n' > "$D/nuldocs.txt"
check "embed: NUL byte names file:line" bad "nuldocs.txt:2: a NUL byte \\(at byte 10\\)" "$D/e.vec" "$EM" "$D/s.txt" "$D/nuldocs.txt" -weight mean -o "$D/e.vec"
check "build: NUL byte names file:line" bad "nuldocs.txt:2: a NUL byte" "$D/ix" "$SR" -build "$D/s.txt" "$D/s.voc" "$D/nuldocs.txt" -o "$D/ix"
check "embed: from stdin" sh -c "printf 'alpha\n' | timeout 60 '$EM' '$D/s.txt' - -weight mean -binary 0 -o '$D/e.vec' -quiet && head -n 1 '$D/e.vec' | grep -qx '1 2'"

check "build: no -o" bad "-build needs -o INDEX" - "$SR" -build "$D/s.txt" "$D/s.voc" "$D/docs.txt"
check "build: sif without VOCAB" bad "-build needs VECTORS VOCAB DOCS" - "$SR" -build "$D/s.txt" "$D/docs.txt" -o "$D/ix"
check "build: empty documents" bad "empty.txt: no lines to index" "$D/ix" "$SR" -build "$D/s.txt" "$D/s.voc" "$D/empty.txt" -o "$D/ix"
check "build: documents with no known word" bad "unk.txt: no line has a word with a vector" "$D/ix" "$SR" -build "$D/s.txt" "$D/s.voc" "$D/unk.txt" -o "$D/ix"
check "build: bad regex" bad "token-regex|pattern" "$D/ix" "$SR" -build "$D/s.txt" "$D/s.voc" "$D/docs.txt" -token-regex '(' -o "$D/ix"
check "build: output in a missing directory" bad "nodir" - "$SR" -build "$D/s.txt" "$D/s.voc" "$D/docs.txt" -o "$D/nodir/ix"
check "build: output /dev/full" bad "/dev/full" - "$SR" -build "$D/s.txt" "$D/s.voc" "$D/docs.txt" -o /dev/full
check "build" good "$SR" -build "$D/s.txt" "$D/s.voc" "$D/docs.txt" -o "$D/ix" -quiet
check "search: -n 0" bad "^w2v-search: -n: " - "$SR" "$D/ix" -n 0 alpha
check "search: tokenisation flags refused" bad "fixed when the index is built" - "$SR" "$D/ix" -lowercase alpha
check "search: -o refused" bad "-o is for -build" - "$SR" "$D/ix" -o x alpha
check "search: unknown flag" bad "unknown option .-frob" - "$SR" "$D/ix" -frob alpha
check "search: missing index" bad "none.ix: cannot open" - "$SR" "$D/none.ix" alpha
check "search: empty index" bad "empty.txt: not a search index" - "$SR" "$D/empty.txt" alpha
check "search: a directory" bad "emptydir: not a regular file" - "$SR" "$D/emptydir" alpha
check "search: a text file" bad "docs.txt: not a search index" - "$SR" "$D/docs.txt" alpha
check "search: /dev/zero" bad "/dev/zero: not a regular file" - "$SR" /dev/zero alpha
head -c 600 "$D/ix" > "$D/ix.short"
check "search: truncated index" bad "ix.short: truncated or damaged" - "$SR" "$D/ix.short" alpha
cp "$D/ix" "$D/ix.bad"; printf 'X' | dd of="$D/ix.bad" bs=1 seek=500 conv=notrunc status=none
check "search: damaged index" bad "ix.bad: (checksum mismatch|non-zero padding)" - "$SR" "$D/ix.bad" alpha
printf 'alpha\nbe\0ta\n' > "$D/nulq.txt"
check "search: NUL in a stdin query" bad "stdin line 2: a NUL byte" - sh -c "'$SR' '$D/ix' < '$D/nulq.txt'"
check "search: empty stdin" good sh -c "'$SR' '$D/ix' -quiet < /dev/null"
check "search: blank query line" good sh -c "printf '\n' | '$SR' '$D/ix' -quiet | grep -q 'no word of the query'"
finish
