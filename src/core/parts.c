/*
 * parts.c - run the parts of a job on threads (parts.h).
 */
#include "core/parts.h"

#include <pthread.h>

typedef struct {
    w2v_part_fn fn;
    void *arg;
    unsigned part, parts;
    int started;
    pthread_t thread;
} part_call;

static void *part_thread(void *p)
{
    part_call *c = p;
    c->fn(c->arg, c->part, c->parts);
    return NULL;
}

void w2v_run_parts(unsigned n, w2v_part_fn fn, void *arg)
{
    unsigned parts = n < 1 ? 1 : n > W2V_PARTS_MAX ? W2V_PARTS_MAX : n;
    part_call calls[W2V_PARTS_MAX];
    for (unsigned i = 1; i < parts; i++) {
        calls[i] = (part_call){.fn = fn, .arg = arg, .part = i, .parts = parts};
        calls[i].started = !pthread_create(&calls[i].thread, NULL, part_thread, &calls[i]);
    }
    fn(arg, 0, parts);
    for (unsigned i = 1; i < parts; i++) {
        if (calls[i].started)
            pthread_join(calls[i].thread, NULL);
        else
            fn(arg, i, parts);
    }
}
