internal import CZMLog
internal import Glibc

/// The few libc calls the writers share.
enum Posix {
    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    static var threadId: Int32 { czmlog_gettid() }

    /// Writes all of `bytes` with as few `write(2)` calls as the kernel allows (one, for a regular file opened
    /// `O_APPEND`). Returns 0 or the errno of the failing call.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            offset += written
        }
        return 0
    }

    static func writeAll(_ fd: Int32, _ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { writeAll(fd, UnsafeRawBufferPointer($0)) }
    }

    static func isTTY(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    /// `O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC`, mode 0666 & ~umask. Returns the descriptor and whether the file was
    /// created, or the errno.
    static func openForAppend(_ path: String) -> Result<(fd: Int32, created: Bool), PosixFailure> {
        var existing = stat()
        let existed = stat(path, &existing) == 0
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o666)
        guard fd >= 0 else { return .failure(PosixFailure(errno: errno)) }
        return .success((fd, !existed))
    }

    /// `chown` to a user and group by name; failures are ignored (the file stays usable by us).
    static func chown(_ path: String, user: String, group: String) {
        guard let pw = getpwnam(user), let gr = getgrnam(group) else { return }
        _ = Glibc.chown(path, pw.pointee.pw_uid, gr.pointee.gr_gid)
    }
}

struct PosixFailure: Error {
    let errno: Int32
    var reason: String { Posix.errorText(errno) }
}
