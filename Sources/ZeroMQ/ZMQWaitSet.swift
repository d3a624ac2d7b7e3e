import CZeroMQ
import Glibc

/// The wait of a loop that blocks on the same libzmq sockets and descriptors every time: one `poll(2)`, over a
/// descriptor array built once.
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
    private let pollDescriptors: UnsafeMutableBufferPointer<pollfd>

    /// - Parameters:
    ///   - sockets: waited on for a message to receive.
    ///   - descriptors: waited on for reading (a pipe or an eventfd from another thread).
    public init(sockets: [ZMQSocket], descriptors: [Int32]) throws(ZMQError) {
        precondition(sockets.count + descriptors.count <= 64, "at most 64 items in a wait set")
        var all: [Int32] = []
        for socket in sockets {
            guard let descriptor = socket.signalDescriptor else { throw ZMQError("zmq_getsockopt(ZMQ_FD)") }
            all.append(descriptor)
        }
        all += descriptors
        self.sockets = sockets
        pollDescriptors = .allocate(capacity: all.count)
        for (index, descriptor) in all.enumerated() {
            pollDescriptors[index] = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        }
    }

    deinit { pollDescriptors.deallocate() }

    /// Replaces the descriptor at `index` of those given at `init` (-1: none; poll(2) skips it).
    public func setDescriptor(_ index: Int, _ descriptor: Int32) {
        pollDescriptors[sockets.count + index].fd = descriptor
    }

    /// Waits up to `timeoutMilliseconds` (0: not at all) for a socket to hold a message or a descriptor to become
    /// readable. An interrupted wait (EINTR) returns what was ready before it.
    public func wait(timeoutMilliseconds: Int) -> Ready {
        var ready = Ready(socketCount: sockets.count)
        for (index, socket) in sockets.enumerated() where socket.usedSinceEventsCheck && socket.hasInput {
            ready.bits |= 1 << UInt64(index)
        }
        let timeout = ready.isEmpty ? Int32(clamping: timeoutMilliseconds) : 0
        guard poll(pollDescriptors.baseAddress, nfds_t(pollDescriptors.count), timeout) > 0 else { return ready }
        for index in pollDescriptors.indices where pollDescriptors[index].revents != 0 {
            if index >= sockets.count {
                ready.bits |= 1 << UInt64(index)
            } else if sockets[index].hasInput {
                ready.bits |= 1 << UInt64(index)
            }
        }
        return ready
    }
}
