"""revdict.py - the reverse-dictionary benchmark's driver (see bench-revdict.sh).

    revdict.py prepare WORDNET_DIR VECTORS TOP OUTDIR
        Reads WordNet's data.{noun,verb,adj,adv}; keeps each (headword, gloss)
        whose headword is one lower-case word among the TOP most frequent rows
        of VECTORS and does not occur in its own gloss; writes OUTDIR/glosses.txt
        (one gloss per line: the definition before the examples, lower-cased,
        everything but a-z as blanks, as the enwiki corpora are) and
        OUTDIR/pairs.tsv (headword, its row in VECTORS, gloss line).
    revdict.py score VECTORS TOP OUTDIR SAMPLE NAME=EMBEDDINGS...
        For each gloss line embedding (w2v-embed output, keyed by line), ranks
        the TOP words by cosine, leaving out the gloss's own words, and prints
        acc@1/10/100 and the median rank of the headword.  SAMPLE > 0 scores a
        fixed random sample of that many pairs (seed 2016), 0 all of them.
        A gloss with no known word (a zero vector) ranks last.

The headword may be any of the TOP words; the ranking is over all of them.
"""
import os, re, sys

import numpy as np


def read_w2v(path, limit=None):
    """word2vec file (binary iff the name ends in .bin) -> (words, float32 rows); the first
    `limit` rows only."""
    data = open(path, "rb").read()
    nl = data.index(b"\n")
    V, D = map(int, data[:nl].split())
    n = V if limit is None else min(V, limit)
    pos = nl + 1
    binary = path.endswith(".bin")  # how w2v-train and w2v-embed choose
    words, M = [], np.empty((n, D), np.float32)
    for i in range(n):
        sp = data.index(b" ", pos)
        words.append(data[pos:sp].decode("utf8", "replace"))
        if binary:
            M[i] = np.frombuffer(data, "<f4", D, sp + 1)
            pos = sp + 1 + 4 * D
            if pos < len(data) and data[pos:pos + 1] == b"\n":
                pos += 1
        else:
            e = data.index(b"\n", sp)
            M[i] = np.array(data[sp + 1:e].split(), dtype=np.float32)
            pos = e + 1
    return words, M


def prepare(wn, vectors, top, out):
    words, _ = read_w2v(vectors, top)
    row = {w: i for i, w in enumerate(words)}
    seen, pairs, glosses, gid = set(), [], [], {}
    skipped_self = 0
    for pos in ("noun", "verb", "adj", "adv"):
        for line in open(os.path.join(wn, "data." + pos), encoding="latin-1"):
            if line.startswith("  "):
                continue  # the licence
            head, _, gloss = line.partition(" | ")
            f = head.split()
            n = int(f[3], 16)
            lemmas = [re.sub(r"\(.*\)$", "", f[4 + 2 * k]).lower() for k in range(n)]
            definition = re.split(r';\s*"|"', gloss)[0]
            text = " ".join(re.sub(r"[^a-z]", " ", definition.lower()).split())
            if not text:
                continue
            toks = set(text.split())
            for lemma in lemmas:
                if not re.fullmatch(r"[a-z]+", lemma) or lemma not in row:
                    continue
                if lemma in toks:
                    skipped_self += 1
                    continue
                if (lemma, text) in seen:
                    continue
                seen.add((lemma, text))
                if text not in gid:
                    gid[text] = len(glosses)
                    glosses.append(text)
                pairs.append((lemma, row[lemma], gid[text]))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "glosses.txt"), "w") as f:
        f.write("\n".join(glosses) + "\n")
    with open(os.path.join(out, "pairs.tsv"), "w") as f:
        for p in pairs:
            f.write("%s\t%d\t%d\n" % p)
    heads = len({p[0] for p in pairs})
    print("prepared %d pairs (%d headwords, %d distinct glosses; %d pairs left out because "
          "the headword is in its gloss)" % (len(pairs), heads, len(glosses), skipped_self))


def score(vectors, top, out, sample, runs):
    words, W = read_w2v(vectors, top)
    W /= np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-30)
    row = {w: i for i, w in enumerate(words)}
    glosses = open(os.path.join(out, "glosses.txt")).read().split("\n")
    pairs = [l.split("\t") for l in open(os.path.join(out, "pairs.tsv"))]
    pairs = [(h, int(r), int(g)) for h, r, g in pairs]
    if sample and sample < len(pairs):
        idx = np.random.default_rng(2016).choice(len(pairs), sample, replace=False)
        pairs = [pairs[i] for i in sorted(idx)]
    print("| weighting | pairs | acc@1 | acc@10 | acc@100 | median rank |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, path in runs:
        _, G = read_w2v(path)
        ranks = np.empty(len(pairs), np.int64)
        for a in range(0, len(pairs), 1000):
            chunk = pairs[a:a + 1000]
            q = G[[g for _, _, g in chunk]]
            norms = np.linalg.norm(q, axis=1)
            q = q / np.maximum(norms, 1e-30)[:, None]
            S = q @ W.T
            for i, (h, r, g) in enumerate(chunk):
                own = [row[t] for t in set(glosses[g].split()) if t in row]
                S[i, own] = -np.inf
                ranks[a + i] = top if norms[i] == 0 else 1 + int((S[i] > S[i, r]).sum())
        acc = [100.0 * (ranks <= k).mean() for k in (1, 10, 100)]
        print("| %s | %d | %.2f %% | %.2f %% | %.2f %% | %d |"
              % (name, len(pairs), acc[0], acc[1], acc[2], int(np.median(ranks))))


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    elif sys.argv[1] == "score":
        runs = [a.split("=", 1) for a in sys.argv[6:]]
        score(sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), runs)
