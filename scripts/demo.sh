#!/usr/bin/env bash
# The main job: build, find a corpus and the evaluation sets, train
# skip-gram vectors, and evaluate them.
#   scripts/demo.sh [EPOCHS]        (default 1 epoch; 5 for the paper-style run)
# Corpus: data/text8 if present; else the environment's copy of enwiki8
# (../shared), decompressed into data/; else text8 is downloaded
# (scripts/fetch-data.sh).  Evaluation sets likewise from eval/data/ or
# ../shared/data.
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-1}
scripts/install-deps.sh
make -s
shared=../shared
if [ -s data/text8 ]; then
    corpus=data/text8
elif [ -s data/enwiki8.txt ]; then
    corpus=data/enwiki8.txt
elif [ -s "$shared/corpora/enwiki8.txt.xz" ]; then
    mkdir -p data
    echo "decompressing enwiki8 into data/"
    xz -dc "$shared/corpora/enwiki8.txt.xz" > data/enwiki8.txt.part && mv data/enwiki8.txt.part data/enwiki8.txt
    corpus=data/enwiki8.txt
else
    scripts/fetch-data.sh
    corpus=data/text8
fi
if [ -s eval/data/questions-words.txt ]; then
    analogy=eval/data/questions-words.txt; sim=eval/data
elif [ -d "$shared/data/analogy" ]; then
    analogy=$shared/data/analogy/questions-words.txt; sim=$shared/data/similarity
else
    scripts/fetch-data.sh
    analogy=eval/data/questions-words.txt; sim=eval/data
fi
bin/w2v-train "$corpus" -o data/vectors.bin -dim 300 -window 5 -negative 5 -sample 1e-4 \
    -min-count 5 -epochs "$epochs"
bin/w2v-eval data/vectors.bin "$analogy" "$sim/EN-WS-353-ALL.txt" "$sim/EN-SIMLEX-999.txt" \
    "$sim/EN-MEN-TR-3k.txt" "$sim/EN-RW-STANFORD.txt"
