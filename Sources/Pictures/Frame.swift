/// One picture in memory, from any source (a ZoneMinder slot, a TS frame-buffer channel, a test): its size, pixel
/// format, where each plane starts in `bytes` and how many bytes a plane's row takes (`strides`, ≥ the row's bytes).
public struct Frame: Sendable {
    public let width: Int
    public let height: Int
    public let format: PictureFormat
    public let offsets: [Int]
    public let strides: [Int]
    public internal(set) var bytes: [UInt8]
    /// Capture time in microseconds since the Unix epoch: the frame's identity for caching, ETag and Last-Modified.
    public let timestampMicros: Int64
    /// The producer's frame number, where it has one (TS frame buffers); sent as `X-Frame`.
    public var frameNumber: UInt64?

    /// The largest side believed (twice 8K): anything bigger is a broken header, not a camera.
    public static let maximumSide = 16_384

    /// - Throws: when a plane does not fit in `bytes`, a stride is shorter than its row, or a side is out of range.
    public init(width: Int, height: Int, format: PictureFormat, offsets: [Int], strides: [Int], bytes: [UInt8],
                timestampMicros: Int64) throws(PictureError) {
        guard (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else {
            throw PictureError(.invalidFrame, "frame size \(width)×\(height) out of range")
        }
        let planes = format.planeSizes(width: width, height: height)
        guard offsets.count == planes.count, strides.count == planes.count else {
            throw PictureError(.invalidFrame, "\(format.rawValue) needs \(planes.count) plane(s), got \(offsets.count)")
        }
        for (index, plane) in planes.enumerated() {
            let stride = strides[index], offset = offsets[index]
            guard stride >= plane.width, offset >= 0,
                  offset <= bytes.count, (bytes.count - offset) / stride >= plane.height - 1,
                  offset + stride * (plane.height - 1) + plane.width <= bytes.count else {
                throw PictureError(.invalidFrame, "plane \(index) of a \(width)×\(height) \(format.rawValue) frame does not fit in \(bytes.count) bytes")
            }
        }
        self.width = width
        self.height = height
        self.format = format
        self.offsets = offsets
        self.strides = strides
        self.bytes = bytes
        self.timestampMicros = timestampMicros
    }

    /// Tightly packed planes, one after another (ZoneMinder's slots; I420 and NV12 as most producers write them).
    public init(width: Int, height: Int, format: PictureFormat, bytes: [UInt8], timestampMicros: Int64) throws(PictureError) {
        let planes = format.planeSizes(width: max(width, 0), height: max(height, 0))
        var offsets: [Int] = [], offset = 0
        for plane in planes {
            offsets.append(offset)
            offset += plane.width * plane.height
        }
        try self.init(width: width, height: height, format: format, offsets: offsets, strides: planes.map(\.width),
                      bytes: bytes, timestampMicros: timestampMicros)
    }
}
