internal import Glibc

/// The log file output: opened lazily on the first line (as C++ does), one `write(2)` per line on an `O_APPEND`
/// descriptor (safe when several processes share a file), reopened on the next line after `requestReopen()`
/// (SIGHUP/SIGWINCH), so logrotate's move-then-signal loses and duplicates nothing.
///
/// Not thread-safe: `ZMLogger` calls it under its lock.
final class FileWriter {
    private(set) var path: String
    private let owner: (user: String, group: String)?
    private var fd: Int32 = -1
    private var reopenRequested = false
    /// Set after a failed open: ZoneMinder then switches the file output off. We retry on the next reopen request.
    private(set) var openFailure: String?
    /// errno of the last failed write, so a full disk is reported once rather than per line.
    private var writeFailure: Int32 = 0
    private(set) var linesLost = 0

    init(path: String, owner: (user: String, group: String)?) {
        self.path = path
        self.owner = owner
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    func requestReopen() { reopenRequested = true }

    /// Writes the line. Returns a problem to report on the other outputs (once per new problem), or nil.
    func write(_ line: String) -> String? {
        if reopenRequested {
            reopenRequested = false
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
            openFailure = nil
        }
        if fd < 0 {
            guard openFailure == nil else {
                linesLost += 1
                return nil
            }
            switch Posix.openForAppend(path) {
            case .success(let opened):
                fd = opened.fd
                if opened.created, geteuid() == 0, let owner { Posix.chown(path, user: owner.user, group: owner.group) }
            case .failure(let failure):
                openFailure = "fopen() for \(path), error = \(failure.reason)"
                linesLost += 1
                return openFailure
            }
        }
        let result = Posix.writeAll(fd, line)
        if result == 0 {
            if writeFailure != 0 {
                let lost = linesLost
                writeFailure = 0
                return "log file \(path) writable again after \(lost) lost line(s)"
            }
            return nil
        }
        linesLost += 1
        guard result != writeFailure else { return nil }
        writeFailure = result
        return "write() to \(path) failed, error = \(Posix.errorText(result)); lines are lost on this output until it recovers"
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }
}
