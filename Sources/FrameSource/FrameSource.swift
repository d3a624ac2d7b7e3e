/// A shared-memory ring of video frames written by another process: a TS shared frame buffer (`SFB1`) or a
/// ZoneMinder monitor's image ring. Consumers (the bus relay, JPEG snapshots, health) use only this.
///
/// Every call reads the producer's memory afresh and never returns a torn frame; a file that shrank or was
/// replaced is reported as an error (`.restarted`, `.shrunk`), never a crash. Not thread-safe: one thread owns
/// a source (the agent's loop). The owner polls `checkProducer()` and re-opens the source when it returns a reason.
public protocol FrameSource: AnyObject {
    /// The file it reads (for messages).
    var path: String { get }

    /// The most bytes one frame can take (size the buffer passed to `copyNewestFrame(into:)` from it).
    var maximumFrameBytes: Int { get }

    /// The newest complete frame's metadata; `nil` before the producer published any.
    func newestFrame() throws(FrameSourceError) -> FrameMetadata?

    /// Copies the newest complete frame's pixels into `buffer` and returns its metadata: the copy is re-checked
    /// after it is made and retried (a few times) if the producer overwrote the slot meanwhile. `nil`: no frame yet.
    /// Throws `.bufferTooSmall` if the frame does not fit.
    func copyNewestFrame(into buffer: UnsafeMutableRawBufferPointer) throws(FrameSourceError) -> FrameMetadata?

    /// Whether the producer is alive and how recently it said so.
    func liveness() throws(FrameSourceError) -> FrameLiveness

    /// `nil` while this is the same producer instance and file that was opened; otherwise why not (restarted,
    /// replaced, resized, stopping): the caller drops this source and opens the path again.
    func checkProducer() -> FrameSourceRestart?
}

/// The producer's own account of itself.
public struct FrameLiveness: Sendable, Equatable {
    /// Changes each time the producer starts (`nil`: the source has no such value).
    public var producerEpoch: UInt64?
    public var producerPID: Int32?
    /// The producer says it is publishing (SFB1 `state == 1`; ZoneMinder: the segment is valid).
    public var running: Bool
    /// CLOCK_REALTIME ns of the producer's last sign of life, with or without video.
    public var heartbeatNanoseconds: Int64?
    /// Frames published so far.
    public var framesPublished: UInt64

    public init(producerEpoch: UInt64?, producerPID: Int32?, running: Bool, heartbeatNanoseconds: Int64?, framesPublished: UInt64) {
        self.producerEpoch = producerEpoch
        self.producerPID = producerPID
        self.running = running
        self.heartbeatNanoseconds = heartbeatNanoseconds
        self.framesPublished = framesPublished
    }
}

/// Why an opened source no longer describes the producer at its path.
public enum FrameSourceRestart: String, Sendable, Equatable {
    /// The file is gone.
    case removed
    /// A new file (inode) at the path.
    case recreated
    /// The file's size changed.
    case resized
    /// The producer restarted in place (new epoch).
    case newEpoch = "new_epoch"
    /// The producer is stopping or re-initialising (state not running).
    case notRunning = "not_running"
}

/// Why a frame source could not be opened or read.
public struct FrameSourceError: Error, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case notFound = "not_found"
        case permissionDenied = "permission_denied"
        case notRegularFile = "not_regular_file"
        case untrustedOwner = "untrusted_owner"
        case symbolicLink = "symbolic_link"
        /// Empty, still initialising, or not yet running.
        case notInitialised = "not_initialised"
        /// Wrong magic: not this layout at all.
        case badMagic = "bad_magic"
        /// The magic is right but the version is not one this reader knows.
        case unsupportedVersion = "unsupported_version"
        /// A header field is out of range or inconsistent with the file size.
        case badHeader = "bad_header"
        /// The file shrank under the mapping.
        case shrunk
        /// The frame being copied kept being overwritten.
        case torn
        case bufferTooSmall = "buffer_too_small"
        case system
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
