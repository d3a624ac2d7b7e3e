#include "CSegmentGuard.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>

static _Thread_local sigjmp_buf *volatile active_guard;
static atomic_bool installed;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static struct sigaction previous_action;
static _Atomic uint64_t fault_count;

static void on_sigbus(int signal_number, siginfo_t *info, void *context) {
    sigjmp_buf *guard = active_guard;
    if (guard != NULL) {
        active_guard = NULL;
        atomic_fetch_add_explicit(&fault_count, 1, memory_order_relaxed);
        siglongjmp(*guard, 1);
    }
    /* Not one of our guarded accesses: a real bug elsewhere. Restore the previous disposition and return;
       the faulting instruction runs again and gets the default (fatal) treatment. */
    (void)signal_number; (void)info; (void)context;
    sigaction(SIGBUS, &previous_action, NULL);
}

static void install_handler(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigbus;
    /* SA_NODEFER: siglongjmp leaves the handler without restoring the mask, so SIGBUS must not be blocked
       while it runs; this lets sigsetjmp(…, 0) skip the sigprocmask syscall on every guarded call. */
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &previous_action);
    atomic_store_explicit(&installed, true, memory_order_release);
}

#define GUARDED(body)                                   \
    do {                                                \
        if (!atomic_load_explicit(&installed, memory_order_acquire)) \
            pthread_once(&install_once, install_handler); \
        sigjmp_buf guard;                               \
        if (sigsetjmp(guard, 0) != 0) return -1;        \
        active_guard = &guard;                          \
        atomic_signal_fence(memory_order_seq_cst);      \
        body;                                           \
        atomic_signal_fence(memory_order_seq_cst);      \
        active_guard = NULL;                            \
        return 0;                                       \
    } while (0)

int lookout_guarded_copy(void *destination, const void *source, size_t count) {
    GUARDED(memcpy(destination, source, count));
}

int lookout_guarded_copy2(void *destination, const void *first, size_t first_count, const void *second, size_t second_count) {
    GUARDED(memcpy(destination, first, first_count); memcpy((char *)destination + first_count, second, second_count));
}

int lookout_guarded_store_u32_release(void *destination, uint32_t value) {
    GUARDED(__atomic_store_n((uint32_t *)destination, value, __ATOMIC_RELEASE));
}

int lookout_guarded_fetch_or_u32(void *destination, uint32_t bits, uint32_t *previous) {
    GUARDED(*previous = __atomic_fetch_or((uint32_t *)destination, bits, __ATOMIC_ACQ_REL));
}

int lookout_guarded_load_u64_acquire(const void *source, uint64_t *value) {
    GUARDED(*value = __atomic_load_n((const uint64_t *)source, __ATOMIC_ACQUIRE));
}

int lookout_guarded_load_u32_acquire(const void *source, uint32_t *value) {
    GUARDED(*value = __atomic_load_n((const uint32_t *)source, __ATOMIC_ACQUIRE));
}

int lookout_guarded_store_u64_release(void *destination, uint64_t value) {
    GUARDED(__atomic_store_n((uint64_t *)destination, value, __ATOMIC_RELEASE));
}

static void seqlock_body(
    const void *sequence_word, const void *descriptor, void *descriptor_copy, size_t descriptor_count,
    size_t bytes_offset, const void *pixels, void *pixel_copy, size_t pixel_capacity,
    uint64_t *seq_before, uint64_t *seq_after, uint32_t *pixel_bytes) {
    *pixel_bytes = 0;
    *seq_before = __atomic_load_n((const uint64_t *)sequence_word, __ATOMIC_ACQUIRE);
    if ((*seq_before & 1) == 0) {
        memcpy(descriptor_copy, descriptor, descriptor_count);
        uint32_t bytes;
        memcpy(&bytes, (const char *)descriptor_copy + bytes_offset, sizeof bytes);
        *pixel_bytes = bytes;
        if (pixel_copy != NULL && bytes <= pixel_capacity) memcpy(pixel_copy, pixels, bytes);
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    *seq_after = __atomic_load_n((const uint64_t *)sequence_word, __ATOMIC_RELAXED);
}

int lookout_guarded_seqlock_read(
    const void *sequence_word, const void *descriptor, void *descriptor_copy, size_t descriptor_count,
    size_t bytes_offset, const void *pixels, void *pixel_copy, size_t pixel_capacity,
    uint64_t *seq_before, uint64_t *seq_after, uint32_t *pixel_bytes) {
    GUARDED(seqlock_body(sequence_word, descriptor, descriptor_copy, descriptor_count, bytes_offset, pixels, pixel_copy,
                         pixel_capacity, seq_before, seq_after, pixel_bytes));
}

uint64_t lookout_guarded_fault_count(void) {
    return atomic_load_explicit(&fault_count, memory_order_relaxed);
}
