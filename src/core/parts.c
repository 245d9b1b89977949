/*
 * parts.c - run the parts of a job on threads (parts.h).
 */
#include "core/parts.h"

#include <pthread.h>
#include <stdatomic.h>

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

typedef struct {
    w2v_item_fn fn;
    void *arg;
    size_t items;
    atomic_size_t next; /* the next item to take */
} item_job;

static void take_items(void *arg, unsigned part, unsigned parts)
{
    (void)part;
    (void)parts;
    item_job *j = arg;
    for (size_t i; (i = atomic_fetch_add(&j->next, 1)) < j->items;)
        j->fn(j->arg, i);
}

void w2v_run_items(unsigned n, size_t items, w2v_item_fn fn, void *arg)
{
    item_job j = {.fn = fn, .arg = arg, .items = items};
    atomic_init(&j.next, 0);
    w2v_run_parts(n, take_items, &j);
}
