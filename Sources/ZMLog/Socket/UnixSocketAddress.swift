internal import Glibc

/// `sockaddr_un` plumbing for the syslog writer, the zmlog→agent socket, and the tests' and benchmark's stand-ins
/// for `/dev/log`.
public enum UnixSocketAddress {
    /// sun_path is 108 bytes including the NUL.
    public static let maximumPathBytes = 107

    static func withAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R? {
        let bytes = Array(path.utf8)
        guard bytes.count <= maximumPathBytes else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }

    public static func connect(_ fd: Int32, path: String) -> Bool {
        withAddress(path) { Glibc.connect(fd, $0, $1) == 0 } ?? false
    }

    /// Returns 0, or the errno of the failure (`ENAMETOOLONG` for a path that does not fit).
    public static func bind(_ fd: Int32, path: String) -> Int32 {
        withAddress(path) { Glibc.bind(fd, $0, $1) == 0 ? 0 : errno } ?? ENAMETOOLONG
    }
}
