#ifndef CZMLOG_H
#define CZMLOG_H
#include <sys/types.h>

/* gettid(2): glibc declares it only under _GNU_SOURCE, which Swift's Glibc module does not see. */
int czmlog_gettid(void);

/* fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE): frees the spool's consumed prefix without moving offsets.
   The flag macros live in <linux/falloc.h>, which Swift does not import. Returns 0 or -1 with errno set. */
int czmlog_punch_hole(int fd, off_t offset, off_t length);

#endif

/* Signal plumbing: the handler only write(2)s the signal number to a pipe (async-signal-safe); a Swift thread reads
   the pipe and acts. czmlog_signal_pipe() creates the pipe once and returns its read end (-1 on failure);
   czmlog_signal_catch() installs the handler for one signal (SA_RESTART). */
int czmlog_signal_pipe(void);
int czmlog_signal_catch(int signal_number);
