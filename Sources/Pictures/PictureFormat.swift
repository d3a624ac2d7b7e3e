import CTurboJPEG

/// How a frame's bytes hold its pixels. Packed formats name their byte order in memory (`rgba`: byte 0 is red);
/// `i420` is three planes (Y, then U and V at half width and height), `nv12` two (Y, then interleaved UV).
public enum PictureFormat: String, Sendable, CaseIterable {
    case grey, rgb24, bgr24, rgba, bgra, argb, abgr, i420, nv12

    /// ZoneMinder's `SharedData.format` (`ZM_SUBPIX_ORDER_*`): 2 grey, 5 BGR, 6 RGB, 7 BGRA, 8 RGBA, 9 ABGR, 10 ARGB.
    /// 1.36 writes packed images only; `colours` (bytes per pixel) must agree with the order, as zmc's images do.
    public init?(zoneMinderOrder order: UInt8, colours: Int) {
        switch (order, colours) {
        case (2, 1): self = .grey
        case (5, 3): self = .bgr24
        case (6, 3): self = .rgb24
        case (7, 4): self = .bgra
        case (8, 4): self = .rgba
        case (9, 4): self = .abgr
        case (10, 4): self = .argb
        default: return nil
        }
    }

    public var isPlanar: Bool { self == .i420 || self == .nv12 }

    /// Bytes per pixel of a packed format (the Y plane's for planar ones).
    public var bytesPerPixel: Int {
        switch self {
        case .grey, .i420, .nv12: 1
        case .rgb24, .bgr24: 3
        case .rgba, .bgra, .argb, .abgr: 4
        }
    }

    /// TurboJPEG's name for a packed format.
    var turboFormat: TJPF {
        switch self {
        case .grey, .i420, .nv12: TJPF_GRAY
        case .rgb24: TJPF_RGB
        case .bgr24: TJPF_BGR
        case .rgba: TJPF_RGBX
        case .bgra: TJPF_BGRX
        case .argb: TJPF_XRGB
        case .abgr: TJPF_XBGR
        }
    }

    /// Planes and the size of each (in samples of one byte) for a frame of this size.
    public func planeSizes(width: Int, height: Int) -> [(width: Int, height: Int)] {
        let chromaWidth = (width + 1) / 2, chromaHeight = (height + 1) / 2
        switch self {
        case .i420: return [(width, height), (chromaWidth, chromaHeight), (chromaWidth, chromaHeight)]
        case .nv12: return [(width, height), (2 * chromaWidth, chromaHeight)]
        default: return [(width * bytesPerPixel, height)]
        }
    }
}
