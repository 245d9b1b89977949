#!/usr/bin/env bash
# Runs every test program (W2V_TBIN/test_*, fuzz replays) and every
# end-to-end script (tests/e2e_*.sh), adds up their "RESULT <pass> <fail>"
# tallies and ends with the line "N passed, N failed, N skipped", then,
# when N skipped > 0, one line naming the skipped suites and why.
# A program that crashes or prints no tally counts as one failure.
#
# Skips: a suite that leaves out some or all of its checks (a tool, a
# library, a data set or a CPU feature is missing) prints one line
# "SKIP: <reason>" per reason and still prints its RESULT (RESULT 0 0 when
# nothing ran); tests/lib.sh has skip and skip_all for the scripts.  Such
# a suite is counted among the skipped, so a run that left checks out never
# reads like a full one.
# W2V_QUICK=1 skips the end-to-end scripts (and says so).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${W2V_BIN:=bin}" "${W2V_TBIN:=build/tests}"
export W2V_BIN W2V_TBIN
export W2V_TESTS="$here"
pass=0; fail=0
skip_names=() skip_whys=()  # one entry per skipped suite
note_skip() { skip_names+=("$1"); skip_whys+=("$2"); }
run_one() {
    local name=$1; shift
    local out rc
    out=$("$@" 2>&1); rc=$?
    local why
    why=$(printf '%s\n' "$out" | sed -n 's/^SKIP:[[:space:]]*//p' | awk 'NF' | paste -sd ';' - | sed 's/;/; /g')
    [ -n "$why" ] && note_skip "$name" "$why"
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
    printf '%-28s %5d passed, %d failed%s\n' "$name" "$1" "$2" "${why:+, skipped: $why}"
    pass=$((pass + $1)); fail=$((fail + $2))
}
for t in "$W2V_TBIN"/test_* "$W2V_TBIN"/fuzz_replay_*; do
    [ -x "$t" ] || continue
    n=$(basename "$t")
    case $n in
    *.d) continue ;;
    fuzz_replay_*) run_one "$n" "$t" "$here/fuzz/corpus/${n#fuzz_replay_}" ;;
    *) run_one "$n" "$t" ;;
    esac
done
for s in "$here"/e2e_*.sh; do
    [ -f "$s" ] || continue
    if [ -n "${W2V_QUICK:-}" ]; then
        note_skip "$(basename "$s" .sh)" "W2V_QUICK: end-to-end scripts not run"
    else
        run_one "$(basename "$s" .sh)" bash "$s"
    fi
done
echo "$pass passed, $fail failed, ${#skip_names[@]} skipped"
# "skipped: a, b (reason); c (reason)": suites with the same reason together
if [ "${#skip_names[@]}" -gt 0 ]; then
    line="skipped:" done_why=$'\n'
    for i in "${!skip_names[@]}"; do
        why=${skip_whys[$i]}
        case $done_why in *$'\n'"$why"$'\n'*) continue ;; esac
        done_why+="$why"$'\n'
        names=""
        for j in "${!skip_names[@]}"; do
            [ "${skip_whys[$j]}" = "$why" ] && names+="${names:+, }${skip_names[$j]}"
        done
        line+=" $names ($why);"
    done
    echo "${line%;}"
fi
[ "$fail" -eq 0 ]
