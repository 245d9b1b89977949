# tests/lib.sh - helpers for the end-to-end scripts (sourced).
# check NAME CMD...   passes when CMD exits 0
# finish              prints "RESULT <passed> <failed>" and exits
# skip REASON         says some checks were left out (tests/run.sh lists
#                     the suite among the skipped, with REASON)
# skip_all REASON     the whole suite is left out: skip, then RESULT 0 0
: "${W2V_BIN:=bin}"
W2V_BIN=$(cd "$W2V_BIN" && pwd)
t_pass=0; t_fail=0
TMP=$(mktemp -d /tmp/w2v-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
check() {
    local name=$1; shift
    if "$@"; then t_pass=$((t_pass + 1)); else t_fail=$((t_fail + 1)); echo "FAIL: $name"; fi
}
finish() { echo "RESULT $t_pass $t_fail"; exit 0; }
skip() { echo "SKIP: $*"; }
skip_all() { skip "$@"; finish; }
# The Debian interpreter carries gensim; a python3 earlier on PATH may not.
PY=/usr/bin/python3
have_gensim() { [ -x "$PY" ] && "$PY" -c 'import gensim' 2>/dev/null; }
# Write the planted corpus (see tests/planted.h for the idea) to $1;
# $2 sentences (default 3000).
planted_corpus() {
    awk -v n="${2:-3000}" 'BEGIN { srand(7); for (s = 0; s < n; s++) { t = int(rand() * 12); line = "";
         for (i = 0; i < 12; i++) { if (rand() < 0.25) line = line "the ";
             line = line "t" t "w" int(rand() * 10) " " } print line } }' > "$1"
}
# topic_score VECTORS.txt: of the planted words tNwM, the share whose
# nearest neighbour (cosine, among the other planted words) has the same
# topic N.  Prints a number in [0, 1].
topic_score() {
    awk 'NR > 1 && $1 ~ /^t[0-9]+w[0-9]+$/ {
            n++; w[n] = $1; s = 0
            for (i = 2; i <= NF; i++) { v[n, i] = $i; s += $i * $i }
            s = sqrt(s); if (s == 0) s = 1
            for (i = 2; i <= NF; i++) v[n, i] /= s
            d = NF }
         END {
            for (a = 1; a <= n; a++) {
                best = -2; arg = 0
                for (b = 1; b <= n; b++) if (b != a) {
                    c = 0; for (i = 2; i <= d; i++) c += v[a, i] * v[b, i]
                    if (c > best) { best = c; arg = b } }
                split(w[a], x, "w"); split(w[arg], y, "w")
                same += x[1] == y[1] }
            printf "%.3f\n", n ? same / n : 0 }' "$1"
}
# learns_topics VECTORS WORD...: for each planted word tNwM given, at least
# 4 of its 5 nearest neighbours (w2v-nearest, the query line left out) are
# planted words of the same topic N.  Random vectors pass with odds below
# 1e-4 per word (9 of the 120 other words share a topic).
learns_topics() {
    local vec=$1 w; shift
    for w in "$@"; do
        "$W2V_BIN/w2v-nearest" -n 5 "$vec" "$w" | awk -v word="$w" -v topic="${w%%w*}w" '
            $1 ~ /^[0-9]+$/ { n++; same += index($2, topic) == 1 }
            END { if (n != 5 || same < 4) { printf "%s: %d of %d neighbours share its topic\n", word, same, n; exit 1 } }' || return 1
    done
}
