/*
 * _w2v.c - the C half of the Python module w2v: libw2v's corpus builder,
 * trainer, vector files and evaluator behind three calls and two types.
 *
 *   train(...)        -> (Vectors, stats)   corpus_file= or sentences=
 *   load(path, ...)   -> Vectors            a word2vec .bin/.txt file
 *   Vectors           the V x D matrix with its words (and counts when
 *                     trained); .array() is a numpy view of that memory
 *                     (no copy: the array's base keeps the Vectors alive)
 *   Space             a w2v_space built from a Vectors: unit rows, word
 *                     index, nearest neighbours, analogies, word pairs
 *
 * DESIGN: everything that decides a result lives in libw2v; this file only
 * converts.  Training releases the GIL for the whole of w2v_train and takes
 * it back briefly in the progress callback (every 0.1 s, on the calling
 * thread), which checks for signals and calls the Python progress function;
 * a KeyboardInterrupt or an exception there sets the trainer's stop flag,
 * the workers stop at their next span, and the exception is raised once
 * w2v_train has returned.  sentences= is streamed: each sentence's tokens
 * go into a w2v_corpus_feed as the iterator yields them, so no Python list
 * of the corpus is ever built.
 *
 * The pure-Python layer (w2v/__init__.py) holds the gensim-shaped API,
 * argument defaults and return shapes; it is the only user of this file.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "w2v/checkpoint.h"
#include "w2v/corpus.h"
#include "w2v/error.h"
#include "w2v/eval.h"
#include "w2v/model.h"
#include "w2v/tokenize.h"
#include "w2v/train.h"
#include "w2v/vecio.h"
#include "w2v/vocab.h"

/* Seconds between progress calls: how quickly Ctrl-C is noticed. */
#define PROGRESS_TICK 0.1
/* Sentences fed between signal checks while reading sentences=. */
#define FEED_SIGNAL_EVERY 4096

/* The library's status as the Python exception a user expects. */
static PyObject *raise_w2v(const w2v_error *err)
{
    PyObject *type;
    switch (err->status) {
    case W2V_ERR_NOMEM: type = PyExc_MemoryError; break;
    case W2V_ERR_IO: type = PyExc_OSError; break;
    case W2V_ERR_INTERRUPTED: type = PyExc_KeyboardInterrupt; break;
    case W2V_ERR_THREAD: type = PyExc_RuntimeError; break;
    default: type = PyExc_ValueError; break;
    }
    PyErr_SetString(type, err->msg[0] ? err->msg : w2v_status_str(err->status));
    return NULL;
}

/* ---- Vectors ------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    size_t V, D, stride;     /* rows, dimension, floats from one row to the next */
    float *vecs;             /* V x stride */
    char **words;            /* V words (into vocab or loaded) */
    w2v_model model;         /* trained: owns vecs (model.in) */
    w2v_vocab *vocab;        /* trained: the words and their counts */
    w2v_vectors *loaded;     /* loaded from a file: owns vecs and words */
} VectorsObject;

static void Vectors_dealloc(VectorsObject *self)
{
    free(self->words);
    w2v_model_free(&self->model);
    w2v_vocab_free(self->vocab);
    w2v_vectors_free(self->loaded);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Vectors_array(VectorsObject *self, PyObject *Py_UNUSED(ignored))
{
    npy_intp dims[2] = {(npy_intp)self->V, (npy_intp)self->D};
    npy_intp strides[2] = {(npy_intp)(self->stride * sizeof(float)), (npy_intp)sizeof(float)};
    PyObject *arr = PyArray_NewFromDescr(&PyArray_Type, PyArray_DescrFromType(NPY_FLOAT32), 2,
                                         dims, strides, self->vecs, NPY_ARRAY_WRITEABLE |
                                         NPY_ARRAY_ALIGNED, NULL);
    if (!arr)
        return NULL;
    Py_INCREF(self);
    if (PyArray_SetBaseObject((PyArrayObject *)arr, (PyObject *)self) < 0) {
        Py_DECREF(arr);
        return NULL;
    }
    return arr;
}

static PyObject *word_str(const char *w)
{
    return PyUnicode_DecodeUTF8(w, (Py_ssize_t)strlen(w), "surrogateescape");
}

static PyObject *Vectors_words(VectorsObject *self, PyObject *Py_UNUSED(ignored))
{
    PyObject *list = PyList_New((Py_ssize_t)self->V);
    for (size_t i = 0; list && i < self->V; i++) {
        PyObject *s = word_str(self->words[i]);
        if (!s) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, s);
    }
    return list;
}

/* Counts of a trained vocabulary as a uint64 array; None when loaded. */
static PyObject *Vectors_counts(VectorsObject *self, PyObject *Py_UNUSED(ignored))
{
    if (!self->vocab)
        Py_RETURN_NONE;
    npy_intp n = (npy_intp)self->V;
    PyObject *arr = PyArray_SimpleNew(1, &n, NPY_UINT64);
    if (!arr)
        return NULL;
    uint64_t *c = PyArray_DATA((PyArrayObject *)arr);
    for (size_t i = 0; i < self->V; i++)
        c[i] = w2v_vocab_count(self->vocab, (w2v_row)i);
    return arr;
}

static PyObject *Vectors_save(VectorsObject *self, PyObject *args)
{
    PyObject *path;
    int binary;
    if (!PyArg_ParseTuple(args, "O&p", PyUnicode_FSConverter, &path, &binary))
        return NULL;
    w2v_error err;
    w2v_status st;
    Py_BEGIN_ALLOW_THREADS
    st = w2v_vectors_write(PyBytes_AS_STRING(path), binary, self->V, self->D,
                           (const char *const *)self->words, self->vecs, self->stride, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (st)
        return raise_w2v(&err);
    Py_RETURN_NONE;
}

static PyTypeObject SpaceType;
static PyObject *space_new(VectorsObject *vec, w2v_case fold);

static PyObject *Vectors_space(VectorsObject *self, PyObject *args)
{
    int upper;
    if (!PyArg_ParseTuple(args, "p", &upper))
        return NULL;
    return space_new(self, upper ? W2V_CASE_UPPER : W2V_CASE_NONE);
}

static PyObject *Vectors_get_V(VectorsObject *self, void *c)
{
    (void)c;
    return PyLong_FromSize_t(self->V);
}

static PyObject *Vectors_get_D(VectorsObject *self, void *c)
{
    (void)c;
    return PyLong_FromSize_t(self->D);
}

static PyMethodDef Vectors_methods[] = {
    {"array", (PyCFunction)Vectors_array, METH_NOARGS,
     "array() -> V x D float32 numpy view of the vectors (no copy)"},
    {"words", (PyCFunction)Vectors_words, METH_NOARGS, "words() -> list of the V words"},
    {"counts", (PyCFunction)Vectors_counts, METH_NOARGS,
     "counts() -> uint64 array of corpus counts (trained), or None (loaded)"},
    {"save", (PyCFunction)Vectors_save, METH_VARARGS,
     "save(path, binary) -> write a word2vec file atomically"},
    {"space", (PyCFunction)Vectors_space, METH_VARARGS,
     "space(upper) -> Space of unit rows (upper: case-insensitive word index)"},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef Vectors_getset[] = {
    {"V", (getter)Vectors_get_V, NULL, "rows", NULL},
    {"D", (getter)Vectors_get_D, NULL, "dimension", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyTypeObject VectorsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "w2v._w2v.Vectors",
    .tp_basicsize = sizeof(VectorsObject),
    .tp_dealloc = (destructor)Vectors_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Word vectors held by libw2v (made by train() or load()).",
    .tp_methods = Vectors_methods,
    .tp_getset = Vectors_getset,
};

static VectorsObject *vectors_alloc(void)
{
    VectorsObject *v = PyObject_New(VectorsObject, &VectorsType);
    if (!v)
        return NULL;
    v->V = v->D = v->stride = 0;
    v->vecs = NULL;
    v->words = NULL;
    memset(&v->model, 0, sizeof v->model);
    v->vocab = NULL;
    v->loaded = NULL;
    return v;
}

static PyObject *w2v_load(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *path;
    int format;
    Py_ssize_t limit;
    if (!PyArg_ParseTuple(args, "O&in", PyUnicode_FSConverter, &path, &format, &limit))
        return NULL;
    w2v_vectors *vec = NULL;
    w2v_error err;
    w2v_status st;
    Py_BEGIN_ALLOW_THREADS
    st = w2v_vectors_read(PyBytes_AS_STRING(path), format, limit > 0 ? (size_t)limit : 0, &vec,
                          &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (st)
        return raise_w2v(&err);
    VectorsObject *v = vectors_alloc();
    if (!v) {
        w2v_vectors_free(vec);
        return NULL;
    }
    v->loaded = vec;
    v->V = vec->V;
    v->D = vec->D;
    v->stride = vec->D;
    v->vecs = vec->vecs;
    v->words = malloc((vec->V ? vec->V : 1) * sizeof *v->words);
    if (!v->words) {
        Py_DECREF(v);
        return PyErr_NoMemory();
    }
    memcpy(v->words, vec->words, vec->V * sizeof *v->words);
    return (PyObject *)v;
}

/* ---- Space --------------------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    w2v_space *sp;
    size_t D;      /* the vectors' dimension (the space may hold padded rows) */
} SpaceObject;

static void Space_dealloc(SpaceObject *self)
{
    w2v_space_free(self->sp);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/*
 * The space sees rows of `stride` floats: a trained model's rows carry
 * zero padding past D (model.h), which changes no norm and no dot product,
 * and the space pads rows to the same multiple of 16 either way, so this
 * gives the unit matrix that a file of the D columns would give, without
 * a contiguous copy of the vectors.
 */
static PyObject *space_new(VectorsObject *vec, w2v_case fold)
{
    w2v_vectors view = {.V = vec->V, .D = vec->stride, .words = vec->words, .vecs = vec->vecs};
    w2v_space *sp = NULL;
    w2v_error err;
    w2v_status st;
    Py_BEGIN_ALLOW_THREADS
    st = w2v_space_create(&view, 0, fold, &sp, &err);
    Py_END_ALLOW_THREADS
    if (st)
        return raise_w2v(&err);
    SpaceObject *s = PyObject_New(SpaceObject, &SpaceType);
    if (!s) {
        w2v_space_free(sp);
        return NULL;
    }
    s->sp = sp;
    s->D = vec->D;
    return (PyObject *)s;
}

/* unit() -> R x D float32 view of the unit rows (read-only). */
static PyObject *Space_unit(SpaceObject *self, PyObject *Py_UNUSED(ignored))
{
    size_t R = w2v_space_rows(self->sp);
    const float *u0 = w2v_space_unit(self->sp, 0);
    size_t step = R > 1 ? (size_t)(w2v_space_unit(self->sp, 1) - u0) : self->D;
    npy_intp dims[2] = {(npy_intp)R, (npy_intp)self->D};
    npy_intp strides[2] = {(npy_intp)(step * sizeof(float)), (npy_intp)sizeof(float)};
    PyObject *arr = PyArray_NewFromDescr(&PyArray_Type, PyArray_DescrFromType(NPY_FLOAT32), 2,
                                         dims, strides, (void *)u0, NPY_ARRAY_ALIGNED, NULL);
    if (!arr)
        return NULL;
    Py_INCREF(self);
    if (PyArray_SetBaseObject((PyArrayObject *)arr, (PyObject *)self) < 0) {
        Py_DECREF(arr);
        return NULL;
    }
    return arr;
}

/* find(word, within) -> first row folding to word among the first within, or -1 */
static PyObject *Space_find(SpaceObject *self, PyObject *args)
{
    const char *w;
    Py_ssize_t n, within;
    if (!PyArg_ParseTuple(args, "s#n", &w, &n, &within))
        return NULL;
    w2v_row r = memchr(w, '\0', (size_t)n) ? W2V_ROW_NONE
                : w2v_space_find(self->sp, w, within > 0 ? (size_t)within : 0);
    return PyLong_FromLong(r == W2V_ROW_NONE ? -1 : (long)r);
}

/* canon(row) -> first row with the same folded word */
static PyObject *Space_canon(SpaceObject *self, PyObject *args)
{
    Py_ssize_t row;
    if (!PyArg_ParseTuple(args, "n", &row))
        return NULL;
    if (row < 0 || (size_t)row >= w2v_space_rows(self->sp)) {
        PyErr_SetString(PyExc_IndexError, "row out of range");
        return NULL;
    }
    return PyLong_FromSize_t(w2v_space_canon(self->sp, (w2v_row)row));
}

/*
 * nearest(query, within, exclude, k) -> [(row, score)]: query is D floats
 * (any norm: it is unit-normalised here), exclude a sequence of rows.
 */
static PyObject *Space_nearest(SpaceObject *self, PyObject *args)
{
    PyObject *qobj, *exobj;
    Py_ssize_t within, k;
    if (!PyArg_ParseTuple(args, "OnOn", &qobj, &within, &exobj, &k))
        return NULL;
    PyArrayObject *q = (PyArrayObject *)PyArray_FROMANY(qobj, NPY_FLOAT64, 1, 1,
                                                        NPY_ARRAY_IN_ARRAY);
    if (!q)
        return NULL;
    if ((size_t)PyArray_DIM(q, 0) != self->D) {
        Py_DECREF(q);
        return PyErr_Format(PyExc_ValueError, "query has %zd values for %zu dimensions",
                            (Py_ssize_t)PyArray_DIM(q, 0), self->D);
    }
    PyObject *ex = PySequence_Fast(exobj, "exclude must be a sequence of rows");
    if (!ex) {
        Py_DECREF(q);
        return NULL;
    }
    size_t R = w2v_space_rows(self->sp), nex = (size_t)PySequence_Fast_GET_SIZE(ex);
    size_t Dsp = w2v_space_dim(self->sp), kk = k < 0 ? 0 : (size_t)k;
    if (kk > R)
        kk = R;
    float *vec = calloc(Dsp ? Dsp : 1, sizeof *vec);
    w2v_row *rows = malloc((nex ? nex : 1) * sizeof *rows);
    w2v_hit *hits = malloc((kk ? kk : 1) * sizeof *hits);
    PyObject *out = NULL;
    if (!vec || !rows || !hits) {
        PyErr_NoMemory();
        goto done;
    }
    const double *qd = PyArray_DATA(q);
    double ss = 0;
    for (size_t i = 0; i < self->D; i++)
        ss += qd[i] * qd[i];
    double inv = ss > 0 ? 1.0 / sqrt(ss) : 0.0;
    for (size_t i = 0; i < self->D; i++)
        vec[i] = (float)(qd[i] * inv);
    for (size_t i = 0; i < nex; i++) {
        long r = PyLong_AsLong(PySequence_Fast_GET_ITEM(ex, (Py_ssize_t)i));
        if (r == -1 && PyErr_Occurred())
            goto done;
        if (r < 0 || (size_t)r >= R) {
            PyErr_SetString(PyExc_IndexError, "excluded row out of range");
            goto done;
        }
        rows[i] = (w2v_row)r;
    }
    size_t n;
    Py_BEGIN_ALLOW_THREADS
    n = w2v_space_nearest(self->sp, vec, within > 0 ? (size_t)within : 0, rows, nex, kk, hits);
    Py_END_ALLOW_THREADS
    out = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        PyObject *t = Py_BuildValue("(kd)", (unsigned long)hits[i].row, (double)hits[i].score);
        if (!t) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, t);
    }
done:
    free(vec);
    free(rows);
    free(hits);
    Py_DECREF(ex);
    Py_DECREF(q);
    return out;
}

/*
 * analogies(path, restrict, dummy, threads) -> (sections, questions, tallies):
 * sections the names; questions a list of (section, a, b, c, d, status),
 * status 1 correct, 0 wrong, -1 skipped (a word outside the first restrict
 * rows); tallies (correct, seen, total) of the whole file.
 */
static PyObject *Space_analogies(SpaceObject *self, PyObject *args)
{
    PyObject *path;
    Py_ssize_t restrict_rows;
    int dummy, threads;
    if (!PyArg_ParseTuple(args, "O&npi", PyUnicode_FSConverter, &path, &restrict_rows, &dummy,
                          &threads))
        return NULL;
    w2v_analogies *q = NULL;
    w2v_analogy_result res = {0};
    w2v_analogy_opts o = w2v_analogy_opts_default();
    o.restrict_rows = restrict_rows > 0 ? (size_t)restrict_rows : 0;
    o.dummy = dummy;
    o.threads = threads > 0 ? (unsigned)threads : 1;
    w2v_error err;
    w2v_status st;
    Py_BEGIN_ALLOW_THREADS
    st = w2v_analogies_load(PyBytes_AS_STRING(path), &q, &err);
    if (!st)
        st = w2v_analogies_eval(self->sp, q, &o, &res, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    if (st) {
        w2v_analogies_free(q);
        return raise_w2v(&err);
    }
    PyObject *secs = NULL, *qs = NULL, *out = NULL;
    size_t ns = w2v_analogies_nsections(q), nq = w2v_analogies_count(q);
    secs = PyList_New((Py_ssize_t)ns);
    for (size_t s = 0; secs && s < ns; s++) {
        PyObject *name = word_str(w2v_analogies_section_name(q, s));
        if (!name)
            goto done;
        PyList_SET_ITEM(secs, (Py_ssize_t)s, name);
    }
    qs = secs ? PyList_New((Py_ssize_t)nq) : NULL;
    for (size_t i = 0; qs && i < nq; i++) {
        const char *w[4];
        size_t sec, line;
        w2v_analogies_get(q, i, w, &sec, &line);
        int status = -1;
        if (res.answer[i] != W2V_ROW_NONE) {
            w2v_row d = w2v_space_find(self->sp, w[3], o.restrict_rows);
            status = d != W2V_ROW_NONE && w2v_space_canon(self->sp, res.answer[i]) ==
                                              w2v_space_canon(self->sp, d);
        }
        PyObject *t = Py_BuildValue("(nO&O&O&O&i)", (Py_ssize_t)sec, word_str, w[0], word_str,
                                    w[1], word_str, w[2], word_str, w[3], status);
        if (!t)
            goto done;
        PyList_SET_ITEM(qs, (Py_ssize_t)i, t);
    }
    if (qs)
        out = Py_BuildValue("(OO(nnn))", secs, qs, (Py_ssize_t)res.all.correct,
                            (Py_ssize_t)res.all.seen, (Py_ssize_t)res.all.total);
done:
    Py_XDECREF(secs);
    Py_XDECREF(qs);
    w2v_analogy_result_free(&res);
    w2v_analogies_free(q);
    return out;
}

/* pairs(path, restrict, dummy) -> (pairs, used, oov, pearson, spearman) */
static PyObject *Space_pairs(SpaceObject *self, PyObject *args)
{
    PyObject *path;
    Py_ssize_t restrict_rows;
    int dummy;
    if (!PyArg_ParseTuple(args, "O&np", PyUnicode_FSConverter, &path, &restrict_rows, &dummy))
        return NULL;
    w2v_pairs *p = NULL;
    w2v_sim_result r;
    w2v_error err;
    w2v_status st;
    Py_BEGIN_ALLOW_THREADS
    st = w2v_pairs_load(PyBytes_AS_STRING(path), &p, &err);
    if (!st)
        st = w2v_pairs_eval(self->sp, p, restrict_rows > 0 ? (size_t)restrict_rows : 0, dummy,
                            &r, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path);
    w2v_pairs_free(p);
    if (st)
        return raise_w2v(&err);
    return Py_BuildValue("(nnndd)", (Py_ssize_t)r.pairs, (Py_ssize_t)r.used, (Py_ssize_t)r.oov,
                         r.pearson, r.spearman);
}

static PyMethodDef Space_methods[] = {
    {"unit", (PyCFunction)Space_unit, METH_NOARGS, "unit() -> R x D view of the unit rows"},
    {"find", (PyCFunction)Space_find, METH_VARARGS, "find(word, within) -> row or -1"},
    {"canon", (PyCFunction)Space_canon, METH_VARARGS, "canon(row) -> first row of its form"},
    {"nearest", (PyCFunction)Space_nearest, METH_VARARGS,
     "nearest(query, within, exclude, k) -> [(row, cosine)], best first"},
    {"analogies", (PyCFunction)Space_analogies, METH_VARARGS,
     "analogies(path, restrict, dummy, threads) -> (sections, questions, (correct, seen, total))"},
    {"pairs", (PyCFunction)Space_pairs, METH_VARARGS,
     "pairs(path, restrict, dummy) -> (pairs, used, oov, pearson, spearman)"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject SpaceType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "w2v._w2v.Space",
    .tp_basicsize = sizeof(SpaceObject),
    .tp_dealloc = (destructor)Space_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Unit-normalised vectors with a word index (libw2v's w2v_space).",
    .tp_methods = Space_methods,
};

/* ---- training ------------------------------------------------------------------ */

typedef struct {
    PyThreadState *ts;     /* the calling thread's state while the GIL is released */
    PyObject *progress;    /* Python callable or None */
    atomic_int stop;
    int failed;            /* an exception is pending in exc */
    PyObject *exc;         /* the exception (Python 3.11: type, value, traceback) */
    PyObject *exc_value, *exc_tb;
} train_ctx;

/* Runs on the calling thread (w2v_train's control loop) without the GIL. */
static void on_progress(const w2v_progress *p, void *user)
{
    train_ctx *c = user;
    PyEval_RestoreThread(c->ts);
    if (!c->failed) {
        int bad = PyErr_CheckSignals() < 0;
        if (!bad && c->progress != Py_None) {
            PyObject *r = PyObject_CallFunction(c->progress, "KKddddId",
                                                (unsigned long long)p->words_done,
                                                (unsigned long long)p->words_total,
                                                p->words_per_sec, p->alpha, p->loss,
                                                p->fraction, p->epoch, p->elapsed);
            bad = r == NULL;
            Py_XDECREF(r);
        }
        if (bad) {
            PyErr_Fetch(&c->exc, &c->exc_value, &c->exc_tb);
            c->failed = 1;
            atomic_store(&c->stop, 1);
        }
    }
    c->ts = PyEval_SaveThread();
}

typedef struct {
    const char *path, *corpus_path;
    const w2v_tokenize_opts *tok;
    const w2v_corpus *corpus;
    const w2v_model *model;
    const w2v_train_opts *train;
} ckpt_ctx;

static w2v_status on_checkpoint(const w2v_train_state *st, void *user, w2v_error *err)
{
    ckpt_ctx *c = user;
    return w2v_checkpoint_save(c->path, c->corpus_path, c->tok, c->corpus, c->model, c->train, st,
                               err);
}

/* Stream an iterable of token sequences into a feed.  @return 0, or -1 with
 * a Python exception set (err filled when the library refused a token). */
static int feed_sentences(w2v_corpus_feed *f, PyObject *sentences, w2v_error *err, int *lib_err)
{
    *lib_err = 0;
    PyObject *it = PyObject_GetIter(sentences);
    if (!it)
        return -1;
    PyObject *sent;
    size_t n = 0;
    int rc = 0;
    while (rc == 0 && (sent = PyIter_Next(it)) != NULL) {
        if (PyUnicode_Check(sent) || PyBytes_Check(sent)) {
            PyErr_Format(PyExc_TypeError, "sentences: item %zu is a string, not a sequence of "
                         "tokens (split it into words first)", n);
            rc = -1;
        }
        PyObject *toks = rc ? NULL : PySequence_Fast(sent, "");
        if (!rc && !toks) {
            PyErr_Format(PyExc_TypeError, "sentences: item %zu is a %s, not a sequence of tokens",
                         n, Py_TYPE(sent)->tp_name);
            rc = -1;
        }
        Py_ssize_t nt = toks ? PySequence_Fast_GET_SIZE(toks) : 0;
        PyObject **items = toks ? PySequence_Fast_ITEMS(toks) : NULL;
        for (Py_ssize_t i = 0; rc == 0 && i < nt; i++) {
            const char *s;
            Py_ssize_t len;
            if (PyUnicode_Check(items[i])) {
                s = PyUnicode_AsUTF8AndSize(items[i], &len);
                if (!s)
                    rc = -1;
            } else if (PyBytes_Check(items[i])) {
                s = PyBytes_AS_STRING(items[i]);
                len = PyBytes_GET_SIZE(items[i]);
            } else {
                PyErr_Format(PyExc_TypeError, "sentences: item %zu holds a %s, not a str token",
                             n, Py_TYPE(items[i])->tp_name);
                rc = -1;
            }
            if (!rc && w2v_corpus_feed_token(f, s, (size_t)len, err) != W2V_OK) {
                *lib_err = 1;
                rc = -1;
            }
        }
        if (!rc && w2v_corpus_feed_token(f, NULL, 0, err) != W2V_OK) {
            *lib_err = 1;
            rc = -1;
        }
        Py_XDECREF(toks);
        Py_DECREF(sent);
        if (!rc && ++n % FEED_SIGNAL_EVERY == 0 && PyErr_CheckSignals() < 0)
            rc = -1;
    }
    if (!rc && PyErr_Occurred())
        rc = -1;
    Py_DECREF(it);
    return rc;
}

static size_t phys_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (size_t)pages * (size_t)size : 0;
}

static PyObject *w2v_train_py(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    static const char *kwlist[] = {"corpus_file", "sentences", "vector_size", "window", "min_count",
                             "max_vocab", "sample", "seed", "workers", "sg", "hs", "negative",
                             "alpha", "epochs", "token_regex", "lowercase", "max_token_bytes",
                             "kernel", "init_range", "checkpoint", "checkpoint_every",
                             "compute_loss", "progress", "corpus_memory", "max_memory", NULL};
    PyObject *corpus_file = Py_None, *sentences = Py_None, *progress = Py_None;
    PyObject *checkpoint = Py_None;
    Py_ssize_t dim = 100, window = 5, max_vocab = 0, workers = 1, negative = 5, epochs = 5;
    Py_ssize_t max_token = W2V_TOKENIZE_MAX_TOKEN_DEFAULT;
    unsigned long long min_count = 5, seed = 1;
    double sample = 1e-3, alpha = 0.025, init_range = W2V_MODEL_INIT_RANGE_DEFAULT;
    double checkpoint_every = 600, corpus_memory = -1, max_memory = -1;
    int sg = 1, hs = 0, lowercase = 0, compute_loss = 0;
    const char *regex = NULL, *kernel = "batch";
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOnnKndKnppndnzpnsdOdpOdd", (char **)kwlist,
                                     &corpus_file, &sentences, &dim, &window, &min_count,
                                     &max_vocab, &sample, &seed, &workers, &sg, &hs, &negative,
                                     &alpha, &epochs, &regex, &lowercase, &max_token, &kernel,
                                     &init_range, &checkpoint, &checkpoint_every, &compute_loss,
                                     &progress, &corpus_memory, &max_memory))
        return NULL;
    if ((corpus_file == Py_None) == (sentences == Py_None)) {
        PyErr_SetString(PyExc_TypeError, "give exactly one of sentences= and corpus_file=");
        return NULL;
    }
    if (progress != Py_None && !PyCallable_Check(progress)) {
        PyErr_SetString(PyExc_TypeError, "progress must be callable");
        return NULL;
    }
#define RANGE(v, lo, hi, name)                                                            \
    if ((v) < (lo) || (v) > (hi))                                                         \
        return PyErr_Format(PyExc_ValueError, "%s must be in [%lld, %lld], not %lld", name, \
                            (long long)(lo), (long long)(hi), (long long)(v));
    RANGE(dim, 1, W2V_MODEL_MAX_DIM, "vector_size")
    RANGE(window, 1, W2V_TRAIN_MAX_WINDOW, "window")
    RANGE(negative, 0, W2V_TRAIN_MAX_NEGATIVE, "negative")
    RANGE(workers, 1, W2V_TRAIN_MAX_THREADS, "workers")
    RANGE(epochs, 1, 100000, "epochs")
    RANGE(max_vocab, 0, (long long)W2V_VOCAB_MAX_WORDS, "max_vocab_size")
    RANGE(max_token, 1, W2V_VOCAB_MAX_WORD_BYTES, "max_token_bytes")
#undef RANGE
    if (min_count < 1)
        return PyErr_Format(PyExc_ValueError, "min_count must be at least 1");
    if (!(sample >= 0 && sample <= 1))
        return PyErr_Format(PyExc_ValueError, "sample must be in [0, 1], not %g", sample);
    if (!(alpha > 0 && alpha <= 10))
        return PyErr_Format(PyExc_ValueError, "alpha must be in (0, 10], not %g", alpha);
    if (!(init_range > 0 && init_range <= 1e6))
        return PyErr_Format(PyExc_ValueError, "init_range must be in (0, 1e6], not %g",
                            init_range);
    if (negative == 0 && !hs)
        return PyErr_Format(PyExc_ValueError, "negative=0 needs hs=1 (there would be no output "
                            "layer)");
    w2v_kernel kern;
    if (!strcmp(kernel, "batch"))
        kern = W2V_KERNEL_BATCH;
    else if (!strcmp(kernel, "pair"))
        kern = W2V_KERNEL_PAIR;
    else
        return PyErr_Format(PyExc_ValueError, "kernel must be 'batch' or 'pair', not '%s'",
                            kernel);
    if (checkpoint != Py_None && corpus_file == Py_None)
        return PyErr_Format(PyExc_ValueError, "checkpoint= needs corpus_file= (a checkpoint "
                            "names the file it resumes on)");

    PyObject *path = NULL, *ckpath = NULL;
    if (corpus_file != Py_None && !PyUnicode_FSConverter(corpus_file, &path))
        return NULL;
    if (checkpoint != Py_None && !PyUnicode_FSConverter(checkpoint, &ckpath)) {
        Py_XDECREF(path);
        return NULL;
    }

    w2v_tokenize_opts to = w2v_tokenize_opts_default();
    to.regex = regex;
    to.lowercase = lowercase;
    to.max_token_bytes = (size_t)max_token;
    w2v_corpus_opts co = w2v_corpus_opts_default();
    co.min_count = min_count;
    co.max_vocab = (size_t)max_vocab;
    size_t phys = phys_memory();
    co.spill_bytes = corpus_memory >= 0 ? (size_t)corpus_memory : phys ? phys / 2 : (size_t)8 << 30;
    w2v_train_opts t = w2v_train_opts_default();
    t.window = (unsigned)window;
    t.negative = (unsigned)negative;
    t.epochs = (unsigned)epochs;
    t.threads = (unsigned)workers;
    co.threads = t.threads; /* a corpus_file is read with the workers, as w2v-train does */
    t.alpha = alpha;
    t.sample = sample;
    t.seed = seed;
    t.kernel = kern;
    t.cbow = !sg;
    t.hs = hs;
    t.track_loss = compute_loss;

    w2v_error err;
    w2v_error_clear(&err);
    w2v_status st = W2V_OK;
    w2v_tokenizer *tok = NULL;
    w2v_corpus *corpus = NULL;
    w2v_train_state state = {0};
    VectorsObject *vec = NULL;
    PyObject *result = NULL;
    train_ctx ctx = {.progress = progress};
    atomic_init(&ctx.stop, 0);

    if (path) {
        Py_BEGIN_ALLOW_THREADS
        st = w2v_tokenizer_create(&to, &tok, &err);
        if (!st)
            st = w2v_corpus_build(PyBytes_AS_STRING(path), tok, &co, &corpus, &err);
        Py_END_ALLOW_THREADS
        if (st)
            goto lib_fail;
    } else {
        w2v_corpus_feed *f;
        if ((st = w2v_corpus_feed_create("sentences", &co, &f, &err)) != W2V_OK)
            goto lib_fail;
        int lib_err;
        if (feed_sentences(f, sentences, &err, &lib_err) != 0) {
            w2v_corpus_feed_free(f);
            if (lib_err)
                goto lib_fail;
            goto out;
        }
        Py_BEGIN_ALLOW_THREADS
        st = w2v_corpus_feed_finish(f, &corpus, &err);
        Py_END_ALLOW_THREADS
        if (st)
            goto lib_fail;
    }

    vec = vectors_alloc();
    if (!vec)
        goto out;
    size_t V = w2v_vocab_size(corpus->vocab);
    w2v_model_opts mo = w2v_model_opts_default();
    mo.seed = seed;
    mo.init_range = init_range;
    mo.max_bytes = max_memory > 0 ? (size_t)max_memory : phys ? phys : 0;
    mo.ns = negative > 0;
    mo.hs = hs;
    mo.threads = t.threads;
    if ((st = w2v_model_create(&vec->model, V, (size_t)dim, &mo, &err)) != W2V_OK)
        goto lib_fail;
    if (t.threads > corpus->words)
        t.threads = (unsigned)corpus->words; /* a thread per word at most, as w2v-train */
    if ((st = w2v_train_state_init(&state, t.threads, &err)) != W2V_OK)
        goto lib_fail;
    t.progress = on_progress;
    t.progress_user = &ctx;
    t.progress_every = PROGRESS_TICK;
    t.stop = &ctx.stop;
    ckpt_ctx cc = {.path = ckpath ? PyBytes_AS_STRING(ckpath) : NULL,
                   .corpus_path = path ? PyBytes_AS_STRING(path) : NULL, .tok = &to,
                   .corpus = corpus, .model = &vec->model, .train = &t};
    if (ckpath) {
        t.checkpoint = on_checkpoint;
        t.checkpoint_user = &cc;
        t.checkpoint_every = checkpoint_every;
    }
    w2v_train_stats ts = {0};
    ctx.ts = PyEval_SaveThread();
    st = w2v_train(corpus, &vec->model, &t, &state, &ts, &err);
    PyEval_RestoreThread(ctx.ts);
    if (ctx.failed) { /* Ctrl-C or the progress function raised: the workers are stopped */
        PyErr_Restore(ctx.exc, ctx.exc_value, ctx.exc_tb);
        goto out;
    }
    if (st)
        goto lib_fail;

    /* Keep the words and counts; the id stream goes. */
    vec->vocab = corpus->vocab;
    corpus->vocab = NULL;
    vec->V = V;
    vec->D = (size_t)dim;
    vec->stride = vec->model.stride;
    vec->vecs = vec->model.in;
    vec->words = malloc(V * sizeof *vec->words);
    if (!vec->words) {
        PyErr_NoMemory();
        goto out;
    }
    for (size_t i = 0; i < V; i++)
        vec->words[i] = (char *)w2v_vocab_word(vec->vocab, (w2v_row)i);
    result = Py_BuildValue("(O{sKsKsKsKsdsssIsK})", vec, "words", (unsigned long long)ts.words,
                           "trained", (unsigned long long)ts.trained, "corpus_words",
                           (unsigned long long)corpus->words, "corpus_tokens",
                           (unsigned long long)corpus->tok.tokens, "seconds", ts.seconds,
                           "kernel", ts.kernel ? ts.kernel : "", "threads", t.threads,
                           "overlong", (unsigned long long)corpus->tok.overlong);
    goto out;
lib_fail:
    raise_w2v(&err);
out:
    Py_XDECREF(vec);
    w2v_train_state_free(&state);
    w2v_corpus_free(corpus);
    w2v_tokenizer_free(tok);
    Py_XDECREF(path);
    Py_XDECREF(ckpath);
    return result;
}

/* ---- the module ----------------------------------------------------------------- */

static PyMethodDef module_methods[] = {
    {"train", (PyCFunction)(void (*)(void))w2v_train_py, METH_VARARGS | METH_KEYWORDS,
     "train(corpus_file=None, sentences=None, ...) -> (Vectors, stats)"},
    {"load", (PyCFunction)w2v_load, METH_VARARGS,
     "load(path, format, limit) -> Vectors (format: -1 auto, 0 text, 1 binary)"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_w2v", "libw2v's trainer and evaluator (see the w2v package).", -1,
    module_methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__w2v(void)
{
    import_array();
    if (PyType_Ready(&VectorsType) < 0 || PyType_Ready(&SpaceType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m)
        return NULL;
    Py_INCREF(&VectorsType);
    Py_INCREF(&SpaceType);
    if (PyModule_AddObject(m, "Vectors", (PyObject *)&VectorsType) < 0 ||
        PyModule_AddObject(m, "Space", (PyObject *)&SpaceType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
