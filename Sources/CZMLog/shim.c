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
