#!/usr/bin/env bash
# make test-deb: `make deb` builds the packages w2v and libw2v-dev, and
# `dpkg-deb -c` shows each file where it belongs: the programs, their pages
# and completion in w2v; headers, libw2v.a, libw2v.so.MAJOR.MINOR with its
# links, w2v.pc, libw2v(3) and the examples in libw2v-dev; the licence and
# changelog in both.  The unpacked libw2v-dev then builds an example with
# pkg-config, and the source tree is left as it was.  Builds the project
# once more (about a minute); skipped, visibly, without dpkg-buildpackage
# and debhelper.
set -u
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
    echo "SKIP: dpkg-buildpackage or debhelper missing (scripts/install-deps.sh installs them)"
    finish
fi
version=$(awk '/^#define W2V_VERSION_(MAJOR|MINOR|PATCH) /{printf "%s%s", s, $3; s="."}' \
          "$root/include/w2v/version.h")
major=${version%%.*} minor=${version#*.}; minor=${minor%%.*}
arch=$(dpkg-architecture -qDEB_HOST_ARCH) multi=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
before=$(git -C "$root" status --porcelain 2>/dev/null)
MAKEFLAGS=$(sed -E 's/--jobserver-(auth|fds)=[^ ]*//g' <<<"${MAKEFLAGS:-}") make -s -C "$root" deb > "$TMP/log" 2>&1
rc=$?
check "make deb" test $rc = 0
[ $rc = 0 ] || { tail -30 "$TMP/log"; finish; }
check "the source tree is left as it was" test "$(git -C "$root" status --porcelain 2>/dev/null)" = "$before"
bin=$root/build/deb/w2v_${version}_$arch.deb dev=$root/build/deb/libw2v-dev_${version}_$arch.deb
check "w2v_${version}_$arch.deb" test -f "$bin"
check "libw2v-dev_${version}_$arch.deb" test -f "$dev"
dpkg-deb -c "$bin" | awk '{ print $6 }' | sed 's|^\./|/|' > "$TMP/bin.list"
dpkg-deb -c "$dev" | awk '{ print $6 }' | sed 's|^\./|/|' > "$TMP/dev.list"
in_bin() { grep -qx "$1" "$TMP/bin.list" || { echo "  w2v lacks $1"; return 1; }; }
in_dev() { grep -qx "$1" "$TMP/dev.list" || { echo "  libw2v-dev lacks $1"; return 1; }; }
# The programs a default build makes (w2v-train-mpi is not packaged).
for src in "$root"/src/cli/w2v-*.c; do
    p=$(basename "$src" .c)
    check "w2v: /usr/bin/$p" in_bin /usr/bin/$p
    check "w2v: $p.1" in_bin /usr/share/man/man1/$p.1.gz
    check "w2v: completion for $p" in_bin /usr/share/bash-completion/completions/$p
done
check "w2v: completion script" in_bin /usr/share/bash-completion/completions/w2v
check "w2v: w2v-formats.5" in_bin /usr/share/man/man5/w2v-formats.5.gz
for pkg in w2v libw2v-dev; do
    list=$TMP/bin.list; [ $pkg = w2v ] || list=$TMP/dev.list
    check "$pkg: copyright" grep -qx /usr/share/doc/$pkg/copyright "$list"
    check "$pkg: changelog" grep -qx /usr/share/doc/$pkg/changelog.gz "$list"
    check "$pkg: nothing outside /usr" sh -c "! grep -v '^/usr/\|^/$' '$list'"
done
check "w2v: no library or header" sh -c "! grep -q 'include\|\.so\|\.a$' '$TMP/bin.list'"
for h in "$root"/include/w2v/*.h; do check "libw2v-dev: ${h##*/}" in_dev /usr/include/w2v/${h##*/}; done
L=/usr/lib/$multi
for f in libw2v.a libw2v.so.$major.$minor libw2v.so.$major libw2v.so pkgconfig/w2v.pc; do
    check "libw2v-dev: $L/$f" in_dev $L/$f
done
check "libw2v-dev: libw2v.3" in_dev /usr/share/man/man3/libw2v.3.gz
for e in train_nearest.c score_analogies.c Makefile; do
    check "libw2v-dev: examples/$e" in_dev /usr/share/doc/libw2v-dev/examples/$e
done
check "libw2v-dev: no program" sh -c "! grep -q '^/usr/bin' '$TMP/dev.list'"
check "versions are $version" test "$(dpkg-deb -f "$bin" Version) $(dpkg-deb -f "$dev" Version)" = "$version $version"
check "copyright: Apache-2.0" grep -q '^License: Apache-2.0' "$root/debian/copyright"
[ -f /usr/share/common-licenses/Apache-2.0 ] &&
    check "LICENSE is the Apache-2.0 the copyright file points to" cmp -s "$root/LICENSE" /usr/share/common-licenses/Apache-2.0
# The unpacked packages: an example builds and runs against them alone.
dpkg-deb -x "$bin" "$TMP/root" && dpkg-deb -x "$dev" "$TMP/root"
check "the unpacked w2v-train runs" sh -c "'$TMP/root/usr/bin/w2v-train' --version | grep -q '(w2v) $version'"
export PKG_CONFIG_PATH=$TMP/root$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$TMP/root
check "example built from the package" sh -c "cc \$(pkg-config --cflags w2v) '$TMP/root/usr/share/doc/libw2v-dev/examples/score_analogies.c' \$(pkg-config --libs w2v) -o '$TMP/sa'"
printf '4 2\nking 1 0\nqueen 0.9 0.1\nman 0 1\nwoman 0.1 0.9\n' > "$TMP/v.txt"
printf ': s\nking queen man woman\n' > "$TMP/q.txt"
check "  and runs against the packaged libw2v.so" sh -c "LD_LIBRARY_PATH='$TMP/root$L' '$TMP/sa' '$TMP/v.txt' '$TMP/q.txt' | grep -q '^total  *1 / 1'"
finish
