#include "CFutex.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int lookout_futex_wait(const uint32_t *word, uint32_t expected, int64_t timeout_ns) {
    struct timespec timeout;
    struct timespec *limit = NULL;
    if (timeout_ns >= 0) {
        timeout.tv_sec = (time_t)(timeout_ns / 1000000000);
        timeout.tv_nsec = (long)(timeout_ns % 1000000000);
        limit = &timeout;
    }
    long result = syscall(SYS_futex, word, FUTEX_WAIT, expected, limit, NULL, 0);
    if (result == 0) return 0;
    if (errno == EAGAIN || errno == EINTR) return 0;
    if (errno == ETIMEDOUT) return 1;
    return -1;
}

int lookout_futex_wake_all(const uint32_t *word) {
    return (int)syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}
