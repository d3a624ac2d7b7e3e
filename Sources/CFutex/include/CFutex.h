#ifndef CFUTEX_H
#define CFUTEX_H

#include <stdint.h>

/*
 * Shared (not FUTEX_PRIVATE) futex calls on a word in a MAP_SHARED mapping, so waiters in other processes wake.
 * Swift cannot call the variadic syscall(2), hence this shim.
 *
 * lookout_futex_wait: sleeps while *word == expected, at most timeout_ns (< 0: no limit).
 * Returns 0 when woken (or the word already differed: EAGAIN), 1 on timeout, -1 with errno otherwise
 * (EFAULT when the page lies past the end of a file that shrank: the kernel reports it, no SIGBUS).
 */
int lookout_futex_wait(const uint32_t *word, uint32_t expected, int64_t timeout_ns);
/* Wakes every waiter; returns how many woke, or -1 with errno. */
int lookout_futex_wake_all(const uint32_t *word);

/*
 * POSIX named semaphores (`/sfb_event_ch<N>`, the file /dev/shm/sem.sfb_event_ch<N>); sem_open(3) is variadic.
 * lookout_semaphore_open: create (mode, initial value 0) or open an existing one; NULL with errno on failure.
 * lookout_semaphore_wait: 0 when a post was taken, 1 after timeout_ns without one, -1 with errno otherwise.
 */
void *lookout_semaphore_open(const char *name, int create, unsigned mode);
int lookout_semaphore_post(void *semaphore);
int lookout_semaphore_wait(void *semaphore, int64_t timeout_ns);
int lookout_semaphore_close(void *semaphore);

#endif
