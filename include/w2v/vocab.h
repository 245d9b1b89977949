/*
 * vocab.h - the vocabulary: words, their counts, and their order.
 *
 * DESIGN: an open-addressing hash table (linear probing, kept at most half
 * full, doubled as it fills) maps word bytes to an id; there is no fixed
 * slot count, so memory follows the number of distinct words.  Ids are
 * handed out in order of first appearance while counting; finalize then
 * drops rare words, keeps the most frequent, sorts by descending count
 * (ties: first seen first, so the order is deterministic) and returns the
 * map from counting ids to final ids.  Word bytes are stored as given: any
 * byte except '\0' may appear (files may hold stray bytes).
 *
 * Not thread-safe for writers; any number of readers once built.
 */
#ifndef W2V_VOCAB_H
#define W2V_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "w2v/error.h"

/*
 * A row index, the one type for it across the API: a word's id in a
 * vocabulary, a position in the corpus's id stream, a row of a model and a
 * row of an evaluation space (eval.h).  32 bits: every such table holds at
 * most W2V_VOCAB_MAX_WORDS rows, and the last value is W2V_ROW_NONE, "no
 * row" (an unknown word, a skipped question, a dropped word).
 */
typedef uint32_t w2v_row;
#define W2V_ROW_NONE UINT32_MAX

/* Marks a dropped word in the map returned by w2v_vocab_finalize. */
#define W2V_VOCAB_NONE W2V_ROW_NONE
/* Ids are 32-bit; the last value is reserved as the marker above. */
#define W2V_VOCAB_MAX_WORDS (UINT32_MAX - 1u)
/* Longest word accepted (bytes); the tokenizer's cap is far below it. */
#define W2V_VOCAB_MAX_WORD_BYTES 4096

typedef struct w2v_vocab w2v_vocab;

w2v_status w2v_vocab_create(w2v_vocab **out, w2v_error *err);
void w2v_vocab_free(w2v_vocab *v);

/*
 * Add count occurrences of word[0..len) (len >= 1, no '\0' byte) and return
 * its id in *id.  Counts saturate at UINT64_MAX.
 * @return W2V_OK, W2V_ERR_NOMEM, or W2V_ERR_LIMIT (too many words / too long).
 */
w2v_status w2v_vocab_add(w2v_vocab *v, const char *word, size_t len, uint64_t count,
                         w2v_row *id, w2v_error *err);

/*
 * Add every word of src, with its count, to v in src's id order, as
 * w2v_vocab_add would (counts add up, new words take the next ids), and
 * write each src id's id in v to map[0..w2v_vocab_size(src)).  Merging the
 * counting vocabularies of a file's parts in file order thus gives the same
 * words, counts and first-seen order as counting the whole file.  Each
 * word's stored hash is reused, so no byte of src is hashed again.
 * @return W2V_OK; W2V_ERR_NOMEM; W2V_ERR_LIMIT (too many words); on failure
 * the words before the failing one stay added.
 */
w2v_status w2v_vocab_merge(w2v_vocab *v, const w2v_vocab *src, w2v_row *map, w2v_error *err);

/* Id of word[0..len), or W2V_VOCAB_NONE if absent. */
w2v_row w2v_vocab_find(const w2v_vocab *v, const char *word, size_t len);

/*
 * Lookups in a stream.  A lookup is three dependent loads (table slot,
 * entry, word bytes), each a likely cache miss beyond the frequent words.
 * A reader that holds its words back a little can ask for them ahead:
 * hash a word when it arrives (w2v_vocab_hash), call w2v_vocab_prefetch
 * with stage 0 at once (the slot), stage 1 some words later (reads the
 * slot, asks for the entry), stage 2 later still (asks for the bytes), then
 * add or find it with its hash.  Prefetching is a hint: the results are
 * those of w2v_vocab_add and w2v_vocab_find, whatever came in between.
 */
uint64_t w2v_vocab_hash(const char *word, size_t len);
void w2v_vocab_prefetch(const w2v_vocab *v, uint64_t h, unsigned stage);
/* w2v_vocab_add and w2v_vocab_find for a word whose w2v_vocab_hash is h. */
w2v_status w2v_vocab_add_hashed(w2v_vocab *v, const char *word, size_t len, uint64_t h,
                                uint64_t count, w2v_row *id, w2v_error *err);
w2v_row w2v_vocab_find_hashed(const w2v_vocab *v, const char *word, size_t len, uint64_t h);

size_t w2v_vocab_size(const w2v_vocab *v);
const char *w2v_vocab_word(const w2v_vocab *v, w2v_row id);  /* NUL-terminated */
uint64_t w2v_vocab_count(const w2v_vocab *v, w2v_row id);
uint64_t w2v_vocab_total(const w2v_vocab *v);                  /* sum of counts */

/*
 * Say in which order the words were first seen, where that is not the order
 * they were added in (words counted apart, in pieces read out of order, and
 * merged): order[r] is the id of the r-th word to appear, and order is a
 * permutation of the ids.  Finalize breaks count ties by it.  @return
 * W2V_OK; W2V_ERR_ARG (an id out of range or named twice: nothing changed);
 * W2V_ERR_NOMEM.
 */
w2v_status w2v_vocab_set_seen_order(w2v_vocab *v, const w2v_row *order, w2v_error *err);

/*
 * Keep words with count >= min_count, then at most max_vocab of the most
 * frequent (0: no cap), sorted by descending count, ties in first-seen
 * order.  If remap is non-NULL, *remap receives a malloc'ed array indexed
 * by the old id giving the new id or W2V_VOCAB_NONE (caller frees); its
 * length is the size before the call.
 * @return W2V_OK or W2V_ERR_NOMEM.
 */
w2v_status w2v_vocab_finalize(w2v_vocab *v, uint64_t min_count, size_t max_vocab,
                              w2v_row **remap, w2v_error *err);

/* Write "word count\n" per word in id order, atomically. */
w2v_status w2v_vocab_save(const w2v_vocab *v, const char *path, w2v_error *err);

/*
 * Read a "word count" file (word2vec.c's -save-vocab format; CRLF and a
 * trailing blank line accepted).  Malformed lines, negative or non-numeric
 * counts and duplicate words are errors naming the file and line.
 */
w2v_status w2v_vocab_load(const char *path, w2v_vocab **out, w2v_error *err);

/* The same from memory; name appears in error messages. */
w2v_status w2v_vocab_load_mem(const char *data, size_t len, const char *name, w2v_vocab **out,
                              w2v_error *err);

/*
 * Serialise the words and counts in id order, to send them to another
 * process: per word its count (8 bytes, little-endian), its bytes and a
 * '\0'.  @return W2V_OK and a malloc'ed *out of *len bytes; W2V_ERR_NOMEM.
 */
w2v_status w2v_vocab_pack(const w2v_vocab *v, char **out, size_t *len, w2v_error *err);

/*
 * Add every (word, count) of a w2v_vocab_pack buffer to v in the buffer's
 * order, as w2v_vocab_add would (counts of words already present add up,
 * new words take the next ids).  Merging the packs of a file's shares in
 * share order thus gives the same words, counts and first-seen order as
 * counting the whole file.  The buffer is checked as it is read: a
 * truncated entry, an empty word or a word over the length limit is
 * W2V_ERR_FORMAT naming name and the byte offset (entries before it stay
 * added).  @return W2V_OK; W2V_ERR_FORMAT; W2V_ERR_NOMEM; W2V_ERR_LIMIT.
 */
w2v_status w2v_vocab_add_packed(w2v_vocab *v, const char *buf, size_t len, const char *name,
                                w2v_error *err);

#endif
