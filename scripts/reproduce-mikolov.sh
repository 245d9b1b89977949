#!/usr/bin/env bash
# Reproduce the experiments of Mikolov et al. 2013 on a corpus of your choice,
# with w2v-train and w2v-eval only:
#   1  NIPS Table 1: skip-gram 300-d, window 5, NEG-5, NEG-15 and HS-Huffman,
#      each without and with 1e-5 sub-sampling (and CBOW NEG-5 1e-5 beside)
#   2  NIPS Table 3: two passes of w2v-phrase, then NEG-15 and HS with 1e-5 on
#      the phrase corpus, scored on questions-phrases.txt (with coverage)
#   3  ICLR Table 2: accuracy against dimension (DIMS3) and training words
#      (nested prefixes of 1/8, 1/4, 1/2 and all of the corpus), CBOW and
#      skip-gram
#   4  ICLR Table 5: one epoch against three on the same prefixes ("more data
#      beats more epochs")
#   5  the sub-sampling curve: skip-gram NEG-5 without and with sub-sampling
#      against word-updates (prefix x epochs), at the default and at higher
#      starting learning rates (the schedule hypothesis)
# Analogies are scored over the 30,000 most frequent words (phrases over the
# whole vocabulary), as the paper; every run also gets the similarity sets
# and, with HELDOUT=N, the loss on the corpus's last N words, which no run
# trains on.
#
#   scripts/reproduce-mikolov.sh [-x 1,2,3,4,5] [-o OUT] [-q] [-n] CORPUS [OUT]
#     -x LIST   experiments to run (default 1,5)
#     -o OUT    results directory (default data/mikolov)
#     -q        the quick version: Table 1 and phrases, one epoch, CORPUS as is
#     -n        print the runs that would be made, run nothing
# Environment (defaults in brackets):
#   EPOCHS [5]      epochs of experiments 1 and 2
#   DIM [300]       dimensions of experiments 1, 2, 4 and 5
#   THREADS [cores] worker threads of w2v-train and w2v-eval
#   SAMPLES1 [0 1e-5]  experiment 1's sub-sampling, in the order run
#   EPOCHS3 [1]     epochs of experiment 3;   DIMS3 [50 100 300 600]
#   ARCHS34 [cbow sg]  architectures of experiments 3 and 4
#   SAMPLE34 [1e-4] sub-sampling of experiments 3 and 4
#   CURVE [q4:1 q4:3 all:1 all:3 all:5 all:14]  experiment 5's points,
#                   PREFIX:EPOCHS with PREFIX q8 q4 q2 (that fraction) or all
#   SAMPLES5 [0 1e-5 1e-4]  sub-sampling thresholds of experiment 5
#   ALPHAS5 [0.05 0.1]  extra starting learning rates of experiment 5 (on
#                   ALPHA_POINTS [q4:1 all:1 all:3] only, each of SAMPLES5_ALPHA
#                   [SAMPLES5])
#   HELDOUT [0]     hold back the corpus's last N words for a held-out loss
#   KEEP [0]        1 keeps every run's vectors (they are large)
#   LOCK []         a file to flock around each run, so that runs of other
#                   jobs timed on the same machine do not overlap them
#   NO_MAKE []      1: use bin/ as it is (a machine with only the binaries)
#   W2V_BIN [bin]   where the programs are
#   QUESTIONS []    the analogy file (default: questions-words.txt, found in
#                   eval/data or ../shared/data, else downloaded)
# Resumable: a run whose result file exists is not run again; delete
# OUT/runs/KEY.* to redo one.  Each run records its command, wall, user and
# system seconds in OUT/runs/KEY.tsv.  Tables: OUT/exp<N>.md; charts:
# OUT/exp<N>*.svg.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { sed -n '/^#   scripts/,/^#     -n/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
exps=1,5 out=data/mikolov quick= dry=
while getopts x:o:qnh opt; do
    case $opt in
        x) exps=$OPTARG ;; o) out=$OPTARG ;; q) quick=1 ;; n) dry=1 ;; *) usage ;;
    esac
done
shift $((OPTIND - 1))
# (an OUT after CORPUS is accepted too, as the script once took it)
[ $# -eq 1 ] || [ $# -eq 2 ] || usage
corpus=$1
[ $# -eq 2 ] && out=$2
[ -s "$corpus" ] || { echo "reproduce-mikolov: no corpus at $corpus" >&2; exit 1; }
if [ -n "$quick" ]; then
    exps=1,2; : "${EPOCHS:=1}"; HELDOUT=0
    export QUICK=1  # the tables say so
fi
epochs=${EPOCHS:-5}
dim=${DIM:-300}
export DIM=$dim  # for the tables
threads=${THREADS:-$(nproc)}
heldout=${HELDOUT:-0}
BIN=${W2V_BIN:-bin}   # the programs (the tests point it at a sanitizer build)
if [ -z "${NO_MAKE:-}" ]; then make -s; fi
for p in w2v-train w2v-eval; do
    [ -x "$BIN/$p" ] || { echo "reproduce-mikolov: $BIN/$p missing (run make)" >&2; exit 1; }
done
PY=python3
command -v $PY >/dev/null || { echo "reproduce-mikolov: python3 is needed for the tables" >&2; exit 1; }
mkdir -p "$out/runs" "$out/corpora" "$out/vectors"

# ---- evaluation sets: eval/data first, then ../shared/data, else fetch them
. scripts/eval-data.sh
find_eval() { eval_file "$1"; }
qw=${QUESTIONS:-$(find_eval questions-words.txt || true)}
if [ -z "$qw" ]; then scripts/fetch-data.sh -eval; qw=$(find_eval questions-words.txt); fi
qp=$(find_eval questions-phrases.txt || true)
sims=()
for s in EN-WS-353-ALL EN-SIMLEX-999 EN-MEN-TR-3k EN-RW-STANFORD; do
    f=$(find_eval $s.txt || true); [ -n "$f" ] && sims+=("$f")
done

# ---- corpora: the training part (all but the last HELDOUT words) and its
# nested prefixes, made by streaming the words once each
first_words() { # N: the first N words of stdin, as one line (head ends the pipe early)
    ( set +o pipefail; tr -s ' \n' '\n\n' | grep . | head -n "$1" | tr '\n' ' ' )
}
tag=$(basename "$corpus"); tag=${tag%.*}
train_all=$corpus heldout_file=
if [ "$heldout" -gt 0 ]; then
    tag=$tag-h$heldout
    train_all=$out/corpora/$tag.txt heldout_file=$out/corpora/$tag.heldout.txt
    if [ ! -s "$heldout_file" ]; then
        n=$(wc -w < "$corpus")
        first_words $((n - heldout)) < "$corpus" > "$train_all.part"
        tr -s ' \n' '\n\n' < "$corpus" | grep . | tail -n "$heldout" | tr '\n' ' ' > "$heldout_file.part"
        mv "$train_all.part" "$train_all"; mv "$heldout_file.part" "$heldout_file"
    fi
fi
total_words=
prefix() { # q8|q4|q2|all -> corpus file
    [ "$1" = all ] && { echo "$train_all"; return 0; }
    local div=${1#q} f=$out/corpora/$tag-$1.txt
    if [ ! -s "$f" ]; then
        [ -n "$total_words" ] || total_words=$(wc -w < "$train_all")
        first_words $((total_words / div)) < "$train_all" > "$f.part"
        mv "$f.part" "$f"
    fi
    echo "$f"
}
has_heldout_flag=
"$BIN/w2v-train" -h 2>&1 | grep -q -- '-heldout' && has_heldout_flag=1

# ---- one run: train, score, record.  run KEY CORPUS QUESTIONS FLAGS...
lock() { [ -n "${LOCK:-}" ] || return 0; exec 9>"$LOCK"; flock 9; }
unlock() { [ -n "${LOCK:-}" ] || return 0; flock -u 9; exec 9>&-; }
run() {
    local key=$1 c=$2 q=$3; shift 3
    local res=$out/runs/$key.tsv vec=$out/vectors/$key.bin
    [ -s "$res" ] && return 0
    local cmd=("$BIN/w2v-train" "$c" -o "$vec" -window 5 -min-count 5 -threads "$threads" "$@")
    if [ -n "$heldout_file" ] && [ -n "$has_heldout_flag" ] && [[ " $* " != *" -negative 0 "* ]]; then
        cmd+=(-heldout "$heldout_file")
    fi
    if [ -n "$dry" ]; then echo "$key: ${cmd[*]}"; return 0; fi
    echo "== $(date -u +%H:%M:%S) $key: ${cmd[*]}" >&2
    local restrict=30000
    case $q in *phrases*) restrict=0 ;; esac
    lock
    local TIMEFORMAT='%R %U %S' times
    { time "${cmd[@]}" -quiet 2> "$out/runs/$key.log"; } 2> "$out/runs/$key.time"
    # a set with no known word makes w2v-eval fail after scoring the others:
    # keep what it scored, its complaint goes to the log
    "$BIN/w2v-eval" -json -threads "$threads" -restrict $restrict "$vec" "$q" ${sims[@]+"${sims[@]}"} \
        > "$out/runs/$key.json.part" 2>> "$out/runs/$key.log" ||
        echo "   w2v-eval: $(tail -n 1 "$out/runs/$key.log")" >&2
    unlock
    mv "$out/runs/$key.json.part" "$out/runs/$key.json"
    read -r times < "$out/runs/$key.time"
    printf '%s\t%s\t%s\n' "$key" "${times// /	}" "${cmd[*]}" > "$res.part"
    mv "$res.part" "$res"
    [ "${KEEP:-0}" = 1 ] || rm -f "$vec"
    echo "   $(cut -f2-4 "$res") s" >&2
}

# method flags, by name
mflags() {
    case $1 in
        neg5) echo -negative 5 ;; neg15) echo -negative 15 ;; hs) echo -hs 1 -negative 0 ;;
        *) echo "reproduce-mikolov: unknown method $1" >&2; exit 1 ;;
    esac
}
# key: corpus, architecture, method, sample, dimension, epochs[, alpha]
key() { # PREFIX ARCH METHOD SAMPLE DIM EPOCHS [ALPHA]
    local k=$tag-$1-$2-$3-s$4-d$5-e$6
    [ -n "${7:-}" ] && k=$k-a$7
    echo "$k"
}
sg_run() { # PREFIX ARCH METHOD SAMPLE DIM EPOCHS [ALPHA]
    local k c a=() arch=()
    k=$(key "$@"); c=$(prefix "$1")
    [ -n "${7:-}" ] && a=(-alpha "$7")
    [ "$2" = cbow ] && arch=(-cbow 1)
    # shellcheck disable=SC2046
    run "$k" "$c" "$qw" ${arch[@]+"${arch[@]}"} $(mflags "$3") -sample "$4" -dim "$5" \
        -epochs "$6" ${a[@]+"${a[@]}"}
}

tables() { # EXP: Markdown table(s) and the TSVs behind the charts
    $PY scripts/mikolov-tables.py "$1" "$out" "$tag" "$train_all" "$epochs" "$threads" "${EPOCHS3:-1}"
}
plot_bars() { # TSV SVG TITLE
    [ -s "$1" ] && "$BIN/w2v-plot" -bars "$1" -o "$2" -title "$3" 2>/dev/null || true
}
plot_lines() { # TSV SVG TITLE XLABEL
    [ -s "$1" ] && "$BIN/w2v-plot" -lines "$1" -o "$2" -title "$3" -xlabel "$4" -logx \
        -ylabel "analogy accuracy %" 2>/dev/null || true
}

exp1() {
    local m s
    for s in ${SAMPLES1:-0 1e-5}; do
        for m in neg5 neg15 hs; do sg_run all sg $m $s "$dim" "$epochs"; done
    done
    sg_run all cbow neg5 1e-5 "$dim" "$epochs"
    [ -n "$dry" ] && return 0
    tables 1 > "$out/exp1.md"
    plot_bars "$out/exp1.tsv" "$out/exp1.svg" "Analogy accuracy (%) by method, $epochs epoch(s)"
}

exp2() {
    [ -n "$qp" ] || { echo "reproduce-mikolov: no questions-phrases.txt; experiment 2 skipped" >&2; return 0; }
    local pc=$out/corpora/$tag-phrases.txt m k
    if [ ! -s "$pc" ] && [ -z "$dry" ]; then
        "$BIN/w2v-phrase" "$train_all" -o "$pc" -passes 2 -threshold 100 -threshold-decay 0.5 -quiet
    fi
    for m in neg15 hs; do
        k=$tag-phrases-sg-$m-s1e-5-d$dim-e$epochs
        # shellcheck disable=SC2046
        run "$k" "$pc" "$qp" $(mflags $m) -sample 1e-5 -dim "$dim" -epochs "$epochs"
    done
    [ -n "$dry" ] && return 0
    tables 2 > "$out/exp2.md"
}

exp3() {
    local a d p
    for a in ${ARCHS34:-cbow sg}; do
        for d in ${DIMS3:-50 100 300 600}; do
            for p in q8 q4 q2 all; do sg_run $p "$a" neg5 "${SAMPLE34:-1e-4}" "$d" "${EPOCHS3:-1}"; done
        done
    done
    [ -n "$dry" ] && return 0
    tables 3 > "$out/exp3.md"
    for a in ${ARCHS34:-cbow sg}; do
        plot_lines "$out/exp3-$a.tsv" "$out/exp3-$a.svg" \
            "$a NEG-5: analogy accuracy against training words, by dimension" "training words"
    done
}

exp4() {
    local a e p
    for a in ${ARCHS34:-cbow sg}; do
        for e in 1 3; do
            for p in q8 q4 q2 all; do sg_run $p "$a" neg5 "${SAMPLE34:-1e-4}" "$dim" $e; done
        done
    done
    [ -n "$dry" ] && return 0
    tables 4 > "$out/exp4.md"
}

exp5() {
    local pt s al
    for pt in ${CURVE:-q4:1 q4:3 all:1 all:3 all:5 all:14}; do
        for s in ${SAMPLES5:-0 1e-5 1e-4}; do sg_run "${pt%:*}" sg neg5 "$s" "$dim" "${pt#*:}"; done
        case " ${ALPHA_POINTS:-q4:1 all:1 all:3} " in *" $pt "*)
            for al in ${ALPHAS5:-0.05 0.1}; do
                for s in ${SAMPLES5_ALPHA:-${SAMPLES5:-0 1e-5 1e-4}}; do sg_run "${pt%:*}" sg neg5 "$s" "$dim" "${pt#*:}" "$al"; done
            done ;;
        esac
    done
    [ -n "$dry" ] && return 0
    tables 5 > "$out/exp5.md"
    plot_lines "$out/exp5-updates.tsv" "$out/exp5-updates.svg" \
        "NEG-5: analogy accuracy against word-updates" "word-updates (corpus words x epochs)"
    plot_lines "$out/exp5-time.tsv" "$out/exp5-time.svg" \
        "NEG-5: analogy accuracy against training time" "training CPU seconds"
}

IFS=, read -r -a list <<< "$exps"
for x in "${list[@]}"; do
    case $x in
        1|2|3|4|5) "exp$x" ;;
        *) echo "reproduce-mikolov: no experiment $x (1-5)" >&2; exit 2 ;;
    esac
done
[ -n "$dry" ] || for x in "${list[@]}"; do cat "$out/exp$x.md"; echo; done
