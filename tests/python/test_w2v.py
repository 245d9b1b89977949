"""Tests of the Python module w2v (run by tests/e2e_python.sh with pytest).

What they hold the module to: trained vectors learn a planted structure;
one thread and a seed give w2v-train's vectors bit for bit; sentences= and
corpus_file= give the same vectors; gensim's own evaluation of to_gensim()
equals ours; bad arguments and files raise clean exceptions; Ctrl-C stops
training and raises KeyboardInterrupt; the GIL is free while training;
nothing grows over 100 train/free cycles.

Environment: W2V_BIN (the programs, for w2v-train), W2V_DATA (the shared
evaluation data; tests that need it are skipped, with the reason, without).
"""
import gc
import os
import random
import signal
import subprocess
import threading
import time

import numpy as np
import pytest

import w2v

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("W2V_BIN") or os.path.join(ROOT, "bin")
DATA = os.environ.get("W2V_DATA") or os.path.join(ROOT, "..", "shared", "data")
TOPICS, WORDS = 12, 10


def planted_lines(n=3000, seed=7):
    """Sentences of one topic each: words tNwM of topic N, glue words between."""
    rnd = random.Random(seed)
    glue = ["the", "of", "and", "a"]
    lines = []
    for _ in range(n):
        t = rnd.randrange(TOPICS)
        words = []
        for _ in range(12):
            if rnd.random() < 0.25:
                words.append(rnd.choice(glue))
            words.append("t%dw%d" % (t, rnd.randrange(WORDS)))
        lines.append(words)
    return lines


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    lines = planted_lines()
    path = tmp_path_factory.mktemp("corpus") / "planted.txt"
    path.write_text("".join(" ".join(l) + "\n" for l in lines))
    return str(path), lines


def topic_score(wv):
    """Share of planted words whose nearest planted word has the same topic."""
    keys = [k for k in wv.index_to_key if k.startswith("t") and "w" in k]
    unit = np.array([wv.get_vector(k, norm=True) for k in keys])
    sims = unit @ unit.T
    np.fill_diagonal(sims, -2)
    best = sims.argmax(axis=1)
    topic = [k.split("w")[0] for k in keys]
    return np.mean([topic[i] == topic[b] for i, b in enumerate(best)])


SMALL = dict(vector_size=32, window=5, min_count=2, epochs=3, seed=5)


def test_planted_structure(corpus):
    path, lines = corpus
    m = w2v.Word2Vec(sentences=lines, workers=2, **SMALL)
    assert len(m.wv) == TOPICS * WORDS + 4
    assert topic_score(m.wv) >= 0.9
    # most_similar's neighbours of a planted word share its topic
    near = [k for k, _ in m.wv.most_similar("t3w1", topn=5)]
    assert sum(k.startswith("t3w") for k in near) >= 4, near
    # an untrained-looking model would not pass: this check can fail
    rnd = w2v.Word2Vec(sentences=lines, workers=1, **dict(SMALL, epochs=1, alpha=1e-7))
    assert topic_score(rnd.wv) < 0.5


def w2v_train(args):
    exe = os.path.join(BIN, "w2v-train")
    if not os.access(exe, os.X_OK):
        pytest.fail("%s is not built" % exe)
    subprocess.run([exe] + args + ["-quiet"], check=True)


@pytest.mark.parametrize("mode", ["sg-batch", "sg-pair", "cbow-hs"])
def test_bit_identical_to_w2v_train(corpus, tmp_path, mode):
    path, _ = corpus
    flags = ["-dim", "24", "-window", "4", "-min-count", "2", "-epochs", "2", "-seed", "11",
             "-threads", "1", "-sample", "1e-2", "-alpha", "0.03"]
    kw = dict(vector_size=24, window=4, min_count=2, epochs=2, seed=11, workers=1,
              sample=1e-2, alpha=0.03)
    if mode == "sg-pair":
        flags += ["-kernel", "pair"]
        kw["kernel"] = "pair"
    if mode == "cbow-hs":
        flags += ["-cbow", "1", "-hs", "1", "-negative", "0"]
        kw.update(sg=0, hs=1, negative=0)
    out = str(tmp_path / "ref.bin")
    w2v_train([path, "-o", out] + flags)
    ref = w2v.KeyedVectors.load_word2vec_format(out, binary=True)
    m = w2v.Word2Vec(corpus_file=path, **kw)
    assert m.wv.index_to_key == ref.index_to_key
    assert m.wv.vectors.tobytes() == ref.vectors.tobytes()
    # and a different seed gives different vectors (the comparison can fail)
    other = w2v.Word2Vec(corpus_file=path, **dict(kw, seed=12))
    assert other.wv.vectors.tobytes() != ref.vectors.tobytes()


def test_sentences_equal_corpus_file(corpus):
    path, lines = corpus
    a = w2v.Word2Vec(corpus_file=path, workers=1, **SMALL)
    b = w2v.Word2Vec(sentences=lines, workers=1, **SMALL)
    # a generator (read once), tuples as sentences
    c = w2v.Word2Vec(sentences=(tuple(l) for l in lines), workers=1, **SMALL)
    assert a.wv.index_to_key == b.wv.index_to_key == c.wv.index_to_key
    assert a.wv.vectors.tobytes() == b.wv.vectors.tobytes() == c.wv.vectors.tobytes()
    assert [a.wv.get_vecattr(k, "count") for k in a.wv.index_to_key[:5]] == \
           [b.wv.get_vecattr(k, "count") for k in b.wv.index_to_key[:5]]
    # build_vocab + train, gensim's two-step start, gives the same too
    d = w2v.Word2Vec(workers=1, **SMALL)
    d.build_vocab(lines)
    d.train(lines, total_examples=len(lines), epochs=SMALL["epochs"])
    assert d.wv.vectors.tobytes() == a.wv.vectors.tobytes()


def test_corpus_file_read_by_the_workers(tmp_path):
    """A corpus_file over 1 MiB is read on the workers' threads, with the
    vocabulary of a one-thread read: order (count ties by first appearance)
    and counts."""
    rnd = random.Random(11)
    words = ["w%d" % int(5000 ** rnd.random()) for _ in range(300000)]
    path = tmp_path / "big.txt"
    path.write_text(" ".join(words) + "\n")
    assert path.stat().st_size > (1 << 20)
    one = w2v.Word2Vec(corpus_file=str(path), vector_size=2, epochs=1, min_count=1, workers=1)
    three = w2v.Word2Vec(corpus_file=str(path), vector_size=2, epochs=1, min_count=1, workers=3)
    assert one.wv.index_to_key == three.wv.index_to_key
    assert [one.wv.get_vecattr(k, "count") for k in one.wv.index_to_key] == \
           [three.wv.get_vecattr(k, "count") for k in three.wv.index_to_key]


def test_no_silent_restart(corpus):
    """gensim continues a trained model (build_vocab(update=True), then
    train); w2v's Python module cannot, and says so rather than quietly
    training new vectors on the new text alone."""
    path, lines = corpus
    m = w2v.Word2Vec(sentences=lines, workers=1, **SMALL)
    first = m.wv
    with pytest.raises(NotImplementedError, match="w2v-train -continue"):
        m.build_vocab(lines[:100], update=True)
    assert m.wv is first  # left as it was
    with pytest.warns(UserWarning, match="starts from new vectors"):
        m.train(lines, total_examples=len(lines), epochs=SMALL["epochs"])
    assert m.wv.vectors.tobytes() == first.vectors.tobytes()  # same seed, same text


def test_vectors_are_library_memory(corpus):
    path, lines = corpus
    m = w2v.Word2Vec(sentences=lines, workers=1, **SMALL)
    v = m.wv.vectors
    assert v.dtype == np.float32 and v.shape == (len(m.wv), 32)
    assert not v.flags.owndata and type(v.base).__name__ == "Vectors"
    expected = v.copy()
    del m
    gc.collect()
    assert np.array_equal(v, expected)  # the array keeps the memory alive


def test_queries_match_gensim(corpus):
    gensim = pytest.importorskip("gensim")
    del gensim
    path, lines = corpus
    m = w2v.Word2Vec(sentences=lines, workers=1, **SMALL)
    g = m.wv.to_gensim()
    for q in (dict(positive=["t1w1"]), dict(positive=["t1w2", "t4w4"], negative=["t4w3"]),
              dict(positive=["t2w2"], restrict_vocab=40)):
        ours = m.wv.most_similar(topn=6, **q)
        theirs = g.most_similar(topn=6, **q)
        assert [k for k, _ in ours] == [k for k, _ in theirs]
        assert np.allclose([s for _, s in ours], [s for _, s in theirs], atol=1e-5)
    assert abs(m.wv.similarity("t1w1", "t1w2") - g.similarity("t1w1", "t1w2")) < 1e-5
    words = ["t1w1", "t1w2", "t1w3", "t7w1"]
    assert m.wv.doesnt_match(words) == g.doesnt_match(words) == "t7w1"
    all_sims = m.wv.most_similar("t1w1", topn=None)
    assert all_sims.shape == (len(m.wv),)
    assert np.allclose(all_sims, g.most_similar("t1w1", topn=None), atol=1e-5)


def planted_questions(path, wv, seed=3):
    """Analogy questions over the planted words (and a few unknown words);
    in a third of them d is the top answer (so some are answered right)."""
    rnd = random.Random(seed)
    out = []
    for s in range(4):
        out.append(": section-%d" % s)
        for i in range(60):
            w = ["t%dw%d" % (rnd.randrange(TOPICS), rnd.randrange(WORDS)) for _ in range(4)]
            if i % 3 == 0 and len(set(w[:3])) == 3:
                w[3] = wv.most_similar(positive=[w[1], w[2]], negative=[w[0]], topn=1)[0][0]
            if rnd.random() < 0.1:
                w[rnd.randrange(4)] = "unknown%d" % rnd.randrange(3)
            out.append(" ".join(w))
    path.write_text("\n".join(out) + "\n")
    return str(path)


def assert_same_analogies(ours, theirs):
    assert ours[0] == pytest.approx(theirs[0])
    assert [s["section"] for s in ours[1]] == [s["section"] for s in theirs[1]]
    for a, b in zip(ours[1], theirs[1]):
        assert a["correct"] == b["correct"], a["section"]
        assert a["incorrect"] == b["incorrect"], a["section"]


def test_analogies_equal_gensim_planted(corpus, tmp_path):
    pytest.importorskip("gensim")
    path, lines = corpus
    m = w2v.Word2Vec(sentences=lines, workers=1, **SMALL)
    q = planted_questions(tmp_path / "q.txt", m.wv)
    g = m.wv.to_gensim()
    for dummy in (False, True):
        ours = m.wv.evaluate_word_analogies(q, dummy4unknown=dummy)
        theirs = g.evaluate_word_analogies(q, dummy4unknown=dummy)
        assert_same_analogies(ours, theirs)
        assert sum(len(s["correct"]) for s in ours[1][:-1]) > 0


def structured_vectors(tmp_path, questions_file, extra=5000, dim=50, seed=1):
    """Random vectors for the question words plus filler words, with each
    section's (a, b) pairs offset by a section vector, so that many
    analogies are answered correctly and many are not.  Written as a text
    vector file; returns its path."""
    rng = np.random.default_rng(seed)
    words, pairs = {}, []
    section = None
    with open(questions_file) as f:
        for line in f:
            if line.startswith(":"):
                section = rng.normal(size=dim) * 2.0
                continue
            a, b, c, d = line.split()
            for w in (a, b, c, d):
                words.setdefault(w.lower(), rng.normal(size=dim))
            pairs.append((a.lower(), b.lower(), section))
    for a, b, off in pairs:
        words[b] = words[a] + off + rng.normal(size=dim) * 1.5
    names = list(words) + ["filler%d" % i for i in range(extra)]
    vecs = np.vstack([words[w] for w in words] + [rng.normal(size=(extra, dim))])
    path = tmp_path / "vectors.txt"
    with open(path, "w") as f:
        f.write("%d %d\n" % vecs.shape)
        for w, v in zip(names, vecs.astype(np.float32)):
            f.write(w + " " + " ".join("%.6g" % x for x in v) + "\n")
    return str(path)


def test_analogies_and_pairs_equal_gensim_shared_data(tmp_path):
    pytest.importorskip("gensim")
    qfile = os.path.join(DATA, "analogy", "questions-words.txt")
    pfile = os.path.join(DATA, "similarity", "EN-WS-353-ALL.txt")
    if not os.path.isfile(qfile) or not os.path.isfile(pfile):
        pytest.skip("no evaluation data at %s" % DATA)
    kv = w2v.KeyedVectors.load_word2vec_format(structured_vectors(tmp_path, qfile))
    g = kv.to_gensim()
    ours = kv.evaluate_word_analogies(qfile, restrict_vocab=4000)
    theirs = g.evaluate_word_analogies(qfile, restrict_vocab=4000)
    assert_same_analogies(ours, theirs)
    assert 0.1 < ours[0] < 0.9, ours[0]  # both kinds of answers were compared
    # word pairs: the words of WS-353 that exist here get random vectors
    p_ours = kv.evaluate_word_pairs(pfile)
    p_theirs = g.evaluate_word_pairs(pfile)
    assert p_ours[0][0] == pytest.approx(p_theirs[0][0], abs=1e-5)
    assert p_ours[0][1] == pytest.approx(p_theirs[0][1], abs=1e-5)
    assert p_ours[1][0] == pytest.approx(p_theirs[1][0], abs=1e-5)
    assert p_ours[1][1] == pytest.approx(p_theirs[1][1], abs=1e-5)
    assert p_ours[2] == pytest.approx(p_theirs[2])


def test_save_load_round_trip(corpus, tmp_path):
    path, lines = corpus
    m = w2v.Word2Vec(sentences=lines, workers=1, **SMALL)
    for binary in (True, False):
        f = str(tmp_path / ("v.bin" if binary else "v.txt"))
        m.wv.save_word2vec_format(f, fvocab=str(tmp_path / "vocab.txt"), binary=binary)
        kv = w2v.KeyedVectors.load_word2vec_format(f, binary=binary)
        assert kv.index_to_key == m.wv.index_to_key
        assert np.array_equal(kv.vectors, m.wv.vectors)
        kv3 = w2v.KeyedVectors.load_word2vec_format(f, binary=None, limit=3)
        assert len(kv3) == 3
    assert (tmp_path / "vocab.txt").read_text().split("\n")[0].split()[1].isdigit()


def test_bad_arguments_and_files(corpus, tmp_path):
    path, lines = corpus
    for kw, exc in [(dict(vector_size=0), ValueError), (dict(window=0), ValueError),
                    (dict(negative=0, hs=0), ValueError), (dict(workers=0), ValueError),
                    (dict(sample=2.0), ValueError), (dict(kernel="fast"), ValueError),
                    (dict(min_count=0), ValueError), (dict(token_regex="("), ValueError),
                    (dict(trim_rule=lambda *a: 1), ValueError),
                    (dict(vector_size="big"), TypeError)]:
        with pytest.raises(exc):
            w2v.Word2Vec(corpus_file=path, **kw)
    with pytest.raises(OSError, match="nope.txt"):
        w2v.Word2Vec(corpus_file=str(tmp_path / "nope.txt"))
    with pytest.raises(OSError, match="directory"):
        w2v.Word2Vec(corpus_file=str(tmp_path))
    with pytest.raises(ValueError, match="over the limit"):
        w2v.Word2Vec(corpus_file=path, vector_size=300, max_memory=1e4)
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(ValueError, match="no words"):
        w2v.Word2Vec(corpus_file=str(empty))
    with pytest.raises(ValueError, match="at least 5 times"):
        w2v.Word2Vec(sentences=[["a", "b"]])
    with pytest.raises(TypeError, match="split"):
        w2v.Word2Vec(sentences=["a whole sentence as a string"])
    with pytest.raises(TypeError, match="int"):
        w2v.Word2Vec(sentences=[["a", 3]])
    with pytest.raises(ValueError, match="sentences:2"):
        w2v.Word2Vec(sentences=[["a"], ["b\0c"]])
    with pytest.raises(TypeError):
        w2v.Word2Vec(sentences=lines, corpus_file=path)
    with pytest.raises(ValueError):
        w2v.Word2Vec(sentences=lines, checkpoint=str(tmp_path / "ck"))

    def boom():
        yield ["t1w1"] * 10
        raise RuntimeError("the iterator failed")
    with pytest.raises(RuntimeError, match="iterator failed"):
        w2v.Word2Vec(sentences=boom(), min_count=1)

    m = w2v.Word2Vec(sentences=lines, workers=1, **SMALL)
    with pytest.raises(KeyError):
        m.wv["no-such-word"]
    with pytest.raises(KeyError):
        m.wv.most_similar("no-such-word")
    with pytest.raises(ValueError):
        m.wv.most_similar(positive=[])
    bad_q = tmp_path / "q.txt"
    bad_q.write_text(": s\nt1w1 t1w2 t1w3\n")
    with pytest.raises(ValueError, match="q.txt:2"):
        m.wv.evaluate_word_analogies(str(bad_q))
    with pytest.raises(OSError):
        m.wv.evaluate_word_pairs(str(tmp_path / "missing.txt"))
    with pytest.raises(ValueError):  # a word with a space cannot be written
        w2v.Word2Vec(sentences=[["a b"] * 6], min_count=1).wv.save_word2vec_format(
            str(tmp_path / "x.txt"))
    trunc = tmp_path / "trunc.bin"
    m.wv.save_word2vec_format(str(trunc), binary=True)
    trunc.write_bytes(trunc.read_bytes()[:-10])
    with pytest.raises(ValueError, match="trunc.bin"):
        w2v.KeyedVectors.load_word2vec_format(str(trunc), binary=True)
    with pytest.raises(OSError):
        w2v.KeyedVectors.load_word2vec_format(str(tmp_path / "none.bin"), binary=True)


def test_callback_and_its_exception(corpus):
    path, lines = corpus
    seen = []
    w2v.Word2Vec(corpus_file=path, workers=1, compute_loss=True, progress_every=0.01,
                 callback=lambda *a: seen.append(a), **dict(SMALL, epochs=20))
    assert seen and seen[-1][0] == 20 * sum(len(l) for l in lines)
    assert all(len(a) == 4 for a in seen)
    assert any(a[3] == a[3] and a[3] > 0 for a in seen)  # a loss (not nan) was reported

    def fail(*a):
        raise ValueError("stop here")
    with pytest.raises(ValueError, match="stop here"):
        w2v.Word2Vec(corpus_file=path, workers=2, callback=fail, **dict(SMALL, epochs=200))


def test_ctrl_c_raises_keyboard_interrupt_and_checkpoints(corpus, tmp_path):
    path, lines = corpus
    ck = str(tmp_path / "run.ckpt")
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
    t0 = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        w2v.Word2Vec(corpus_file=path, workers=2, checkpoint=ck, **dict(SMALL, epochs=3000))
    took = time.monotonic() - t0
    timer.cancel()
    assert took < 20, took
    assert os.path.getsize(ck) > 0  # the final checkpoint of an interrupted run
    # training works again afterwards
    m = w2v.Word2Vec(sentences=lines, workers=2, **SMALL)
    assert topic_score(m.wv) >= 0.9


def test_checkpoint_resumes_in_w2v_train(corpus, tmp_path):
    """A run stopped from Python leaves a checkpoint that w2v-train -resume
    finishes, bit-identical to an uninterrupted run (one thread)."""
    path, _ = corpus
    kw = dict(SMALL, epochs=40, workers=1)
    ck = str(tmp_path / "run.ckpt")

    def stop_early(done, wps, alpha, loss):
        if done > 0:
            raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        w2v.Word2Vec(corpus_file=path, checkpoint=ck, callback=stop_early,
                     progress_every=0.01, **kw)
    out = str(tmp_path / "resumed.bin")
    w2v_train(["-resume", ck, "-o", out, "-threads", "1"])
    whole = w2v.Word2Vec(corpus_file=path, **kw)
    resumed = w2v.KeyedVectors.load_word2vec_format(out, binary=True)
    assert resumed.vectors.tobytes() == whole.wv.vectors.tobytes()


def test_gil_released_while_training(corpus):
    path, _ = corpus
    ticks = [0]
    done = threading.Event()

    def spin():
        while not done.is_set():
            ticks[0] += 1
            time.sleep(0.001)
    t = threading.Thread(target=spin)
    t.start()
    t0 = time.monotonic()
    w2v.Word2Vec(corpus_file=path, workers=1, **dict(SMALL, epochs=200))
    took = time.monotonic() - t0
    done.set()
    t.join()
    # with the GIL held for the whole run, the thread would hardly tick
    assert took > 0.3 and ticks[0] > took * 100, (took, ticks[0])


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="no /proc/self/statm")
def test_no_leak_over_100_cycles(corpus):
    path, lines = corpus
    lines = lines[:400]

    def cycle(i):
        kw = dict(vector_size=16, min_count=1, epochs=1, workers=1, seed=i)
        m = (w2v.Word2Vec(corpus_file=path, **kw) if i % 2 else
             w2v.Word2Vec(sentences=iter(lines), **kw))
        m.wv.most_similar("t1w1", topn=3)
        m.wv.evaluate_word_pairs
        v = m.wv.vectors
        del m, v
    for i in range(10):
        cycle(i)
    gc.collect()
    before = rss_bytes()
    for i in range(100):
        cycle(i)
    gc.collect()
    grown = rss_bytes() - before
    # one model here is ~0.1 MB; 100 leaked ones would be far above this
    assert grown < 4 << 20, grown
