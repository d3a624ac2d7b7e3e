internal import Glibc
import Synchronization

/// `zmlog`'s side of the hand-off: sends each row to the agent's socket. If the agent is absent, stops answering
/// for a second, or refuses a datagram, this and every later row go to the fallback sink (normally a
/// `DatabaseWriter`), created only then, so rows are never lost and keep their order from that point.
public final class LogSocketSender: LogRowSink {
    public let path: String
    private let makeFallback: @Sendable () -> any LogRowSink
    private let state: Mutex<State>

    private struct State {
        var fd: Int32
        var fallback: (any LogRowSink)?
        var sent = 0
    }

    /// Nil when nothing listens at `path` (the caller then writes to the database itself).
    public init?(path: String, fallback: @escaping @Sendable () -> any LogRowSink) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        guard UnixSocketAddress.connect(fd, path: path) else {
            Glibc.close(fd)
            return nil
        }
        self.path = path
        makeFallback = fallback
        state = Mutex(State(fd: fd))
    }

    /// Rows the agent accepted.
    public var sentRows: Int { state.withLock { $0.sent } }
    /// Whether the fallback took over.
    public var usedFallback: Bool { state.withLock { $0.fallback != nil } }

    public func enqueue(_ row: LogsRow) {
        let fallback = state.withLock { state -> (any LogRowSink)? in
            if state.fallback == nil {
                if Self.send(state.fd, LogSocketProtocol.encode(row)) {
                    state.sent += 1
                    return nil
                }
                state.fallback = makeFallback()
            }
            return state.fallback
        }
        fallback?.enqueue(row)
    }

    public func close(drainTimeout: Double) {
        let fallback = state.withLock { state -> (any LogRowSink)? in
            if state.fd >= 0 { Glibc.close(state.fd) }
            state.fd = -1
            return state.fallback
        }
        fallback?.close(drainTimeout: drainTimeout)
    }

    private static func send(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        guard fd >= 0 else { return false }
        var waited = 0
        while true {
            let rc = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if rc == bytes.count { return true }
            guard rc < 0, errno == EAGAIN || errno == EINTR, waited < 1000 else { return false }
            // The agent's receive queue is full: give it a moment (it is local and draining), then fall back.
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&descriptor, 1, 100)
            waited += 100
        }
    }
}
