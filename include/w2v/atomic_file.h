/*
 * atomic_file.h - write a file so that it appears whole or not at all.
 *
 * DESIGN: the data goes to "<path>.tmp.<pid>.<n>" in the same directory; on
 * commit the stream is flushed, fsync'ed, closed and renamed over path.  A
 * crash, a full disk or an abort leaves the previous file (if any) untouched
 * and removes the temporary.  It does not lock: two writers of one path
 * race and the last rename wins.
 */
#ifndef W2V_ATOMIC_FILE_H
#define W2V_ATOMIC_FILE_H

#include <stdio.h>

#include "w2v/error.h"

typedef struct w2v_afile w2v_afile;

/*
 * Open a temporary beside path for writing; *fp is the stream to write to.
 * @return W2V_OK, or W2V_ERR_IO naming the directory (missing, unwritable).
 */
w2v_status w2v_afile_open(const char *path, w2v_afile **out, FILE **fp, w2v_error *err);

/*
 * Flush, sync, close and rename into place; frees af in every case.
 * @return W2V_OK, or W2V_ERR_IO (write error such as ENOSPC) after removing
 * the temporary.
 */
w2v_status w2v_afile_commit(w2v_afile *af, w2v_error *err);

/* Close and remove the temporary; frees af.  NULL is accepted. */
void w2v_afile_abort(w2v_afile *af);

#endif
