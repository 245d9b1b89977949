#!/usr/bin/env bash
# e2e_eval_gensim.sh - w2v-eval against python3-gensim on the same vectors:
# per-section analogy counts and Spearman rho of WS-353, SimLex-999, MEN and
# RW (see tests/gensim_eval.py for what exactly is compared and why).
# Run by tests/run.sh (W2V_BIN = programs, W2V_TESTS = this directory).
# The evaluation sets come from eval/data (flat, as scripts/fetch-data.sh
# leaves them) or else ../shared/data (analogy/ and similarity/); without
# them, or without gensim, it skips visibly ("SKIP: ...", RESULT 0 0).
# About 25 s, most of it gensim.
set -u
tests=${W2V_TESTS:-$(cd "$(dirname "$0")" && pwd)}
bin=${W2V_BIN:-$tests/../bin}
root=$(cd "$tests/.." && pwd)
# eval/data first (what scripts/fetch-data.sh fills), then ../shared/data
need="questions-words.txt EN-WS-353-ALL.txt EN-SIMLEX-999.txt EN-MEN-TR-3k.txt EN-RW-STANFORD.txt"
have_sets() { # ANALOGY_DIR SIMILARITY_DIR
    local f
    [ -f "$1/questions-words.txt" ] || return 1
    for f in $need; do
        case $f in questions-*) ;; *) [ -f "$2/$f" ] || return 1 ;; esac
    done
}
if have_sets "$root/eval/data" "$root/eval/data"; then
    qdir=$root/eval/data; sdir=$root/eval/data
elif have_sets "$root/../shared/data/analogy" "$root/../shared/data/similarity"; then
    qdir=$root/../shared/data/analogy; sdir=$root/../shared/data/similarity
else
    qdir=
fi
py=/usr/bin/python3  # Debian's python3-gensim; the python3 on PATH may lack it

if [ -z "$qdir" ]; then
    echo "SKIP: no evaluation sets ($need) in eval/data (scripts/fetch-data.sh) or ../shared/data"
    echo "RESULT 0 0"
    exit 0
fi
if [ ! -x "$py" ] || ! "$py" -c 'import gensim, numpy, scipy' 2>/dev/null; then
    echo "SKIP: gensim, numpy or scipy not importable by $py"
    echo "RESULT 0 0"
    exit 0
fi
if [ ! -x "$bin/w2v-eval" ]; then
    echo "FAIL: $bin/w2v-eval not built"
    echo "RESULT 0 1"
    exit 1
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/w2v-gensim.XXXXXX") || { echo "RESULT 0 1"; exit 1; }
trap 'rm -rf "$work"' EXIT
echo "evaluation sets: $qdir, $sdir"
"$py" "$tests/gensim_eval.py" "$bin" "$qdir" "$sdir" "$work"
