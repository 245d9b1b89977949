#!/usr/bin/env bash
# The One Billion Word benchmark (Chelba et al. 2013): news sentences from
# WMT11, tokenised, shuffled, deduplicated; the 99 training shards (about
# 0.8 G words), normalised like text8, one sentence per line.
# -> corpora/data/1bw.txt   (the held-out shards are left out)
#
#   corpora/1bw.sh
. "$(dirname "$0")/lib.sh"
out=$DATA/1bw.txt
[ -s "$out" ] && { echo "$out is there" >&2; exit 0; }
fetch http://www.statmt.org/lm-benchmark/1-billion-word-language-modeling-benchmark-r13output.tar.gz \
    1-billion-word-language-modeling-benchmark-r13output.tar.gz
tar -xzOf "$DATA/1-billion-word-language-modeling-benchmark-r13output.tar.gz" \
    --wildcards '*/training-monolingual.tokenized.shuffled/news.en-*' | $NORM > "$out.part"
finish "$out"
