import CZMLayouts
import Foundation
import Synchronization
import Testing
@testable import ZMShm

@Suite("Segments that shrink, vanish or come back")
struct ShrinkAndFollowTests {
    @Test("a segment truncated under the mapping gives .shrunk, not SIGBUS")
    func truncatedUnderTheMapping() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm136, imageSize: 65536).write(to: dir.file("zm.mmap.1"))
        let segment = try ZMSegment(path: path)
        #expect(try segment.status().valid)
        let faultsBefore = segmentFaultsCaught
        #expect(truncate(path, 0) == 0)
        let error = #expect(throws: SegmentError.self) { try segment.status() }
        #expect(error?.code == .shrunk)
        #expect(segmentFaultsCaught > faultsBefore, "the read really faulted and was caught")
        let geometry = SegmentGeometry(layout: .zm136, fileSize: segment.mapping.length, imageBufferCount: 3, imageSlotStride: 65536, zoneCount: 0)
        #expect(throws: SegmentError.self) { try segment.latestImage(geometry: geometry) }
    }

    /// Set by the test, read by the shrinking thread.
    final class StopFlag: Sendable {
        let stopped = Atomic<Bool>(false)
    }

    @Test("a reader keeps running while another thread shrinks and regrows the file; faults are caught, good reads are right")
    func shrinkWhileReading() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var fixture = LayoutSample.fixture(.zm136, imageSize: 262_144)
        fixture.images = (0..<3).map { [UInt8](repeating: UInt8($0 + 1), count: 262_144) }
        fixture.timestamps = [(1, 0), (2, 0), (3, 0)]
        let full = fixture.bytes()
        let path = try fixture.write(to: dir.file("zm.mmap.1"))
        let segment = try ZMSegment(path: path)
        let geometry = try #require(try segment.geometry())
        let faultsBefore = segmentFaultsCaught

        let flag = StopFlag()
        let shrinker = Task.detached {
            let fd = open(path, O_RDWR)
            defer { close(fd) }
            var round = 0
            while !flag.stopped.load(ordering: .acquiring) {
                _ = ftruncate(fd, round % 2 == 0 ? 4096 : 0)
                _ = ftruncate(fd, off_t(full.count))
                _ = full.withUnsafeBytes { pwrite(fd, $0.baseAddress, 4096, 0) }
                round += 1
            }
        }
        var good = 0, shrunk = 0, images = 0
        // Bounded by reads, not time: stops once both outcomes were seen several times.
        for _ in 0..<500_000 where good < 50 || shrunk < 50 {
            do {
                let status = try segment.status()
                #expect(status.rawState == 3 && status.lastEventID == 0x1_0000_04B3, "a successful read is a right read")
                if let frame = try segment.latestImage(geometry: geometry) {
                    let original = frame.bytes.allSatisfy { $0 == 3 } && frame.timestamp.seconds == 3
                    let regrown = frame.bytes.allSatisfy { $0 == 0 } && frame.timestamp.seconds == 0
                    #expect(frame.slot == 2 && (original || regrown), "slot \(frame.slot), stamp \(frame.timestamp.seconds)")
                    images += 1
                }
                good += 1
            } catch {
                #expect([.shrunk, .notInitialised, .stale].contains(error.code), "\(error)")
                if error.code == .shrunk { shrunk += 1 }
            }
        }
        flag.stopped.store(true, ordering: .releasing)
        await shrinker.value
        #expect(good > 0 && images > 0, "some reads succeeded: \(good), with an image: \(images)")
        #expect(shrunk > 0, "some reads were refused as .shrunk")
        #expect(segmentFaultsCaught > faultsBefore, "the refusals came from real, caught faults")
    }

    @Test("the follower re-maps a re-created segment within one poll")
    func followsRecreation() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("zm.mmap.2")
        try LayoutSample.fixture(.zm136).write(to: path)
        let follower = SegmentFollower(path: path)
        let first = follower.poll()
        #expect(first.status?.valid == true && first.reopened == nil)
        let inode = try #require(follower.segment?.mapping.inode)

        // Clean zmc stop: zero the file, unlink it; then the next zmc creates a new file.
        try Data(count: 8192).write(to: URL(fileURLWithPath: path))
        #expect(follower.poll().error?.code != nil)
        unlink(path)
        #expect(follower.poll().error?.code == .notFound)
        var restarted = LayoutSample.fixture(.zm136)
        restarted.sharedData[32] = 0x0E  // last_event_id = 14 after the restart
        restarted.sharedData[33...39] = [0, 0, 0, 0, 0, 0, 0]
        try restarted.write(to: path)
        let after = follower.poll()
        #expect(after.status?.lastEventID == 14)
        #expect(follower.segment?.mapping.inode != inode || follower.reopenCount >= 1)
    }

    @Test("a crash restart that truncates the same inode is followed")
    func followsTruncateInPlace() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm136, imageSize: 65536).write(to: dir.file("zm.mmap.3"))
        let follower = SegmentFollower(path: path)
        #expect(follower.poll().status?.valid == true)
        let smaller = LayoutSample.fixture(.zm136, imageSize: 1024).bytes()
        let fd = open(path, O_RDWR)
        #expect(ftruncate(fd, off_t(smaller.count)) == 0)
        _ = smaller.withUnsafeBytes { pwrite(fd, $0.baseAddress, smaller.count, 0) }
        close(fd)
        let reading = follower.poll()
        #expect(reading.reopened == .resized)
        #expect(reading.status?.valid == true)
        #expect(follower.segment?.mapping.length == smaller.count)
    }

    @Test("a header-only mapping serves status, causes and writes, and refuses what lies beyond it")
    func headerOnlyMapping() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm136, imageSize: 65536).write(to: dir.file("zm.mmap.4"))
        let segment = try ZMSegment(path: path, writable: true, extent: .header)
        #expect(segment.mapping.mappedLength == ZMSegment.headerLength)
        #expect(segment.mapping.length > 65536, "length is still the file's")
        #expect(try segment.status().size == SharedDataLayout.zm136.rawValue)
        try segment.writeTrigger(.on(score: 5, cause: "door", text: ""))
        #expect(try segment.causes().trigger.triggerCause.text == "door")
        let error = #expect(throws: SegmentError.self) { try segment.snapshot() }
        #expect(error?.code == .unsupported)
        #expect(SegmentFollower(path: path).poll().status?.valid == true)
    }
}

@Suite("Writing triggers and actions")
struct WriteTests {
    @Test func forceAlarmWritesEveryFieldStateLast() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm138, zones: [1]).write(to: dir.file("zm.mmap.3"))
        let writer = try ZMSegment(path: path, writable: true)
        try writer.writeTrigger(.on(score: 77, cause: "peer-ext", text: "external text"), showtext: "SHOWTEXT")
        let trigger = try ZMSegment(path: path).snapshot().triggerData
        #expect(trigger.state == .on && trigger.triggerScore == 77)
        #expect(trigger.triggerCause.text == "peer-ext" && trigger.triggerText.text == "external text")
        #expect(trigger.triggerShowtext.text == "SHOWTEXT")

        try writer.writeTrigger(.cancel)
        let cancelled = try ZMSegment(path: path).snapshot().triggerData
        #expect(cancelled.state == .cancel && cancelled.triggerScore == 0 && cancelled.triggerCause.isEmpty)
        try writer.writeTrigger(.off)
        #expect(try writer.status().triggerState == ZMTriggerState.off.rawValue)
    }

    @Test func overlongCauseIsRefusedNotTruncated() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm136).write(to: dir.file("zm.mmap.3"))
        let writer = try ZMSegment(path: path, writable: true)
        let error = #expect(throws: SegmentError.self) {
            try writer.writeTrigger(.on(score: 1, cause: String(repeating: "x", count: 32), text: ""))
        }
        #expect(error?.message.contains("31") == true)
        #expect(try writer.status().triggerState == 0, "nothing was written")
    }

    @Test func invalidSegmentRefusesWrites() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm136, valid: 0).write(to: dir.file("zm.mmap.3"))
        let writer = try ZMSegment(path: path, writable: true)
        let error = #expect(throws: SegmentError.self) { try writer.writeTrigger(.on(score: 5, cause: "x", text: "")) }
        #expect(error?.code == .invalid)
        #expect(throws: SegmentError.self) { try writer.requestAction(.suspend) }
    }

    @Test func readOnlyMappingRefusesWrites() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm136).write(to: dir.file("zm.mmap.3"))
        let error = #expect(throws: SegmentError.self) { try ZMSegment(path: path).writeTrigger(.cancel) }
        #expect(error?.code == .readOnly)
    }

    @Test func actionBitsAreOredIn() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var fixture = LayoutSample.fixture(.zm13634)
        fixture.sharedData[48...51] = [0, 0, 0, 0]
        let path = try fixture.write(to: dir.file("zm.mmap.3"))
        let writer = try ZMSegment(path: path, writable: true)
        #expect(try writer.requestAction(.suspend) == [])
        #expect(try writer.requestAction(.reload) == .suspend)
        #expect(try writer.status().action == ZMAction([.suspend, .reload]).rawValue)
    }
}
