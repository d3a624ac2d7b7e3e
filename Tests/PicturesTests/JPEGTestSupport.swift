import CTurboJPEG
@testable import Pictures

/// Test pictures and an independent decoder (TurboJPEG's decompressor to RGB).
enum TestPictures {
    /// A smooth pattern (gradients, so 4:2:0 chroma and the DCT lose little) with a bright box at (x0, y0).
    static func rgb(width: Int, height: Int, box: (x: Int, y: Int)? = nil) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                let index = 3 * (y * width + x)
                pixels[index] = UInt8(x * 255 / max(1, width - 1))
                pixels[index + 1] = UInt8(y * 255 / max(1, height - 1))
                pixels[index + 2] = UInt8((x + y) * 255 / max(1, width + height - 2))
                if let box, (box.x..<box.x + 16).contains(x), (box.y..<box.y + 16).contains(y) {
                    pixels[index] = 250
                    pixels[index + 1] = 250
                    pixels[index + 2] = 250
                }
            }
        }
        return pixels
    }

    /// JFIF's full-range BT.601, as a JPEG decoder inverts it.
    static func yuv(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (UInt8, UInt8, UInt8) {
        let rr = Double(r), gg = Double(g), bb = Double(b)
        func clamp(_ value: Double) -> UInt8 { UInt8(min(255, max(0, value.rounded()))) }
        return (clamp(0.299 * rr + 0.587 * gg + 0.114 * bb),
                clamp(128 - 0.168736 * rr - 0.331264 * gg + 0.5 * bb),
                clamp(128 + 0.5 * rr - 0.418688 * gg - 0.081312 * bb))
    }

    /// The pattern in `format`, as a source would hold it (packed rows, or planes one after another).
    static func frame(_ format: PictureFormat, width: Int, height: Int, rgb: [UInt8], micros: Int64 = 1_000_000) throws -> Frame {
        var bytes: [UInt8] = []
        switch format {
        case .grey:
            for index in 0..<(width * height) { bytes.append(yuv(rgb[3 * index], rgb[3 * index + 1], rgb[3 * index + 2]).0) }
        case .rgb24, .bgr24, .rgba, .bgra, .argb, .abgr:
            for index in 0..<(width * height) {
                let (r, g, b) = (rgb[3 * index], rgb[3 * index + 1], rgb[3 * index + 2])
                switch format {
                case .rgb24: bytes += [r, g, b]
                case .bgr24: bytes += [b, g, r]
                case .rgba: bytes += [r, g, b, 255]
                case .bgra: bytes += [b, g, r, 255]
                case .argb: bytes += [255, r, g, b]
                default: bytes += [255, b, g, r]
                }
            }
        case .i420, .nv12:
            let cw = (width + 1) / 2, ch = (height + 1) / 2
            var u = [UInt8](repeating: 0, count: cw * ch), v = u
            for index in 0..<(width * height) { bytes.append(yuv(rgb[3 * index], rgb[3 * index + 1], rgb[3 * index + 2]).0) }
            for cy in 0..<ch {
                for cx in 0..<cw {
                    let x = min(2 * cx, width - 1), y = min(2 * cy, height - 1), index = 3 * (y * width + x)
                    let (_, cb, cr) = yuv(rgb[index], rgb[index + 1], rgb[index + 2])
                    u[cy * cw + cx] = cb
                    v[cy * cw + cx] = cr
                }
            }
            if format == .i420 {
                bytes += u + v
            } else {
                for index in 0..<(cw * ch) { bytes += [u[index], v[index]] }
            }
        }
        return try Frame(width: width, height: height, format: format, bytes: bytes, timestampMicros: micros)
    }

    /// Decodes to packed RGB.
    static func decode(_ jpeg: [UInt8]) -> (width: Int, height: Int, rgb: [UInt8])? {
        guard let handle = tjInitDecompress() else { return nil }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colourspace: Int32 = 0
        guard tjDecompressHeader3(handle, jpeg, UInt(jpeg.count), &width, &height, &subsampling, &colourspace) == 0 else { return nil }
        var rgb = [UInt8](repeating: 0, count: Int(width * height * 3))
        guard tjDecompress2(handle, jpeg, UInt(jpeg.count), &rgb, width, 0, height, Int32(TJPF_RGB.rawValue), 0) == 0 else { return nil }
        return (Int(width), Int(height), rgb)
    }

    static func meanAbsoluteDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return .infinity }
        var total = 0
        for index in a.indices { total += abs(Int(a[index]) - Int(b[index])) }
        return Double(total) / Double(a.count)
    }

    /// The pattern as a grey decoder sees it (R = G = B = luma).
    static func greyRGB(_ rgb: [UInt8]) -> [UInt8] {
        stride(from: 0, to: rgb.count, by: 3).flatMap { index -> [UInt8] in
            let luma = yuv(rgb[index], rgb[index + 1], rgb[index + 2]).0
            return [luma, luma, luma]
        }
    }
}
