#!/usr/bin/env bash
# End-to-end checks of w2v-train-mpi on loopback: the vocabulary of a job
# equals the single-node one exactly, 2 and 4 processes learn the planted
# topics, one process is bit-identical to w2v-train, shares may be empty,
# bad input and a killed rank end the job with an error instead of a hang,
# and a stopped job resumes from its checkpoints.
# Needs bin/w2v-train-mpi (make mpi, Open MPI); without mpicc it is skipped.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
M=$W2V_BIN/w2v-train-mpi
T=$W2V_BIN/w2v-train
if [ -n "${W2V_SKIP_MPI:-}" ]; then
    skip_all "the MPI trainer is not tested here: $W2V_SKIP_MPI"
fi
if [ ! -x "$M" ]; then
    if command -v mpicc >/dev/null; then
        echo "FAIL: mpicc is here but $M was not built"; echo "RESULT 0 1"; exit 0
    fi
    skip_all "no mpicc (Open MPI): the MPI trainer is not tested"
fi
# Open MPI refuses root unless told, and needs leave to run more ranks than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1
# Under the sanitizers, MPI's own allocations are not ours to report.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
mpi() { local np=$1; shift; timeout 300 mpirun -np "$np" "$M" "$@"; }
planted_corpus "$TMP/c.txt" 4000

# the vocabulary is the single-node one, byte for byte, with and without a cap
"$T" "$TMP/c.txt" -o "$TMP/s.bin" -dim 8 -epochs 1 -quiet -save-vocab "$TMP/v1.txt"
"$T" "$TMP/c.txt" -o "$TMP/s.bin" -dim 8 -epochs 1 -quiet -save-vocab "$TMP/v1cap.txt" \
    -max-vocab 50 -min-count 3
for np in 2 3 4; do
    mpi $np "$TMP/c.txt" -o "$TMP/p.bin" -dim 8 -epochs 1 -threads 1 -quiet -save-vocab "$TMP/v$np.txt"
    check "$np ranks: vocabulary equals single-node" cmp -s "$TMP/v1.txt" "$TMP/v$np.txt"
    mpi $np "$TMP/c.txt" -o "$TMP/p.bin" -dim 8 -epochs 1 -threads 1 -quiet \
        -save-vocab "$TMP/vc$np.txt" -max-vocab 50 -min-count 3
    check "$np ranks: capped vocabulary equals single-node" cmp -s "$TMP/v1cap.txt" "$TMP/vc$np.txt"
done

# quality: the planted topics are learned by 2 and 4 ranks, in both modes
"$T" "$TMP/c.txt" -o "$TMP/s.txt" -dim 20 -epochs 5 -min-count 1 -threads 2 -quiet
single=$(topic_score "$TMP/s.txt")
for run in "2 sum" "2 mean" "4 sum"; do
    set -- $run
    mpi $1 "$TMP/c.txt" -o "$TMP/q.txt" -dim 20 -epochs 5 -min-count 1 -threads 1 -quiet \
        -sync-mode $2 -sync-every 5000
    score=$(topic_score "$TMP/q.txt")
    check "$1 ranks ($2): topics learned ($score, single-node $single)" \
        awk -v s="$score" -v r="$single" 'BEGIN { exit !(s >= 0.9 && s >= r - 0.05) }'
done
check "rows have the vocabulary's size" test "$(head -n1 "$TMP/q.txt")" = "$(head -n1 "$TMP/s.txt")"

# one rank, one thread: exactly w2v-train's vectors (no exchange takes place)
"$T" "$TMP/c.txt" -o "$TMP/one.bin" -dim 16 -epochs 2 -threads 1 -seed 3 -quiet
mpi 1 "$TMP/c.txt" -o "$TMP/onem.bin" -dim 16 -epochs 2 -threads 1 -seed 3 -quiet
check "1 rank = w2v-train" cmp -s "$TMP/one.bin" "$TMP/onem.bin"

# a corpus smaller than the job: some ranks get no words
printf 'alpha beta gamma\nbeta gamma\n' > "$TMP/tiny.txt"
check "empty shares" mpi 4 "$TMP/tiny.txt" -o "$TMP/tiny.bin" -dim 4 -epochs 2 -min-count 1 -quiet
check "empty shares: all words" test "$(head -n1 "$TMP/tiny.bin")" = "3 4"
printf "alpha 2\nbeta 2\ngamma 2\n" > "$TMP/tv.txt"
check "empty shares with -read-vocab" mpi 4 "$TMP/tiny.txt" -read-vocab "$TMP/tv.txt" -o "$TMP/tiny.bin" -dim 4 -epochs 1 -min-count 1 -quiet
printf 'alphabetagamma' > "$TMP/one-token.txt"
check "a single token, 3 ranks" mpi 3 "$TMP/one-token.txt" -o "$TMP/o.bin" -dim 4 -epochs 1 -min-count 1 -quiet

# progress and the synchronisation report
mpi 2 "$TMP/c.txt" -o "$TMP/r.bin" -dim 8 -epochs 2 -threads 1 -sync-every 2000 2>"$TMP/log"
check "report names rounds and bytes" grep -q '^sync: [0-9]* rounds, .* MB sent' "$TMP/log"
check "rank 0 alone prints" test "$(grep -c '^training ' "$TMP/log")" -eq 1
check "seconds as the interval" mpi 2 "$TMP/c.txt" -o "$TMP/r.bin" -dim 8 -epochs 1 -quiet -sync-every 0.05s

# bad input: one message from rank 0, non-zero exit, nothing written, no hang
bad() {
    local want=$1; shift
    mpi "${NP:-2}" "$@" -o "$TMP/bad.bin" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    [ $rc -ne 0 ] && [ $rc -ne 124 ] && grep -q -- "$want" "$TMP/err" &&
        [ "$(grep -c '^w2v-train-mpi: ' "$TMP/err")" -eq 1 ] && [ ! -e "$TMP/bad.bin" ] ||
        { echo "rc=$rc: $(cat "$TMP/err")"; return 1; }
}
check "missing corpus" bad "cannot open" "$TMP/nope.txt"
check "bad -sync-every" bad "sync-every" "$TMP/c.txt" -sync-every 10x
check "bad -sync-mode" bad "sync-mode" "$TMP/c.txt" -sync-mode avg
check "no word survives" bad "no word" "$TMP/c.txt" -min-count 100000
check "stdin refused" bad "standard input" -
check "help" sh -c "timeout 60 mpirun -np 2 '$M' -help | grep -c '^usage' | grep -qx 1"

# a killed rank ends the job (mpirun notices), it does not hang
planted_corpus "$TMP/big.txt" 20000
mpi 2 "$TMP/big.txt" -o "$TMP/k.bin" -dim 32 -epochs 5000 -threads 1 2>"$TMP/kill.log" &
job=$!
for i in $(seq 600); do grep -q '^training' "$TMP/kill.log" && break; sleep 0.1; done
sleep 0.5
pkill -KILL -n -f "w2v-train-mpi $TMP/big.txt"
wait $job; rc=$?
check "killed rank: job fails (rc $rc)" sh -c "[ $rc -ne 0 ] && [ $rc -ne 124 ]"
check "killed rank: nothing written" test ! -e "$TMP/k.bin"

# stop one rank with SIGTERM: every rank checkpoints at the same round; resume
mpi 2 "$TMP/big.txt" -o "$TMP/ck.txt" -dim 20 -epochs 300 -threads 1 -min-count 1 \
    -checkpoint "$TMP/job.ckpt" 2>"$TMP/stop.log" &
job=$!
for i in $(seq 600); do grep -q '^training' "$TMP/stop.log" && break; sleep 0.1; done
sleep 0.5
pkill -TERM -n -f "w2v-train-mpi $TMP/big.txt"
wait $job; rc=$?
check "stopped job exits 130 (rc $rc)" test $rc -eq 130
check "stopped job: one checkpoint a rank" test -s "$TMP/job.ckpt.rank0" -a -s "$TMP/job.ckpt.rank1"
check "stopped job says how to resume" grep -q -- "-resume $TMP/job.ckpt" "$TMP/stop.log"
check "resume" mpi 2 -resume "$TMP/job.ckpt" -o "$TMP/ck.txt" -quiet
score=$(topic_score "$TMP/ck.txt")
check "resumed job learned the topics ($score)" awk -v s="$score" 'BEGIN { exit !(s >= 0.9) }'
# checkpoints of two different stops, one file from each: refused, not trained on
mpi 2 -resume "$TMP/job.ckpt" -o "$TMP/ck2.txt" -checkpoint "$TMP/later.ckpt" 2>"$TMP/stop2.log" &
job=$!
for i in $(seq 600); do grep -q '^training' "$TMP/stop2.log" && break; sleep 0.1; done
sleep 0.5
pkill -TERM -n -f "w2v-train-mpi -resume $TMP/job.ckpt"
wait $job
cp "$TMP/job.ckpt.rank0" "$TMP/mixed.ckpt.rank0"
cp "$TMP/later.ckpt.rank1" "$TMP/mixed.ckpt.rank1"
check "checkpoints from different stops are refused" bad "different models" \
    -resume "$TMP/mixed.ckpt" -quiet
NP=3 check "resume with another number of ranks is refused" bad "with as many processes" \
    -resume "$TMP/job.ckpt" -quiet
finish
