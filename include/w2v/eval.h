/*
 * eval.h - scoring word vectors: analogies, word similarity, neighbours.
 *
 * Shape legend: V rows of a vector file, R the rows a query may use (the
 * "restrict" of compute-accuracy and gensim: the first, most frequent R
 * words), D the dimension.
 *
 * DESIGN: a w2v_space is built once from read vectors: the first rows are
 * unit-normalised into an aligned, padded matrix and indexed by their
 * case-folded form.  Every evaluation is then a read-only use of the space,
 * so one space serves several files and several threads.  Case folding
 * follows gensim's evaluate_word_analogies: when several words fold to the
 * same form, the first (most frequent) one's vector is the form's vector;
 * any of them counts as the form when it is an answer.
 *
 * Question and pair files are parsed from memory (w2v_*_parse) or from a
 * path (w2v_*_load); a malformed line is an error naming the file and line,
 * never a silent skip.  Results are plain structs the caller prints.
 *
 * Not here: training, writing vectors, printing.
 */
#ifndef W2V_EVAL_H
#define W2V_EVAL_H

#include <stddef.h>

#include "w2v/error.h"
#include "w2v/vecio.h"
#include "w2v/vocab.h" /* w2v_row */

/* ---- the prepared vector space ------------------------------------------ */

/* How words are compared.  UPPER and LOWER fold ASCII letters (the same
 * classes either way; both exist because users ask for them by name); bytes
 * >= 0x80 are compared as they are.  NONE compares bytes exactly. */
typedef enum { W2V_CASE_NONE = 0, W2V_CASE_UPPER = 1, W2V_CASE_LOWER = 2 } w2v_case;

typedef struct w2v_space w2v_space;

/*
 * Build a space from the first `rows` rows of vec (0 or more than vec->V:
 * all), unit-normalised (a zero vector stays zero), with a `fold` index.
 * vec may be freed afterwards: the space keeps its own copies.
 * @return W2V_OK and *out (free with w2v_space_free), W2V_ERR_EMPTY for no
 * rows, W2V_ERR_LIMIT for more than W2V_VOCAB_MAX_WORDS rows (a row is a
 * w2v_row), W2V_ERR_NOMEM.
 */
w2v_status w2v_space_create(const w2v_vectors *vec, size_t rows, w2v_case fold, w2v_space **out,
                            w2v_error *err);

/* Free a space; NULL is accepted. */
void w2v_space_free(w2v_space *sp);

/* Rows, dimension, case rule; the word and unit vector (D floats) of a row. */
size_t w2v_space_rows(const w2v_space *sp);
size_t w2v_space_dim(const w2v_space *sp);
w2v_case w2v_space_case(const w2v_space *sp);
const char *w2v_space_word(const w2v_space *sp, w2v_row row);
const float *w2v_space_unit(const w2v_space *sp, w2v_row row);

/* The first row whose folded word equals row's (row itself if it is the
 * first of its form). */
w2v_row w2v_space_canon(const w2v_space *sp, w2v_row row);

/*
 * The first row among the first `within` rows (0: all) whose word folds to
 * the same form as word.  @return the row, or W2V_ROW_NONE when there is
 * none.
 */
w2v_row w2v_space_find(const w2v_space *sp, const char *word, size_t within);

/* ---- nearest neighbours and queries --------------------------------------- */

typedef struct {
    w2v_row row; /* row in the space */
    float score; /* cosine with the query */
} w2v_hit;

/*
 * The k rows among the first `within` (0: all) with the highest cosine to the
 * unit vector query (D floats), best first, skipping every row whose folded
 * word is that of a row in exclude[0..nexclude).  Ties go to the lower row.
 * @return the number of hits written to hits (at most k).
 */
size_t w2v_space_nearest(const w2v_space *sp, const float *query, size_t within,
                         const w2v_row *exclude, size_t nexclude, size_t k, w2v_hit *hits);

/* Longest query w2v_space_query accepts, in words. */
#define W2V_QUERY_MAX_WORDS 64

/*
 * Parse and build a query such as "king - man + woman" or "paris france":
 * words separated by spaces or tabs; a lone "+" or "-" sets the sign of the
 * next word (default +).  The query vector is the unit-normalised sum of the
 * signed unit vectors (gensim's most_similar), written to vec (D floats).
 * rows[0..*nrows) receives the words' rows (at most W2V_QUERY_MAX_WORDS) so
 * the caller can exclude them.  Words are looked up among the first `within`.
 * @return W2V_OK; W2V_ERR_ARG for an empty query, a dangling operator or too
 * many words; W2V_ERR_EMPTY naming the first word that is not in the
 * vocabulary (err->msg is "'word' is not in the vocabulary ...").
 */
w2v_status w2v_space_query(const w2v_space *sp, const char *text, size_t within, float *vec,
                           w2v_row *rows, size_t *nrows, w2v_error *err);

/* ---- analogy questions ----------------------------------------------------- */

/*
 * A question file: lines "a b c d" (a is to b as c is to d) in sections
 * introduced by ": name" lines (questions-words.txt, questions-phrases.txt).
 * Blank lines and lines starting with '#' are ignored; questions before the
 * first section header form a section with an empty name.
 */
typedef struct w2v_analogies w2v_analogies;

/* Largest evaluation file read (questions or pairs): far above any real set. */
#define W2V_EVAL_MAX_FILE ((size_t)1 << 30)

/*
 * Parse a question file held in memory; name is used in messages.
 * @return W2V_OK and *out (free with w2v_analogies_free), or W2V_ERR_FORMAT
 * naming name:line for a line that is not 4 words, a section header without
 * a name, control bytes (binary data) or a word longer than
 * W2V_VECIO_MAX_WORD; W2V_ERR_EMPTY when there are no questions.
 */
w2v_status w2v_analogies_parse(const void *data, size_t len, const char *name,
                               w2v_analogies **out, w2v_error *err);

/* The same from a file. */
w2v_status w2v_analogies_load(const char *path, w2v_analogies **out, w2v_error *err);

void w2v_analogies_free(w2v_analogies *q);

/* Number of questions and sections; a section's name. */
size_t w2v_analogies_count(const w2v_analogies *q);
size_t w2v_analogies_nsections(const w2v_analogies *q);
const char *w2v_analogies_section_name(const w2v_analogies *q, size_t s);

/* Question i: its four words (w[0..3]), section and line in the file. */
void w2v_analogies_get(const w2v_analogies *q, size_t i, const char *w[4], size_t *section,
                       size_t *line);

typedef enum {
    W2V_ANALOGY_ADD = 0, /* 3CosAdd: argmax cos(x, b - a + c) */
    W2V_ANALOGY_MUL = 1  /* 3CosMul: argmax cos'(x,b) cos'(x,c) / (cos'(x,a) + eps), cos' = (1+cos)/2 */
} w2v_analogy_method;

typedef struct {
    w2v_analogy_method method;
    size_t restrict_rows; /* questions and candidates use the first N rows; 0: all */
    int dummy;            /* count questions with unknown words as wrong (gensim dummy4unknown) */
    unsigned threads;     /* worker threads; 0 means 1 */
    float mul_eps;        /* 3CosMul's epsilon (Levy & Goldberg 2014 use 0.001) */
} w2v_analogy_opts;

/* Defaults: 3CosAdd, restrict 30000, no dummy, 1 thread, eps 0.001. */
w2v_analogy_opts w2v_analogy_opts_default(void);

/* Counts of one section or group: correct answers, questions whose four
 * words are all known (seen), questions in the file (total). */
typedef struct {
    size_t correct, seen, total;
} w2v_tally;

typedef struct {
    size_t nsections;
    w2v_tally *sections; /* per section, in file order */
    w2v_tally all;       /* the whole file */
    /* The semantic/syntactic split of questions-words: sections whose names
     * start with "gram" are syntactic.  Only set (has_split = 1) when both
     * kinds exist and every "gram" section follows every other one, as in
     * questions-words.txt (sections 1-5 semantic, 6-14 syntactic). */
    int has_split;
    w2v_tally semantic, syntactic;
    w2v_row *answer; /* per question: the row answered, or W2V_ROW_NONE when skipped */
} w2v_analogy_result;

/*
 * Answer every question of q in sp.  A question with a word outside the
 * first restrict_rows rows is skipped (counted in total, not in seen).
 * Candidates are the first restrict_rows rows except any row whose folded
 * word is one of the question's a, b, c; an answer is correct when it folds
 * to d.  Exact score ties go to the lower row.  Scores are computed as
 * matrix products of the questions' distinct words with tiles of the
 * vocabulary, spread over opts->threads threads.
 * @return W2V_OK and *res (free with w2v_analogy_result_free), W2V_ERR_ARG,
 * W2V_ERR_NOMEM, or W2V_ERR_IO when a thread cannot be started.
 */
w2v_status w2v_analogies_eval(const w2v_space *sp, const w2v_analogies *q,
                              const w2v_analogy_opts *opts, w2v_analogy_result *res,
                              w2v_error *err);

/* Release what w2v_analogies_eval put in res; NULL is accepted. */
void w2v_analogy_result_free(w2v_analogy_result *res);

/* Accuracy of a tally: correct / seen (or / total with dummy); 0 when the
 * denominator is 0. */
double w2v_tally_accuracy(const w2v_tally *t, int dummy);

/* ---- word similarity --------------------------------------------------------- */

/*
 * A word-pair file: lines "word1 word2 score" separated by tabs or spaces,
 * CRLF tolerated, '#' comment lines and blank lines ignored.
 */
typedef struct w2v_pairs w2v_pairs;

/*
 * Parse a pair file held in memory.
 * @return W2V_OK and *out (free with w2v_pairs_free), or W2V_ERR_FORMAT
 * naming name:line for a line without exactly three fields, a score that is
 * not a finite number, or control bytes; W2V_ERR_EMPTY when there are no
 * pairs.
 */
w2v_status w2v_pairs_parse(const void *data, size_t len, const char *name, w2v_pairs **out,
                           w2v_error *err);
w2v_status w2v_pairs_load(const char *path, w2v_pairs **out, w2v_error *err);
void w2v_pairs_free(w2v_pairs *p);

/* Number of pairs; pair i's words, human score and line. */
size_t w2v_pairs_count(const w2v_pairs *p);
void w2v_pairs_get(const w2v_pairs *p, size_t i, const char **w1, const char **w2, double *score,
                   size_t *line);

typedef struct {
    size_t pairs; /* pairs in the file */
    size_t used;  /* pairs scored (both words known, or all with dummy) */
    size_t oov;   /* pairs with an unknown word */
    double spearman, pearson; /* NaN when undefined (fewer than 2 pairs, constant) */
} w2v_sim_result;

/*
 * Correlate the cosine of each pair's words with the human scores.  Words are
 * looked up among the first restrict_rows rows (0: all).  A pair with an
 * unknown word is skipped, or scored 0 when dummy is set (gensim's
 * dummy4unknown).  Spearman's rho uses average ranks for ties.
 * @return W2V_OK and *res; W2V_ERR_EMPTY when no pair could be scored;
 * W2V_ERR_NOMEM.
 */
w2v_status w2v_pairs_eval(const w2v_space *sp, const w2v_pairs *p, size_t restrict_rows, int dummy,
                          w2v_sim_result *res, w2v_error *err);

/* Pearson's r of x and y (n values each); NaN when n < 2 or either is
 * constant. */
double w2v_pearson(const double *x, const double *y, size_t n);

/*
 * Spearman's rho: Pearson's r of the ranks, tied values sharing the average
 * of their ranks (as scipy.stats.spearmanr).  NaN as for w2v_pearson.
 * @return rho, or NaN also when memory for the ranks is not available.
 */
double w2v_spearman(const double *x, const double *y, size_t n);

/* Ranks 1..n of x into rank, ties given their average rank; 0, or -1 when
 * memory is not available. */
int w2v_rank_average(const double *x, size_t n, double *rank);

/* ---- evaluation files ------------------------------------------------------ */

typedef enum { W2V_EVAL_ANALOGY = 0, W2V_EVAL_SIMILARITY = 1 } w2v_eval_kind;

/*
 * Guess a file's kind from its first line that is neither blank nor a '#'
 * comment: ": ..." or four fields of which the last is not a number is an
 * analogy file, anything else a similarity file (whose parser then names
 * what is wrong).
 */
w2v_eval_kind w2v_eval_detect(const void *data, size_t len);

/*
 * Read a whole file (at most W2V_EVAL_MAX_FILE bytes) into *data (free
 * with free()), *len bytes plus a terminating NUL not counted in *len.
 * @return W2V_OK, W2V_ERR_IO naming the path, W2V_ERR_LIMIT, W2V_ERR_NOMEM.
 */
w2v_status w2v_eval_read_file(const char *path, char **data, size_t *len, w2v_error *err);

#endif
