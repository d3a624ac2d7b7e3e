#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "CZMLog.h"

#include <pthread.h>

/* Cached per thread: a thread's id never changes, and the syscall would cost more than formatting the line.
   A forked child's only thread gets a new id, so the cache is reset there. */
static __thread int cached_tid = 0;
static void reset_cached_tid(void) { cached_tid = 0; }
__attribute__((constructor)) static void install_fork_reset(void) { pthread_atfork(NULL, NULL, reset_cached_tid); }

int czmlog_gettid(void) {
    if (cached_tid == 0) cached_tid = (int)syscall(SYS_gettid);
    return cached_tid;
}

int czmlog_punch_hole(int fd, off_t offset, off_t length) {
    return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length);
}

#include <errno.h>
#include <signal.h>
#include <string.h>

static int signal_pipe[2] = {-1, -1};

static void czmlog_signal_handler(int signal_number) {
    int saved = errno;
    unsigned char byte = (unsigned char)signal_number;
    ssize_t ignored = write(signal_pipe[1], &byte, 1);
    (void)ignored;
    errno = saved;
}

int czmlog_signal_pipe(void) {
    if (signal_pipe[0] < 0 && pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    /* The read end blocks (a thread waits on it); the write end must never block inside the handler. */
    int flags = fcntl(signal_pipe[0], F_GETFL);
    fcntl(signal_pipe[0], F_SETFL, flags & ~O_NONBLOCK);
    return signal_pipe[0];
}

int czmlog_signal_catch(int signal_number) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = czmlog_signal_handler;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    return sigaction(signal_number, &action, NULL);
}
