extension Frame {
    /// The frame shrunk to `height` rows, keeping the aspect ratio (nearest sample: thumbnails, not archive copies).
    /// A height at or above the frame's own returns the frame unchanged: pictures are never enlarged.
    public func scaled(toHeight target: Int) -> Frame {
        guard target >= 1, target < height else { return self }
        let newWidth = max(1, (width * target + height / 2) / height)
        let planes = format.planeSizes(width: newWidth, height: target)
        let sourcePlanes = format.planeSizes(width: width, height: height)
        var output = [UInt8](repeating: 0, count: planes.reduce(0) { $0 + $1.width * $1.height })
        var offsets: [Int] = []
        var outOffset = 0
        // A sample is a pixel (packed), one byte (Y, U, V) or a UV pair (NV12's chroma).
        let sampleBytes = format.isPlanar ? 1 : format.bytesPerPixel
        bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { out in
                for (index, plane) in planes.enumerated() {
                    offsets.append(outOffset)
                    let unit = format == .nv12 && index == 1 ? 2 : sampleBytes
                    let columns = plane.width / unit, sourceColumns = sourcePlanes[index].width / unit
                    let sourceRows = sourcePlanes[index].height
                    for row in 0..<plane.height {
                        let sourceRow = min(sourceRows - 1, row * sourceRows / plane.height)
                        let line = self.offsets[index] + sourceRow * strides[index]
                        for column in 0..<columns {
                            let sourceColumn = min(sourceColumns - 1, column * sourceColumns / columns)
                            for byte in 0..<unit {
                                out[outOffset + row * plane.width + column * unit + byte] = source[line + sourceColumn * unit + byte]
                            }
                        }
                    }
                    outOffset += plane.width * plane.height
                }
            }
        }
        // Sizes were derived from a valid frame, so the scaled one is valid too.
        let scaled = try? Frame(width: newWidth, height: target, format: format, offsets: offsets,
                                strides: planes.map(\.width), bytes: output, timestampMicros: timestampMicros)
        return scaled ?? self
    }
}
