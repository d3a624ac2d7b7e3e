/// Follows one monitor's segment path across zmc restarts.
///
/// zmc's clean stop zeroes and unlinks the file and the next start creates a new inode; a crash reuses the
/// inode and may truncate it. Each `poll()` stats the path and re-maps when the inode or size changed, when
/// the segment was zeroed, or when a read faulted because the file shrank: at most one poll late.
/// Not thread-safe: one poll loop owns a follower.
public final class SegmentFollower {
    public let path: String
    public let extent: ZMSegment.Extent
    public private(set) var segment: ZMSegment?
    /// How many times the path was (re-)opened after the first successful open.
    public private(set) var reopenCount = 0

    /// - Parameter extent: polling reads only the header, so by default only the header is mapped.
    public init(path: String, extent: ZMSegment.Extent = .header) {
        self.path = path
        self.extent = extent
    }

    public struct Reading: Sendable {
        public let status: MonitorStatus?
        public let error: SegmentError?
        /// Set when this poll re-mapped the segment, with the reason.
        public let reopened: ReopenReason?
    }

    public enum ReopenReason: String, Sendable {
        case recreated = "segment re-created (new inode)"
        case resized = "segment size changed"
        case shrunk = "segment shrank under the reader"
        case reinitialised = "segment zeroed then re-initialised"
    }

    /// - Parameter checkingPath: stat the path for a new inode or size (about 1 µs on a VM). A caller polling many
    ///   monitors fast may check each path less often: zmc's clean stop zeroes the segment first, which every read
    ///   sees at once, and a shrunk file faults inside the guard; only a crashed zmc's replacement waits for the check.
    public func poll(checkingPath: Bool = true) -> Reading {
        var reason: ReopenReason?
        if checkingPath, let current = segment {
            switch current.mapping.pathStillMatches() {
            case .same: break
            case .gone:
                segment = nil
                return Reading(status: nil, error: SegmentError(.notFound, path: path, "\(path) was removed: zmc stopped"), reopened: nil)
            case .recreated: reason = .recreated
            case .resized: reason = .resized
            }
        }
        if reason != nil { segment = nil }
        do {
            let segment = try openIfNeeded()
            do {
                return Reading(status: try segment.status(), error: nil, reopened: reason)
            } catch let error where error.code == .shrunk || error.code == .stale {
                self.segment = nil
                let fresh = try openIfNeeded()
                return Reading(status: try fresh.status(), error: nil, reopened: error.code == .shrunk ? .shrunk : .reinitialised)
            }
        } catch {
            if error.code != .notInitialised { segment = nil }
            return Reading(status: nil, error: error, reopened: reason)
        }
    }

    private func openIfNeeded() throws(SegmentError) -> ZMSegment {
        if let segment { return segment }
        let opened = try ZMSegment(path: path, extent: extent)
        if openedOnce { reopenCount += 1 }
        openedOnce = true
        segment = opened
        return opened
    }

    private var openedOnce = false
}
