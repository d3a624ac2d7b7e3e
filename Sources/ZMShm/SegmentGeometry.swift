/// Where each region of a segment lies: derived from the layout, the file size and `imagesize`
/// (and, for master, the frame size, because master's slot stride is not stored in the segment).
public struct SegmentGeometry: Sendable, Equatable {
    public let layout: SharedDataLayout
    public let fileSize: Int
    /// ZoneMinder's ImageBufferCount (`n`).
    public let imageBufferCount: Int
    /// Bytes from one image slot to the next (`imagesize` up to 1.38; `align32(4·width)·height` on master).
    public let imageSlotStride: Int
    /// Number of zones (1.37+; 0 before).
    public let zoneCount: Int

    /// The most image slots believed: ZoneMinder's `Monitors.ImageBufferCount` is a SMALLINT UNSIGNED (default 3;
    /// zmc needs `n` slots of shared memory each, so real values stay in the tens). A larger `n` from the size
    /// formula means the file is not zmc's (a sparse file of tiny "images"), and decoding it would list millions of slots.
    public static let maxImageBufferCount = 65_535
    /// The largest image slot believed: 256 MiB, twice an 8K (7680×4320) RGBA frame. `latestImage` copies one slot.
    public static let maxImageSlotStride = 256 << 20

    /// Bytes before the variable part: SharedData + TriggerData + VideoStoreData + 64 bytes of alignment slack.
    static func fixedBytes(_ layout: SharedDataLayout) -> Int {
        layout.size + TriggerDataOffsets.size + VideoStoreDataOffsets.size + 64
    }

    public var triggerDataOffset: Int { layout.size }
    public var zoneScoresOffset: Int { layout.size + TriggerDataOffsets.size }
    public var videoStoreDataOffset: Int { zoneScoresOffset + 4 * zoneCount }
    public var timestampsOffset: Int { videoStoreDataOffset + VideoStoreDataOffsets.size }
    public var imagesOffset: Int { (timestampsOffset + 16 * imageBufferCount + 63) & ~63 }

    public func imageOffset(slot: Int) -> Int { imagesOffset + slot * imageSlotStride }

    /// The file size zmc creates for this geometry (`mem_size` in ZoneMinder's `Monitor::connect`).
    public var expectedFileSize: Int {
        let n = imageBufferCount, s = imageSlotStride
        let base = Self.fixedBytes(layout) + 4 * zoneCount + 16 * n
        switch layout {
        case .zm134, .zm136, .zm13634: return base + n * s
        case .zm137, .zm138: return base + 2 * n * s + 4 * n
        case .master: return base + 2 * n * s + 8 * n + 2
        }
    }

    public init(layout: SharedDataLayout, fileSize: Int, imageBufferCount: Int, imageSlotStride: Int, zoneCount: Int) {
        self.layout = layout
        self.fileSize = fileSize
        self.imageBufferCount = imageBufferCount
        self.imageSlotStride = imageSlotStride
        self.zoneCount = zoneCount
    }

    /// Solves ZoneMinder's size formula for `n` (and the zone count on 1.37+).
    ///
    /// - Parameters:
    ///   - imageSize: `SharedData.imagesize`.
    ///   - frameSize: width and height from the Monitors row; required on master only.
    /// - Returns: `nil` when the file size does not fit the formula, or needs more than `maxImageBufferCount` slots or
    ///   slots above `maxImageSlotStride` (then images are not read).
    public static func infer(
        layout: SharedDataLayout, fileSize: Int, imageSize: UInt32, frameSize: (width: Int, height: Int)? = nil
    ) -> SegmentGeometry? {
        let variable = fileSize - fixedBytes(layout)
        guard variable > 0 else { return nil }
        let stride: Int
        let perSlot: Int
        switch layout {
        case .zm134, .zm136, .zm13634:
            stride = Int(imageSize)
            perSlot = 16 + stride
        case .zm137, .zm138:
            stride = Int(imageSize)
            perSlot = 20 + 2 * stride
        case .master:
            guard let frameSize, frameSize.width > 0, frameSize.height > 0 else { return nil }
            stride = ((4 * frameSize.width + 31) & ~31) * frameSize.height
            perSlot = 24 + 2 * stride
        }
        guard stride > 0, stride <= maxImageSlotStride else { return nil }
        let extra = layout == .master ? 2 : 0
        let slotsAndZones = variable - extra
        let n = slotsAndZones / perSlot
        let zoneBytes = slotsAndZones % perSlot
        guard n > 0, n <= maxImageBufferCount else { return nil }
        if layout.hasZoneScores {
            guard zoneBytes % 4 == 0 else { return nil }
        } else {
            guard zoneBytes == 0 else { return nil }
        }
        let geometry = SegmentGeometry(
            layout: layout, fileSize: fileSize, imageBufferCount: n, imageSlotStride: stride, zoneCount: zoneBytes / 4)
        return geometry.expectedFileSize == fileSize ? geometry : nil
    }
}
