/*
 * delta.h - what the processes of a data-parallel job exchange: how each
 * matrix changed since their last synchronisation.
 *
 * DESIGN: every process keeps `base`, the matrix as all processes agreed on
 * it at the last synchronisation, beside `live`, the copy its workers
 * update.  At a synchronisation each process marks the rows where live
 * differs from base (touched), the job adds the marks (so each row knows
 * how many processes changed it) and the changes of the rows any process
 * touched (a sum), and each process applies the combined change c:
 *     base' = base + c,   live' = base' + (live - base - own),
 * where own is its own change as it packed it.  Keeping live - base - own,
 * the updates the workers made while the exchange was in flight, lets
 * synchronisation overlap with training; they travel with the next
 * exchange.  A row with no such update ends bit-identical to base' (the
 * difference is exactly zero), so with the workers stopped every process
 * ends with live == base, the same on all.
 *
 * The combined change is either the sum of the processes' changes (as if
 * all had trained one shared model, Hogwild-style, only later) or their
 * mean over the processes that touched the row: a word seen by one process
 * keeps its whole change, a frequent word that every process moved in the
 * same direction moves once, not N times (see README, "Training on
 * several machines").
 *
 * Shapes: R rows of D used floats, stride floats apart (the model's
 * layout); packed buffers hold D floats per packed row, in row order.
 * live races with the workers on purpose (train.h's Hogwild); nothing
 * here allocates, prints or knows about MPI.
 */
#ifndef W2V_DELTA_H
#define W2V_DELTA_H

#include <stddef.h>
#include <stdint.h>

typedef enum { W2V_DELTA_SUM = 0, W2V_DELTA_MEAN = 1 } w2v_delta_mode;

/* touched[r] = 1 where row r of live differs from base, else 0.
 * @return the number of rows marked. */
size_t w2v_delta_touched(const float *live, const float *base, size_t R, size_t D,
                         size_t stride, uint16_t *touched);

/* Copy live - base of every row r with count[r] > 0 into out, packed.
 * @return the number of rows packed. */
size_t w2v_delta_pack(const float *live, const float *base, size_t R, size_t D, size_t stride,
                      const uint16_t *count, float *out);

/* For every row r with count[r] > 0, in packed order: c = sum (SUM) or
 * sum / count[r] (MEAN); base' = base + c; live' = base' + (live - base - own). */
void w2v_delta_apply(float *live, float *base, size_t R, size_t D, size_t stride,
                     const uint16_t *count, const float *sum, const float *own,
                     w2v_delta_mode mode);

#endif
