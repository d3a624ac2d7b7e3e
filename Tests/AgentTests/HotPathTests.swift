@testable import Agent
import DemoSimulator
import Glibc
import PosixThread
import Logging
import LookoutBus
import LookoutJSON
import Testing
import ZMShm
import ZMSite
import ZeroMQ

/// The poll loop's hot path, end to end on real segment files: a monitor whose compared fields did not change is
/// not taken the full way (no tracker, no publish); one that changed is, and its change is published; HEALTH still
/// shows the counters the hot path did not copy (fps), read when it is asked for.
@Suite("poll hot path")
struct HotPathTests {
    static let count = 16

    /// A 1.36 segment file as zmc leaves it after start-up: valid, idle, signal, a heartbeat now.
    private final class Segment {
        let base: UnsafeMutableRawPointer
        let length: Int
        let writer: SharedDataWriter

        init(path: String, now: Double) throws {
            let geometry = SegmentGeometry(layout: .zm136, fileSize: 0, imageBufferCount: 2, imageSlotStride: 64, zoneCount: 0)
            length = geometry.expectedFileSize
            let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
            defer { close(fd) }
            #expect(ftruncate(fd, off_t(length)) == 0)
            base = try #require(mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0))
            writer = SharedDataWriter(layout: .zm136, base: base)
            writer.initialise()
            base.storeBytes(of: UInt32(560), toByteOffset: SharedDataLayout.zm136.size, as: UInt32.self)
            writer.setImageSize(64)
            writer.setHeartbeatTime(Int64(now))
            writer.setLastWriteTime(Int64(now))
            writer.setState(1)
            writer.setActive(true)
            writer.setSignal(true)
            writer.setValid(true)
        }

        deinit { munmap(base, length) }
    }

    @Test("unchanged monitors skip the full path; a changed one takes it and is published; HEALTH reads fps fresh")
    func onlyChangedMonitorsTakeTheFullPath() throws {
        var template = Array("/tmp/lookout-hot.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { LookoutAgent.removeDemoDirectory(directory) }
        let now = WallClock.seconds()
        let segments = try (1...Self.count).map { try Segment(path: "\(directory)/zm.mmap.\($0)", now: now) }
        let loop = try InProcessLoop.make(directory: directory, adjust: { $0.maxDelay = 3600 })
        defer { InProcessLoop.close(loop) }
        loop.discover(now: now)
        loop.pollAll(now: now)
        #expect(loop.monitors.values.allSatisfy { $0.available })
        // A settling poll (the directory watch's first answer is "everything"); from then on nothing changes.
        loop.pollAll(now: now + 0.1)
        let settled = loop.fullPathPolls
        loop.pollAll(now: now + 0.2)
        loop.pollAll(now: now + 0.3)
        #expect(loop.fullPathPolls == settled, "unchanged monitors took the full path")

        let published = loop.publisher.counters.published
        segments[4].writer.setState(3)  // ALARM
        segments[4].writer.setLastEventID(4242)
        segments[9].writer.setFPS(capture: 12.5, analysis: 6.25)  // not compared: no full path
        loop.pollAll(now: now + 0.4)
        #expect(loop.fullPathPolls == settled + 1)
        #expect(loop.publisher.counters.published > published)
        let state = try #require(loop.publisher.retainedMessage(BusTopic.monitor(5, .state)))
        let body = try JSONValue.parse(state.body)
        #expect(body["state"]?.stringValue == "ALARM" && body["event_id"]?.uint64Value == 4242, "\(state.body)")

        let health = loop.health(now: now + 0.5)
        let sent = try JSONValue.parse(loop.health(now: now + 0.5, renderingMonitors: true).rendered())
        #expect(sent["monitors"]?.rendered() == health["monitors"]?.rendered(), "the monitors HEALTH sends, written into bytes")
        let monitor10 = try #require(health["monitors"]?.arrayValue?.first { $0["monitor_id"]?.uint64Value == 10 })
        #expect(monitor10["capture_fps"]?.number == 12.5, "\(monitor10.rendered())")
        guard case let .success(.body(one)) = loop.handle(.monitorHealth(monitorID: 10)) else {
            Issue.record("HEALTH 10 failed")
            return
        }
        #expect(one["monitor_id"]?.uint64Value == 10 && one["capture_fps"]?.number == 12.5 && one["epoch"] != nil)
        guard case let .failure(error) = loop.handle(.monitorHealth(monitorID: 99)) else {
            Issue.record("HEALTH 99 answered")
            return
        }
        #expect(error.code == .unknownMonitor)
    }
}

extension JSONValue {
    fileprivate var number: Double? {
        switch self {
        case let .double(value): value
        case let .int(value): Double(value)
        case let .uint(value): Double(value)
        default: nil
        }
    }
}

@Suite("segment file names")
struct SegmentNameTests {
    @Test("only zm.mmap.<canonical decimal id> names are segments, read from the directory entry's bytes")
    func segmentIDsFromNames() throws {
        var template = Array("/tmp/lookout-names.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { LookoutAgent.removeDemoDirectory(directory) }
        let names = ["zm.mmap.1", "zm.mmap.011", "zm.mmap.+3", "zm.mmap.12", "zm.mmap.1234567890", "zm.mmap.123456789",
                     "zm.mmap.", "zm.mmap.7x", "zm.mmap.0", "other", "zm.mmap"]
        for name in names { close(open("\(directory)/\(name)", O_CREAT | O_WRONLY, 0o600)) }
        #expect(try ZoneMinderContext.segmentIDs(in: directory, source: "test").sorted() == [1, 12, 123_456_789])
    }
}
