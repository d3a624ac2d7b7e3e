/// One captured image copied out of the ring, known not to be torn.
public struct ImageFrame: Sendable, Equatable {
    public let slot: Int
    public let timestamp: Timeval
    /// `SharedData.format` (subpixel order: 2 grey, 5 BGR, 6 RGB, 7 BGRA, 8 RGBA, …).
    public let subpixelOrder: UInt8
    /// Master only: the slot's FFmpeg `AVPixelFormat` (−1 = none yet).
    public let avPixelFormat: Int32?
    public let bytes: [UInt8]
}

extension ZMSegment {
    /// The newest image, copied then re-checked: if zmc may have overwritten the slot while it was copied
    /// (its timestamp changed, or the ring advanced onto it), the copy is discarded and retried.
    /// Returns `nil` when zmc has not written an image yet.
    public func latestImage(geometry: SegmentGeometry, attempts: Int = 3) throws(SegmentError) -> ImageFrame? {
        try latestImage(geometry: geometry, attempts: attempts, afterCopy: {})
    }

    /// `afterCopy` runs between the copy and the re-check: tests use it to play zmc writing during the copy.
    func latestImage(geometry: SegmentGeometry, attempts: Int, afterCopy: () -> Void) throws(SegmentError) -> ImageFrame? {
        guard geometry.layout == layout, geometry.fileSize == mapping.length else {
            throw SegmentError(.stale, path: path, "\(path): geometry does not match the mapped segment")
        }
        let n = geometry.imageBufferCount
        let imageBytes = layout == .master ? geometry.imageSlotStride : Int(try imageSize())
        guard imageBytes <= geometry.imageSlotStride else {
            throw SegmentError(.stale, path: path, "\(path): imagesize \(imageBytes) no longer matches the geometry's slot size")
        }
        for _ in 0..<max(1, attempts) {
            let before = try status()
            let slot = Int(before.lastWriteIndex)
            guard slot >= 0, slot < n else { return nil }
            let stampOffset = geometry.timestampsOffset + 16 * slot
            let stamp = try mapping.withCopy(offset: stampOffset, count: 16) { SegmentDecoder.timeval($0, at: 0) }
            let pixelFormat: Int32? = layout == .master
                ? try mapping.withCopy(offset: masterPixelFormatsOffset(geometry) + 4 * slot, count: 4) { $0.i32(0) }
                : nil
            let bytes = try mapping.copyBytes(offset: geometry.imageOffset(slot: slot), count: imageBytes)
            afterCopy()
            let after = try status()
            let stampAfter = try mapping.withCopy(offset: stampOffset, count: 16) { SegmentDecoder.timeval($0, at: 0) }
            let nextWrite = (Int(after.lastWriteIndex) + 1) % n
            let advanced = before.imageCount.flatMap { b in after.imageCount.map { Int($0) - Int(b) } } ?? 0
            let overwritten = stampAfter != stamp || (nextWrite == slot && after.lastWriteIndex != before.lastWriteIndex)
                || advanced >= max(1, n - 1)
            if !overwritten {
                let format = try mapping.withCopy(offset: layout.offsets.format, count: 1) { $0.u8(0) }
                return ImageFrame(slot: slot, timestamp: stamp, subpixelOrder: format, avPixelFormat: pixelFormat, bytes: bytes)
            }
        }
        throw SegmentError(.stale, path: path, "\(path): image slot kept being overwritten while copying (\(attempts) attempts)")
    }

    private func imageSize() throws(SegmentError) -> UInt32 {
        try mapping.withCopy(offset: layout.offsets.imageSize, count: 4) { $0.u32(0) }
    }

    private func masterPixelFormatsOffset(_ geometry: SegmentGeometry) -> Int {
        (geometry.imagesOffset + 2 * geometry.imageBufferCount * geometry.imageSlotStride + 3) & ~3
    }
}
