/*
 * index.h - the index reader without its checksums, for the fuzz target
 * only (private to src/search and tests/fuzz).
 *
 * With checksums, almost every mutated input stops at the header's, so a
 * fuzzer never reaches the checks behind it (sizes, bounds, offsets, the
 * word table).  This entry point skips the checksum comparisons and nothing
 * else, so the fuzzer exercises those checks on inputs it can shape.
 */
#ifndef W2V_SEARCH_INDEX_H
#define W2V_SEARCH_INDEX_H

#include "w2v/search.h"

w2v_status w2v_index_open_mem_unverified(const void *data, size_t len, const char *name,
                                         w2v_index **out, w2v_error *err);

#endif
