import CZeroMQ
import Glibc

/// The wait of a loop that blocks on the same libzmq sockets and descriptors every time: one `epoll_wait`, over a
/// set registered once (poll(2) would look up and hook every descriptor again on each wait).
///
/// Why not `zmq_poll`? Each call builds its poll set again, asks every socket for `ZMQ_EVENTS` before and after
/// polling (a `poll` of the socket's mailbox each time) and polls once more with a zero timeout first: about seven
/// system calls per wake-up of an agent tick that has nothing to receive. Here a socket is asked for its events
/// before the wait only when it was used since it was last asked, and after the wait only when its descriptor fired.
///
/// A socket's `ZMQ_FD` is edge-triggered: it fires when commands reach the socket, and a send or a receive may
/// process those commands (and take the signal) while a message stays queued. Hence the check before blocking.
///
/// Not thread-safe: the thread that owns the sockets waits here.
public final class ZMQWaitSet {
    /// Which sockets have a message and which descriptors are readable (input, end of file or an error).
    public struct Ready: Sendable, Equatable {
        fileprivate var bits: UInt64 = 0
        fileprivate let socketCount: Int

        public func socket(_ index: Int) -> Bool { bits & (1 << UInt64(index)) != 0 }
        public func descriptor(_ index: Int) -> Bool { bits & (1 << UInt64(socketCount + index)) != 0 }
        public var isEmpty: Bool { bits == 0 }
    }

    private let sockets: [ZMQSocket]
    private let epoll: Int32
    /// Each item's descriptor as registered (-1: none).
    private var descriptors: [Int32]

    /// - Parameters:
    ///   - sockets: waited on for a message to receive.
    ///   - descriptors: waited on for reading (a pipe or an eventfd from another thread; -1 for one set later).
    public init(sockets: [ZMQSocket], descriptors: [Int32]) throws(ZMQError) {
        precondition(sockets.count + descriptors.count <= 64, "at most 64 items in a wait set")
        var all: [Int32] = []
        for socket in sockets {
            guard let descriptor = socket.signalDescriptor else { throw ZMQError("zmq_getsockopt(ZMQ_FD)") }
            all.append(descriptor)
        }
        all += descriptors
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw ZMQError("epoll_create1", errno: errno) }
        self.sockets = sockets
        self.descriptors = all.map { _ in -1 }
        for (index, descriptor) in all.enumerated() where descriptor >= 0 {
            guard lookout_epoll_control(epoll, EPOLL_CTL_ADD, descriptor, UInt64(index)) == 0 else {
                let error = errno
                close(epoll)
                throw ZMQError("epoll_ctl(ADD \(descriptor))", errno: error)
            }
            self.descriptors[index] = descriptor
        }
    }

    deinit { close(epoll) }

    /// Replaces the descriptor at `index` of those given at `init` (-1: none). The old one may be closed already.
    public func setDescriptor(_ index: Int, _ descriptor: Int32) {
        let item = sockets.count + index
        let old = descriptors[item]
        if old >= 0 { _ = lookout_epoll_control(epoll, EPOLL_CTL_DEL, old, 0) }
        descriptors[item] = -1
        if descriptor >= 0, lookout_epoll_control(epoll, EPOLL_CTL_ADD, descriptor, UInt64(item)) == 0 {
            descriptors[item] = descriptor
        }
    }

    /// Waits up to `timeoutMilliseconds` (0: not at all) for a socket to hold a message or a descriptor to become
    /// readable. An interrupted wait (EINTR) returns what was ready before it.
    public func wait(timeoutMilliseconds: Int) -> Ready {
        var ready = Ready(socketCount: sockets.count)
        for (index, socket) in sockets.enumerated() where socket.usedSinceEventsCheck && socket.hasInput {
            ready.bits |= 1 << UInt64(index)
        }
        let timeout = ready.isEmpty ? Int32(clamping: timeoutMilliseconds) : 0
        var fired: UInt64 = 0
        guard lookout_epoll_wait(epoll, timeout, &fired) > 0 else { return ready }
        for index in 0..<descriptors.count where fired & (1 << UInt64(index)) != 0 {
            if index >= sockets.count || sockets[index].hasInput { ready.bits |= 1 << UInt64(index) }
        }
        return ready
    }
}
