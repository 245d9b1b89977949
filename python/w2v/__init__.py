"""w2v: word2vec training and evaluation with libw2v, behind gensim 4's API.

    import w2v
    model = w2v.Word2Vec(corpus_file="text.txt", vector_size=300, epochs=5)
    model.wv.most_similar("king")
    model.wv.evaluate_word_analogies("questions-words.txt")
    kv = model.wv.to_gensim()          # a gensim KeyedVectors, if gensim is installed

Training, vector files and every evaluation run in libw2v (C, threads, the
GIL released); this module converts arguments and results.  Defaults are
gensim's where the algorithm is the same; where they differ (sg=1, the
initialisation range, min_alpha) see docs/python.md and Word2Vec's
docstring.  Progress goes to the logging module's "w2v" logger.
"""
import collections
import logging
import math
import os
import time
import warnings

import numpy as np

from . import _w2v

__all__ = ["Word2Vec", "KeyedVectors", "PearsonRResult", "SpearmanrResult"]
__version__ = "0.1.0"

logger = logging.getLogger("w2v")

PearsonRResult = collections.namedtuple("PearsonRResult", ["statistic", "pvalue"])
SpearmanrResult = collections.namedtuple("SpearmanrResult", ["correlation", "pvalue"])


def _cpu_count():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _betacf(a, b, x):
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a, b, x):
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbt = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x)
           + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(lbt) * _betacf(a, b, x) / a
    return 1.0 - math.exp(lbt) * _betacf(b, a, 1.0 - x) / b


def _corr_pvalue(r, n):
    """Two-sided p-value of a correlation r over n pairs (Student's t with
    n - 2 degrees of freedom, as scipy's pearsonr and spearmanr)."""
    if n < 3 or r is None or math.isnan(r):
        return float("nan")
    if abs(r) >= 1.0:
        return 0.0
    df = n - 2.0
    return _betainc(df / 2.0, 0.5, 1.0 - r * r)


def _int(name, value):
    """An integer argument (bools and floats with a fraction refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float)) or \
            (isinstance(value, float) and not value.is_integer()):
        raise TypeError("%s must be an integer, not %r" % (name, value))
    return int(value)


def _float(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError("%s must be a number, not %r" % (name, value))
    return float(value)


def _ensure_list(value):
    if value is None:
        return []
    if isinstance(value, (str, bytes, int, np.integer)):
        return [value]
    if isinstance(value, np.ndarray):
        return [value] if value.ndim == 1 else list(value)
    return list(value)


class KeyedVectors:
    """Word vectors with gensim 4's KeyedVectors interface, held by libw2v.

    vectors       V x D float32 numpy array over the library's memory (no
                  copy; writable; call fill_norms(force=True) after changing
                  it in place)
    index_to_key  the words, most frequent first (for trained vectors)
    key_to_index  word -> row

    Queries (most_similar, similarity, doesnt_match) and evaluations
    (evaluate_word_analogies, evaluate_word_pairs) run on libw2v's evaluator
    over unit-normalised copies built on first use.
    """

    def __init__(self, vectors):
        if not isinstance(vectors, _w2v.Vectors):
            raise TypeError("KeyedVectors is made by Word2Vec or KeyedVectors.load_word2vec_format")
        self._c = vectors
        self.vectors = vectors.array()
        self.index_to_key = vectors.words()
        self.key_to_index = dict(zip(self.index_to_key, range(len(self.index_to_key))))
        counts = vectors.counts()
        self.expandos = {"count": counts} if counts is not None else {}
        self._spaces = {}

    # ---- gensim's basic accessors -------------------------------------------------

    @property
    def vector_size(self):
        return self.vectors.shape[1]

    def __len__(self):
        return len(self.index_to_key)

    def __contains__(self, key):
        return self.has_index_for(key)

    def __repr__(self):
        return "<w2v.KeyedVectors: %d keys, %d dimensions>" % (len(self), self.vector_size)

    def has_index_for(self, key):
        return self.get_index(key, -1) >= 0

    def get_index(self, key, default=None):
        """Row of key; an int in range is taken as a row (as gensim)."""
        val = self.key_to_index.get(key, -1) if isinstance(key, (str, bytes)) else -1
        if val >= 0:
            return val
        if isinstance(key, (int, np.integer)) and 0 <= key < len(self.index_to_key):
            return int(key)
        if default is not None:
            return default
        raise KeyError("Key '%s' not present" % (key,))

    def get_vector(self, key, norm=False):
        """The vector of key (a view of vectors; unit length with norm=True: a copy)."""
        i = self.get_index(key)
        if norm:
            return np.array(self._space(False).unit()[i])
        return self.vectors[i]

    def __getitem__(self, key_or_keys):
        if isinstance(key_or_keys, (str, bytes, int, np.integer)):
            return self.get_vector(key_or_keys)
        return np.vstack([self.get_vector(k) for k in key_or_keys])

    def get_vecattr(self, key, attr):
        if attr not in self.expandos:
            raise KeyError("no attribute '%s' (counts exist only for trained vectors)" % attr)
        return int(self.expandos[attr][self.get_index(key)])

    # ---- the evaluator's space -------------------------------------------------------

    def _space(self, upper):
        sp = self._spaces.get(upper)
        if sp is None:
            sp = self._spaces[upper] = self._c.space(upper)
        return sp

    def fill_norms(self, force=False):
        """Build the unit-normalised rows now; force=True rebuilds them (after
        the vectors were changed in place)."""
        if force:
            self._spaces = {}
        self._space(False)

    def get_normed_vectors(self):
        """The unit-normalised vectors (a read-only V x D view)."""
        return self._space(False).unit()

    @property
    def norms(self):
        return np.linalg.norm(self.vectors, axis=1)

    # ---- queries ---------------------------------------------------------------------

    def _query(self, positive, negative):
        """Weighted sum of unit vectors of keys (raw vectors as given), and
        the rows of the keys used."""
        positive, negative = _ensure_list(positive), _ensure_list(negative)
        unit = self._space(False).unit()
        mean = np.zeros(self.vector_size, dtype=np.float64)
        rows = []
        items = [(p, 1.0) for p in positive] + [(n, -1.0) for n in negative]
        if not items:
            raise ValueError("cannot compute similarity with no input")
        for item, weight in items:
            if isinstance(item, tuple) and len(item) == 2 and not isinstance(item[0], np.ndarray):
                item, weight = item[0], float(item[1])
            if isinstance(item, np.ndarray):
                if item.shape != (self.vector_size,):
                    raise ValueError("vector of shape %s in a query of %d dimensions"
                                     % (item.shape, self.vector_size))
                mean += weight * item.astype(np.float64)
            else:
                i = self.get_index(item)
                rows.append(i)
                mean += weight * unit[i]
        return mean, rows

    def most_similar(self, positive=None, negative=None, topn=10, clip_start=0, clip_end=None,
                     restrict_vocab=None, indexer=None):
        """The topn keys nearest (cosine) to the mean of the unit vectors of
        positive minus those of negative, the query keys left out.  Keys or
        vectors, optionally (key, weight) tuples, as gensim.  restrict_vocab
        searches only the first N rows.  topn=None: the array of all cosines.
        @return [(key, cosine)], best first."""
        if indexer is not None:
            raise ValueError("indexer= is not supported (the search is exact and threaded)")
        mean, rows = self._query(positive, negative)
        if restrict_vocab:
            clip_start, clip_end = 0, restrict_vocab
        if not topn or clip_start:
            norm = np.linalg.norm(mean)
            unit = self._space(False).unit()[clip_start:clip_end]
            dists = unit @ (mean / norm if norm > 0 else mean).astype(np.float32)
            if not topn:
                return dists
            best = np.argsort(-dists, kind="stable")[:topn + len(rows)]
            res = [(self.index_to_key[i + clip_start], float(dists[i]))
                   for i in best if i + clip_start not in rows]
            return res[:topn]
        within = clip_end or 0
        hits = self._space(False).nearest(mean, within, rows, int(topn))
        return [(self.index_to_key[r], s) for r, s in hits]

    def similar_by_key(self, key, topn=10, restrict_vocab=None):
        return self.most_similar(positive=[key], topn=topn, restrict_vocab=restrict_vocab)

    similar_by_word = similar_by_key

    def similar_by_vector(self, vector, topn=10, restrict_vocab=None):
        return self.most_similar(positive=[vector], topn=topn, restrict_vocab=restrict_vocab)

    def similarity(self, w1, w2):
        """Cosine similarity of two keys."""
        unit = self._space(False).unit()
        return float(np.dot(unit[self.get_index(w1)], unit[self.get_index(w2)]))

    def distance(self, w1, w2):
        return 1.0 - self.similarity(w1, w2)

    def n_similarity(self, ws1, ws2):
        if not len(ws1) or not len(ws2):
            raise ZeroDivisionError("At least one of the passed lists is empty.")
        unit = self._space(False).unit()
        a = np.mean([unit[self.get_index(w)] for w in ws1], axis=0)
        b = np.mean([unit[self.get_index(w)] for w in ws2], axis=0)
        return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))

    def doesnt_match(self, words):
        """The key farthest from the mean of the keys' unit vectors (unknown
        keys are left out, with a warning, as gensim)."""
        words = list(words)
        used = [w for w in words if w in self]
        if len(used) != len(words):
            logger.warning("vectors for words %s are not present in the model, ignoring "
                           "these words", set(words) - set(used))
        if not used:
            raise ValueError("cannot select a word from an empty list")
        unit = self._space(False).unit()
        vecs = np.vstack([unit[self.get_index(w)] for w in used]).astype(np.float64)
        mean = vecs.mean(axis=0)
        mean /= np.linalg.norm(mean) or 1.0
        dists = vecs @ mean
        return sorted(zip(dists, used))[0][1]

    # ---- evaluation --------------------------------------------------------------------

    def evaluate_word_analogies(self, analogies, restrict_vocab=300000, case_insensitive=True,
                                dummy4unknown=False, similarity_function="most_similar"):
        """Accuracy on an analogy file (questions-words.txt format), computed by
        libw2v's evaluator (3CosAdd, threads), with gensim's return shape:
        (score, [{'section': name, 'correct': [(a, b, c, d)], 'incorrect': [...]},
        ..., {'section': 'Total accuracy', ...}]).  Words are upper-cased in the
        tuples when case_insensitive, as gensim does.  Unlike gensim, a malformed
        line is an error naming the file and line, not a skipped line."""
        if similarity_function != "most_similar":
            raise ValueError("similarity_function: only 'most_similar' (3CosAdd) is supported")
        sp = self._space(bool(case_insensitive))
        names, questions, _ = sp.analogies(os.fspath(analogies), int(restrict_vocab or 0),
                                           bool(dummy4unknown), _cpu_count())
        sections = [{"section": n, "correct": [], "incorrect": []} for n in names]
        oov = 0
        for s, a, b, c, d, status in questions:
            q = (a.upper(), b.upper(), c.upper(), d.upper()) if case_insensitive else (a, b, c, d)
            if status == 1:
                sections[s]["correct"].append(q)
            elif status == 0:
                sections[s]["incorrect"].append(q)
            else:
                oov += 1
                if dummy4unknown:
                    sections[s]["incorrect"].append(q)
        for sec in sections:
            _log_accuracy(sec)
        total = {"section": "Total accuracy",
                 "correct": [q for sec in sections for q in sec["correct"]],
                 "incorrect": [q for sec in sections for q in sec["incorrect"]]}
        if questions:
            logger.info("Quadruplets with out-of-vocabulary words: %.1f%%",
                        100.0 * oov / len(questions))
        score = _log_accuracy(total)
        sections.append(total)
        return score, sections

    def evaluate_word_pairs(self, pairs, delimiter="\t", encoding="utf8", restrict_vocab=300000,
                            case_insensitive=True, dummy4unknown=False):
        """Correlation of cosines with human scores on a word-pair file
        (wordsim353 format), computed by libw2v, with gensim's return shape:
        ((pearson r, p), (spearman rho, p), oov ratio in percent).  Fields may
        be separated by tabs or spaces (delimiter is accepted for gensim's
        sake); p-values use Student's t with n - 2 degrees of freedom."""
        sp = self._space(bool(case_insensitive))
        n, used, oov, pearson, spearman = sp.pairs(os.fspath(pairs), int(restrict_vocab or 0),
                                                   bool(dummy4unknown))
        p = PearsonRResult(pearson, _corr_pvalue(pearson, used))
        s = SpearmanrResult(spearman, _corr_pvalue(spearman, used))
        oov_ratio = 100.0 * oov / n if n else 0.0
        logger.info("Pearson correlation coefficient against %s: %.4f", pairs, pearson)
        logger.info("Spearman rank-order correlation coefficient against %s: %.4f", pairs, spearman)
        logger.info("Pairs with unknown words ratio: %.1f%%", oov_ratio)
        return p, s, oov_ratio

    # ---- files ----------------------------------------------------------------------------

    def save_word2vec_format(self, fname, fvocab=None, binary=False, total_vec=None,
                             write_header=True):
        """Write word2vec's text or binary format, atomically (a temporary file
        renamed into place).  fvocab: also write "word count" lines (trained
        vectors only).  Words containing spaces or newlines are refused."""
        if total_vec is not None or not write_header:
            raise ValueError("total_vec and write_header=False are not supported")
        self._c.save(os.fspath(fname), bool(binary))
        if fvocab is not None:
            counts = self.expandos.get("count")
            if counts is None:
                raise ValueError("fvocab: these vectors have no counts (they were loaded)")
            tmp = os.fspath(fvocab) + ".tmp"
            with open(tmp, "w", encoding="utf8", errors="surrogateescape") as f:
                for w, c in zip(self.index_to_key, counts):
                    f.write("%s %d\n" % (w, c))
            os.replace(tmp, fvocab)

    @classmethod
    def load_word2vec_format(cls, fname, fvocab=None, binary=False, encoding="utf8",
                             unicode_errors="strict", limit=None, datatype=np.float32):
        """Read a word2vec text or binary file (binary=None: detect which).
        limit keeps the first N vectors.  Malformed files raise ValueError
        naming the file and the line or byte."""
        if fvocab is not None:
            raise ValueError("fvocab is not supported when loading")
        if datatype is not np.float32 and np.dtype(datatype) != np.float32:
            raise ValueError("only float32 vectors are supported")
        fmt = -1 if binary is None else (1 if binary else 0)
        return cls(_w2v.load(os.fspath(fname), fmt, int(limit or 0)))


    def to_gensim(self, copy=True):
        """The same vectors as a gensim.models.KeyedVectors (needs gensim).
        copy=False hands gensim a view of this memory (the gensim object then
        keeps these vectors alive)."""
        try:
            from gensim.models import KeyedVectors as GensimKeyedVectors
        except ImportError as e:
            raise ImportError("to_gensim() needs gensim (pip install gensim / apt install "
                              "python3-gensim)") from e
        kv = GensimKeyedVectors(self.vector_size, count=0, dtype=np.float32)
        kv.index_to_key = list(self.index_to_key)
        kv.key_to_index = dict(self.key_to_index)
        kv.vectors = np.array(self.vectors, dtype=np.float32) if copy else self.vectors
        kv.norms = None
        if "count" in self.expandos:
            kv.expandos = {"count": np.array(self.expandos["count"], dtype=np.int64)}
        return kv


def _log_accuracy(section):
    correct, incorrect = len(section["correct"]), len(section["incorrect"])
    if correct + incorrect == 0:
        return 0.0
    score = correct / (correct + incorrect)
    logger.info("%s: %.1f%% (%i/%i)", section["section"], 100.0 * score, correct,
                correct + incorrect)
    return score


_UNSUPPORTED = object()


_NO_CONTINUE = ("continuing training is not supported from Python; train once on all "
                "the text, or use w2v-train -continue MODEL (docs/continue.md)")


class Word2Vec:
    """Train word vectors with libw2v; gensim 4's Word2Vec constructor.

    Give sentences= (any iterable of token lists; read once, streamed) or
    corpus_file= (a text file, one sentence a line, tokens separated by
    whitespace; read by libw2v at full speed).  Training starts at once, as
    with gensim; model.wv then holds the vectors.

    gensim's names and defaults, except:
      sg=1          skip-gram (gensim: 0, CBOW).  Skip-gram with negative
                    sampling is the mode libw2v is built and tuned for
                    (the shared-negative batch kernel); CBOW and hs work too.
      workers       all cores (gensim: 3).
      min_alpha     the rate decays linearly to alpha * 1e-4 (libw2v's and
                    word2vec.c's schedule); another value is ignored with a
                    warning.
      max_vocab_size / max_final_vocab  keep exactly the N most frequent
                    words after counting (gensim prunes while counting).
    Extra keywords (w2v-train's options):
      token_regex=None, lowercase=False, max_token_bytes=100 (corpus_file= only)
      kernel='batch' | 'pair', init_range=8.0 (initial vectors uniform in
      [-r/D, r/D); gensim's start is 0.5), checkpoint=PATH (saved every
      checkpoint_every seconds and on Ctrl-C; resume with w2v-train -resume),
      callback=f(words_done, words_per_sec, alpha, loss) called every
      progress_every seconds (loss: mean loss per pair, with compute_loss=True,
      else nan), corpus_memory / max_memory (bytes).
    With workers=1 and a seed the vectors are bit-identical to
    `w2v-train FILE -threads 1 -seed S` with the same settings.
    Ctrl-C stops the workers and raises KeyboardInterrupt.
    """

    def __init__(self, sentences=None, corpus_file=None, vector_size=100, alpha=0.025, window=5,
                 min_count=5, max_vocab_size=None, sample=1e-3, seed=1, workers=None,
                 min_alpha=None, sg=1, hs=0, negative=5, ns_exponent=0.75, cbow_mean=1,
                 hashfxn=None, epochs=5, null_word=0, trim_rule=None, sorted_vocab=1,
                 batch_words=None, compute_loss=False, callbacks=(), comment=None,
                 max_final_vocab=None, shrink_windows=True, *, callback=None, token_regex=None,
                 lowercase=False, max_token_bytes=100, kernel="batch", init_range=8.0,
                 checkpoint=None, checkpoint_every=600.0, progress_every=1.0,
                 corpus_memory=None, max_memory=None):
        refuse = [("ns_exponent", ns_exponent != 0.75, "libw2v samples negatives by count^0.75"),
                  ("cbow_mean", cbow_mean != 1, "CBOW averages the context"),
                  ("hashfxn", hashfxn is not None, "initialisation is seeded by seed="),
                  ("null_word", bool(null_word), "no padding word"),
                  ("trim_rule", trim_rule is not None, "use min_count / max_vocab_size"),
                  ("sorted_vocab", not sorted_vocab, "the vocabulary is always sorted by count"),
                  ("callbacks", bool(callbacks), "use callback=f(words_done, words_per_sec, "
                   "alpha, loss)"),
                  ("shrink_windows", not shrink_windows, "windows are always shrunk at random")]
        for name, bad, why in refuse:
            if bad:
                raise ValueError("%s: not supported by w2v (%s)" % (name, why))
        if min_alpha is not None and not math.isclose(min_alpha, alpha * 1e-4, rel_tol=1e-6):
            warnings.warn("min_alpha=%g is ignored: w2v decays the rate linearly to alpha * 1e-4"
                          % min_alpha, stacklevel=2)
        if sentences is not None and corpus_file is not None:
            raise TypeError("give sentences= or corpus_file=, not both")
        if callback is not None and not callable(callback):
            raise TypeError("callback must be callable")
        caps = [int(v) for v in (max_vocab_size, max_final_vocab) if v]
        self.vector_size = vector_size
        self.alpha = alpha
        self.min_alpha = alpha * 1e-4
        self.window = window
        self.min_count = min_count
        self.max_vocab_size = min(caps) if caps else None
        self.sample = sample
        self.seed = seed
        self.workers = _cpu_count() if workers is None else workers
        self.sg = sg
        self.hs = hs
        self.negative = negative
        self.epochs = epochs
        self.compute_loss = compute_loss
        self.comment = comment
        self.callback = callback
        self.token_regex = token_regex
        self.lowercase = lowercase
        self.max_token_bytes = max_token_bytes
        self.kernel = kernel
        self.init_range = init_range
        self.checkpoint = checkpoint
        self.checkpoint_every = checkpoint_every
        self.progress_every = progress_every
        self.corpus_memory = corpus_memory
        self.max_memory = max_memory
        self.wv = None
        self.corpus_total_words = 0
        self.total_train_time = 0.0
        self.training_stats = {}
        self._source = None
        if sentences is not None or corpus_file is not None:
            self.train(corpus_iterable=sentences, corpus_file=corpus_file)

    def __repr__(self):
        return "<w2v.Word2Vec: %s, vector_size=%d, %s>" % (
            "skip-gram" if self.sg else "CBOW", self.vector_size,
            "%d words" % len(self.wv) if self.wv is not None else "untrained")

    def build_vocab(self, corpus_iterable=None, corpus_file=None, update=False, **kwargs):
        """gensim's two-step start (build_vocab, then train): the corpus is
        remembered here and read, counted and trained in one pass by train().
        update=True (gensim's way to continue training on new text) raises
        NotImplementedError: a continued run here would start from new
        vectors and quietly lose what was learnt."""
        if update:
            raise NotImplementedError(_NO_CONTINUE)
        if (corpus_iterable is None) == (corpus_file is None):
            raise TypeError("give corpus_iterable or corpus_file")
        self._source = (corpus_iterable, corpus_file)

    def train(self, corpus_iterable=None, corpus_file=None, total_examples=None,
              total_words=None, epochs=None, **kwargs):
        """Read the corpus (or the one given to build_vocab), build the
        vocabulary and train; model.wv holds the result.  Training a trained
        model again starts from new vectors (w2v's Python module does not
        continue a model: w2v-train -continue does), with a warning."""
        if corpus_iterable is None and corpus_file is None:
            if self._source is None:
                raise TypeError("give sentences/corpus_iterable or corpus_file")
            corpus_iterable, corpus_file = self._source
        if self.wv is not None:
            warnings.warn("train() on a trained model starts from new vectors: " + _NO_CONTINUE,
                          stacklevel=2)
        if epochs is not None:
            self.epochs = epochs
        if "start_alpha" in kwargs:
            self.alpha = kwargs.pop("start_alpha")
        for k in ("end_alpha", "word_count", "queue_factor", "report_delay", "compute_loss",
                  "callbacks"):
            kwargs.pop(k, None)
        if kwargs:
            raise TypeError("train() got unexpected keyword(s): %s" % ", ".join(sorted(kwargs)))
        state = {"next_log": 0.0, "losses": [], "next_cb": 0.0}

        def progress(done, total, wps, alpha, loss, fraction, epoch, elapsed):
            if not math.isnan(loss):
                state["losses"].append(loss)
            if elapsed >= state["next_log"] or fraction >= 1.0:
                state["next_log"] = elapsed + 1.0
                logger.info("EPOCH %d - PROGRESS: at %.2f%% words, %.0f words/s, alpha %.6f",
                            epoch, 100.0 * fraction, wps, alpha)
            if self.callback is not None and (elapsed >= state["next_cb"] or fraction >= 1.0):
                state["next_cb"] = elapsed + self.progress_every
                losses = state["losses"]
                mean_loss = sum(losses) / len(losses) if losses else float("nan")
                state["losses"] = []
                self.callback(done, wps, alpha, mean_loss)

        if corpus_file is not None:
            corpus_file = os.fspath(corpus_file)
        logger.info("training %s on %s: vector_size %d, window %d, negative %d, hs %d, "
                    "sample %g, alpha %g, %d epoch(s), %d worker(s)",
                    "skip-gram" if self.sg else "CBOW",
                    corpus_file if corpus_file is not None else "sentences", self.vector_size,
                    self.window, self.negative, self.hs, self.sample, self.alpha, self.epochs,
                    self.workers)
        t0 = time.monotonic()
        args = dict(
            vector_size=_int("vector_size", self.vector_size), window=_int("window", self.window),
            min_count=_int("min_count", self.min_count),
            max_vocab=_int("max_vocab_size", self.max_vocab_size or 0),
            sample=_float("sample", self.sample), seed=_int("seed", self.seed),
            workers=_int("workers", self.workers), sg=bool(self.sg), hs=bool(self.hs),
            negative=_int("negative", self.negative), alpha=_float("alpha", self.alpha),
            epochs=_int("epochs", self.epochs), token_regex=self.token_regex,
            lowercase=bool(self.lowercase),
            max_token_bytes=_int("max_token_bytes", self.max_token_bytes),
            kernel=str(self.kernel), init_range=_float("init_range", self.init_range),
            checkpoint=self.checkpoint,
            checkpoint_every=_float("checkpoint_every", self.checkpoint_every),
            compute_loss=bool(self.compute_loss), progress=progress,
            corpus_memory=-1.0 if self.corpus_memory is None else float(self.corpus_memory),
            max_memory=-1.0 if self.max_memory is None else float(self.max_memory))
        if args["min_count"] < 1:
            raise ValueError("min_count must be at least 1, not %d" % args["min_count"])
        if args["seed"] < 0 or args["seed"] >= 1 << 64:
            raise ValueError("seed must be in [0, 2**64), not %d" % args["seed"])
        t0 = time.monotonic()
        vec, stats = _w2v.train(corpus_file=corpus_file, sentences=corpus_iterable, **args)
        self.wv = KeyedVectors(vec)
        self.total_train_time = time.monotonic() - t0
        self.corpus_total_words = stats["corpus_words"]
        self.training_stats = stats
        if stats.get("overlong"):
            logger.warning("%d tokens longer than %d bytes were cut (max_token_bytes)",
                           stats["overlong"], self.max_token_bytes)
        logger.info("trained %d words (%d kept after sub-sampling) in %.1f s (%.0f words/s "
                    "training, %.1f s with reading), vocabulary %d words, kernel %s",
                    stats["words"], stats["trained"], stats["seconds"],
                    stats["words"] / stats["seconds"] if stats["seconds"] > 0 else 0.0,
                    self.total_train_time, len(self.wv), stats["kernel"])
        return stats["trained"], stats["words"]
