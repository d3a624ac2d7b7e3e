import Glibc

extension Frame {
    /// The frame with its capture time (local, `YYYY-MM-DD HH:MM:SS`) drawn white on black in the top-left corner,
    /// as zmc's label does. Text grows with the picture so it stays readable on 1080p.
    public func withTimestamp() -> Frame {
        var copy = self
        copy.drawLabel(TimestampOverlay.text(micros: timestampMicros))
        return copy
    }

    mutating func drawLabel(_ text: String) {
        let scale = max(1, height / 360)
        let glyphs = text.utf8.map { Glyphs.glyph($0) }
        let boxWidth = min(width, (glyphs.count * 6 + 3) * scale), boxHeight = min(height, 11 * scale)
        for y in 0..<boxHeight {
            for x in 0..<boxWidth { setPixel(x: x, y: y, on: false) }
        }
        for (index, glyph) in glyphs.enumerated() {
            for row in 0..<7 {
                for column in 0..<5 where glyph[row] & (0x10 >> column) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            let x = (2 + index * 6 + column) * scale + dx, y = (2 + row) * scale + dy
                            if x < boxWidth, y < boxHeight { setPixel(x: x, y: y, on: true) }
                        }
                    }
                }
            }
        }
    }

    private mutating func setPixel(x: Int, y: Int, on: Bool) {
        let value: UInt8 = on ? 255 : 0
        switch format {
        case .i420, .nv12:
            bytes[offsets[0] + y * strides[0] + x] = on ? 235 : 16
            // Neutral chroma under the label, so the text is grey whatever the picture's colour there.
            let cx = x / 2, cy = y / 2
            if format == .i420 {
                bytes[offsets[1] + cy * strides[1] + cx] = 128
                bytes[offsets[2] + cy * strides[2] + cx] = 128
            } else {
                bytes[offsets[1] + cy * strides[1] + 2 * cx] = 128
                bytes[offsets[1] + cy * strides[1] + 2 * cx + 1] = 128
            }
        default:
            let start = offsets[0] + y * strides[0] + x * format.bytesPerPixel
            for byte in 0..<format.bytesPerPixel { bytes[start + byte] = value }
        }
    }
}

enum TimestampOverlay {
    static func text(micros: Int64) -> String {
        var seconds = time_t(micros / 1_000_000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
