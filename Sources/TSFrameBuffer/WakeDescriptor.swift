import Glibc

/// A descriptor a poll loop watches that any thread can make readable: the read end of a pipe, both ends
/// non-blocking (eventfd is not in Swift's Glibc module). Signals coalesce: once the pipe is full a signal is a
/// no-op, so it holds at most a pipe buffer however often it is signalled, and `drain()` empties it.
public final class WakeDescriptor: Sendable {
    public let descriptor: Int32
    private let writeEnd: Int32

    public init() {
        var ends: [Int32] = [-1, -1]
        precondition(pipe(&ends) == 0, "pipe: \(String(cString: strerror(errno)))")
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(descriptor)
        close(writeEnd)
    }

    public func signal() {
        var one: UInt8 = 1
        _ = write(writeEnd, &one, 1)
    }

    /// Makes the descriptor unreadable again; returns how many signals it held.
    @discardableResult
    public func drain() -> Int {
        var total = 0
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while true {
            let count = withUnsafeMutableBytes(of: &buffer) { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { return total }
            total += count
        }
    }
}
