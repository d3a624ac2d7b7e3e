internal import Glibc

/// The log file output: opened lazily on the first line (as C++ does), one `write(2)` per line on an `O_APPEND`
/// descriptor (safe when several processes share a file), each line whole or not at all (`Posix.appendWhole`).
/// Reopened before the next line after `requestReopen()` (SIGHUP/SIGWINCH), so logrotate's move-then-signal loses and
/// duplicates nothing, and also when the path no longer names the open file (checked every `moveCheckSeconds`):
/// a rotation without a signal, or a removed file, costs at most that long of lines in the old file.
///
/// Not thread-safe: `ZMLogger` calls it under its lock.
final class FileWriter {
    /// A write failure this long after the last one starts a new episode: a disk that flaps between full and not is
    /// reported once, not once per gap.
    static let quietSeconds = 60.0

    private(set) var path: String
    private let owner: (user: String, group: String)?
    private let moveCheckSeconds: Double
    private var fd: Int32 = -1
    private var reopenRequested = false
    private var nextMoveCheck = 0.0
    /// Set after a failed open: ZoneMinder then switches the file output off. We retry on the next reopen request.
    private(set) var openFailure: String?
    private var failing: (lastFailure: Double, lost: Int)?
    private(set) var linesLost = 0

    init(path: String, owner: (user: String, group: String)?, moveCheckSeconds: Double = 1) {
        self.path = path
        self.owner = owner
        self.moveCheckSeconds = moveCheckSeconds
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    func requestReopen() { reopenRequested = true }

    /// Writes the line. Returns a problem to report on the other outputs (once per new problem), or nil.
    func write(_ line: String) -> String? {
        let now = monotonicSeconds()
        if reopenRequested || movedAway(now) {
            reopenRequested = false
            close()
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
                nextMoveCheck = now + moveCheckSeconds
                if opened.created, geteuid() == 0, let owner { Posix.chown(path, user: owner.user, group: owner.group) }
            case .failure(let failure):
                openFailure = "fopen() for \(path), error = \(failure.reason)"
                linesLost += 1
                return openFailure
            }
        }
        switch Posix.appendWhole(fd, line) {
        case .written:
            guard let episode = failing, now - episode.lastFailure >= Self.quietSeconds else { return nil }
            failing = nil
            return "log file \(path) writable again after \(episode.lost) lost line(s)"
        case .failed(let code), .torn(let code):
            linesLost += 1
            if let episode = failing {
                failing = (now, episode.lost + 1)
                return nil
            }
            failing = (now, 1)
            return "write() to \(path) failed, error = \(Posix.errorText(code)); lines are lost on this output until it recovers"
        }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    private func movedAway(_ now: Double) -> Bool {
        guard fd >= 0, now >= nextMoveCheck else { return false }
        nextMoveCheck = now + moveCheckSeconds
        return !Posix.pathNamesOpenFile(path, fd)
    }
}
