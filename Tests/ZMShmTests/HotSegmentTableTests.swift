import Foundation
import Testing
@testable import ZMShm

/// The poll loop's hot records: what the C scan lists must be exactly what `MonitorObservation.refresh` would
/// refuse (a change of a compared field, or of staleness), plus records not armed and paths due a check.
@Suite("hot segment table")
struct HotSegmentTableTests {
    let maxDelay = 10.0

    private func segments(_ count: Int, in dir: TemporaryDirectory) throws -> [ZMSegment] {
        try (1...count).map { id in
            let path = try LayoutSample.fixture(.zm136, imageSize: 65536).write(to: dir.file("zm.mmap.\(id)"))
            return try ZMSegment(path: path, extent: .header)
        }
    }

    private func armAll(_ table: HotSegmentTable, _ segments: [ZMSegment], now: Double) throws {
        for (position, segment) in segments.enumerated() {
            let status = try segment.status()
            let stale = status.heartbeatAge(now: now).map { $0 > maxDelay } ?? true
            table.arm(position, id: position + 1, segment: segment, status: status, stale: stale)
        }
    }

    private func listed(_ table: HotSegmentTable, now: Double, polls: UInt64 = 0, checkEvery: UInt64 = 0) -> [Int] {
        var positions: [Int] = []
        table.scan(now: now, maxDelay: maxDelay, polls: polls, checkEvery: checkEvery) { positions.append($0) }
        return positions
    }

    private func write<T>(_ value: T, at offset: Int, in segment: ZMSegment) {
        let fd = open(segment.path, O_RDWR)
        defer { close(fd) }
        _ = withUnsafeBytes(of: value) { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
    }

    @Test("an unchanged armed monitor is not listed; a change of state, event, validity, signal, trigger or staleness is")
    func listsExactlyTheChanged() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let segments = try segments(8, in: dir)
        let table = HotSegmentTable(count: segments.count)
        #expect(listed(table, now: 0) == Array(0..<8), "records not armed are always listed")
        let heartbeat = try segments[0].status().heartbeatTime
        let now = Double(heartbeat) + 1
        try armAll(table, segments, now: now)
        #expect(listed(table, now: now).isEmpty)
        let o = segments[0].offsets
        let trigger = SharedDataLayout.zm136.size
        write(UInt32(4), at: o.state, in: segments[1])
        write(UInt64(999), at: o.lastEventID, in: segments[2])
        write(UInt8(0), at: o.valid, in: segments[3])
        write(UInt32(1), at: trigger + 4, in: segments[4])
        write(UInt32(77), at: trigger + 8, in: segments[5])
        write(Int64(heartbeat + 15), at: o.heartbeatTime ?? o.lastWriteTime, in: segments[6])  // a newer heartbeat: not a change
        #expect(listed(table, now: now) == [1, 2, 3, 4, 5])
        #expect(listed(table, now: now + maxDelay + 10) == Array(0..<8).filter { $0 != 6 }, "a heartbeat past max_delay is a change")
        table.disarm(7, id: 8)
        #expect(listed(table, now: now) == [1, 2, 3, 4, 5, 7])
    }

    @Test("a segment truncated under its record is listed, and the records after it are still compared")
    func faultIsListedAndScanGoesOn() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let segments = try segments(4, in: dir)
        let table = HotSegmentTable(count: segments.count)
        let now = Double(try segments[0].status().heartbeatTime) + 1
        try armAll(table, segments, now: now)
        let faultsBefore = segmentFaultsCaught
        #expect(truncate(segments[1].path, 0) == 0)
        write(UInt32(4), at: segments[3].offsets.state, in: segments[3])
        #expect(listed(table, now: now) == [1, 3])
        #expect(segmentFaultsCaught > faultsBefore, "the read really faulted and was caught")
    }

    @Test("without inotify each path is due a check once every checkEvery polls, spread by monitor id")
    func pathChecksAreSpread() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let segments = try segments(6, in: dir)
        let table = HotSegmentTable(count: segments.count)
        let now = Double(try segments[0].status().heartbeatTime) + 1
        try armAll(table, segments, now: now)
        var seen: [Int] = []
        for poll in 0..<3 { seen += listed(table, now: now, polls: UInt64(poll), checkEvery: 3) }
        #expect(seen.sorted() == Array(0..<6), "every path once in 3 polls")
    }
}
