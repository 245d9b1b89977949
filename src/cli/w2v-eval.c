/*
 * w2v-eval - score word vectors on analogy and word-similarity files.
 *
 * DESIGN: argv -> options -> library calls -> a table (or JSON lines).  The
 * evaluation files are read and parsed before the vector file, so a bad
 * file is reported in milliseconds, and only as many vector rows are read
 * as the largest restriction needs (30,000 for analogies by default).  A
 * file that fails is reported on stderr and skipped; the exit status is 1
 * if any file failed, 2 for a usage error.
 */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "w2v/atomic_file.h"
#include "w2v/eval.h"
#include "w2v/vecio.h"

static const char *prog = "w2v-eval";

static void usage(FILE *f)
{
    fprintf(f,
"usage: w2v-eval [options] VECTORS FILE|DIR...\n"
"Scores word vectors (word2vec binary or text) on analogy files (': section'\n"
"lines, then 'a b c d' questions) and similarity files ('word1 word2 score').\n"
"A directory stands for the files in it.  The kind of each file is detected.\n"
"Options:\n"
"  -restrict N          analogies use the N most frequent words (30000, 0 = all)\n"
"  -sim-restrict N      the same for similarity pairs (300000, as gensim)\n"
"  -method add|mul      3CosAdd (add) or 3CosMul (Levy & Goldberg 2014)\n"
"  -case upper|lower|none  fold case before matching (upper)\n"
"  -dummy               count questions/pairs with unknown words as wrong / 0\n"
"                       (gensim's dummy4unknown); default: skip them\n"
"  -kind auto|analogy|similarity  force the kind of every file (auto)\n"
"  -binary 0|1          force the vector file format (default: detect)\n"
"  -threads N           threads for analogies (the number of cores)\n"
"  -json                one JSON object per file on stdout instead of tables\n"
"  -answers FILE        write every analogy question's answer to FILE (TSV)\n"
"  -h, --help           print this help and exit\n"
"  --version            print the version and exit\n"
"Example: w2v-eval vectors.bin questions-words.txt data/similarity\n");
}

typedef struct {
    const char *vectors; /* the vector file */
    size_t restrict_ana, restrict_sim;
    int method, fold, dummy, kind, format, json;
    unsigned threads;
    const char *answers; /* TSV of every question's answer, or NULL */
} options;

typedef struct {
    char *path;
    w2v_eval_kind kind;
    w2v_analogies *q;
    w2v_pairs *p;
    int failed;
    /* results for the summary */
    w2v_tally all;
    w2v_sim_result sim;
} eval_file;

typedef struct {
    eval_file *v;
    size_t n, cap;
} eval_files;

static int add_item(eval_files *it, const char *path)
{
    if (it->n == it->cap) {
        size_t cap = it->cap ? 2 * it->cap : 16;
        eval_file *nv = realloc(it->v, cap * sizeof *nv);
        if (!nv)
            return -1;
        it->v = nv;
        it->cap = cap;
    }
    memset(&it->v[it->n], 0, sizeof it->v[it->n]);
    it->v[it->n].path = strdup(path);
    if (!it->v[it->n].path)
        return -1;
    it->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The regular files of a directory, sorted; hidden files and *.md skipped. */
static int add_dir(eval_files *it, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        cli_error(prog, "%s: cannot open directory", dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || (len > 3 && strcmp(e->d_name + len - 3, ".md") == 0))
            continue;
        size_t plen = strlen(dir) + len + 2;
        char *path = malloc(plen);
        if (!path) {
            rc = -1;
            break;
        }
        snprintf(path, plen, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                free(path);
                rc = -1;
                break;
            }
            names = nn;
        }
        names[n++] = path;
    }
    closedir(d);
    if (n > 1) /* names is NULL for an empty directory: qsort wants a pointer */
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && add_item(it, names[i]) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    if (rc == 0 && n == 0) {
        cli_error(prog, "%s: no files in directory", dir);
        rc = -1;
    }
    return rc;
}

/* ---- output ------------------------------------------------------------------- */

static void json_str(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void json_num(double x)
{
    if (isfinite(x))
        printf("%.10g", x);
    else
        printf("null");
}

static void json_tally(const char *name, const w2v_tally *t)
{
    printf("{");
    if (name) {
        printf("\"name\":");
        json_str(name);
        printf(",");
    }
    printf("\"correct\":%zu,\"seen\":%zu,\"total\":%zu}", t->correct, t->seen, t->total);
}

static const char *base(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

static const char *case_name(int fold)
{
    return fold == W2V_CASE_UPPER ? "upper" : fold == W2V_CASE_LOWER ? "lower" : "none";
}

static void table_row(const char *name, const w2v_tally *t, int dummy)
{
    size_t den = dummy ? t->total : t->seen;
    printf("  %-34.34s %7zu %7zu %7zu ", name, t->correct, t->seen, t->total);
    if (den)
        printf("  %6.2f %%\n", 100.0 * w2v_tally_accuracy(t, dummy));
    else
        printf("       -\n");
}

static void print_analogy(const options *o, const eval_file *it, const w2v_analogies *q,
                          const w2v_analogy_result *r, size_t rows, size_t D)
{
    if (o->json) {
        printf("{\"file\":");
        json_str(it->path);
        printf(",\"kind\":\"analogy\",\"method\":\"%s\",\"restrict\":%zu,\"case\":\"%s\","
               "\"dummy\":%s,\"sections\":[",
               o->method == W2V_ANALOGY_MUL ? "mul" : "add", rows, case_name(o->fold),
               o->dummy ? "true" : "false");
        for (size_t s = 0; s < r->nsections; s++) {
            if (s)
                putchar(',');
            json_tally(w2v_analogies_section_name(q, s), &r->sections[s]);
        }
        printf("],\"semantic\":");
        if (r->has_split)
            json_tally(NULL, &r->semantic);
        else
            printf("null");
        printf(",\"syntactic\":");
        if (r->has_split)
            json_tally(NULL, &r->syntactic);
        else
            printf("null");
        printf(",\"total\":");
        json_tally(NULL, &r->all);
        printf(",\"accuracy\":");
        json_num(w2v_tally_accuracy(&r->all, o->dummy));
        printf(",\"coverage\":");
        json_num(r->all.total ? (double)r->all.seen / (double)r->all.total : 0.0);
        printf("}\n");
        return;
    }
    printf("%s: analogies, %s, %zu words x %zu-d, case %s%s\n", base(it->path),
           o->method == W2V_ANALOGY_MUL ? "3CosMul" : "3CosAdd", rows, D, case_name(o->fold),
           o->dummy ? ", unknown words count as wrong" : "");
    printf("  %-34s %7s %7s %7s   %s\n", "section", "correct", "seen", "total", "accuracy");
    for (size_t s = 0; s < r->nsections; s++) {
        const char *name = w2v_analogies_section_name(q, s);
        table_row(*name ? name : "(no section)", &r->sections[s], o->dummy);
    }
    if (r->has_split) {
        table_row("semantic", &r->semantic, o->dummy);
        table_row("syntactic", &r->syntactic, o->dummy);
    }
    table_row("total", &r->all, o->dummy);
    printf("  questions seen: %zu / %zu (%.1f %%)\n\n", r->all.seen, r->all.total,
           r->all.total ? 100.0 * (double)r->all.seen / (double)r->all.total : 0.0);
}

static void print_similarity(const options *o, const eval_file *it, const w2v_sim_result *r,
                             size_t rows)
{
    if (o->json) {
        printf("{\"file\":");
        json_str(it->path);
        printf(",\"kind\":\"similarity\",\"restrict\":%zu,\"case\":\"%s\",\"dummy\":%s,"
               "\"pairs\":%zu,\"used\":%zu,\"oov\":%zu,\"spearman\":",
               rows, case_name(o->fold), o->dummy ? "true" : "false", r->pairs, r->used, r->oov);
        json_num(r->spearman);
        printf(",\"pearson\":");
        json_num(r->pearson);
        printf("}\n");
        return;
    }
    printf("%s: similarity, %zu pairs, %zu used, %zu with unknown words (%.1f %%)\n",
           base(it->path), r->pairs, r->used, r->oov,
           r->pairs ? 100.0 * (double)r->oov / (double)r->pairs : 0.0);
    printf("  spearman rho %.4f   pearson r %.4f\n\n", r->spearman, r->pearson);
}

static void print_summary(const options *o, const eval_files *its)
{
    printf("summary\n  %-30s %-10s %10s %17s\n", "file", "kind", "score", "coverage");
    for (size_t i = 0; i < its->n; i++) {
        const eval_file *it = &its->v[i];
        if (it->failed) {
            printf("  %-30.30s %-10s %10s\n", base(it->path), "-", "failed");
        } else if (it->kind == W2V_EVAL_ANALOGY) {
            if (o->dummy ? it->all.total : it->all.seen)
                printf("  %-30.30s %-10s %8.2f %% %8zu / %-6zu\n", base(it->path), "analogy",
                       100.0 * w2v_tally_accuracy(&it->all, o->dummy), it->all.seen, it->all.total);
            else
                printf("  %-30.30s %-10s %10s %8zu / %-6zu\n", base(it->path), "analogy", "-",
                       it->all.seen, it->all.total);
        } else {
            printf("  %-30.30s %-10s %10.4f %8zu / %-6zu\n", base(it->path), "similarity",
                   it->sim.spearman, it->sim.used, it->sim.pairs);
        }
    }
}

/* One line per question: where it is, its words, the answer and the verdict
 * (correct, wrong, or skipped for a word outside the first `rows` words). */
static void write_answers(FILE *f, const w2v_space *sp, const eval_file *it,
                          const w2v_analogy_result *r, size_t rows)
{
    for (size_t i = 0; i < w2v_analogies_count(it->q); i++) {
        const char *w[4];
        size_t sec, line;
        w2v_analogies_get(it->q, i, w, &sec, &line);
        w2v_row a = r->answer[i], d = w2v_space_find(sp, w[3], rows);
        const char *verdict = "skipped";
        int known = 1;
        for (int k = 0; k < 4; k++)
            known &= w2v_space_find(sp, w[k], rows) != W2V_ROW_NONE;
        if (known)
            verdict = a != W2V_ROW_NONE && w2v_space_canon(sp, a) == d ? "correct" : "wrong";
        fprintf(f, "%s\t%s\t%zu\t%s\t%s\t%s\t%s\t%s\t%s\n", it->path,
                w2v_analogies_section_name(it->q, sec), line, w[0], w[1], w[2], w[3],
                a != W2V_ROW_NONE ? w2v_space_word(sp, a) : "-", verdict);
    }
}

/* ---- main --------------------------------------------------------------------- */

/* Where the program goes after a step: on, or out with an exit status. */
enum { GO_ON = -1 };

/* A positional argument: the vector file first, then evaluation files and
 * directories.  @return GO_ON or the exit status. */
static int add_positional(options *o, eval_files *its, const char *a)
{
    struct stat st;
    if (!o->vectors)
        o->vectors = a;
    else if (stat(a, &st) == 0 && S_ISDIR(st.st_mode)) {
        if (add_dir(its, a) != 0)
            return 1;
    } else if (add_item(its, a) != 0) {
        cli_error(prog, "out of memory");
        return 1;
    }
    return GO_ON;
}

/* argv -> options and the list of evaluation files.  @return GO_ON, or
 * the exit status: 0 after --help or --version, 2 for a usage error. */
static int parse_args(int argc, char **argv, options *o, eval_files *its)
{
    static const int folds[] = {W2V_CASE_UPPER, W2V_CASE_LOWER, W2V_CASE_NONE};
    static const int kinds[] = {-1, W2V_EVAL_ANALOGY, W2V_EVAL_SIMILARITY};
    uint64_t ra = 30000, rs = 300000;
    unsigned binary = 2; /* 2: detect */
    int method = 0, fold = 0, kind = 0;
    *o = (options){.threads = cli_ncores()};
    cli_choice methods = {"add|mul", &method}, cases = {"upper|lower|none", &fold},
               kind_names = {"auto|analogy|similarity", &kind};
    const cli_flag flags[] = {
        {"restrict", CLI_U64, &ra, 0, UINT32_MAX},
        {"sim-restrict", CLI_U64, &rs, 0, UINT32_MAX},
        {"method", CLI_CHOICE, &methods, 0, 0},
        {"case", CLI_CHOICE, &cases, 0, 0},
        {"kind", CLI_CHOICE, &kind_names, 0, 0},
        {"binary", CLI_UINT, &binary, 0, 1},
        {"threads", CLI_UINT, &o->threads, 1, 1024},
        {"answers", CLI_STR, &o->answers, 0, 0},
        {"dummy", CLI_BOOL, &o->dummy, 0, 0},
        {"json", CLI_BOOL, &o->json, 0, 0},
    };
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (only_files || a[0] != '-' || a[1] == '\0') {
            int rc = add_positional(o, its, a);
            if (rc != GO_ON)
                return rc;
        } else if (!strcmp(a, "--")) {
            only_files = 1;
        } else if (!cli_take_option(prog, usage, flags, sizeof flags / sizeof *flags, argc,
                                    argv, &i)) {
            return 2;
        }
    }
    if (!o->vectors || its->n == 0) {
        usage(stderr);
        return 2;
    }
    o->restrict_ana = (size_t)ra;
    o->restrict_sim = (size_t)rs;
    o->method = method ? W2V_ANALOGY_MUL : W2V_ANALOGY_ADD;
    o->fold = folds[fold];
    o->kind = kinds[kind];
    o->format = binary == 2 ? W2V_FORMAT_AUTO : binary ? W2V_FORMAT_BINARY : W2V_FORMAT_TEXT;
    return GO_ON;
}

/* Read and parse every evaluation file, so their errors surface before
 * the (slow) vector load; a file that fails is marked and reported.
 * @return 1 if any file failed; *any_ana, *any_sim say which kinds remain. */
static int parse_eval_files(const options *o, eval_files *its, int *any_ana, int *any_sim)
{
    int failed = 0;
    *any_ana = *any_sim = 0;
    for (size_t i = 0; i < its->n; i++) {
        eval_file *it = &its->v[i];
        w2v_error err;
        char *data;
        size_t len;
        w2v_status st = w2v_eval_read_file(it->path, &data, &len, &err);
        if (st == W2V_OK) {
            it->kind = o->kind >= 0 ? (w2v_eval_kind)o->kind : w2v_eval_detect(data, len);
            st = it->kind == W2V_EVAL_ANALOGY
                     ? w2v_analogies_parse(data, len, it->path, &it->q, &err)
                     : w2v_pairs_parse(data, len, it->path, &it->p, &err);
            free(data);
        }
        if (st != W2V_OK) {
            cli_error(prog, "%s", err.msg);
            it->failed = failed = 1;
            continue;
        }
        *any_ana |= it->kind == W2V_EVAL_ANALOGY;
        *any_sim |= it->kind == W2V_EVAL_SIMILARITY;
    }
    return failed;
}

/* The vector rows some evaluation can use: the largest restriction of the
 * kinds present, or 0 (all) when one of them is unrestricted. */
static size_t rows_needed(const options *o, int any_ana, int any_sim)
{
    size_t need = 0;
    if (any_ana) {
        if (o->restrict_ana == 0)
            return 0;
        need = o->restrict_ana;
    }
    if (any_sim) {
        if (o->restrict_sim == 0)
            return 0;
        need = o->restrict_sim > need ? o->restrict_sim : need;
    }
    return need;
}

/* Read the first `need` rows (0: all) of the vector file into *spp. */
static int load_space(const options *o, size_t need, w2v_space **spp)
{
    w2v_vectors *vec = NULL;
    w2v_error err;
    if (w2v_vectors_read(o->vectors, o->format, need, &vec, &err) != W2V_OK ||
        w2v_space_create(vec, need, (w2v_case)o->fold, spp, &err) != W2V_OK) {
        cli_error(prog, "%s", err.msg);
        w2v_vectors_free(vec);
        return -1;
    }
    w2v_vectors_free(vec);
    return 0;
}

/* Score one parsed file, print its result and append its answers to afp
 * (when not NULL).  @return 0, or -1 after reporting the error. */
static int evaluate_one(const options *o, const w2v_space *sp, eval_file *it, FILE *afp)
{
    size_t R = w2v_space_rows(sp);
    w2v_error err;
    if (it->kind == W2V_EVAL_SIMILARITY) {
        if (w2v_pairs_eval(sp, it->p, o->restrict_sim, o->dummy, &it->sim, &err) != W2V_OK) {
            cli_error(prog, "%s: %s", it->path, err.msg);
            return -1;
        }
        size_t rows = o->restrict_sim && o->restrict_sim < R ? o->restrict_sim : R;
        print_similarity(o, it, &it->sim, rows);
        return 0;
    }
    w2v_analogy_opts ao = w2v_analogy_opts_default();
    ao.method = (w2v_analogy_method)o->method;
    ao.restrict_rows = o->restrict_ana;
    ao.dummy = o->dummy;
    ao.threads = o->threads;
    w2v_analogy_result r;
    if (w2v_analogies_eval(sp, it->q, &ao, &r, &err) != W2V_OK) {
        cli_error(prog, "%s: %s", it->path, err.msg);
        return -1;
    }
    it->all = r.all;
    size_t rows = o->restrict_ana && o->restrict_ana < R ? o->restrict_ana : R;
    print_analogy(o, it, it->q, &r, rows, w2v_space_dim(sp));
    if (afp)
        write_answers(afp, sp, it, &r, rows);
    w2v_analogy_result_free(&r);
    return 0;
}

/* Score every file that parsed, writing -answers atomically.
 * @return 1 if any evaluation (or the answers file) failed, else 0. */
static int evaluate_files(const options *o, eval_files *its, const w2v_space *sp)
{
    w2v_afile *af = NULL;
    FILE *afp = NULL;
    w2v_error err;
    if (o->answers) {
        if (w2v_afile_open(o->answers, &af, &afp, &err) != W2V_OK) {
            cli_error(prog, "%s", err.msg);
            return 1;
        }
        fprintf(afp, "file\tsection\tline\ta\tb\tc\td\tanswer\tresult\n");
    }
    int failed = 0;
    for (size_t i = 0; i < its->n; i++) {
        eval_file *it = &its->v[i];
        if (!it->failed && evaluate_one(o, sp, it, afp) != 0)
            it->failed = failed = 1;
    }
    if (af && w2v_afile_commit(af, &err) != W2V_OK) {
        cli_error(prog, "%s", err.msg);
        failed = 1;
    }
    return failed;
}

/* The program, step by step; everything it allocates hangs off its and
 * *spp, which main frees whatever way this returns. */
static int run(int argc, char **argv, eval_files *its, w2v_space **spp)
{
    options o;
    int rc = parse_args(argc, argv, &o, its);
    if (rc != GO_ON)
        return rc;
    int any_ana, any_sim;
    int failed = parse_eval_files(&o, its, &any_ana, &any_sim);
    if (!any_ana && !any_sim)
        return 1;
    double t0 = cli_now();
    if (load_space(&o, rows_needed(&o, any_ana, any_sim), spp) != 0)
        return 1;
    double t1 = cli_now();
    if (!o.json)
        printf("%s: %zu words x %zu-d read in %.2f s\n\n", o.vectors, w2v_space_rows(*spp),
               w2v_space_dim(*spp), t1 - t0);
    failed |= evaluate_files(&o, its, *spp);
    double t2 = cli_now();
    if (!o.json) {
        if (its->n > 1)
            print_summary(&o, its);
        printf("evaluated in %.2f s (%u threads), %.2f s in all\n", t2 - t1, o.threads, t2 - t0);
    }
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    eval_files its = {0};
    w2v_space *sp = NULL;
    int rc = run(argc, argv, &its, &sp);
    for (size_t i = 0; i < its.n; i++) {
        w2v_analogies_free(its.v[i].q);
        w2v_pairs_free(its.v[i].p);
        free(its.v[i].path);
    }
    free(its.v);
    w2v_space_free(sp);
    return rc;
}
