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

    /// Appends `line` with one `write(2)` on an `O_APPEND` descriptor, whole or not at all: after a short write (a
    /// full disk takes what fits) the partial bytes are cut off again with `ftruncate`, provided they are still the
    /// file's tail (another process may have appended after them; then they stay, and `.torn` says so).
    static func appendWhole(_ fd: Int32, _ line: String) -> AppendOutcome {
        var line = line
        return line.withUTF8 { bytes -> AppendOutcome in
            var written: Int
            repeat { written = write(fd, bytes.baseAddress, bytes.count) } while written < 0 && errno == EINTR
            if written == bytes.count { return .written }
            if written < 0 { return .failed(errno: errno) }
            let end = lseek(fd, 0, SEEK_CUR)
            var status = stat()
            guard end >= written, fstat(fd, &status) == 0, status.st_size == end,
                  ftruncate(fd, end - off_t(written)) == 0
            else { return .torn(errno: ENOSPC) }
            return .failed(errno: ENOSPC)
        }
    }

    enum AppendOutcome: Equatable {
        case written
        /// Nothing of the line is in the file.
        case failed(errno: Int32)
        /// Part of the line is in the file and could not be cut off.
        case torn(errno: Int32)
    }

    /// Whether `path` still names the file open on `fd` (false when it was moved, removed or replaced).
    static func pathNamesOpenFile(_ path: String, _ fd: Int32) -> Bool {
        var named = stat()
        var open = stat()
        guard stat(path, &named) == 0, fstat(fd, &open) == 0 else { return false }
        return named.st_dev == open.st_dev && named.st_ino == open.st_ino
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
