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

/* Number of SIGBUS faults caught so far in this process (for diagnostics and tests). */
uint64_t lookout_guarded_fault_count(void);

#endif
