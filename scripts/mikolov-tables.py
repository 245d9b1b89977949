#!/usr/bin/env python3
"""Markdown tables and chart data for scripts/reproduce-mikolov.sh.

    mikolov-tables.py EXP OUT TAG TRAIN_CORPUS EPOCHS THREADS

Reads the runs OUT/runs/KEY.{tsv,json,log} that the runner wrote (KEY =
TAG-PREFIX-ARCH-METHOD-sSAMPLE-dDIM-eEPOCHS[-aALPHA]) and prints experiment
EXP's Markdown on stdout; writes the TSVs behind its charts into OUT.
Standard library only.
"""
import glob
import json
import os
import re
import subprocess
import sys

exp, out, tag, train_all, epochs, threads = sys.argv[1:7]
exp = int(exp)
DIM = int(os.environ.get("DIM", "300"))

KEY = re.compile(r"^(?P<tag>.+)-(?P<prefix>q8|q4|q2|all|phrases)-(?P<arch>sg|cbow)-"
                 r"(?P<method>neg5|neg15|hs)-s(?P<sample>.+?)-d(?P<dim>\d+)-e(?P<epochs>\d+)"
                 r"(?:-a(?P<alpha>[0-9.e-]+))?$")
HELD = re.compile(r"held-out loss ([0-9.]+) \(positive term ([0-9.]+); centre rank < \d+: "
                  r"([0-9.na]+), the rest: ([0-9.na]+)\) over (\d+) pairs of .* in ([0-9.]+) s"
                  r"(?: \(([0-9.]+) s CPU\))?")
SIMS = [("EN-WS-353-ALL", "WS-353"), ("EN-SIMLEX-999", "SimLex"), ("EN-MEN-TR-3k", "MEN"),
        ("EN-RW-STANFORD", "RW")]


def pct(s):
    return 100.0 * s["correct"] / s["seen"] if s and s.get("seen") else None


def load_runs():
    runs = {}
    for res in glob.glob(os.path.join(out, "runs", "*.tsv")):
        key = os.path.basename(res)[:-4]
        m = KEY.match(key)
        if not m or m.group("tag") != tag:
            continue
        r = dict(m.groupdict())
        r["key"] = key
        cells = open(res).read().rstrip("\n").split("\t")
        r["wall"], r["user"], r["sys"] = (float(x) for x in cells[1:4])
        r["cpu"] = r["user"] + r["sys"]
        r["cmd"] = cells[4] if len(cells) > 4 else ""
        r["epochs"] = int(r["epochs"])
        r["dim"] = int(r["dim"])
        r["sims"] = {}
        jpath = os.path.join(out, "runs", key + ".json")
        if os.path.exists(jpath):
            for line in open(jpath):
                o = json.loads(line)
                if o.get("kind") == "analogy":
                    r["syn"], r["sem"] = pct(o.get("syntactic")), pct(o.get("semantic"))
                    r["total"] = 100.0 * o["accuracy"] if o.get("accuracy") is not None else None
                    r["seen"] = "%d/%d" % (o["total"]["seen"], o["total"]["total"])
                elif o.get("kind") == "similarity":
                    name = os.path.basename(o["file"]).rsplit(".", 1)[0]
                    r["sims"][name] = o.get("spearman")
        lpath = os.path.join(out, "runs", key + ".log")
        if os.path.exists(lpath):
            h = HELD.search(open(lpath).read())
            if h:
                # scoring the held-out text is not training: its (one-thread)
                # seconds come off the run's wall and CPU time
                r["wall"] -= float(h.group(6))
                if h.group(7):
                    r["cpu"] -= float(h.group(7))
                else:  # an older w2v-train gave no CPU time: the CPU figure includes it
                    r["cpu_note"] = "*"
                r["held"] = float(h.group(1))
                r["held_freq"] = float(h.group(3)) if h.group(3) != "nan" else None
                r["held_rare"] = float(h.group(4)) if h.group(4) != "nan" else None
        runs[key] = r
    return runs


_words = {}


def corpus_words(prefix):
    """Words of the training corpus of a prefix (wc -w, cached beside the corpus)."""
    if prefix in _words:
        return _words[prefix]
    path = train_all if prefix == "all" else os.path.join(out, "corpora", "%s-%s.txt" % (tag, prefix))
    cache = path + ".words"
    n = None
    if os.path.exists(cache):
        n = int(open(cache).read())
    elif os.path.exists(path):
        n = int(subprocess.run(["wc", "-w"], stdin=open(path), capture_output=True,
                               text=True).stdout)
        try:
            with open(cache, "w") as f:
                f.write("%d\n" % n)
        except OSError:
            pass
    _words[prefix] = n
    return n


def cpu(r):
    return "%.0f%s" % (r["cpu"], r.get("cpu_note", ""))


def f1(x, fmt="%.1f"):
    return fmt % x if x is not None else "-"


def mwords(n):
    if not n:
        return "-"
    return "%.1f M" % (n / 1e6) if n >= 1e6 else "%.0f k" % (n / 1e3)


def sample_label(s):
    return "none" if float(s) == 0 else s


runs = load_runs()


def find(**want):
    for r in runs.values():
        if all(str(r.get(k)) == str(v) for k, v in want.items() if k != "alpha") and \
                r.get("alpha") == want.get("alpha"):
            return r
    return None


def header():
    if os.environ.get("QUICK"):
        print("**Quick version**: one pass over a small corpus, to check the pipeline in "
              "minutes; far from the paper's scale (docs/reproduction.md has the full runs).\n")
    print("Corpus `%s` (%s words), %s thread(s); window 5, min-count 5; analogies over the "
          "30,000 most frequent words (questions-words.txt; seen / total questions shown). "
          "Time: w2v-train's wall and CPU (user + system) seconds, reading the corpus and "
          "building the vocabulary included, scoring the held-out text excluded.\n" % (os.path.basename(train_all), mwords(corpus_words("all")), threads))


PAPER1 = {("neg5", "0"): ("63 / 54 / 59", "38 min"), ("neg15", "0"): ("63 / 58 / 61", "97 min"),
          ("hs", "0"): ("53 / 40 / 47", "41 min"), ("neg5", "1e-5"): ("61 / 58 / 60", "14 min"),
          ("neg15", "1e-5"): ("61 / 61 / 61", "36 min"), ("hs", "1e-5"): ("52 / 59 / 55", "21 min")}
MNAME = {"neg5": "NEG-5", "neg15": "NEG-15", "hs": "HS-Huffman"}


def heldcell(r):
    return f1(r.get("held"), "%.4f") if r else "-"


if exp == 1:
    header()
    print("Experiment 1 (NIPS 2013 Table 1): skip-gram, %d dimensions, %s epoch(s). "
          "Paper: 1 billion words of Google News, one epoch.\n" % (DIM, epochs))
    print("| method | sub-sampling | syntactic % | semantic % | total % | seen / total | wall s | CPU s "
          "| held-out loss | paper syn / sem / total % | paper time |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    bars = []
    for s in ("0", "1e-5"):
        for m in ("neg5", "neg15", "hs"):
            r = find(prefix="all", arch="sg", method=m, sample=s, dim=DIM, epochs=epochs)
            p = PAPER1[(m, s)]
            if not r:
                continue
            print("| %s | %s | %s | %s | %s | %s | %.0f | %s | %s | %s | %s |" % (
                MNAME[m], sample_label(s), f1(r.get("syn")), f1(r.get("sem")), f1(r.get("total")),
                r.get("seen", "-"), r["wall"], cpu(r), heldcell(r), p[0], p[1]))
            bars.append(("%s%s" % (MNAME[m], ", 1e-5" if s != "0" else ""), r))
    r = find(prefix="all", arch="cbow", method="neg5", sample="1e-5", dim=DIM, epochs=epochs)
    if r:
        print("| CBOW NEG-5 | 1e-5 | %s | %s | %s | %s | %.0f | %s | %s | | |" % (
            f1(r.get("syn")), f1(r.get("sem")), f1(r.get("total")), r.get("seen", "-"),
            r["wall"], cpu(r), heldcell(r)))
        bars.append(("CBOW NEG-5, 1e-5", r))
    print("\nHeld-out loss: negative sampling's, with the run's own number of negatives, so it "
          "compares runs of one method (none for HS).")
    if any(r.get("cpu_note") for _, r in bars):
        print("\n\\* CPU time includes the held-out scoring (one thread; w2v-train did not yet "
              "report its CPU time): roughly 10 s.")
    with open(os.path.join(out, "exp1.tsv"), "w") as f:
        f.write("method\tsyntactic\tsemantic\ttotal\n")
        for name, r in bars:
            f.write("%s\t%s\t%s\t%s\n" % (name, f1(r.get("syn"), "%.2f"), f1(r.get("sem"), "%.2f"),
                                          f1(r.get("total"), "%.2f")))

elif exp == 2:
    print("Experiment 2 (NIPS 2013 Table 3): two passes of w2v-phrase (threshold 100, then 50), "
          "skip-gram %d-d with 1e-5 sub-sampling, %s epoch(s); questions-phrases.txt scored over "
          "the whole vocabulary. Paper: NEG-15 42 %%, HS 47 %% (with 1e-5), on 3,218 "
          "questions.\n" % (DIM, epochs))
    print("| method | accuracy % | seen / total (coverage) | wall s | CPU s | paper % |")
    print("| --- | --- | --- | --- | --- | --- |")
    for m, paper in (("neg15", "42"), ("hs", "47")):
        r = find(prefix="phrases", arch="sg", method=m, sample="1e-5", dim=DIM, epochs=epochs)
        if r:
            print("| %s | %s | %s | %.0f | %s | %s |" % (MNAME[m], f1(r.get("total")),
                                                         r.get("seen", "-"), r["wall"], cpu(r), paper))

elif exp == 3:
    header()
    prefixes = ("q8", "q4", "q2", "all")
    e3 = sys.argv[7] if len(sys.argv) > 7 else "1"
    for arch, name in (("cbow", "CBOW"), ("sg", "skip-gram")):
        rows = [r for r in runs.values() if r["arch"] == arch and r["method"] == "neg5"
                and r["epochs"] == int(e3) and r["prefix"] in prefixes and r["alpha"] is None
                and r["sample"] == os.environ.get("SAMPLE34", "1e-4")]
        if not rows:
            continue
        dims = sorted({r["dim"] for r in rows})
        print("Experiment 3 (ICLR 2013 Table 2), %s NEG-5, sub-sampling %s, %s epoch(s): total "
              "analogy accuracy %% by dimension (rows) and training words (columns); wall "
              "seconds in brackets.\n" % (name, os.environ.get("SAMPLE34", "1e-4"), e3))
        print("| dim | " + " | ".join(mwords(corpus_words(p)) for p in prefixes) + " |")
        print("| --- |" + " --- |" * len(prefixes))
        for d in dims:
            cells = []
            for p in prefixes:
                r = next((x for x in rows if x["dim"] == d and x["prefix"] == p), None)
                cells.append("%s (%.0f)" % (f1(r.get("total")), r["wall"]) if r else "-")
            print("| %d | %s |" % (d, " | ".join(cells)))
        print()
        # the chart: accuracy against training words, a line per dimension
        with open(os.path.join(out, "exp3-%s.tsv" % arch), "w") as f:
            f.write("training words\t" + "\t".join("%d-d" % d for d in dims) + "\n")
            for p in prefixes:
                words = corpus_words(p)
                if not words:
                    continue
                cells = []
                for d in dims:
                    r = next((x for x in rows if x["dim"] == d and x["prefix"] == p), None)
                    cells.append(f1(r.get("total"), "%.2f") if r else "NA")
                f.write("%d\t%s\n" % (words, "\t".join(cells)))
    print("Paper (CBOW, Google News, total %): 24 M words: 13.4 / 19.4 / 23.2 / 24.0 at "
          "50 / 100 / 300 / 600 dimensions; 98 M: 18.6 / 27.8 / 35.3 / 36.5; 783 M: "
          "23.2 / 32.2 / 45.9 / 50.4.\n")

elif exp == 4:
    header()
    prefixes = ("q8", "q4", "q2", "all")
    s34 = os.environ.get("SAMPLE34", "1e-4")
    for arch, name in (("cbow", "CBOW"), ("sg", "skip-gram")):
        get = lambda p, e: find(prefix=p, arch=arch, method="neg5", sample=s34, dim=DIM, epochs=e)
        if not any(get(p, e) for p in prefixes for e in (1, 3)):
            continue
        print("Experiment 4 (ICLR 2013 Table 5), %s %d-d NEG-5, sub-sampling %s: one epoch "
              "against three on the same words.\n" % (name, DIM, s34))
        print("| training words | 1 epoch: syn / sem / total % | wall s | 3 epochs: syn / sem / total % | wall s |")
        print("| --- | --- | --- | --- | --- |")
        for p in prefixes:
            a, b = get(p, 1), get(p, 3)
            cell = lambda r: "%s / %s / %s" % (f1(r.get("syn")), f1(r.get("sem")), f1(r.get("total"))) if r else "-"
            print("| %s | %s | %s | %s | %s |" % (mwords(corpus_words(p)), cell(a),
                                                  "%.0f" % a["wall"] if a else "-", cell(b),
                                                  "%.0f" % b["wall"] if b else "-"))
        print("\nThe paper's claim, one epoch on twice the words against three epochs on the words:\n")
        print("| 3 epochs on | total % | wall s | 1 epoch on | total % | wall s |")
        print("| --- | --- | --- | --- | --- | --- |")
        for small, big in (("q8", "q4"), ("q4", "q2"), ("q2", "all")):
            a, b = get(small, 3), get(big, 1)
            if a and b:
                print("| %s | %s | %.0f | %s | %s | %.0f |" % (
                    mwords(corpus_words(small)), f1(a.get("total")), a["wall"],
                    mwords(corpus_words(big)), f1(b.get("total")), b["wall"]))
        print()
    print("Paper (783 M words, 300-d; semantic / syntactic / total %): CBOW 3 epochs "
          "15.5 / 53.1 / 36.1, 1 epoch 13.8 / 49.9 / 33.6, 1 epoch on 1.6 B 16.1 / 52.6 / 36.1; "
          "skip-gram 3 epochs 50.0 / 55.9 / 53.3, 1 epoch 45.6 / 52.2 / 49.2, 1 epoch on 1.6 B "
          "52.2 / 55.1 / 53.8.\n")

elif exp == 5:
    header()
    rows = [r for r in runs.values() if r["arch"] == "sg" and r["method"] == "neg5"
            and r["dim"] == DIM and r["prefix"] in ("q8", "q4", "q2", "all")]
    for r in rows:
        r["words"] = corpus_words(r["prefix"]) or 0
        r["updates"] = r["words"] * r["epochs"]
        r["series"] = ("no sub-sampling" if float(r["sample"]) == 0 else "sample " + r["sample"]) + \
            (", alpha " + r["alpha"] if r["alpha"] else "")
    rows.sort(key=lambda r: (float(r["sample"]) == 0 and -1 or float(r["sample"]),
                             float(r["alpha"] or 0.025), r["updates"]))
    print("Experiment 5: skip-gram %d-d NEG-5 against word-updates (training words x epochs), "
          "without and with sub-sampling, at the default starting learning rate (0.025) and "
          "higher ones. Held-out loss: the negative-sampling loss per (context, centre) pair on "
          "the corpus's held-back last words (lower is better), over all pairs, and split by "
          "centre word: the 1,000 most frequent words and the rest. Similarity: Spearman rho.\n" % DIM)
    sims_present = [(f, n) for f, n in SIMS if any(f in r["sims"] for r in rows)]
    print("| sample | alpha | words | epochs | updates | syn % | sem % | total % | wall s | CPU s "
          "| held-out loss: all / frequent / rest |" + "".join(" %s |" % n for _, n in sims_present))
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |" + " --- |" * len(sims_present))
    for r in rows:
        held = "%s / %s / %s" % (f1(r.get("held"), "%.4f"), f1(r.get("held_freq"), "%.4f"),
                                 f1(r.get("held_rare"), "%.4f"))
        sims = "".join(" %s |" % f1(r["sims"].get(f), "%.3f") for f, _ in sims_present)
        print("| %s | %s | %s | %d | %s | %s | %s | %s | %.0f | %s | %s |%s" % (
            sample_label(r["sample"]), r["alpha"] or "0.025", mwords(r["words"]), r["epochs"],
            mwords(r["updates"]), f1(r.get("syn")), f1(r.get("sem")), f1(r.get("total")),
            r["wall"], cpu(r), held, sims))
    if any(r.get("cpu_note") for r in rows):
        print("\n\\* CPU time includes the held-out scoring (one thread; w2v-train did not yet "
              "report its CPU time): roughly 10 s, and 26 s in the first run, which had a slower scorer.")
    series = []
    for r in rows:
        if r["series"] not in series:
            series.append(r["series"])
    with open(os.path.join(out, "exp5-updates.tsv"), "w") as f:
        f.write("word-updates\t" + "\t".join(series) + "\n")
        for x in sorted({r["updates"] for r in rows}):
            cells = []
            for s in series:
                r = next((r for r in rows if r["updates"] == x and r["series"] == s), None)
                cells.append(f1(r.get("total"), "%.2f") if r else "NA")
            f.write("%d\t%s\n" % (x, "\t".join(cells)))
    # CPU rather than wall seconds: on a shared machine wall time measures the neighbours
    with open(os.path.join(out, "exp5-time.tsv"), "w") as f:
        f.write("training CPU seconds\t" + "\t".join(series) + "\n")
        for r in sorted(rows, key=lambda r: r["cpu"]):
            f.write("%.1f\t%s\n" % (r["cpu"], "\t".join(
                f1(r.get("total"), "%.2f") if s == r["series"] else "NA" for s in series)))
    print()
