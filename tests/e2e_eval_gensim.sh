#!/usr/bin/env bash
# e2e_eval_gensim.sh - w2v-eval against python3-gensim on the same vectors:
# per-section analogy counts and Spearman rho of WS-353, SimLex-999, MEN and
# RW (see tests/gensim_eval.py for what exactly is compared and why).
# Run by tests/run.sh (W2V_BIN = programs, W2V_TESTS = this directory);
# skips cleanly (RESULT 0 0) without gensim or without ../shared/data.
# About 25 s, most of it gensim.
set -u
tests=${W2V_TESTS:-$(cd "$(dirname "$0")" && pwd)}
bin=${W2V_BIN:-$tests/../bin}
data=$tests/../../shared/data
py=/usr/bin/python3  # Debian's python3-gensim; the python3 on PATH may lack it

if [ ! -d "$data/analogy" ] || [ ! -d "$data/similarity" ]; then
    echo "SKIP: no evaluation data at $data"
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
"$py" "$tests/gensim_eval.py" "$bin" "$data" "$work"
