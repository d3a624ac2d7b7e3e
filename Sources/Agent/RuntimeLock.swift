import Glibc

/// One agent per runtime directory: an exclusive `flock` on `<directory>/agent.lock`, held for the life of the
/// process (the kernel drops it when the process ends, however it ends). The file holds the holder's pid, so a
/// second agent can say which process is in its way before it binds, and unlinks, any socket.
final class RuntimeLock {
    static let fileName = "agent.lock"
    let path: String
    private let descriptor: Int32

    init(directory: String) throws(AgentStartError) {
        path = directory + "/" + Self.fileName
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0o644)
        guard fd >= 0 else {
            throw AgentStartError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPid(fd)
            close(fd)
            throw AgentStartError(
                "another Lookout agent\(holder.map { " (pid \($0))" } ?? "") is running on \(directory): stop it first "
                    + "(systemctl stop lookout), or give this one its own endpoints (--pub, --control and log.socket)")
        }
        descriptor = fd
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(descriptor) }

    private static func readPid(_ fd: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 16)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).prefix { $0 != "\n" })
    }
}
