import Foundation
import FrameSource
import Testing
import ZMShm
@testable import TSFrameBuffer

/// Anyone can create files in /dev/shm: whatever sits at `sfb_data_ch<N>` gets a clear verdict, never a crash,
/// never a blocked open.
@Suite("Hostile and broken TS frame buffers")
struct HostileChannelTests {
    func good(_ dir: TemporaryDirectory, _ name: String = "sfb_data_ch1") throws -> (String, PatternProducer) {
        let path = dir.file(name)
        let producer = try PatternProducer(path: path)
        try producer.publish(3)
        return (path, producer)
    }

    func refusal(_ path: String) -> FrameSourceError? {
        #expect(throws: FrameSourceError.self) { try SFB1Reader(path: path) }
    }

    @Test("a FIFO in place of the file is refused without blocking")
    func fifo() {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("sfb_data_ch4")
        #expect(mkfifo(path, 0o666) == 0)
        let error = refusal(path)
        #expect(error?.code == .notRegularFile)
        #expect(error?.message.contains("FIFO") == true)
        let follower = SFBChannelFollower(channel: 4, path: path)
        #expect(follower.poll(monotonic: 0, realtimeNanoseconds: 0).error?.code == .notRegularFile)
    }

    @Test("a symbolic link is not followed")
    func symlink() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (target, _) = try good(dir, "real")
        let path = dir.file("sfb_data_ch5")
        #expect(Glibc.symlink(target, path) == 0)
        #expect(refusal(path)?.code == .symbolicLink)
    }

    @Test("a file owned by another user is not trusted")
    func stranger() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (path, _) = try good(dir)
        #expect(chown(path, 65534, 65534) == 0)
        #expect(refusal(path)?.code == .untrustedOwner)
    }

    @Test("wrong magic, wrong version, garbage: each its own verdict", arguments: [
        (0, [UInt8]("SFB2".utf8), FrameSourceError.Code.badMagic),
        (4, [2, 0], .unsupportedVersion),
        (6, [0, 8], .badHeader),
        (8, littleEndian(UInt32(0)), .badHeader),
        (8, littleEndian(UInt32(63)), .badHeader),
        (12, littleEndian(UInt32(100)), .badHeader),
        (24, [UInt8]("YUY2".utf8), .badHeader),
        (28, littleEndian(Int32(10)), .badHeader),
    ])
    func brokenHeader(offset: Int, bytes: [UInt8], code: FrameSourceError.Code) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (path, _) = try good(dir)
        patch(path, at: offset, bytes)
        let error = refusal(path)
        #expect(error?.code == code, "\(error?.message ?? "opened")")
    }

    @Test("slot_size smaller than one frame is refused, naming both sizes")
    func slotTooSmall() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (path, _) = try good(dir)
        patch(path, at: 12, littleEndian(UInt32(64)))
        let error = refusal(path)
        #expect(error?.code == .badHeader)
        #expect(error?.message.contains("slot_size 64") == true, "\(error?.message ?? "")")
    }

    @Test("a slot descriptor claiming more bytes than its slot is a bad header, never a read past the slot")
    func descriptorBytesTooLarge() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (path, _) = try good(dir)
        let reader = try SFB1Reader(path: path)
        patch(path, at: 128 + 64 * 2 + 24, littleEndian(UInt32(reader.slotSize + 64)))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: reader.slotSize * 2, alignment: 64)
        defer { buffer.deallocate() }
        let error = #expect(throws: FrameSourceError.self) { try reader.copyNewestFrame(into: buffer) }
        #expect(error?.code == .badHeader)
        #expect(error?.message.contains("more than slot_size") == true)
    }

    @Test("random garbage and a short file are refused")
    func garbage() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var generator = SystemRandomNumberGenerator()
        let path = dir.file("sfb_data_ch6")
        #expect(FileManager.default.createFile(atPath: path, contents: Data((0..<100_000).map { _ in UInt8.random(in: 0...255, using: &generator) })))
        #expect(refusal(path)?.code == .badMagic)
        #expect(FileManager.default.createFile(atPath: path, contents: Data([0x53, 0x46, 0x42, 0x31])))
        #expect(refusal(path)?.code == .notInitialised)
        // Sized and zeroed, constants not written yet: a producer starting, which a reader waits for.
        #expect(FileManager.default.createFile(atPath: path, contents: Data(count: 8192)))
        #expect(refusal(path)?.code == .notInitialised)
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        #expect(refusal(path)?.code == .notInitialised)
    }

    @Test("a file that shrinks under the reader is an error, not SIGBUS; the follower re-opens")
    func shrink() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (path, _) = try good(dir)
        let follower = SFBChannelFollower(channel: 1, path: path)
        #expect(follower.poll(monotonic: 0, realtimeNanoseconds: SFB1Writer.realtimeNanoseconds()).header?.writeSeq == 3)
        let reader = try #require(follower.reader)
        let faultsBefore = segmentFaultsCaught
        #expect(truncate(path, 4096 + 100) == 0)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: reader.maximumFrameBytes, alignment: 64)
        defer { buffer.deallocate() }
        let error = #expect(throws: FrameSourceError.self) { try reader.copyNewestFrame(into: buffer) }
        #expect(error?.code == .shrunk)
        #expect(segmentFaultsCaught > faultsBefore)
        let reading = follower.poll(monotonic: 1, realtimeNanoseconds: SFB1Writer.realtimeNanoseconds())
        #expect(reading.reopened == .resized)
        #expect(reading.error?.code == .badHeader, "the short file no longer holds its slots")
    }

    @Test("a producer restart in place (new epoch) and a re-created file are both seen")
    func restart() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let (path, first) = try good(dir)
        let follower = SFBChannelFollower(channel: 1, path: path)
        let now = SFB1Writer.realtimeNanoseconds()
        #expect(follower.poll(monotonic: 0, realtimeNanoseconds: now).header?.producerEpoch == first.writer.epoch)
        let second = try PatternProducer(path: path)
        try second.publish()
        let afterRestart = follower.poll(monotonic: 1, realtimeNanoseconds: now)
        #expect(afterRestart.reopened == .newEpoch)
        #expect(afterRestart.header?.producerEpoch == second.writer.epoch)
        #expect(afterRestart.header?.writeSeq == 1)
        #expect(unlink(path) == 0)
        let third = try PatternProducer(path: path)
        let afterRecreate = follower.poll(monotonic: 2, realtimeNanoseconds: now)
        #expect(afterRecreate.reopened == .recreated)
        #expect(afterRecreate.header?.producerEpoch == third.writer.epoch)
        #expect(follower.reopenCount == 2)
        third.writer.stop()
        let stopped = follower.poll(monotonic: 3, realtimeNanoseconds: now)
        #expect(stopped.reopened == .notRunning)
        #expect(stopped.error?.code == .notInitialised)
        #expect(stopped.error?.message.contains("stopping") == true)
    }

    @Test("stalls: no frame newer than the limit, or no heartbeat; frames the poller missed are counted")
    func stallAndMissed() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("sfb_data_ch7")
        let producer = try PatternProducer(path: path, slots: 4)
        let capture: Int64 = SFB1Writer.realtimeNanoseconds()
        try producer.publish(1, captureNanoseconds: capture)
        let follower = SFBChannelFollower(channel: 7, path: path, stallSeconds: 2)
        #expect(follower.poll(monotonic: 0, realtimeNanoseconds: capture + 1_000_000_000).stalled == false)
        #expect(follower.poll(monotonic: 0.5, realtimeNanoseconds: capture + 3_000_000_000).stalled == true)
        try producer.publish(10, captureNanoseconds: capture)
        _ = follower.poll(monotonic: 1.5, realtimeNanoseconds: capture)
        #expect(follower.framesMissed == 6, "10 published between polls over a ring of 4")
        #expect(follower.fps > 0)
    }
}
