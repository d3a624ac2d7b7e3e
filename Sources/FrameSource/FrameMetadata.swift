/// What is known of one frame without its pixels.
public struct FrameMetadata: Sendable, Equatable {
    /// The producer's frame number (1 for its first frame); for a ZoneMinder monitor, its image count.
    public var frameNumber: UInt64
    public var width: Int
    public var height: Int
    /// `nil` when the source's format has no FourCC here (`formatName` still names it).
    public var format: PixelFormat?
    /// `format`'s FourCC, or the source's own name for its format (ZoneMinder: `RGB24`, `BGRA`, …).
    public var formatName: String
    /// Bytes per row of each plane; negative: rows bottom-up.
    public var strides: [Int]
    /// Bytes of pixel data.
    public var bytes: Int
    /// CLOCK_REALTIME nanoseconds when the frame was captured.
    public var captureNanoseconds: Int64
    /// The stream's presentation time in nanoseconds (0 when the source has none).
    public var ptsNanoseconds: Int64
    /// `FrameFlags` bits.
    public var flags: UInt32

    public init(
        frameNumber: UInt64, width: Int, height: Int, format: PixelFormat?, formatName: String? = nil, strides: [Int],
        bytes: Int, captureNanoseconds: Int64, ptsNanoseconds: Int64 = 0, flags: UInt32 = 0
    ) {
        self.frameNumber = frameNumber
        self.width = width
        self.height = height
        self.format = format
        self.formatName = formatName ?? format?.rawValue ?? "unknown"
        self.strides = strides
        self.bytes = bytes
        self.captureNanoseconds = captureNanoseconds
        self.ptsNanoseconds = ptsNanoseconds
        self.flags = flags
    }
}

/// Bits of `FrameMetadata.flags` (the `SFB1` slot descriptor's).
public enum FrameFlags {
    public static let keyframe: UInt32 = 1 << 0
    public static let decodeError: UInt32 = 1 << 1
    public static let noSignal: UInt32 = 1 << 2
}
