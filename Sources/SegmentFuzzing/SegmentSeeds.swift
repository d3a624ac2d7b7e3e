import ZMShm

/// A well-formed segment of every layout, built the way zmc lays it out: the fuzzer's starting points.
public enum SegmentSeeds {
    /// The frame size master seeds are built for (master's slot stride is not in the segment).
    public static let masterFrame = (width: 4, height: 4)

    public static func all() -> [[UInt8]] {
        SharedDataLayout.allCases.flatMap { layout in [1, 3].map { seed(layout, imageBufferCount: $0) } }
    }

    public static func seed(_ layout: SharedDataLayout, imageBufferCount n: Int) -> [UInt8] {
        let imageSize = 64
        let stride = layout == .master ? ((4 * masterFrame.width + 31) & ~31) * masterFrame.height : imageSize
        let zones = layout.hasZoneScores ? 3 : 0
        let probe = SegmentGeometry(layout: layout, fileSize: 0, imageBufferCount: n, imageSlotStride: stride, zoneCount: zones)
        let geometry = SegmentGeometry(
            layout: layout, fileSize: probe.expectedFileSize, imageBufferCount: n, imageSlotStride: stride, zoneCount: zones)
        var bytes = [UInt8](repeating: 0, count: geometry.fileSize)
        bytes.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress!
            let writer = SharedDataWriter(layout: layout, base: base)
            writer.initialise()
            writer.setValid(true)
            writer.setActive(true)
            writer.setSignal(true)
            writer.setState(layout == .zm134 ? 2 : 3)
            writer.setImageSize(UInt32(imageSize))
            writer.setFormat(8)
            writer.setLastEventID(1203)
            writer.setLastWriteIndex(Int32(n - 1))
            writer.setLastWriteTime(1_795_312_584)
            writer.setHeartbeatTime(1_795_312_585)
            writer.setFPS(capture: 9.98, analysis: 7.5)
            writer.setLastFrameScore(38)
            writer.setAlarmCause("Motion: All")
            base.storeBytes(of: UInt32(4128), toByteOffset: geometry.videoStoreDataOffset, as: UInt32.self)
            for slot in 0..<n {
                base.storeBytes(of: Int64(1_795_312_500 + slot), toByteOffset: geometry.timestampsOffset + 16 * slot, as: Int64.self)
                (base + geometry.imageOffset(slot: slot)).initializeMemory(as: UInt8.self, repeating: UInt8(slot + 1), count: stride)
            }
        }
        return bytes
    }
}
