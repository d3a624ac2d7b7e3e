/// `grid.jpg`: every source's newest picture tiled on one canvas with its name underneath, for a wall display or a
/// quick look at a whole site. Tiles are 4:3; a source without a picture gets a grey tile saying so.
public enum Grid {
    public static let labelHeight = 12

    public static func compose(_ tiles: [(name: String, frame: Frame?)], tileHeight: Int) -> Frame? {
        let tileWidth = max(1, tileHeight * 4 / 3)
        let count = max(1, tiles.count)
        var columns = 1
        while columns * columns < count { columns += 1 }
        let rows = (count + columns - 1) / columns
        let width = columns * tileWidth, height = rows * (tileHeight + labelHeight)
        var canvas = [UInt8](repeating: 24, count: width * height * 3)
        for (index, tile) in tiles.enumerated() {
            let left = (index % columns) * tileWidth, top = (index / columns) * (tileHeight + labelHeight)
            if let frame = tile.frame {
                let fitHeight = min(tileHeight, max(1, frame.height * tileWidth / frame.width))
                let shrunk = frame.scaled(toHeight: fitHeight)
                let offsetX = left + max(0, (tileWidth - shrunk.width) / 2), offsetY = top + max(0, (tileHeight - shrunk.height) / 2)
                for y in 0..<min(shrunk.height, tileHeight) {
                    for x in 0..<min(shrunk.width, tileWidth) {
                        let (r, g, b) = shrunk.rgb(x: x, y: y)
                        let at = 3 * ((offsetY + y) * width + offsetX + x)
                        canvas[at] = r
                        canvas[at + 1] = g
                        canvas[at + 2] = b
                    }
                }
            } else {
                for y in top..<(top + tileHeight) {
                    for x in left..<(left + tileWidth) { canvas[3 * (y * width + x)..<3 * (y * width + x) + 3] = [64, 64, 64] }
                }
            }
            let label = String(decoding: Array(tile.name.utf8.prefix(max(1, (tileWidth - 4) / 6))), as: UTF8.self)
            drawText(label, into: &canvas, width: width, x: left + 2, y: top + tileHeight + 3)
            if tile.frame == nil { drawText("NO IMAGE", into: &canvas, width: width, x: left + tileWidth / 2 - 24, y: top + tileHeight / 2 - 3) }
        }
        let micros = tiles.compactMap { $0.frame?.timestampMicros }.max() ?? 0
        return try? Frame(width: width, height: height, format: .rgb24, bytes: canvas, timestampMicros: micros)
    }

    static func drawText(_ text: String, into canvas: inout [UInt8], width: Int, x: Int, y: Int) {
        let height = canvas.count / (3 * width)
        for (index, character) in text.utf8.enumerated() {
            let glyph = Glyphs.glyph(character)
            for row in 0..<7 {
                for column in 0..<5 where glyph[row] & (0x10 >> column) != 0 {
                    let px = x + index * 6 + column, py = y + row
                    guard px < width, py < height else { continue }
                    canvas[3 * (py * width + px)..<3 * (py * width + px) + 3] = [235, 235, 235]
                }
            }
        }
    }
}

extension Frame {
    /// One pixel as RGB (full-range BT.601 for YUV, as JPEG's own colour transform).
    func rgb(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        let base = offsets[0] + y * strides[0]
        switch format {
        case .grey: let v = bytes[base + x]; return (v, v, v)
        case .rgb24: return (bytes[base + 3 * x], bytes[base + 3 * x + 1], bytes[base + 3 * x + 2])
        case .bgr24: return (bytes[base + 3 * x + 2], bytes[base + 3 * x + 1], bytes[base + 3 * x])
        case .rgba: return (bytes[base + 4 * x], bytes[base + 4 * x + 1], bytes[base + 4 * x + 2])
        case .bgra: return (bytes[base + 4 * x + 2], bytes[base + 4 * x + 1], bytes[base + 4 * x])
        case .argb: return (bytes[base + 4 * x + 1], bytes[base + 4 * x + 2], bytes[base + 4 * x + 3])
        case .abgr: return (bytes[base + 4 * x + 3], bytes[base + 4 * x + 2], bytes[base + 4 * x + 1])
        case .i420, .nv12:
            let luma = Double(bytes[base + x])
            let cb: Double, cr: Double
            if format == .i420 {
                cb = Double(bytes[offsets[1] + (y / 2) * strides[1] + x / 2])
                cr = Double(bytes[offsets[2] + (y / 2) * strides[2] + x / 2])
            } else {
                cb = Double(bytes[offsets[1] + (y / 2) * strides[1] + 2 * (x / 2)])
                cr = Double(bytes[offsets[1] + (y / 2) * strides[1] + 2 * (x / 2) + 1])
            }
            func clamp(_ value: Double) -> UInt8 { UInt8(min(255, max(0, value.rounded()))) }
            return (clamp(luma + 1.402 * (cr - 128)), clamp(luma - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)),
                    clamp(luma + 1.772 * (cb - 128)))
        }
    }
}
