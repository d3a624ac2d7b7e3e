import Dispatch
internal import Glibc
internal import PosixThread
import Synchronization

/// The agent's side of the hand-off: binds the datagram socket and feeds every row it receives to `sink`
/// (typically the agent's own `DatabaseWriter`, which batches and spools). Runs its own thread; `stop()` ends it.
public final class LogSocketReceiver: Sendable {
    public struct Statistics: Sendable, Equatable {
        public var received: Int
        /// Datagrams that were not a `ZMLR1` row.
        public var malformed: Int
    }

    public let path: String
    private let fd: Int32
    private let sink: any LogRowSink
    private let counters = Mutex(Statistics(received: 0, malformed: 0))
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// Binds `path` (a stale socket file there is replaced; the directory must exist) and gives it `mode`. Whoever may
    /// connect writes `Logs` rows under any Component, so the mode decides who may: 0660 and a group (the agent's
    /// `bus.socket_mode`/`bus.group`) for the scripts of that group, 0666 for every local user.
    public init(
        path: String = LogSocketProtocol.defaultPath, mode: UInt32 = 0o660, sink: any LogRowSink
    ) throws(LogSocketError) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw LogSocketError(function: "socket", path: path, errno: errno) }
        unlink(path)
        let rc = UnixSocketAddress.bind(fd, path: path)
        guard rc == 0 else {
            close(fd)
            throw LogSocketError(function: "bind", path: path, errno: rc)
        }
        guard chmod(path, mode_t(mode)) == 0 else {
            let failure = errno
            close(fd)
            unlink(path)
            throw LogSocketError(function: "chmod", path: path, errno: failure)
        }
        var size: Int32 = 4 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        self.path = path
        self.fd = fd
        self.sink = sink
        PosixThread.start(name: "zmlog-socket") { [self] in receive() }
    }

    public var statistics: Statistics { counters.withLock { $0 } }

    /// Stops receiving, removes the socket file. Rows already handed to the sink stay there (close the sink next).
    public func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        unlink(path)
        shutdown(fd, Int32(SHUT_RDWR))
        finished.wait()
        close(fd)
    }

    private func receive() {
        defer { finished.signal() }
        // Not zero-filled: only the pages the longest datagram so far reached become resident (a row is a few KB).
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer { buffer.deallocate() }
        while !stopping.load(ordering: .acquiring) {
            let count = recv(fd, buffer.baseAddress, buffer.count, 0)
            if count < 0 {
                if errno == EINTR { continue }
                return
            }
            if count == 0 { continue }  // shutdown, or an empty datagram
            let row = LogSocketProtocol.decode(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            if let row {
                sink.enqueue(row)
                counters.withLock { $0.received += 1 }
            } else {
                counters.withLock { $0.malformed += 1 }
            }
        }
    }
}
