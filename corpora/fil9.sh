#!/usr/bin/env bash
# fil9: enwik9 (the first 10^9 bytes of the English Wikipedia dump of March
# 2006) with the article text extracted and normalised like text8 (about
# 124 M words; one line per article, where Mahoney's fil9 is one line).
# -> corpora/data/fil9.txt
#
#   corpora/fil9.sh
. "$(dirname "$0")/lib.sh"
out=$DATA/fil9.txt
[ -s "$out" ] && { echo "$out is there" >&2; exit 0; }
fetch http://mattmahoney.net/dc/enwik9.zip enwik9.zip
unzip -p "$DATA/enwik9.zip" enwik9 | $WIKI > "$out.part"
finish "$out"
