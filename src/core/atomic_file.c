/*
 * atomic_file.c - temporary file + fsync + rename (see atomic_file.h).
 */
#include "w2v/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct w2v_afile {
    FILE *fp;
    char *path;
    char *tmp; /* NULL when writing straight to a device or FIFO */
};

w2v_status w2v_afile_open(const char *path, w2v_afile **out, FILE **fp, w2v_error *err)
{
    /* A process-wide counter only makes temporary names unique; it carries no state. */
    static atomic_uint serial;
    *out = NULL;
    *fp = NULL;
    if (!path || !*path)
        return w2v_error_set(err, W2V_ERR_ARG, "empty output file name");
    w2v_afile *af = calloc(1, sizeof *af);
    size_t n = strlen(path) + 64;
    if (!af || !(af->path = strdup(path)) || !(af->tmp = malloc(n))) {
        w2v_afile_abort(af);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", path);
    }
    /* An existing non-regular target (/dev/stdout, /dev/null, a FIFO) is
     * written in place: renaming over it would replace the device itself. */
    struct stat sb;
    int special = stat(path, &sb) == 0 && !S_ISREG(sb.st_mode);
    if (special && S_ISDIR(sb.st_mode)) {
        w2v_afile_abort(af);
        return w2v_error_set(err, W2V_ERR_IO, "%s: is a directory", path);
    }
    snprintf(af->tmp, n, "%s.tmp.%ld.%u", path, (long)getpid(),
             atomic_fetch_add(&serial, 1u));
    int fd = special ? open(path, O_WRONLY | O_CLOEXEC)
                     : open(af->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        int e = errno;
        free(af->tmp);
        af->tmp = NULL;
        w2v_afile_abort(af);
        return w2v_error_set(err, W2V_ERR_IO, "%s: cannot create output: %s", path,
                             strerror(e));
    }
    if (special) {
        free(af->tmp);
        af->tmp = NULL;
    }
    af->fp = fdopen(fd, "wb");
    if (!af->fp) {
        close(fd);
        w2v_afile_abort(af);
        return w2v_error_set(err, W2V_ERR_NOMEM, "%s: out of memory", path);
    }
    *out = af;
    *fp = af->fp;
    return W2V_OK;
}

w2v_status w2v_afile_commit(w2v_afile *af, w2v_error *err)
{
    int bad = ferror(af->fp) || fflush(af->fp) != 0;
    int e = errno;
    if (!bad && fsync(fileno(af->fp)) != 0 && errno != EINVAL && errno != EROFS) {
        bad = 1; /* EINVAL: special files such as /dev/null cannot sync */
        e = errno;
    }
    if (fclose(af->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    af->fp = NULL;
    if (!bad && af->tmp && rename(af->tmp, af->path) != 0) {
        bad = 1;
        e = errno;
    }
    w2v_status st = W2V_OK;
    if (bad)
        st = w2v_error_set(err, W2V_ERR_IO, "%s: write failed: %s", af->path,
                           e ? strerror(e) : "stream error");
    w2v_afile_abort(af);
    return st;
}

void w2v_afile_abort(w2v_afile *af)
{
    if (!af)
        return;
    if (af->fp)
        fclose(af->fp);
    if (af->tmp)
        unlink(af->tmp); /* after a successful rename this fails harmlessly */
    free(af->tmp);
    free(af->path);
    free(af);
}
