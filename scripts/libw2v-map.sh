#!/usr/bin/env bash
# scripts/libw2v-map.sh 'HEADERS' OBJECT...
# Prints the linker version script of libw2v.so: the global symbols of the
# objects that the public headers name (read after the preprocessor, so a
# name in a comment does not count) are exported;
# every other symbol, internal w2v_ helpers included, stays local.  The
# version script is anonymous (no symbol versions): the soname carries the
# ABI, and `nm -D` lists the public functions and nothing else.
# The Makefile runs it; CC is the compiler whose preprocessor reads the
# headers.
set -euo pipefail
headers=$1
shift
declared=$(for h in $headers; do printf '#include "%s"\n' "${h#include/}"; done |
    ${CC:-cc} -std=c11 -D_DEFAULT_SOURCE -E -P -Iinclude -x c - |
    grep -o '\bw2v_[A-Za-z0-9_]*' | sort -u)
defined=$(nm -g --defined-only "$@" | awk 'NF == 3 { print $3 }' | sort -u)
exported=$(comm -12 <(printf '%s\n' "$declared") <(printf '%s\n' "$defined"))
[ -n "$exported" ] || { echo "libw2v-map.sh: no public symbol found" >&2; exit 1; }
echo "/* libw2v.so's exports, made by scripts/libw2v-map.sh from include/w2v/*.h */"
echo "{"
echo "  global:"
printf '    %s;\n' $exported
echo "  local:"
echo "    *;"
echo "};"
