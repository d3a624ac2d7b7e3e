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

/*
 * The poll loop's per-monitor hot state: one small record per followed monitor, in poll order, in one array.
 * A record holds where the monitor's header is mapped, where the compared fields lie, and the values last seen by the
 * full (Swift) path. `lookout_hot_scan` reads each armed record's fields straight from its mapping under one guard
 * for the whole batch and lists the records whose fields differ (or that are not armed, or whose path is due a
 * check): only those take the full path. An unchanged monitor costs its record and the cache lines it reads.
 */
struct lookout_hot_record {
    const unsigned char *base;      /* mapping base; NULL: not armed, always listed */
    int64_t id;                     /* monitor id, for the spread-out path checks */
    uint32_t layout_size;           /* SharedData.size expected (the layout) */
    uint32_t trigger_offset;        /* where TriggerData starts (the layout's size) */
    uint16_t off_state, off_last_event, off_valid, off_signal, off_heartbeat;
    uint8_t valid, signal, stale, spare;
    uint32_t state;
    uint64_t last_event;
    uint32_t trigger_state, trigger_score;
};

/*
 * Scans records [start, count): appends to `listed` the index of every record not armed, due a path check
 * (check_every > 0 and (polls + id) % check_every == 0), or whose fields differ from the record (size, state, event,
 * validity, signal, trigger state and score, or staleness: heartbeat <= 0 or now - heartbeat > max_delay).
 * Returns -1 when the scan finished, or the index of a record whose mapping faulted (SIGBUS): that record is not
 * listed; the caller lists it and scans again from the next one. `*listed_count` is updated either way.
 */
long lookout_hot_scan(const struct lookout_hot_record *records, size_t count, size_t start, double now, double max_delay,
                      uint64_t polls, uint64_t check_every, uint32_t *listed, size_t *listed_count);

#endif
