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
 * How the processes' changes d_1..d_k of a row combine:
 *   - SUM: d_1 + ... + d_k, as if all had trained one shared model,
 *     Hogwild-style, only later.  Right while the changes are small and
 *     independent; but when every process has moved a frequent word the
 *     same way for a whole interval, the sum moves it k times as far, and
 *     with long intervals that overshoots (4 processes diverged on
 *     enwiki8, see docs/mpi.md);
 *   - MEAN: the sum / k, k = processes that touched the row.  Never
 *     overshoots, but loses (k-1)/k of small independent changes;
 *   - AUTO: the sum / max(1, rho / G), rho = |sum|^2 / (|d_1|^2 + ... +
 *     |d_k|^2), G = W2V_DELTA_AUTO_GAIN.  rho is k when the changes agree
 *     and about 1 when they are independent; it never exceeds k.  So
 *     independent changes add up (SUM), and agreeing ones move the row at
 *     most G times their mean: SUM for up to G processes, never more than
 *     G times MEAN's step.  The squared norms travel in the packed row's
 *     last slot, so the exchange needs no extra message.
 *
 * Shapes: R rows of D used floats, stride floats apart (the model's
 * layout); packed buffers hold W2V_DELTA_ROW(D) floats per packed row, in
 * row order: the D changes, then their squared norm.
 * live races with the workers on purpose (train.h's Hogwild); nothing
 * here allocates, prints or knows about MPI.
 */
#ifndef W2V_DELTA_H
#define W2V_DELTA_H

#include <stddef.h>
#include <stdint.h>

typedef enum { W2V_DELTA_SUM = 0, W2V_DELTA_MEAN = 1, W2V_DELTA_AUTO = 2 } w2v_delta_mode;

/* AUTO's cap on how far agreeing changes move a row, in units of their
 * mean.  On enwiki8 (5 epochs, dim 300) SUM matched a single process with
 * 2 processes and diverged with 4, and MEAN lost 4 and 12 points; 2 keeps
 * SUM's gain where it held and caps the overshoot where it did not. */
#define W2V_DELTA_AUTO_GAIN 2.0f

/* Floats a packed row takes: D changes and their squared norm. */
#define W2V_DELTA_ROW(D) ((D) + 1)

/* touched[r] = 1 where row r of live differs from base, else 0.
 * @return the number of rows marked. */
size_t w2v_delta_touched(const float *live, const float *base, size_t R, size_t D,
                         size_t stride, uint16_t *touched);

/* Copy live - base of every row r with count[r] > 0 into out, packed, with
 * its squared norm.  @return the number of rows packed. */
size_t w2v_delta_pack(const float *live, const float *base, size_t R, size_t D, size_t stride,
                      const uint16_t *count, float *out);

/* For every row r with count[r] > 0, in packed order: c = sum (SUM),
 * sum / count[r] (MEAN) or sum / max(1, rho / G) (AUTO); base' = base + c;
 * live' = base' + (live - base - own).  sum holds the packed rows of all
 * processes added up, own this process's. */
void w2v_delta_apply(float *live, float *base, size_t R, size_t D, size_t stride,
                     const uint16_t *count, const float *sum, const float *own,
                     w2v_delta_mode mode);

#endif
