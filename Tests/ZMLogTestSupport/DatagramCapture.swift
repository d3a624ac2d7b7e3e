import Glibc
import ZMLog

/// A unix datagram socket standing in for `/dev/log` (or the agent's socket): collects what arrives.
public final class DatagramCapture: @unchecked Sendable {
    public struct BindError: Error, CustomStringConvertible {
        public let description: String
    }

    public let path: String
    private let fd: Int32

    public init(path: String) throws {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let rc = UnixSocketAddress.bind(fd, path: path)
        guard rc == 0 else {
            close(fd)
            throw BindError(description: "bind \(path): \(String(cString: strerror(rc)))")
        }
        chmod(path, 0o666)
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// The next datagram, or nil after `timeout` seconds without one.
    public func next(timeout: Double = 5) -> String? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(timeout * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 70000)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count < 0 ? nil : String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// Everything that arrives until the socket has been quiet for `timeout` seconds.
    public func drain(timeout: Double = 0.3) -> [String] {
        var all: [String] = []
        while let next = next(timeout: timeout) { all.append(next) }
        return all
    }
}
