#!/usr/bin/env bash
# e2e_python.sh - the Python module w2v (python/, docs/python.md): builds it
# (make python) and runs tests/python/test_w2v.py with pytest: planted
# structure, bit-identity with w2v-train, sentences= vs corpus_file=, gensim's
# evaluation of to_gensim() against ours, clean exceptions, Ctrl-C, the GIL,
# no leak over 100 cycles.  Run by tests/run.sh (W2V_BIN = programs).
# Skips visibly (RESULT 0 0) where Debian's python3-dev, python3-numpy,
# python3-setuptools or python3-pytest is missing.  About 20 s.
set -u
tests=${W2V_TESTS:-$(cd "$(dirname "$0")" && pwd)}
root=$(cd "$tests/.." && pwd)
bin=$(cd "${W2V_BIN:-$root/bin}" && pwd)
py=/usr/bin/python3  # Debian's; the python3 on PATH may lack numpy/gensim

skip() { echo "SKIP: $*"; echo "RESULT 0 0"; exit 0; }
[ -x "$py" ] || skip "no $py (python3)"
"$py" -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' ||
    skip "Python.h not found: install python3-dev to build the module"
for m in numpy setuptools pytest; do
    "$py" -c "import $m" 2>/dev/null || skip "$py cannot import $m (install python3-$m)"
done

# The module is built as a user builds it (Python's compiler and flags), not
# with what a sanitizer tree's make passes down (CC=clang, OPT, SAN).
if ! out=$(unset MAKEFLAGS MFLAGS MAKELEVEL CC CFLAGS OPT SAN OUT
           make -s -C "$root" python 2>&1); then
    printf '%s\n' "$out" | tail -n 20
    echo "FAIL: make python"
    echo "RESULT 0 1"
    exit 1
fi
out=$(cd "$root" && PYTHONPATH="$root/python" PYTHONDONTWRITEBYTECODE=1 W2V_BIN="$bin" \
      W2V_DATA="$root/../shared/data" timeout 600 \
      "$py" -m pytest -q -rs -p no:cacheprovider tests/python 2>&1)
rc=$?
printf '%s\n' "$out" | grep -E '^(FAILED|ERROR)|Error|assert' | head -n 40
# pytest's skip reasons, visibly
printf '%s\n' "$out" | sed -n 's/^SKIPPED \[[0-9]*\] [^:]*:[0-9]*: /SKIP: /p'
summary=$(printf '%s\n' "$out" | tail -n 1)
echo "pytest: $summary"
count() { printf '%s\n' "$summary" |
          awk -v re="$1" '{for (i = 1; i < NF; i++) if ($(i + 1) ~ re) n += $i} END {print n + 0}'; }
passed=$(count '^passed')
failed=$(count '^(failed|errors?)')

if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    printf '%s\n' "$out" | tail -n 30
    failed=1
fi
echo "RESULT $passed $failed"
