import FrameSource
import Glibc
import ZMShm

/// Follows one channel's data file across producer restarts and derives what health needs: fps from Δ`write_seq`,
/// frames the poller could not see, stalls, and restarts (epoch, inode, size, state).
///
/// A path that fails to open or validate is retried with `RetryBackoff` (1 s doubling to 60 s; 1 s while the
/// producer is initialising), or at once when the file at the path changes. Not thread-safe.
public final class SFBChannelFollower {
    public let channel: Int
    public let path: String
    public let owners: SegmentOwners
    /// Map only the header (no frame copies): see `SFB1Reader.init(path:owners:headerOnly:)`.
    public let headerOnly: Bool
    /// `now − capture_ns` (or `now − heartbeat_ns`) beyond this is a stall.
    public var stallSeconds: Double
    public private(set) var reader: SFB1Reader?
    public private(set) var reopenCount = 0
    public private(set) var openAttempts = 0
    public private(set) var backoff = RetryBackoff()
    /// Frames published while the poller was away long enough for the ring to wrap over them (Δ`write_seq` − N).
    public private(set) var framesMissed: UInt64 = 0
    public private(set) var fps = 0.0
    private var fpsWindow: (writeSeq: UInt64, at: Double)?
    private var lastWriteSeq: UInt64?
    private var failure: (error: FrameSourceError, identity: FileIdentity?)?
    private var openedOnce = false

    public init(channel: Int, path: String, owners: SegmentOwners = .standard, stallSeconds: Double = 5, headerOnly: Bool = false) {
        self.channel = channel
        self.path = path
        self.owners = owners
        self.headerOnly = headerOnly
        self.stallSeconds = stallSeconds
    }

    public struct Reading: Sendable, Equatable {
        public var header: SFB1Header?
        public var error: FrameSourceError?
        /// Set when this poll dropped the mapping and opened the path again, with why.
        public var reopened: FrameSourceRestart?
        public var stalled: Bool
        /// CLOCK_REALTIME ns of the newest frame's capture (nil before any).
        public var newestCaptureNanoseconds: Int64?
    }

    /// - Parameters:
    ///   - monotonic: seconds on a monotonic clock (fps, back-off).
    ///   - realtimeNanoseconds: CLOCK_REALTIME now (stall against `capture_ns` and `heartbeat_ns`).
    public func poll(monotonic: Double, realtimeNanoseconds: Int64) -> Reading {
        var restart: FrameSourceRestart?
        if let current = reader, let why = current.checkProducer() {
            restart = why
            reader = nil
            fpsWindow = nil
            lastWriteSeq = nil
            fps = 0
        }
        if reader == nil, let failure {
            if FileIdentity.of(path) != failure.identity { backoff.reset() }
            guard backoff.allowsAttempt(at: monotonic) else {
                return Reading(header: nil, error: failure.error, reopened: restart, stalled: true)
            }
        }
        do throws(FrameSourceError) {
            let reader = try openIfNeeded(monotonic: monotonic)
            let header = try reader.header()
            guard header.runState == .running else {
                // Initialising or stopping: say so with the header read, and look again (within a second).
                self.reader = nil
                let state = header.runState?.name ?? "unknown state \(header.state)"
                let error = FrameSourceError(.notInitialised, "\(path): the producer's state is \(state), not running")
                remember(error, monotonic: monotonic)
                return Reading(header: header, error: error, reopened: restart, stalled: true)
            }
            account(writeSeq: header.writeSeq, slots: reader.slotCount, monotonic: monotonic)
            let newest = try? reader.newestFrame()
            let limit = Int64(stallSeconds * 1_000_000_000)
            let captureAge = newest.map { realtimeNanoseconds - $0.captureNanoseconds }
            let heartbeatAge = realtimeNanoseconds - header.heartbeatNanoseconds
            let stalled = heartbeatAge > limit || (captureAge ?? Int64.max) > limit
            return Reading(header: header, error: nil, reopened: restart, stalled: stalled, newestCaptureNanoseconds: newest?.captureNanoseconds)
        } catch {
            reader = nil
            remember(error, monotonic: monotonic)
            return Reading(header: nil, error: error, reopened: restart, stalled: true)
        }
    }

    private func account(writeSeq: UInt64, slots: Int, monotonic: Double) {
        if let last = lastWriteSeq, writeSeq > last, writeSeq - last > UInt64(slots) {
            framesMissed += writeSeq - last - UInt64(slots)
        }
        lastWriteSeq = writeSeq
        guard let window = fpsWindow else {
            fpsWindow = (writeSeq, monotonic)
            return
        }
        let elapsed = monotonic - window.at
        if elapsed >= 1 {
            fps = writeSeq >= window.writeSeq ? Double(writeSeq - window.writeSeq) / elapsed : 0
            fpsWindow = (writeSeq, monotonic)
        }
    }

    private func openIfNeeded(monotonic: Double) throws(FrameSourceError) -> SFB1Reader {
        if let reader { return reader }
        openAttempts += 1
        let opened = try SFB1Reader(path: path, owners: owners, headerOnly: headerOnly)
        if openedOnce { reopenCount += 1 }
        openedOnce = true
        reader = opened
        failure = nil
        backoff.reset()
        return opened
    }

    private func remember(_ error: FrameSourceError, monotonic: Double) {
        failure = (error, FileIdentity.of(path))
        backoff.failed(at: monotonic, cap: error.code == .notInitialised ? RetryBackoff.firstDelay : RetryBackoff.longestDelay)
    }
}

/// Channels found as `sfb_data_ch<N>` in a directory.
public enum SFBDirectory {
    public static func channels(in directory: String) -> [Int] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var found: [Int] = []
        let prefix = Array("sfb_data_ch".utf8)
        while let entry = readdir(dir) {
            // A String only for names that may be a channel's: /dev/shm holds every zm.mmap.<id> of ZoneMinder too.
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String? in
                guard raw.starts(with: prefix) else { return nil }
                return String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let name, let channel = SFB1Layout.channel(inDataName: name) { found.append(channel) }
        }
        return found.sorted()
    }
}
