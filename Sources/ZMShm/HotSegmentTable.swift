import CSegmentGuard

/// The poll loop's contiguous per-monitor hot state: one `lookout_hot_record` per followed monitor, indexed by poll
/// position, in one allocation. A record is *armed* with a segment and the compared fields the full path last saw
/// (`MonitorObservation.refresh`'s set: layout, state, event, validity, signal, trigger state and score, staleness);
/// `scan` reads those fields straight from each armed mapping, in C, under one SIGBUS guard, and lists the positions
/// that need the full path: not armed, due a path check, or changed. An unchanged monitor touches its record and
/// the cache lines of its header it compares: no Swift object, no retain or release, no allocation.
///
/// Not thread-safe: the poll loop owns it. The table keeps each armed segment alive, so a record never points
/// into an unmapped range even if its follower dropped the segment since.
public final class HotSegmentTable {
    private var records: UnsafeMutablePointer<lookout_hot_record>
    private var segments: [ZMSegment?]
    private var listedBuffer: UnsafeMutablePointer<UInt32>
    public private(set) var count: Int

    public init(count: Int = 0) {
        self.count = count
        records = Self.allocateRecords(count)
        listedBuffer = .allocate(capacity: max(count, 1))
        segments = Array(repeating: nil, count: count)
    }

    /// Zeroed (not armed), each record on a cache line of its own (a record is 64 bytes).
    private static func allocateRecords(_ count: Int) -> UnsafeMutablePointer<lookout_hot_record> {
        let stride = MemoryLayout<lookout_hot_record>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * stride, alignment: 64)
        let records = raw.bindMemory(to: lookout_hot_record.self, capacity: max(count, 1))
        records.initialize(repeating: lookout_hot_record(), count: max(count, 1))
        return records
    }

    deinit {
        records.deallocate()
        listedBuffer.deallocate()
    }

    /// Every record disarmed, `count` of them (after the set of monitors changed).
    public func reset(count: Int) {
        records.deallocate()
        listedBuffer.deallocate()
        self.count = count
        records = Self.allocateRecords(count)
        listedBuffer = .allocate(capacity: max(count, 1))
        segments = Array(repeating: nil, count: count)
    }

    /// Arms `position` with what the full path just observed; `status` must have been read from `segment`.
    public func arm(_ position: Int, id: Int, segment: ZMSegment, status: MonitorStatus, stale: Bool) {
        guard position < count, status.layout == segment.layout else { return disarm(position, id: id) }
        let o = segment.offsets
        let heartbeat = o.heartbeatTime ?? o.lastWriteTime
        var record = lookout_hot_record()
        segment.mapping.withBase { record.base = UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }
        record.id = Int64(id)
        record.layout_size = segment.layout.rawValue
        record.trigger_offset = UInt32(segment.layout.size)
        record.off_state = UInt16(o.state)
        record.off_last_event = UInt16(o.lastEventID)
        record.off_valid = UInt16(o.valid)
        record.off_signal = UInt16(o.signal)
        record.off_heartbeat = UInt16(heartbeat)
        record.valid = status.valid ? 1 : 0
        record.signal = status.signal ? 1 : 0
        record.stale = stale ? 1 : 0
        record.state = status.rawState
        record.last_event = status.lastEventID
        record.trigger_state = status.triggerState
        record.trigger_score = status.triggerScore
        records[position] = record
        segments[position] = segment
    }

    /// The full path runs for `position` every poll until it is armed again.
    public func disarm(_ position: Int, id: Int) {
        guard position < count else { return }
        var record = lookout_hot_record()
        record.id = Int64(id)
        records[position] = record
        segments[position] = nil
    }

    public func isArmed(_ position: Int) -> Bool { position < count && records[position].base != nil }

    /// Calls `body` with each position that needs the full path this poll, in poll order.
    /// - Parameters:
    ///   - now: wall-clock seconds, for staleness against `maxDelay`.
    ///   - checkEvery: list each monitor whose `(polls + id) % checkEvery == 0` (paths stat'ed once a second without
    ///     inotify); 0: none.
    public func scan(now: Double, maxDelay: Double, polls: UInt64, checkEvery: UInt64, _ body: (Int) -> Void) {
        var listed = 0
        var start = 0
        while start < count {
            let faulted = lookout_hot_scan(records, count, start, now, maxDelay, polls, checkEvery, listedBuffer, &listed)
            if faulted < 0 { break }
            // The file shrank under this record's mapping: the full path re-opens it.
            listedBuffer[listed] = UInt32(faulted)
            listed += 1
            start = faulted + 1
        }
        for index in 0..<listed { body(Int(listedBuffer[index])) }
    }
}
