#!/usr/bin/env bash
# Download the standard corpus and evaluation sets for a machine with
# internet access:
#   data/text8                        Matt Mahoney's first 10^8 bytes of Wikipedia
#   eval/data/questions-words.txt     Mikolov et al.'s word analogies
#   eval/data/questions-phrases.txt   and phrase analogies
#   eval/data/EN-*.txt                word-similarity sets (WS-353, SimLex-999, MEN, RW, ...)
# Files already present are kept.  None of them is part of this project:
# each keeps its authors' terms.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p data eval/data
fetch() { # URL DEST
    [ -s "$2" ] && return 0
    echo "fetching $2"
    curl -fsSL --retry 3 -o "$2.part" "$1" && mv "$2.part" "$2"
}
if [ ! -s data/text8 ]; then
    fetch http://mattmahoney.net/dc/text8.zip data/text8.zip
    (cd data && unzip -o -q text8.zip && rm -f text8.zip)
fi
W2V=https://raw.githubusercontent.com/tmikolov/word2vec/master
fetch "$W2V/questions-words.txt" eval/data/questions-words.txt
fetch "$W2V/questions-phrases.txt" eval/data/questions-phrases.txt
SIM=https://raw.githubusercontent.com/mfaruqui/eval-word-vectors/master/data/word-sim
for f in EN-WS-353-ALL EN-WS-353-SIM EN-WS-353-REL EN-SIMLEX-999 EN-MEN-TR-3k EN-RW-STANFORD \
         EN-MTurk-287 EN-MTurk-771 EN-RG-65 EN-MC-30 EN-YP-130 EN-VERB-143 EN-SimVerb-3500; do
    fetch "$SIM/$f.txt" "eval/data/$f.txt"
done
echo "data ready: data/text8, eval/data/"
