#!/usr/bin/python3
"""Parity of w2v-eval with gensim (evaluate_word_analogies, evaluate_word_pairs).

usage: gensim_eval.py W2V_BIN_DIR ANALOGY_DIR SIMILARITY_DIR WORK_DIR

ANALOGY_DIR holds questions-words.txt; SIMILARITY_DIR the EN-*.txt sets
(both eval/data after scripts/fetch-data.sh; ../shared/data/analogy and
../shared/data/similarity in the shared tree).

Builds a small vector file with planted structure (deterministic), writes it
as word2vec.c binary, gensim-style binary (no newline after vectors) and
text, then checks:
  - the three files give w2v-eval identical results;
  - per section of questions-words.txt, w2v-eval's correct and seen counts
    equal gensim's, at restrict 30000 (the whole file) and at a restriction
    that leaves some question words out;
  - Spearman's rho (and Pearson's r, and the OOV ratio) of WS-353, SimLex-999,
    MEN and RW equal gensim's to 1e-4.
A question whose answer is a float near-tie (the expected word and the best
other candidate within 2e-5 in float64) may legitimately go either way in
float32; such questions are counted first and allowed as the only slack.
Prints one line per check and "RESULT <passed> <failed>".
"""
import json
import os
import subprocess
import sys

try:
    import numpy as np
    from gensim.models import KeyedVectors
except ImportError as e:  # pragma: no cover - depends on the machine
    print("SKIP: gensim/numpy not importable with %s (%s)" % (sys.executable, e))
    print("RESULT 0 0")
    sys.exit(0)

D = 48
SEED = 20240607
TIE = 2e-5
SIM_FILES = ["EN-WS-353-ALL.txt", "EN-SIMLEX-999.txt", "EN-MEN-TR-3k.txt", "EN-RW-STANFORD.txt"]

passed = failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
        print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what)


def read_questions(path):
    sections = []
    with open(path, encoding="utf8") as f:
        for line in f:
            if line.startswith(":"):
                sections.append((line[1:].strip(), []))
            elif line.split():
                sections[-1][1].append(tuple(line.split()))
    return sections


def read_pairs(path):
    out = []
    with open(path, encoding="utf8") as f:
        for line in f:
            parts = line.strip().split("\t")
            if len(parts) == 3 and not line.startswith("#"):
                out.append((parts[0], parts[1], float(parts[2])))
    return out


def make_vectors(qdir, sdir):
    """Words of the evaluation sets with planted offsets, case variants,
    duplicates, unknown words and filler; returns [(word, vector)] in file order."""
    rng = np.random.default_rng(SEED)
    vec = {}

    def rand():
        return rng.normal(0.0, 1.0 / np.sqrt(D), D)

    sections = read_questions(os.path.join(qdir, "questions-words.txt"))
    for name, qs in sections:
        off = 1.2 * rand()
        noise = 1.6 if name.startswith("gram") else 1.3
        for a, b, c, d in qs:
            for x, y in ((a, b), (c, d)):
                if x not in vec and y not in vec:
                    vec[x] = rand()
                if x in vec and y not in vec:
                    vec[y] = vec[x] + off + noise * rand()
                elif y in vec and x not in vec:
                    vec[x] = vec[y] - off + noise * rand()
    qwords = list(vec)
    for name in SIM_FILES:
        pairs = read_pairs(os.path.join(sdir, name))
        lo = min(p[2] for p in pairs)
        hi = max(p[2] for p in pairs)
        for a, b, s in pairs:
            t = 0.9 * (s - lo) / (hi - lo)  # never an exact copy: no exact ties
            if a not in vec and b not in vec:
                vec[a] = rand()
            if a in vec and b not in vec:
                vec[b] = t * vec[a] + (1.0 - t) * rand()
            elif b in vec and a not in vec:
                vec[a] = t * vec[b] + (1.0 - t) * rand()
    words = list(vec)
    # Some words are unknown: left out of the file.
    drop = set(w for w in words if rng.random() < 0.03)
    entries = []  # (sort key, word, vector)
    for w in words:
        if w in drop:
            continue
        key = rng.random()
        shown = w.lower() if rng.random() < 0.5 else w
        entries.append((key, shown, vec[w]))
        r = rng.random()
        if r < 0.02:  # a case variant after the word: the word keeps its vector
            entries.append((key + (1 - key) * rng.random(), w.upper() if shown != w.upper() else w.lower(), rand()))
        elif r < 0.03:  # a case variant before it: the variant's vector is used
            entries.append((key * rng.random(), w.upper() if shown != w.upper() else w.lower(), rand()))
        elif r < 0.04:  # an exact duplicate after it: ignored by both tools
            entries.append((key + (1 - key) * rng.random(), shown, rand()))
    for i in range(1500):
        entries.append((rng.random(), "filler%04d" % i, rand()))
    entries.sort(key=lambda e: e[0])
    return [(w, v.astype(np.float32)) for _, w, v in entries], sections, len(qwords)


def write_files(entries, work):
    paths = {}
    V = len(entries)
    for kind in ("w2v.bin", "gensim.bin", "text.txt"):
        p = os.path.join(work, "planted-" + kind)
        with open(p, "wb") as f:
            f.write(b"%d %d\n" % (V, D))
            for w, v in entries:
                if kind == "text.txt":
                    f.write((w + " " + " ".join("%.9g" % x for x in v) + " \n").encode("utf8"))
                else:
                    f.write(w.encode("utf8") + b" " + v.astype("<f4").tobytes())
                    if kind == "w2v.bin":
                        f.write(b"\n")
        paths[kind] = p
    return paths


def run_w2v(binary, args):
    out = subprocess.run([binary] + args, capture_output=True, text=True)
    if out.returncode != 0:
        print("w2v-eval failed (%d): %s" % (out.returncode, out.stderr.strip()))
        return None
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def near_ties(kv, sections, restrict):
    """Per section: questions whose correctness is a float near-tie."""
    keys = kv.index_to_key[:restrict]
    U = kv.vectors[:restrict].astype(np.float64)
    U /= np.maximum(np.linalg.norm(U, axis=1), 1e-300)[:, None]
    first = {}
    for i, k in enumerate(keys):
        first.setdefault(k.upper(), i)
    canon = np.array([first[k.upper()] for k in keys])
    ties = []
    for name, qs in sections:
        rows = [[first.get(w.upper(), -1) for w in q] for q in qs]
        rows = np.array([r for r in rows if min(r) >= 0], dtype=np.int64).reshape(-1, 4)
        n = 0
        for s in range(0, len(rows), 1000):
            r = rows[s:s + 1000]
            S = (U[r[:, 1]] - U[r[:, 0]] + U[r[:, 2]]) @ U.T
            c = canon[None, :]
            excl = (c == r[:, 0:1]) | (c == r[:, 1:2]) | (c == r[:, 2:3])
            isd = c == r[:, 3:4]
            e = np.where(isd & ~excl, S, -np.inf).max(axis=1)
            o = np.where(~isd & ~excl, S, -np.inf).max(axis=1)
            n += int(np.sum(np.abs(e - o) < TIE))
        ties.append(n)
    return ties


def main():
    if len(sys.argv) != 5:
        print(__doc__)
        print("RESULT 0 1")
        return 1
    bindir, qdir, sdir, work = sys.argv[1:]
    w2v = os.path.join(bindir, "w2v-eval")
    qpath = os.path.join(qdir, "questions-words.txt")
    sims = [os.path.join(sdir, n) for n in SIM_FILES]
    entries, sections, nq = make_vectors(qdir, sdir)
    paths = write_files(entries, work)
    V = len(entries)
    print("planted vectors: %d rows x %d (%d question words), in %s" % (V, D, nq, work))

    # The three encodings of the same vectors load to the same results.
    runs = {}
    for kind, p in paths.items():
        runs[kind] = run_w2v(w2v, ["-json", "-threads", "2", p, qpath] + sims)
    check(all(r is not None for r in runs.values()), "w2v-eval ran on the three files")
    if any(r is None for r in runs.values()):
        print("RESULT %d %d" % (passed, failed))
        return 1
    check(runs["w2v.bin"] == runs["gensim.bin"] == runs["text.txt"],
          "word2vec.c binary, gensim binary and text files give identical results")

    kv = KeyedVectors.load_word2vec_format(paths["w2v.bin"], binary=True)
    kv_t = KeyedVectors.load_word2vec_format(paths["text.txt"], binary=False)
    check(np.array_equal(kv.vectors, kv_t.vectors), "gensim reads the same floats from binary and text")
    # gensim 4.2 drops a duplicate word but leaves a None key (and a zero
    # row) for it at the end of the vocabulary; evaluate_* crash on those
    # keys when restrict_vocab reaches them.  Restrict to the distinct words:
    # the file has exact duplicates (so the case is exercised), gensim keeps
    # one row per distinct word, and its first `distinct` keys are exactly
    # the file's distinct words in file order.
    written = [w for w, _ in entries]
    first_seen = list(dict.fromkeys(written))
    distinct = len(first_seen)
    check(len(written) > distinct and kv.index_to_key[:distinct] == first_seen
          and all(k is None for k in kv.index_to_key[distinct:]),
          "%d rows, %d distinct words: gensim's first %d keys are those words, "
          "placeholders after them" % (len(written), distinct, distinct))

    for restrict in (30000, int(0.6 * distinct)):
        ours = runs["w2v.bin"][0] if restrict == 30000 else \
            run_w2v(w2v, ["-json", "-restrict", str(restrict), paths["w2v.bin"], qpath])[0]
        _, gs = kv.evaluate_word_analogies(qpath, restrict_vocab=min(restrict, distinct))
        ties = near_ties(kv, sections, min(restrict, distinct))
        gsec = gs[:-1]
        check(len(gsec) == len(ours["sections"]), "restrict %d: %d sections" % (restrict, len(gsec)))
        bad = []
        for i, (g, o) in enumerate(zip(gsec, ours["sections"])):
            gc, gn = len(g["correct"]), len(g["correct"]) + len(g["incorrect"])
            if g["section"] != o["name"] or gn != o["seen"] or abs(gc - o["correct"]) > ties[i]:
                bad.append("%s: gensim %d/%d, w2v-eval %d/%d (near-ties %d)"
                           % (g["section"], gc, gn, o["correct"], o["seen"], ties[i]))
        tot_g = len(gs[-1]["correct"])
        detail = "; ".join(bad) if bad else "%d sections, total %d/%d correct, %d seen of %d" % (
            len(gsec), ours["total"]["correct"], tot_g, ours["total"]["seen"], ours["total"]["total"])
        check(not bad, "restrict %d: per-section correct/seen equal gensim's (%s)" % (restrict, detail))
        if restrict == 30000:
            exact = sum(1 for g, o in zip(gsec, ours["sections"]) if len(g["correct"]) == o["correct"])
            print("     sections with exactly equal counts: %d of %d; near-tie questions: %d"
                  % (exact, len(gsec), sum(ties)))
            acc = ours["total"]["correct"] / max(1, ours["total"]["seen"])
            check(0.2 < acc < 0.9 and ours["coverage"] < 1.0,
                  "a meaningful mix: accuracy %.3f, coverage %.3f" % (acc, ours["coverage"]))

    for path, o in zip(sims, runs["w2v.bin"][1:]):
        pear, spear, oov = kv.evaluate_word_pairs(path, restrict_vocab=distinct)
        name = os.path.basename(path)
        ok = (abs(spear[0] - o["spearman"]) <= 1e-4 and abs(pear[0] - o["pearson"]) <= 1e-4
              and abs(oov - 100.0 * o["oov"] / o["pairs"]) < 1e-9)
        check(ok, "%s: rho %.6f vs gensim %.6f, r %.6f vs %.6f, oov %d (%.2f %%)"
              % (name, o["spearman"], spear[0], o["pearson"], pear[0], o["oov"], oov))
    print("RESULT %d %d" % (passed, failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
