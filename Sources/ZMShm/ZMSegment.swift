/// One opened ZoneMinder segment (`zm.mmap.<id>`) with its layout identified and checked.
///
/// Reading never touches bytes past the mapped length and survives the file shrinking underneath.
public final class ZMSegment: Sendable {
    public let mapping: MappedSegment
    public let layout: SharedDataLayout
    /// `layout.offsets` and `layout.statusPrefixLength`, fetched once per segment (not per read, from a lazy global)
    /// and shared by every segment of the layout: the table is some 400 bytes, 1.6 MB over 4 096 monitors if each
    /// segment kept its own.
    private let tables: LayoutTables
    var offsets: SharedDataOffsets { tables.offsets }
    var statusPrefixLength: Int { tables.statusPrefixLength }
    public var path: String { mapping.path }

    /// How much of the file to map. `.header` (SharedData and TriggerData) serves `status()`, `causes()` and the
    /// writes; geometry, snapshots and images need `.whole`.
    public enum Extent: Sendable {
        case whole
        case header
    }

    /// The longest SharedData plus TriggerData of any layout: what `.header` maps.
    static let headerLength = SharedDataLayout.allCases.map(\.size).max()! + TriggerDataOffsets.size

    /// Opens and checks a segment: known `size`, `TriggerData.size == 560`, file long enough for both.
    /// A segment with `valid == 0` opens fine (its status says so); writes to it are refused.
    /// A path that is not a regular file owned by one of `owners` is refused (see `MappedSegment.init`).
    public init(path: String, writable: Bool = false, extent: Extent = .whole, owners: SegmentOwners = .standard) throws(SegmentError) {
        let mapping = try MappedSegment(
            path: path, writable: writable, prefix: extent == .header ? Self.headerLength : nil, owners: owners)
        let size = try mapping.withCopy(offset: 0, count: 4) { $0.u32(0) }
        guard size != 0 else {
            throw SegmentError(.notInitialised, path: path, "\(path) is not initialised (size 0): zmc is starting or has stopped")
        }
        guard let layout = SharedDataLayout(rawValue: size) else {
            let known = SharedDataLayout.allCases.map { String($0.rawValue) }.joined(separator: ", ")
            throw SegmentError(
                .unknownLayout, path: path,
                "\(path): SharedData size \(size) is not a ZoneMinder layout (known: \(known)); not decoding it")
        }
        let needed = layout.size + TriggerDataOffsets.size
        guard mapping.length >= needed else {
            throw SegmentError(
                .truncated, path: path,
                "\(path) is \(mapping.length) bytes, shorter than the \(needed) bytes SharedData(\(layout.size)) + TriggerData(560) need")
        }
        let triggerSize = try mapping.withCopy(offset: layout.size, count: 4) { $0.u32(0) }
        guard triggerSize == TriggerDataOffsets.size else {
            throw SegmentError(
                .badTriggerData, path: path,
                "\(path): TriggerData size is \(triggerSize), expected 560 after a \(layout.size)-byte SharedData; not decoding it")
        }
        self.mapping = mapping
        self.layout = layout
        tables = LayoutTables.of(layout)
    }

    /// The numbers a poll needs; about one cache line of work. Throws when the segment went away under us.
    public func status() throws(SegmentError) -> MonitorStatus {
        let layout = layout
        let offsets = offsets
        let prefix = statusPrefixLength
        let status = try mapping.withCopy(offset: 0, count: prefix, then: layout.size, count: 12) { view in
            SegmentDecoder.status(view, layout: layout, offsets: offsets, trigger: prefix)
        }
        guard status.size == layout.rawValue else {
            if status.size == 0 {
                throw SegmentError(.notInitialised, path: path, "\(path) was zeroed: zmc stopped or is restarting")
            }
            throw SegmentError(.stale, path: path, "\(path) changed layout (size \(status.size)); re-open it")
        }
        return status
    }

    /// Alarm cause, trigger cause and texts: read when the status says something changed.
    public func causes() throws(SegmentError) -> (alarmCause: ZMString, trigger: TriggerData) {
        let layout = layout
        return try mapping.withCopy(offset: 0, count: layout.size + TriggerDataOffsets.size) { view in
            (view.cString(layout.offsets.alarmCause, capacity: 256), SegmentDecoder.triggerData(view, at: layout.size))
        }
    }

    /// Geometry from the file size; `frameSize` is needed on master only.
    public func geometry(frameSize: (width: Int, height: Int)? = nil) throws(SegmentError) -> SegmentGeometry? {
        let imageSize = try mapping.withCopy(offset: layout.offsets.imageSize, count: 4) { $0.u32(0) }
        return SegmentGeometry.infer(layout: layout, fileSize: mapping.length, imageSize: imageSize, frameSize: frameSize)
    }

    /// Everything in the segment header, decoded field by field.
    public func snapshot(frameSize: (width: Int, height: Int)? = nil) throws(SegmentError) -> SegmentSnapshot {
        let geometry = try geometry(frameSize: frameSize)
        let layout = layout
        let headerEnd = layout.size + TriggerDataOffsets.size
        // Without a geometry only 1.34/1.36 (no zone array) still know where VideoStoreData is.
        let videoStoreOffset = geometry?.videoStoreDataOffset ?? (layout.hasZoneScores ? nil : headerEnd)
        var copyEnd = headerEnd
        if let videoStoreOffset, videoStoreOffset + VideoStoreDataOffsets.size <= mapping.length {
            copyEnd = videoStoreOffset + VideoStoreDataOffsets.size
        }
        if let geometry { copyEnd = geometry.timestampsOffset + 16 * geometry.imageBufferCount }
        let length = mapping.length
        return try mapping.withCopy(offset: 0, count: copyEnd) { view in
            let zoneScores = geometry.flatMap { g in
                layout.hasZoneScores ? (0..<g.zoneCount).map { view.i32(g.zoneScoresOffset + 4 * $0) } : nil
            }
            let timestamps = geometry.map { g in
                (0..<g.imageBufferCount).map { SegmentDecoder.timeval(view, at: g.timestampsOffset + 16 * $0) }
            }
            let videoStore = videoStoreOffset.flatMap { offset in
                offset + VideoStoreDataOffsets.size <= copyEnd ? SegmentDecoder.videoStoreData(view, at: offset) : nil
            }
            var problems: [String] = []
            if geometry == nil {
                problems.append(layout == .master && frameSize == nil
                    ? "master layout: the frame size (Monitors.Width/Height) is needed to locate zone scores, timestamps and images"
                    : "file size \(length) does not fit ZoneMinder's size formula for layout \(layout.rawValue) "
                        + "(at most \(SegmentGeometry.maxImageBufferCount) slots of at most \(SegmentGeometry.maxImageSlotStride >> 20) MiB); "
                        + "timestamps and images not read")
            }
            return SegmentSnapshot(
                path: path, fileSize: length, inode: mapping.inode, layout: layout,
                sharedData: SegmentDecoder.sharedData(view, layout: layout),
                triggerData: SegmentDecoder.triggerData(view, at: layout.size),
                videoStoreData: videoStore, zoneScores: zoneScores, timestamps: timestamps,
                geometry: geometry, problems: problems)
        }
    }
}

/// A full decode of one segment at one moment.
public struct SegmentSnapshot: Sendable, Equatable {
    public let path: String
    public let fileSize: Int
    public let inode: UInt64
    public let layout: SharedDataLayout
    public let sharedData: SharedData
    public let triggerData: TriggerData
    public let videoStoreData: VideoStoreData?
    /// Last score per zone (1.37+), in ZoneMinder's `ORDER BY Type, Id` zone order.
    public let zoneScores: [Int32]?
    /// Capture time of each image slot.
    public let timestamps: [Timeval]?
    public let geometry: SegmentGeometry?
    /// Parts that could not be decoded, and why.
    public let problems: [String]
}

/// One layout's offset table and status prefix, one instance per layout for the whole process.
final class LayoutTables: Sendable {
    let offsets: SharedDataOffsets
    let statusPrefixLength: Int

    private init(_ layout: SharedDataLayout) {
        offsets = layout.offsets
        statusPrefixLength = layout.statusPrefixLength
    }

    private static let all = SharedDataLayout.allCases.map { LayoutTables($0) }

    static func of(_ layout: SharedDataLayout) -> LayoutTables {
        all[SharedDataLayout.allCases.firstIndex(of: layout)!]
    }
}
