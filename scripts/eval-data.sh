# scripts/eval-data.sh - where the evaluation sets are (sourced by scripts).
# Looks in eval/data first (scripts/fetch-data.sh puts them there), then in
# ../shared/data/analogy and ../shared/data/similarity, relative to the
# repository root (set W2V_ROOT to call it from elsewhere).
#   eval_file NAME     path of a set (e.g. questions-words.txt), or status 1
#   eval_dir KIND      a directory holding the sets of a kind (analogy or
#                      similarity) for w2v-eval, or status 1
eval_file() {
    local root=${W2V_ROOT:-.} f
    for f in "$root/eval/data/$1" "$root/../shared/data/analogy/$1" "$root/../shared/data/similarity/$1"; do
        [ -s "$f" ] && { echo "$f"; return 0; }
    done
    return 1
}
eval_dir() {
    local root=${W2V_ROOT:-.} probe
    case $1 in analogy) probe=questions-words.txt ;; *) probe=EN-WS-353-ALL.txt ;; esac
    # eval/data holds both kinds side by side; w2v-eval tells them apart
    [ -s "$root/eval/data/$probe" ] && { echo "$root/eval/data"; return 0; }
    [ -s "$root/../shared/data/$1/$probe" ] && { echo "$root/../shared/data/$1"; return 0; }
    return 1
}
