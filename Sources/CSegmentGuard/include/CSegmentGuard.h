#ifndef CSEGMENTGUARD_H
#define CSEGMENTGUARD_H

#include <stddef.h>
#include <stdint.h>

/*
 * Access to memory that another process may shrink under us.
 *
 * Touching a page of a MAP_SHARED file mapping that lies past the file's current end raises SIGBUS.
 * zmc can ftruncate its segment after a crash restart, so a reader that merely checked the size a moment
 * ago can still fault. These functions catch that one signal on the calling thread and report it as a
 * return value instead of killing the process. Swift cannot use sigsetjmp, hence this small C target.
 *
 * Every function returns 0 on success and -1 when the access faulted (nothing is partially reported:
 * treat the destination as garbage after -1).
 */

int lookout_guarded_copy(void *destination, const void *source, size_t count);
/* Two ranges back to back into `destination` under one guard (the poll path reads SharedData's head and TriggerData's). */
int lookout_guarded_copy2(void *destination, const void *first, size_t first_count, const void *second, size_t second_count);
int lookout_guarded_store_u32_release(void *destination, uint32_t value);
int lookout_guarded_fetch_or_u32(void *destination, uint32_t bits, uint32_t *previous);

/* Loads an aligned word with acquire ordering (seqlock counters, write_seq). */
int lookout_guarded_load_u64_acquire(const void *source, uint64_t *value);
int lookout_guarded_load_u32_acquire(const void *source, uint32_t *value);
int lookout_guarded_store_u64_release(void *destination, uint64_t value);

/*
 * One seqlock read of a ring slot: loads the slot's sequence word (acquire); if it is even, copies
 * `descriptor_count` bytes of its descriptor and then the pixel bytes the descriptor names (the u32 at
 * `bytes_offset` in the copied descriptor) when they fit `pixel_capacity` (pixel_copy may be NULL: metadata
 * only); then an acquire fence and the sequence word again. The copy is whole only when *seq_before is even
 * and equals *seq_after. *pixel_bytes is the descriptor's byte count (pixels copied only if <= capacity).
 */
int lookout_guarded_seqlock_read(
    const void *sequence_word, const void *descriptor, void *descriptor_copy, size_t descriptor_count,
    size_t bytes_offset, const void *pixels, void *pixel_copy, size_t pixel_capacity,
    uint64_t *seq_before, uint64_t *seq_after, uint32_t *pixel_bytes);

/* Number of SIGBUS faults caught so far in this process (for diagnostics and tests). */
uint64_t lookout_guarded_fault_count(void);

#endif
