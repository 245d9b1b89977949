#!/usr/bin/env bash
# The union of public corpora that word2vec's demo-train-big-model-v1.sh
# assembles (several billion words): WMT14 news crawl 2012 and 2013, the One
# Billion Word benchmark's training shards, the UMBC WebBase corpus and the
# current English Wikipedia, each normalised like text8 (lowercase a-z,
# digits spelled out, one sentence/paragraph/article per line).
# -> corpora/data/big-union.txt
#
# The demo's own normalisation differs (it keeps punctuation as tokens and
# deletes digits); this one keeps every corpus in one vocabulary with text8
# and the enwiki corpora.  The Wikipedia dump is "latest", so its checksum
# is only recorded, and it changes from month to month.  Needs about 60 GB
# of disk for the downloads and 40 GB for the text.
#
#   corpora/big-union.sh
. "$(dirname "$0")/lib.sh"
out=$DATA/big-union.txt
[ -s "$out" ] && { echo "$out is there" >&2; exit 0; }
news=http://www.statmt.org/wmt14/training-monolingual-news-crawl
fetch $news/news.2012.en.shuffled.gz news.2012.en.shuffled.gz
fetch $news/news.2013.en.shuffled.gz news.2013.en.shuffled.gz
fetch http://www.statmt.org/lm-benchmark/1-billion-word-language-modeling-benchmark-r13output.tar.gz \
    1-billion-word-language-modeling-benchmark-r13output.tar.gz
fetch http://ebiquity.umbc.edu/redirect/to/resource/id/351/UMBC-webbase-corpus umbc_webbase_corpus.tar.gz
fetch https://dumps.wikimedia.org/enwiki/latest/enwiki-latest-pages-articles.xml.bz2 \
    enwiki-latest-pages-articles.xml.bz2
{
    gzip -dc "$DATA/news.2012.en.shuffled.gz" "$DATA/news.2013.en.shuffled.gz" | $NORM
    tar -xzOf "$DATA/1-billion-word-language-modeling-benchmark-r13output.tar.gz" \
        --wildcards '*/training-monolingual.tokenized.shuffled/news.en-*' | $NORM
    tar -xzOf "$DATA/umbc_webbase_corpus.tar.gz" --wildcards 'webbase_all/*.txt' | $NORM
    bzip2 -dc "$DATA/enwiki-latest-pages-articles.xml.bz2" | $WIKI
} > "$out.part"
finish "$out"
