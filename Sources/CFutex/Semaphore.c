#include "CFutex.h"

#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <time.h>

void *lookout_semaphore_open(const char *name, int create, unsigned mode) {
    sem_t *semaphore = create ? sem_open(name, O_CREAT, (mode_t)mode, 0u) : sem_open(name, 0);
    return semaphore == SEM_FAILED ? NULL : semaphore;
}

int lookout_semaphore_post(void *semaphore) { return sem_post((sem_t *)semaphore); }

int lookout_semaphore_wait(void *semaphore, int64_t timeout_ns) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t)(timeout_ns / 1000000000);
    deadline.tv_nsec += (long)(timeout_ns % 1000000000);
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000;
    }
    while (sem_timedwait((sem_t *)semaphore, &deadline) != 0) {
        if (errno == EINTR) continue;
        return errno == ETIMEDOUT ? 1 : -1;
    }
    return 0;
}

int lookout_semaphore_close(void *semaphore) { return sem_close((sem_t *)semaphore); }
