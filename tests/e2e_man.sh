#!/usr/bin/env bash
# The manual pages agree with the programs and are clean roff:
# - every program in W2V_BIN has man/PROG.1, and every man/*.1 a program;
# - each page has the sections a program's page needs (OPTIONS, FILES,
#   EXIT STATUS, EXAMPLES, ...);
# - each page's OPTIONS list exactly the flags of the program's --help;
# - --help and --version print to stdout and exit 0, --version the one
#   version of include/w2v/version.h;
# - mandoc -Tlint reports nothing on any page (skipped, visibly, without
#   mandoc), and man -l renders each without a warning.
set -u
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(awk '/^#define W2V_VERSION_(MAJOR|MINOR|PATCH) /{printf "%s%s", s, $3; s="."}' \
          "$root/include/w2v/version.h")

# The flags in a --help text: each line "  -a, -b ARG   text" names -a and -b
# (the same reading as completion/w2v).
help_flags() {
    awk '/^  -/ {
            left = substr($0, 3); cut = index(left, "  ")
            if (cut) left = substr(left, 1, cut - 1)
            n = split(left, part, /, | \/ /)
            for (k = 1; k <= n; k++) { split(part[k], w, " "); if (w[1] ~ /^--?[A-Za-z]/) print w[1] }
         }' "$1" | sort -u
}
# The flags a page's OPTIONS section lists: every "Fl name" of an .It line.
page_flags() {
    awk '/^\.Sh / { in_opts = ($2 == "OPTIONS") }
         in_opts && /^\.It Fl / {
            for (i = 2; i < NF; i++) if ($i == "Fl") { f = "-" $(i + 1); gsub(/\\/, "", f); if (f != "--") print f }
         }' "$1" | sort -u
}
same_flags() { # PROG PAGE
    "$W2V_BIN/$1" --help > "$TMP/help" 2>"$TMP/err" || return 1
    help_flags "$TMP/help" > "$TMP/h"
    page_flags "$2" > "$TMP/p"
    [ -s "$TMP/h" ] && diff "$TMP/h" "$TMP/p" > "$TMP/d" && return 0
    sed 's/^</  only in --help:/; s/^>/  only in the page:/' "$TMP/d" | grep '^  only'
    return 1
}
stdout_exit0() { # PROG FLAG: output on stdout only, exit 0
    "$W2V_BIN/$1" "$2" > "$TMP/o" 2> "$TMP/e" && [ -s "$TMP/o" ] && [ ! -s "$TMP/e" ]
}
# Under the sanitizers, MPI's own allocations (w2v-train-mpi) are not ours
# to report (as in e2e_mpi.sh).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
progs=$(cd "$W2V_BIN" && ls w2v-* 2>/dev/null)
check "programs found in $W2V_BIN" test -n "$progs"
for p in $progs; do
    page=$root/man/$p.1
    check "$p has man/$p.1" test -f "$page"
    [ -f "$page" ] || continue
    check "$p: the page lists exactly the flags of --help" same_flags "$p" "$page"
    check "$p: .Dt names the page" grep -qx ".Dt $(tr a-z A-Z <<<"$p") 1" "$page"
    for sh in SYNOPSIS DESCRIPTION OPTIONS FILES "EXIT STATUS" EXAMPLES "SEE ALSO"; do
        check "$p.1 has $sh" grep -qx ".Sh $sh" "$page"
    done
    for f in --help -h --version; do check "$p $f: stdout, exit 0" stdout_exit0 "$p" $f; done
    check "$p --version: $p (w2v) $version" sh -c "'$W2V_BIN/$p' --version | head -1 | grep -qx '$p (w2v) $version'"
    check "$p --help starts with usage:" sh -c "'$W2V_BIN/$p' --help | head -1 | grep -q '^usage: $p '"
done
for page in "$root"/man/*.1; do
    p=$(basename "$page" .1)
    check "man/$p.1 has a program" test -f "$root/src/cli/$p.c" -o -f "$root/src/mpi/$p.c"
done
for page in "$root"/man/*.[0-9]; do
    n=$(basename "$page"); sec=${n##*.}
    check "$n: .Dt names the page" grep -qx ".Dt $(tr a-z A-Z <<<"${n%.*}") $sec" "$page"
done
check "libw2v.3 and w2v-formats.5 exist" test -f "$root/man/libw2v.3" -a -f "$root/man/w2v-formats.5"

# ---- lint and render ----------------------------------------------------------------
if command -v mandoc >/dev/null; then
    # A tree of the pages, indexed, so cross references resolve among them.
    for page in "$root"/man/*.[0-9]; do
        n=$(basename "$page"); mkdir -p "$TMP/man/man${n##*.}"; cp "$page" "$TMP/man/man${n##*.}/"
    done
    command -v makewhatis >/dev/null && makewhatis "$TMP/man" 2>/dev/null
    for page in "$TMP"/man/man*/*.[0-9]; do
        n=$(basename "$page")
        mandoc -Tlint -W style -M "$TMP/man" "$page" > "$TMP/lint" 2>&1
        check "mandoc -Tlint $n: nothing to report" test ! -s "$TMP/lint"
        sed 's/^/  /' "$TMP/lint"
    done
else
    echo "SKIP: mandoc not found: no lint of the pages (apt-get install mandoc)"
fi
if command -v man >/dev/null; then
    for page in "$root"/man/*.[0-9]; do
        MANPAGER=cat MANWIDTH=80 man -l "$page" > "$TMP/r" 2> "$TMP/e"
        check "man -l $(basename "$page") renders, no warning" sh -c "grep -q '^NAME' '$TMP/r' && ! test -s '$TMP/e'"
        sed 's/^/  /' "$TMP/e"
    done
else
    echo "SKIP: man not found: pages not rendered"
fi
finish
