#!/usr/bin/env bash
# text8: Matt Mahoney's first 10^8 bytes of English Wikipedia (enwik9, 2006),
# already normalised (lowercase a-z, digits spelled out, one line);
# 17,005,207 words.  -> corpora/data/text8
#
#   corpora/text8.sh
. "$(dirname "$0")/lib.sh"
out=$DATA/text8
[ -s "$out" ] && { echo "$out is there" >&2; exit 0; }
fetch http://mattmahoney.net/dc/text8.zip text8.zip
unzip -p "$DATA/text8.zip" text8 > "$out.part"
# the published file is exactly 10^8 bytes of a-z and spaces
[ "$(wc -c < "$out.part")" -eq 100000000 ] || [ -n "${MIRROR:-}" ] ||
    die "text8 is $(wc -c < "$out.part") bytes, not 100000000"
[ "$(LC_ALL=C tr -d 'a-z ' < "$out.part" | wc -c)" -eq 0 ] || die "text8 holds bytes other than a-z and space"
finish "$out"
