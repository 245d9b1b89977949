# tests/lib.sh - helpers for the end-to-end scripts (sourced).
# check NAME CMD...   passes when CMD exits 0
# finish              prints "RESULT <passed> <failed>" and exits
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
