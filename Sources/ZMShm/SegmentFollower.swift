#if canImport(Glibc)
import Glibc
#endif

/// Follows one monitor's segment path across zmc restarts.
///
/// zmc's clean stop zeroes and unlinks the file and the next start creates a new inode; a crash reuses the
/// inode and may truncate it. Each `poll()` stats the path and re-maps when the inode or size changed, when
/// the segment was zeroed, or when a read faulted because the file shrank: at most one poll late.
///
/// A path that fails to open or validate is tried again with `RetryBackoff` (1 s doubling to 60 s; at most 1 s for
/// a segment zmc has not initialised yet, since zmc fills it in through its mapping without any file event), or at
/// once when a path check sees the file replaced or changed. Between attempts a poll repeats the last error.
/// Not thread-safe: one poll loop owns a follower.
public final class SegmentFollower {
    public let path: String
    public let extent: ZMSegment.Extent
    public let owners: SegmentOwners
    public private(set) var segment: ZMSegment?
    /// How many times the path was (re-)opened after the first successful open.
    public private(set) var reopenCount = 0
    /// Every attempt to open the path, successful or not.
    public private(set) var openAttempts = 0
    public private(set) var backoff = RetryBackoff()
    private let clock: () -> Double
    /// Why the last open failed, and the file it failed on; boxed, as most followers have none (4 096 monitors).
    private var failure: Failure? {
        get { failureBox?.failure }
        set { failureBox = newValue.map(FailureBox.init) }
    }
    private var failureBox: FailureBox?
    private typealias Failure = (error: SegmentError, identity: FileIdentity?)
    private final class FailureBox {
        let failure: Failure
        init(_ failure: Failure) { self.failure = failure }
    }

    /// - Parameters:
    ///   - extent: polling reads only the header, so by default only the header is mapped.
    ///   - clock: seconds on a monotonic scale, for the retry back-off (tests pass their own).
    public init(
        path: String, extent: ZMSegment.Extent = .header, owners: SegmentOwners = .standard,
        clock: @escaping () -> Double = SegmentFollower.monotonicSeconds
    ) {
        self.path = path
        self.extent = extent
        self.owners = owners
        self.clock = clock
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
        if segment == nil, let failure {
            if checkingPath, FileIdentity.of(path) != failure.identity { backoff.reset() }
            guard backoff.allowsAttempt(at: clock()) else { return Reading(status: nil, error: failure.error, reopened: nil) }
        }
        var reason: ReopenReason?
        if checkingPath, let current = segment {
            switch current.mapping.pathStillMatches() {
            case .same: break
            case .gone:
                segment = nil
                let error = SegmentError(.notFound, path: path, "\(path) was removed: zmc stopped")
                remember(error)
                return Reading(status: nil, error: error, reopened: nil)
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
            // A zeroed segment still mapped is re-read each poll (no syscalls): zmc re-initialises it in place.
            if error.code == .notInitialised, segment != nil { return Reading(status: nil, error: error, reopened: reason) }
            segment = nil
            remember(error)
            return Reading(status: nil, error: error, reopened: reason)
        }
    }

    private func openIfNeeded() throws(SegmentError) -> ZMSegment {
        if let segment { return segment }
        openAttempts += 1
        let opened = try ZMSegment(path: path, extent: extent, owners: owners)
        if openedOnce { reopenCount += 1 }
        openedOnce = true
        segment = opened
        failure = nil
        backoff.reset()
        return opened
    }

    private func remember(_ error: SegmentError) {
        failure = (error, FileIdentity.of(path))
        backoff.failed(at: clock(), cap: error.code == .notInitialised ? RetryBackoff.firstDelay : RetryBackoff.longestDelay)
    }

    private var openedOnce = false

    /// CLOCK_MONOTONIC in seconds.
    public static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }
}
