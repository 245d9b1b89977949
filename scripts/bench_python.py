"""One run of scripts/bench-python.sh: train with one system and one call
shape in this (fresh) process, then score the vectors.

    bench_python.py SYSTEM SHAPE LINES_FILE WORKERS EPOCHS ANALOGIES PAIRS OUT.bin

SYSTEM w2v | gensim, SHAPE corpus_file | sentences.  Both systems get the
same call: Word2Vec(<shape>=..., sg=1, vector_size=300, window=5,
negative=5, sample=1e-4, min_count=5, workers=WORKERS, epochs=EPOCHS);
sentences= is the same re-iterable reader for both (gensim reads it twice:
vocabulary, then training; w2v once).  Prints one line:
    system shape wall_s cpu_s peak_mb analogy_% ws353_rho
wall and CPU cover the Word2Vec(...) call (vocabulary and training), peak
is the process's peak RSS when it returns (before scoring); the scores
come from w2v's evaluator (equal to gensim's, tests/python) on both.
"""
import resource
import sys
import time


class Lines:
    """The sentences of a file, one a line, split at spaces (re-iterable)."""

    def __init__(self, path):
        self.path = path

    def __iter__(self):
        with open(self.path, encoding="utf8") as f:
            for line in f:
                yield line.split()


def main():
    system, shape, lines, workers, epochs, analogies, pairs, out = sys.argv[1:9]
    kw = dict(sg=1, vector_size=300, window=5, negative=5, sample=1e-4, min_count=5,
              workers=int(workers), epochs=int(epochs))
    if system == "w2v":
        import w2v as lib
    else:
        import gensim.models as lib
    import w2v
    kw["corpus_file" if shape == "corpus_file" else "sentences"] = (
        lines if shape == "corpus_file" else Lines(lines))
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.monotonic()
    model = lib.Word2Vec(**kw)
    wall = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    peak_mb = r1.ru_maxrss / 1024.0
    model.wv.save_word2vec_format(out, binary=True)
    kv = w2v.KeyedVectors.load_word2vec_format(out, binary=True)
    acc, _ = kv.evaluate_word_analogies(analogies, restrict_vocab=30000)
    rho = kv.evaluate_word_pairs(pairs)[1][0]
    print("%s %s %.1f %.1f %.0f %.2f %.3f" % (system, shape, wall, cpu, peak_mb, 100 * acc, rho))


if __name__ == "__main__":
    main()
