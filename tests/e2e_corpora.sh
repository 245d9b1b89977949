#!/usr/bin/env bash
# End-to-end checks of the corpus scripts (corpora/): the normalisers on the
# samples in tests/data, and each download-and-normalise script run against
# tiny stand-ins of the real archives served from a local "mirror"
# (MIRROR=file://...), so that resuming, checksums and the unpacking are
# tested without a network.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
root=$(cd "$here/.." && pwd)
D=$here/data
C=$root/corpora

only_text8_chars() { ! LC_ALL=C grep -q '[^a-z ]\|  \|^ \| $' "$1"; }

check "textnorm sample" sh -c "perl '$C/textnorm.pl' < '$D/news-sample.txt' | cmp -s - '$D/news-sample.expected'"
check "textnorm is idempotent" sh -c "perl '$C/textnorm.pl' < '$D/news-sample.expected' | cmp -s - '$D/news-sample.expected'"
check "wikitext sample" sh -c "perl '$C/wikitext.pl' < '$D/wiki-sample.xml' | cmp -s - '$D/wiki-sample.expected'"
perl "$C/wikitext.pl" < "$D/wiki-sample.xml" > "$TMP/w.txt"
check "wikitext: a-z and single spaces only" only_text8_chars "$TMP/w.txt"
check "wikitext: one line per article, redirect dropped" test "$(wc -l < "$TMP/w.txt")" -eq 2
check "wikitext: link text kept" grep -q 'that shines at night' "$TMP/w.txt"
check "wikitext: caption kept, options dropped" sh -c "grep -q 'register the tower at dusk history' '$TMP/w.txt' && ! grep -q 'thumb\|px' '$TMP/w.txt'"
check "wikitext: templates, refs, comments, tables dropped" sh -c "! grep -q 'infobox\|nested\|source\|hidden\|rebuilt\|wikitable\|leuchtturm\|towers' '$TMP/w.txt'"
check "wikitext: digits spelled" grep -q 'in one eight four eight' "$TMP/w.txt"
# a dump cut in the middle of a page still gives its text, and ends the line
head -n 16 "$D/wiki-sample.xml" | perl "$C/wikitext.pl" > "$TMP/cut.txt"
check "wikitext: truncated dump" sh -c "test \$(wc -l < '$TMP/cut.txt') -eq 1 && grep -q 'keepers lived there' '$TMP/cut.txt'"

# ---- the scripts, against a local mirror of tiny stand-ins
M=$TMP/mirror
mkdir -p "$M/1bw/1-billion-word-language-modeling-benchmark-r13output/training-monolingual.tokenized.shuffled" \
    "$M/1bw/1-billion-word-language-modeling-benchmark-r13output/heldout-monolingual.tokenized.shuffled"
printf 'anarchism originated as a term of abuse' > "$M/text8"
cp "$D/wiki-sample.xml" "$M/enwik9"
B=$M/1bw/1-billion-word-language-modeling-benchmark-r13output
cp "$D/news-sample.txt" "$B/training-monolingual.tokenized.shuffled/news.en-00001-of-00100"
printf 'Held out 1 line\n' > "$B/heldout-monolingual.tokenized.shuffled/news.en.heldout-00000-of-00050"
have_tools=1
for t in zip unzip tar gzip curl sha256sum; do command -v $t >/dev/null || have_tools=; done
if [ -z "$have_tools" ]; then
    skip "the corpus scripts need zip, unzip, tar, gzip, curl and sha256sum"
else
    (cd "$M" && zip -q text8.zip text8 && zip -q enwik9.zip enwik9)
    (cd "$M/1bw" && tar -czf "$M/1-billion-word-language-modeling-benchmark-r13output.tar.gz" .)
    export MIRROR=file://$M CORPORA_DATA=$TMP/data
    check "text8.sh" sh -c "'$C/text8.sh' 2>'$TMP/err' && cmp -s '$TMP/data/text8' '$M/text8'"
    check "text8.sh records the sha256" sh -c "grep -q 'recorded' '$TMP/err' && test -s '$TMP/data/text8.zip.sha256'"
    check "fil9.sh" sh -c "'$C/fil9.sh' 2>/dev/null && cmp -s '$TMP/data/fil9.txt' '$D/wiki-sample.expected'"
    check "1bw.sh: training shards only" sh -c "'$C/1bw.sh' 2>/dev/null && cmp -s '$TMP/data/1bw.txt' '$D/news-sample.expected'"
    # a changed download is refused, and nothing is written
    rm -f "$TMP/data/text8" "$TMP/data/text8.zip"
    (cd "$M" && printf 'x' >> text8 && rm text8.zip && zip -q text8.zip text8)
    check "sha256 mismatch refused" sh -c "! '$C/text8.sh' 2>'$TMP/err' && grep -q 'sha256' '$TMP/err' && test ! -e '$TMP/data/text8'"
    # an interrupted download is resumed: the bytes already there stay (here
    # marked as X's to tell them apart), the rest is appended
    rm -f "$TMP/data/enwik9.zip" "$TMP/data/enwik9.zip.sha256" "$TMP/data/fil9.txt"
    n=$(wc -c < "$M/enwik9.zip")
    head -c $((n / 2)) /dev/zero | tr '\0' X > "$TMP/data/enwik9.zip.part"
    check "resumed download" bash -c ". '$C/lib.sh' && fetch http://example.org/enwik9.zip enwik9.zip 2>/dev/null &&
        test \$(head -c $((n / 2)) '$TMP/data/enwik9.zip' | tr -d X | wc -c) -eq 0 &&
        cmp -s <(tail -c +$((n / 2 + 1)) '$TMP/data/enwik9.zip') <(tail -c +$((n / 2 + 1)) '$M/enwik9.zip')"
    rm -f "$TMP/data/enwik9.zip" "$TMP/data/enwik9.zip.sha256"
    check "fil9.sh after a fresh download" sh -c "'$C/fil9.sh' 2>/dev/null && cmp -s '$TMP/data/fil9.txt' '$D/wiki-sample.expected'"
    check "existing output kept" sh -c "'$C/fil9.sh' 2>&1 | grep -q 'is there'"
fi
# the evaluation-set manifest matches the copies the figures were measured with
if [ -d "$root/../shared/data/analogy" ] || [ -s "$root/eval/data/questions-words.txt" ]; then
    check "eval manifest sha256" sh -c "cd '$root' && scripts/fetch-data.sh -check >/dev/null"
else
    skip "no evaluation sets in eval/data or ../shared/data"
fi
finish
