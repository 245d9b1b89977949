#!/usr/bin/env bash
# Runs every test program (W2V_TBIN/test_*, fuzz replays) and every
# end-to-end script (tests/e2e_*.sh), adds up their "RESULT <pass> <fail>"
# tallies and ends with the line "N passed, N failed".  A program that
# crashes or prints no tally counts as one failure.
# W2V_QUICK=1 skips the end-to-end scripts.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${W2V_BIN:=bin}" "${W2V_TBIN:=build/tests}"
export W2V_BIN W2V_TBIN
export W2V_TESTS="$here"
pass=0; fail=0
run_one() {
    local name=$1; shift
    local out rc
    out=$("$@" 2>&1); rc=$?
    local tally
    tally=$(printf '%s\n' "$out" | awk '$1=="RESULT"{p+=$2; f+=$3; n++} END{if(n) print p, f}')
    if [ -z "$tally" ]; then
        printf '%s\n' "$out" | tail -n 20
        echo "FAIL $name: no result (exit $rc)"
        fail=$((fail + 1)); return
    fi
    set -- $tally
    if [ "$rc" -ne 0 ] && [ "$2" -eq 0 ]; then
        printf '%s\n' "$out" | tail -n 20
        echo "FAIL $name: exit $rc"
        fail=$((fail + 1))
    fi
    if [ "$2" -ne 0 ]; then printf '%s\n' "$out" | grep -v '^RESULT' | tail -n 40; fi
    printf '%-28s %5d passed, %d failed\n' "$name" "$1" "$2"
    pass=$((pass + $1)); fail=$((fail + $2))
}
for t in "$W2V_TBIN"/test_* "$W2V_TBIN"/fuzz_replay_*; do
    [ -x "$t" ] || continue
    n=$(basename "$t")
    case $n in
    fuzz_replay_*) run_one "$n" "$t" "$here/fuzz/corpus/${n#fuzz_replay_}" ;;
    *) run_one "$n" "$t" ;;
    esac
done
if [ -z "${W2V_QUICK:-}" ]; then
    for s in "$here"/e2e_*.sh; do
        [ -f "$s" ] || continue
        run_one "$(basename "$s" .sh)" bash "$s"
    done
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
