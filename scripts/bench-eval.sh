#!/usr/bin/env bash
# bench-eval.sh [VECTORS.bin] - time the whole questions-words evaluation,
# loading included, for w2v-eval and for gensim on the same vector file, and
# print both times and their ratio.
#
# Without an argument it makes (once, cached in $TMPDIR) a 71,000 x 300
# binary file: the questions' words first, with a planted offset per
# section plus noise (so there are right answers for the two tools to agree
# on), then random filler words.  Only the time is the point.
# Both tools use restrict 30,000 and 3CosAdd.  w2v-eval's time is the wall
# time of the whole process (best of 3); gensim's is load_word2vec_format +
# evaluate_word_analogies measured inside Python (interpreter start-up and
# `import gensim` are not charged to it).
#
# Environment: W2V_BIN (programs, default bin/), W2V_DATA (evaluation data,
# default ../shared/data), PY (python with gensim, default /usr/bin/python3).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${W2V_BIN:-$root/bin}
data=${W2V_DATA:-$root/../shared/data}
py=${PY:-/usr/bin/python3}
q=$data/analogy/questions-words.txt
[ -x "$bin/w2v-eval" ] || { echo "bench-eval: build first ($bin/w2v-eval missing)" >&2; exit 1; }
[ -f "$q" ] || { echo "bench-eval: no $q" >&2; exit 1; }
"$py" -c 'import gensim, numpy' 2>/dev/null || { echo "bench-eval: $py cannot import gensim" >&2; exit 1; }

vec=${1:-}
if [ -z "$vec" ]; then
    vec=${TMPDIR:-/tmp}/w2v-bench-71000x300-planted.bin
    if [ ! -s "$vec" ]; then
        echo "making $vec (71,000 x 300 vectors, planted offsets for the questions)"
        "$py" - "$q" "$vec" <<'EOF'
import os, sys, numpy as np
qpath, out = sys.argv[1:]
V, D = 71000, 300
rng = np.random.default_rng(1)
# Question words get a planted offset per section (plus noise), so that the
# two tools have a few thousand right answers to agree on; the rest is noise.
vec, off = {}, None
for line in open(qpath, encoding="utf8"):
    if line.startswith(":"):
        off = rng.standard_normal(D) * 0.9
        continue
    a, b, c, d = line.split()
    for x, y in ((a, b), (c, d)):
        if x not in vec:
            vec[x] = rng.standard_normal(D)
        if y not in vec:
            vec[y] = vec[x] + off + rng.standard_normal(D) * 1.1
words = list(vec) + ["filler%05d" % i for i in range(V - len(vec))]
with open(out + ".tmp", "wb") as f:
    f.write(b"%d %d\n" % (V, D))
    for i in range(0, V, 5000):
        block = rng.standard_normal((min(5000, V - i), D)).astype(np.float32)
        for k, w in enumerate(words[i:i + 5000]):
            v = vec[w].astype(np.float32) if w in vec else block[k]
            f.write(w.encode() + b" " + v.astype("<f4").tobytes() + b"\n")
os.replace(out + ".tmp", out)
EOF
    fi
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/w2v-bench-eval.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat "$vec" > /dev/null  # both tools read from the page cache

best=""
for run in 1 2 3; do
    t0=$(date +%s.%N)
    "$bin/w2v-eval" -json -restrict 30000 "$vec" "$q" > "$work/ours.json"
    t1=$(date +%s.%N)
    t=$(echo "$t1 - $t0" | bc -l)
    echo "w2v-eval run $run: $(printf '%.3f' "$t") s"
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
done

"$py" - "$vec" "$q" "$work/ours.json" > "$work/gensim.txt" <<'EOF'
import json, logging, sys, time
from gensim.models import KeyedVectors
vec, q, ours = sys.argv[1:]
t0 = time.perf_counter()
kv = KeyedVectors.load_word2vec_format(vec, binary=True)
t1 = time.perf_counter()
score, sections = kv.evaluate_word_analogies(q, restrict_vocab=30000)
t2 = time.perf_counter()
o = json.loads(open(ours).readline())
same = sum(len(g["correct"]) == s["correct"] for g, s in zip(sections[:-1], o["sections"]))
print("%.3f %.3f %.3f %d %d %d %d" % (t2 - t0, t1 - t0, t2 - t1, len(sections[-1]["correct"]),
      o["total"]["correct"], same, len(o["sections"])))
EOF
read -r g gload geval gc oc same nsec < "$work/gensim.txt"
echo "gensim: $(printf '%.3f' "$g") s (load $(printf '%.2f' "$gload") s, evaluate $(printf '%.2f' "$geval") s)"
echo "w2v-eval (best of 3): $(printf '%.3f' "$best") s"
echo "correct answers: gensim $gc, w2v-eval $oc; equal in $same of $nsec sections"
echo "ratio gensim / w2v-eval: $(printf '%.1f' "$(echo "$g / $best" | bc -l)")x"
echo "vectors: $vec; $(nproc) cores"
