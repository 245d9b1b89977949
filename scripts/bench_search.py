"""bench_search.py - the data and the numpy side of scripts/bench-search.sh.

    bench_search.py make DIR N D V Q      synthetic vectors, counts, documents, queries
    bench_search.py numpy INDEX QIDS K    brute-force top-K in numpy over the index's
                                          own document vectors (memory-mapped)
    bench_search.py agree OUT.jsonl NUMPY.txt   compare the two answers

Synthetic data: V random words with random 300-d vectors and Zipf counts;
N documents of 6-14 words drawn by frequency; the queries are Q documents'
own text (line numbers in DIR/qids.txt), so each query's vector is exactly
a document's vector: numpy takes those rows from the index, w2v-search
embeds the text, and both must put that document first.
"""
import json, os, sys, time

import numpy as np


def make(d, N, D, V, Q):
    rng = np.random.default_rng(17)
    words = ["w%d" % i for i in range(V)]
    counts = (1e7 / np.arange(1, V + 1)).astype(np.int64) + 1
    with open(os.path.join(d, "vocab.txt"), "w") as f:
        for w, c in zip(words, counts):
            f.write("%s %d\n" % (w, c))
    vecs = rng.standard_normal((V, D)).astype("<f4")
    with open(os.path.join(d, "vectors.bin"), "wb") as f:
        f.write(b"%d %d\n" % (V, D))
        for w, v in zip(words, vecs):
            f.write(w.encode() + b" " + v.tobytes() + b"\n")
    p = counts / counts.sum()
    lens = rng.integers(6, 15, N)
    toks = rng.choice(V, size=int(lens.sum()), p=p)
    with open(os.path.join(d, "docs.txt"), "w") as f:
        at = 0
        for start in range(0, N, 100000):
            lines = []
            for n in lens[start:start + 100000]:
                lines.append(" ".join(words[t] for t in toks[at:at + n]))
                at += n
            f.write("\n".join(lines) + "\n")
    qids = np.sort(rng.choice(N, size=Q, replace=False))
    np.savetxt(os.path.join(d, "qids.txt"), qids + 1, fmt="%d")


def index_vectors(path):
    """The index's document vectors as a read-only memory map (see src/search/index.c)."""
    with open(path, "rb") as f:
        head = f.read(72 + 24)
    assert head[:8] == b"W2VINDEX"
    N, D = np.frombuffer(head[16:32], "<u8")
    off, n = np.frombuffer(head[72:88], "<u8")
    assert n == N * D * 4
    return np.memmap(path, dtype="<f4", mode="r", offset=int(off), shape=(int(N), int(D)))


def brute(index, qids_path, k):
    X = index_vectors(index)
    qids = np.loadtxt(qids_path, dtype=np.int64) - 1
    t0 = time.time()
    q = np.ascontiguousarray(X[qids])
    best_s = np.full((len(q), k), -np.inf, np.float32)
    best_i = np.zeros((len(q), k), np.int64)
    step = 65536
    for a in range(0, X.shape[0], step):
        s = q @ X[a:a + step].T
        kk = min(k, s.shape[1])
        part = np.argpartition(-s, kk - 1, axis=1)[:, :kk]
        cs = np.concatenate([best_s, np.take_along_axis(s, part, 1)], 1)
        ci = np.concatenate([best_i, part + a], 1)
        order = np.argsort(-cs, axis=1, kind="stable")[:, :k]
        best_s = np.take_along_axis(cs, order, 1)
        best_i = np.take_along_axis(ci, order, 1)
    dt = time.time() - t0
    cpu = time.process_time()
    for i in range(len(q)):
        print(" ".join("%d:%.6f" % (j + 1, s) for j, s in zip(best_i[i], best_s[i])))
    print("numpy: %d queries x %d documents: %.2f s wall, %.2f s CPU (process)"
          % (len(q), X.shape[0], dt, cpu), file=sys.stderr)


def agree(out_jsonl, numpy_txt, qids_path):
    qids = np.loadtxt(qids_path, dtype=np.int64)
    ours = [json.loads(l) for l in open(out_jsonl)]
    theirs = [l.split() for l in open(numpy_txt)]
    assert len(ours) == len(theirs) == len(qids), (len(ours), len(theirs), len(qids))
    self_first = same_top = 0
    for o, t, qid in zip(ours, theirs, qids):
        top = [h["line"] for h in o["hits"]]
        self_first += bool(top) and top[0] == qid
        same_top += bool(top) and top[0] == int(t[0].split(":")[0])
    print("agreement: own document first %d/%d (w2v-search), same first answer as numpy %d/%d"
          % (self_first, len(qids), same_top, len(qids)))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2], *map(int, sys.argv[3:7]))
    elif cmd == "numpy":
        brute(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif cmd == "agree":
        agree(sys.argv[2], sys.argv[3], sys.argv[4])
