#!/usr/bin/env bash
# libw2v.so exports the public API and nothing else: `nm -D` lists exactly
# the functions that include/w2v/*.h declare (read after the preprocessor),
# every one prefixed w2v_; the library's internal w2v_ functions (kernels,
# noise, Huffman, ...) stay local; the soname is libw2v.so.MAJOR; and every
# global symbol of libw2v.a carries the prefix too.
set -u
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
: "${W2V_LIBDIR:=$root/build}"
CC=${W2V_CC:-cc}
so=$W2V_LIBDIR/libw2v.so a=$W2V_LIBDIR/libw2v.a
if [ ! -f "$so" ]; then
    check "$so exists (make shared)" false; finish
fi
major=$(awk '/^#define W2V_VERSION_MAJOR /{print $3}' "$root/include/w2v/version.h")
nm -D --defined-only "$so" | awk '{ print $NF }' | sort -u > "$TMP/exported"
for h in "$root"/include/w2v/*.h; do echo "#include \"w2v/${h##*/}\""; done |
    $CC -std=c11 -D_DEFAULT_SOURCE -E -P -I"$root/include" -x c - 2>/dev/null |
    grep -oE '\bw2v_[A-Za-z0-9_]+ *\([^*]' | sed -E 's/ *\(.*//' | sort -u > "$TMP/declared"
check "the public headers declare functions" test -s "$TMP/declared"
check "nm -D: every symbol has the w2v_ prefix" sh -c "! grep -v '^w2v_' '$TMP/exported'"
grep -v '^w2v_' "$TMP/exported" | sed 's/^/  not w2v_: /' | head
comm -23 "$TMP/exported" "$TMP/declared" > "$TMP/extra"
comm -13 "$TMP/exported" "$TMP/declared" > "$TMP/missing"
check "nm -D: nothing the public headers do not declare" test ! -s "$TMP/extra"
sed 's/^/  exported, not public: /' "$TMP/extra" | head
check "nm -D: every function the public headers declare" test ! -s "$TMP/missing"
sed 's/^/  public, not exported: /' "$TMP/missing" | head
# The library does have internal w2v_ functions; they must be the hidden ones.
nm -g --defined-only "$a" | awk 'NF == 3 { print $3 }' | sort -u > "$TMP/static"
comm -23 "$TMP/static" "$TMP/declared" > "$TMP/internal"
check "libw2v.a has internal w2v_ functions ($(wc -l < "$TMP/internal"))" test -s "$TMP/internal"
check "  none of them exported by libw2v.so" sh -c "! comm -12 '$TMP/internal' '$TMP/exported' | grep -q ."
check "libw2v.a: every global symbol has the w2v_ prefix" sh -c "! grep -v '^w2v_' '$TMP/static'"
check "soname libw2v.so.$major" sh -c "readelf -d '$so' | grep -q 'SONAME.*\[libw2v.so.$major\]'"
check "w2v_version is exported" grep -qx w2v_version "$TMP/exported"
finish
