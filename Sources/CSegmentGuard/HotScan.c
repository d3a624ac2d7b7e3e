#include "CSegmentGuard.h"

#include <setjmp.h>
#include <stdatomic.h>
#include <string.h>

_Static_assert(sizeof(struct lookout_hot_record) == 64, "a hot record is one cache line");

/* Defined in SegmentGuard.c: the guard the SIGBUS handler jumps to, and its one-time installation. */
extern _Thread_local sigjmp_buf *volatile lookout_active_guard;
void lookout_guard_install(void);

static inline uint32_t load_u32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t load_u64(const unsigned char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline int64_t load_i64(const unsigned char *p) { int64_t v; memcpy(&v, p, 8); return v; }

static int differs(const struct lookout_hot_record *r, double now, double max_delay) {
    const unsigned char *b = r->base;
    if (load_u32(b) != r->layout_size) return 1;
    if (load_u32(b + r->off_state) != r->state) return 1;
    if (load_u64(b + r->off_last_event) != r->last_event) return 1;
    if ((b[r->off_valid] != 0) != r->valid) return 1;
    if ((b[r->off_signal] != 0) != r->signal) return 1;
    if (load_u32(b + r->trigger_offset + 4) != r->trigger_state) return 1;
    if (load_u32(b + r->trigger_offset + 8) != r->trigger_score) return 1;
    int64_t heartbeat = load_i64(b + r->off_heartbeat);
    int stale = 1;
    if (heartbeat > 0) {
        double age = now - (double)heartbeat;
        if (age < 0) age = 0;
        stale = age > max_delay;
    }
    return stale != r->stale;
}

long lookout_hot_scan(const struct lookout_hot_record *records, size_t count, size_t start, double now, double max_delay,
                      uint64_t polls, uint64_t check_every, uint32_t *listed, size_t *listed_count) {
    lookout_guard_install();
    /* volatile: read back after a siglongjmp. */
    volatile size_t index = start;
    volatile size_t found = *listed_count;
    sigjmp_buf guard;
    if (sigsetjmp(guard, 0) != 0) {
        *listed_count = found;
        return (long)index;
    }
    lookout_active_guard = &guard;
    atomic_signal_fence(memory_order_seq_cst);
    for (; index < count; index++) {
        const struct lookout_hot_record *r = &records[index];
        int list = r->base == NULL;
        if (!list && check_every > 0) list = ((polls + (uint64_t)r->id) % check_every) == 0;
        if (!list) list = differs(r, now, max_delay);
        if (list) listed[found++] = (uint32_t)index;
    }
    atomic_signal_fence(memory_order_seq_cst);
    lookout_active_guard = NULL;
    *listed_count = found;
    return -1;
}
