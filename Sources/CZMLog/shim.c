#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/falloc.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "CZMLog.h"

int czmlog_gettid(void) { return (int)syscall(SYS_gettid); }

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
