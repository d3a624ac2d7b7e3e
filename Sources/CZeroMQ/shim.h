#ifndef CZEROMQ_SHIM_H
#define CZEROMQ_SHIM_H
#include <stdint.h>
#include <sys/epoll.h>
#include <zmq.h>

/* The agent's wait set (ZeroMQ.ZMQWaitSet) uses epoll through these two: struct epoll_event is packed on x86-64,
   which Swift does not import with its real layout. An item's tag is its index (< 64) in the set. */
static inline int lookout_epoll_control(int epoll, int operation, int descriptor, uint64_t tag) {
    struct epoll_event event = { .events = EPOLLIN, .data.u64 = tag };
    return epoll_ctl(epoll, operation, descriptor, &event);
}

/* epoll_wait; ORs 1 << tag of every ready item into *ready. Returns the count, or -1 with errno. */
static inline int lookout_epoll_wait(int epoll, int timeout_ms, uint64_t *ready) {
    struct epoll_event events[64];
    int count = epoll_wait(epoll, events, 64, timeout_ms);
    for (int i = 0; i < count; i++) *ready |= (uint64_t)1 << (events[i].data.u64 & 63);
    return count;
}
#endif
