#!/usr/bin/env bash
# make install into a temporary DESTDIR: every file where the GNU layout puts
# it, the examples built there with pkg-config against the installed tree
# alone (not the source tree) and run on the planted corpus, the installed
# programs, pages and bash completion working, and make uninstall leaving
# nothing behind.  Under make test the install uses the build tree under
# test (MAKEFLAGS carries OUT, CC, SAN) and the examples are compiled with
# the same compiler and sanitizer (W2V_CC).
set -u
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
CC=${W2V_CC:-cc}
# The install is a make of its own: no jobserver of the caller's.
MAKEFLAGS=$(sed -E 's/--jobserver-(auth|fds)=[^ ]*//g; s/(^| )-j[0-9]*/ /g' <<<"${MAKEFLAGS:-}")
export MAKEFLAGS
if ! command -v pkg-config >/dev/null; then
    echo "SKIP: pkg-config not found"; finish
fi
D=$TMP/dest P=/usr/local
if ! make -s -C "$root" install DESTDIR="$D" PREFIX=$P >"$TMP/install.log" 2>&1; then
    cat "$TMP/install.log"; check "make install" false; finish
fi
version=$(awk '/^#define W2V_VERSION_(MAJOR|MINOR|PATCH) /{printf "%s%s", s, $3; s="."}' \
          "$root/include/w2v/version.h")
major=${version%%.*} minor=${version#*.}; minor=${minor%%.*}

# ---- the layout -------------------------------------------------------------
progs=$(cd "$W2V_BIN" && ls w2v-* 2>/dev/null)
has() { [ -e "$D$1" ] || { echo "  missing $1"; return 1; }; }
for p in $progs; do
    check "bin/$p" has $P/bin/$p
    check "man1/$p.1" has $P/share/man/man1/$p.1
    check "completion for $p" has $P/share/bash-completion/completions/$p
done
for h in "$root"/include/w2v/*.h; do check "header $(basename "$h")" cmp -s "$h" "$D$P/include/w2v/${h##*/}"; done
check "no other header" test "$(ls "$D$P/include/w2v" | wc -l)" = "$(ls "$root"/include/w2v/*.h | wc -l)"
lib=$D$P/lib
check "libw2v.a" has $P/lib/libw2v.a
check "libw2v.so.$major.$minor" test -f "$lib/libw2v.so.$major.$minor" -a ! -L "$lib/libw2v.so.$major.$minor"
check "libw2v.so.$major -> libw2v.so.$major.$minor" test "$(readlink "$lib/libw2v.so.$major")" = "libw2v.so.$major.$minor"
check "libw2v.so -> libw2v.so.$major.$minor" test "$(readlink "$lib/libw2v.so")" = "libw2v.so.$major.$minor"
check "soname libw2v.so.$major" sh -c "readelf -d '$lib/libw2v.so' | grep -q 'SONAME.*\[libw2v.so.$major\]'"
check "nm -D: only w2v_ symbols" sh -c "nm -D --defined-only '$lib/libw2v.so' | awk '\$3 !~ /^w2v_/ { bad = 1; print \"  \" \$0 } END { exit bad }'"
check "libw2v.3, w2v-formats.5" has $P/share/man/man3/libw2v.3
check "w2v-formats.5" has $P/share/man/man5/w2v-formats.5
check "w2v.pc" has $P/lib/pkgconfig/w2v.pc
for p in $progs; do
    # (MPI's own allocations are not ours for LeakSanitizer to report)
    lsan=; case $p in *-mpi) lsan="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" ;; esac
    check "$p --version says $version" sh -c "$lsan '$D$P/bin/$p' --version | head -1 | grep -qx '$p (w2v) $version'"
done

# ---- the examples, against the installed tree only --------------------------
export PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
check "pkg-config --modversion" test "$(pkg-config --modversion w2v)" = "$version"
cflags=$(pkg-config --cflags w2v) libs=$(pkg-config --libs w2v)
check "pkg-config points into DESTDIR" sh -c "echo '$cflags $libs' | grep -q -- '-L$lib'"
check "  and not at the source tree" sh -c "! echo '$cflags $libs' | grep -q '$root'"
mkdir "$TMP/ex" && cp "$root"/examples/*.c "$root"/examples/Makefile "$TMP/ex"/
# Headers found anywhere but DESTDIR would mean the example saw another tree.
headers_from_destdir() {
    $CC $cflags -M "$TMP/ex/$1.c" | tr ' \\' '\n\n' | grep '/w2v/' > "$TMP/hdrs"
    [ -s "$TMP/hdrs" ] && ! grep -v "^$D$P/include/w2v/" "$TMP/hdrs"
}
for ex in train_nearest score_analogies; do
    check "$ex: w2v headers come from DESTDIR" headers_from_destdir $ex
done
check "examples build with their Makefile" \
    make -s -C "$TMP/ex" CC="$CC" CFLAGS="-O1 -g -Wall -Wextra -Werror"
ldd_w2v() { LD_LIBRARY_PATH=$lib ldd "$TMP/ex/$1" | grep -q "libw2v.so.$major => $lib/"; }
check "train_nearest runs on the installed libw2v.so" ldd_w2v train_nearest
export LD_LIBRARY_PATH=$lib
planted_corpus "$TMP/c.txt"
"$TMP/ex/train_nearest" "$TMP/c.txt" t3w1 "$TMP/v.txt" > "$TMP/out" 2>&1; rc=$?
check "train_nearest exits 0" test $rc = 0
check "  reports library and headers $version" grep -qx "libw2v $version (headers $version)" "$TMP/out"
# Only the neighbour lines (indented), never the "nearest to" line, count.
same=$(awk '/^  t3w[0-9] / { n++ } END { print n + 0 }' "$TMP/out")
check "  4 of its 5 neighbours share the query's topic ($same)" test "$same" -ge 4
check "  wrote the vectors" sh -c "head -1 '$TMP/v.txt' | grep -qx '[0-9]* 32'"
printf '6 4\nking 1 1 0 0\nqueen 1 0 1 0\nman 0 1 0 1\nwoman 0 0 1 1\nprince 1 1 0.1 0\napple 0.3 -1 0.2 0.1\n' > "$TMP/hv.txt"
printf ': royal\nking queen man woman\nMAN WOMAN KING QUEEN\n: other\nking queen man unicorn\n' > "$TMP/q.txt"
"$TMP/ex/score_analogies" "$TMP/hv.txt" "$TMP/q.txt" > "$TMP/out" 2>&1; rc=$?
check "score_analogies exits 0" test $rc = 0
check "  2 of 2 right, 2 of 3 seen" grep -qE '^total +2 / 2 +correct \(100.00 %\), 2 of 3 questions seen' "$TMP/out"
printf ': topics\nt1w0 t1w1 t2w0 t2w1\nt1w0 t1w1 t2w0 nosuch\n' > "$TMP/q.txt"
"$TMP/ex/score_analogies" "$TMP/v.txt" "$TMP/q.txt" > "$TMP/out" 2>&1; rc=$?
check "score_analogies on the trained vectors: 1 of 2 seen" \
    sh -c "test $rc = 0 && grep -qE '^total .* 1 of 2 questions seen' '$TMP/out'"
"$TMP/ex/score_analogies" "$TMP/v.txt" "$TMP/none.txt" > "$TMP/out" 2>&1; rc=$?
check "score_analogies: a missing file is one line, exit 1" \
    sh -c "test $rc = 1 && grep -q 'none.txt' '$TMP/out' && test \$(wc -l < '$TMP/out') = 1"
unset LD_LIBRARY_PATH
# Static: libw2v.a and what pkg-config --static adds (Requires.private,
# Libs.private) are enough.
check "train_nearest links statically against libw2v.a" sh -c \
    "$CC $cflags '$TMP/ex/train_nearest.c' '$lib/libw2v.a' \$(pkg-config --static --libs w2v | sed 's/-lw2v//') -o '$TMP/ex/tn_static' && '$TMP/ex/tn_static' '$TMP/c.txt' t3w1 '$TMP/v2.txt' >/dev/null"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# ---- pages and completion from the installed tree -----------------------------
if command -v man >/dev/null; then
    for page in "$D$P"/share/man/man*/*; do
        check "man -l ${page##*/}" sh -c "MANPAGER=cat MANWIDTH=80 man -l '$page' 2>&1 >/dev/null | awk 'END { exit NR > 0 }' && MANPAGER=cat man -l '$page' | grep -q NAME"
    done
fi
complete_word() { # complete_word PROG WORD... : the completions of the last word
    PATH="$D$P/bin:$PATH" bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _w2v; printf "%s\n" "${COMPREPLY[@]}"' \
        "$D$P/share/bash-completion/completions/w2v" "$@"
}
check "completion: w2v-train -di -> -dim" test "$(complete_word w2v-train -di)" = -dim
check "completion: w2v-eval -method -> add mul" test "$(complete_word w2v-eval -method '' | tr '\n' ' ')" = "add mul "
check "completion: w2v-nearest --ver -> --version" test "$(complete_word w2v-nearest --ver)" = --version

# ---- uninstall ------------------------------------------------------------------
make -s -C "$root" uninstall DESTDIR="$D" PREFIX=$P >"$TMP/uninstall.log" 2>&1
check "make uninstall" test $? = 0
left=$(cd "$D" && find . ! -type d)
check "nothing left after uninstall" test -z "$left"
[ -z "$left" ] || printf '  left: %s\n' $left
finish
