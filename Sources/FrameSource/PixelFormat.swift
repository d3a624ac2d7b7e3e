/// The pixel formats a frame source may carry, named by their FourCC (first character in the low byte).
public enum PixelFormat: String, Sendable, CaseIterable, Equatable {
    /// Planar YUV 4:2:0: Y, then U and V at half width and height.
    case i420 = "I420"
    /// Semi-planar YUV 4:2:0: Y, then interleaved UV at half height.
    case nv12 = "NV12"
    /// Packed 24-bit BGR (Windows' BGR24).
    case bgr24 = "BGR3"
    /// Packed 32-bit BGRA.
    case bgra = "BGRA"
    /// 8-bit luma only.
    case grey = "GREY"

    public init?(fourcc: UInt32) {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: fourcc >> (8 * $0)) }
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) else { return nil }
        self.init(rawValue: String(decoding: bytes, as: UTF8.self))
    }

    /// Accepts the FourCC or a common name (`BGR24`, `GRAY`), any case.
    public init?(name: String) {
        switch name.uppercased() {
        case "BGR24", "BGR": self = .bgr24
        case "GRAY", "Y8": self = .grey
        case let upper: self.init(rawValue: upper)
        }
    }

    public var fourcc: UInt32 {
        rawValue.utf8.enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
    }

    public var planeCount: Int {
        switch self {
        case .i420: 3
        case .nv12: 2
        case .bgr24, .bgra, .grey: 1
        }
    }

    /// Rows of each plane for a frame `height` pixels high.
    public func planeRows(height: Int) -> [Int] {
        let chroma = (height + 1) / 2
        switch self {
        case .i420: return [height, chroma, chroma]
        case .nv12: return [height, chroma]
        case .bgr24, .bgra, .grey: return [height]
        }
    }

    /// The smallest stride of each plane (bytes per row, no padding).
    public func tightStrides(width: Int) -> [Int] {
        let half = (width + 1) / 2
        switch self {
        case .i420: return [width, half, half]
        case .nv12: return [width, 2 * half]
        case .bgr24: return [3 * width]
        case .bgra: return [4 * width]
        case .grey: return [width]
        }
    }

    /// Bytes of a frame with these strides (their magnitudes: a negative stride only reverses row order).
    public func frameBytes(height: Int, strides: [Int]) -> Int {
        zip(planeRows(height: height), strides).reduce(0) { $0 + $1.0 * abs($1.1) }
    }
}
