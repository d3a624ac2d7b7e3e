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

#endif
