/*
 * parts.h - run the parts of a job on threads, the caller taking part 0
 * (private to the library).
 *
 * For work cut into parts that are independent and whose results do not
 * depend on the thread that runs them: parts 1..n-1 each get a thread of
 * their own, the caller runs part 0, and a part whose thread cannot be
 * started runs on the caller afterwards.  A shortage of threads costs time,
 * never a result, so there is no error to return.
 */
#ifndef W2V_CORE_PARTS_H
#define W2V_CORE_PARTS_H

#include <stddef.h>

/* At most this many parts (their bookkeeping lives on the caller's stack). */
#define W2V_PARTS_MAX 64

/* One part: `part` of `parts`, both as w2v_run_parts settled them. */
typedef void (*w2v_part_fn)(void *arg, unsigned part, unsigned parts);

/* Run fn(arg, i, parts) for every i < parts, parts = n clamped to
 * 1..W2V_PARTS_MAX; returns when every part is done. */
void w2v_run_parts(unsigned n, w2v_part_fn fn, void *arg);

/* One item of a job whose items differ in size: item `item` of the job. */
typedef void (*w2v_item_fn)(void *arg, size_t item);

/* Run fn(arg, i) for every i < items on n parts (w2v_run_parts), each
 * part taking the next item as it frees up, so parts finish together
 * however the items' sizes differ; returns when every item is done. */
void w2v_run_items(unsigned n, size_t items, w2v_item_fn fn, void *arg);

#endif
