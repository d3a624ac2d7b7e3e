import Foundation
import FrameSource
import Testing
import ZMShm
@testable import TSFrameBuffer

@Suite("SFB1 layout as the spec's tables say")
struct LayoutTests {
    @Test("the producer writes every header field at the spec's offset, state running last")
    func headerBytes() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("sfb_data_ch1")
        let producer = try PatternProducer(path: path, width: 64, height: 48, format: .i420, slots: 3, epoch: 0x1122_3344_5566_7788)
        try producer.publish(2)
        let bytes = fileBytes(path)
        func u32(_ o: Int) -> UInt32 { bytes[o..<o + 4].reversed().reduce(0) { $0 << 8 | UInt32($1) } }
        func u64(_ o: Int) -> UInt64 { bytes[o..<o + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
        #expect(Array(bytes[0..<4]) == [0x53, 0x46, 0x42, 0x31])
        #expect(bytes[4] == 1 && bytes[5] == 0)
        #expect(UInt16(bytes[6]) | UInt16(bytes[7]) << 8 == 4096)
        #expect(u32(8) == 3)
        let slotSize = Int(u32(12))
        #expect(slotSize % 64 == 0 && slotSize >= 64 * 48 * 3 / 2)
        #expect(u32(16) == 64 && u32(20) == 48)
        #expect(Array(bytes[24..<28]) == Array("I420".utf8))
        #expect(u32(28) == 64 && u32(32) == 32 && u32(36) == 32)
        #expect(u64(40) == 0x1122_3344_5566_7788)
        #expect(u32(48) == UInt32(getpid()))
        #expect(u32(52) == 1)
        #expect(u32(64) == 2, "notify_seq32 is the low 32 bits of write_seq")
        #expect(u64(72) == 2)
        #expect(bytes.count == 4096 + 3 * slotSize)
        // Slot 1 holds frame 2: seq = 2 × frame number, bytes, flags keyframe.
        #expect(u64(128 + 64) == 4)
        #expect(u32(128 + 64 + 24) == 64 * 48 * 3 / 2)
        #expect(u32(128 + 64 + 28) == FrameFlags.keyframe)
        let slot1 = Array(bytes[(4096 + slotSize)..<(4096 + slotSize + 64 * 48 * 3 / 2)])
        #expect(slot1.withUnsafeBytes { TestPattern.verify($0) } == 2)
    }

    @Test("the reader returns the newest frame whole, numbered as its seq says", arguments: PixelFormat.allCases)
    func newestFrame(format: PixelFormat) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("sfb_data_ch2")
        let producer = try PatternProducer(path: path, width: 33, height: 17, format: format, slots: 5)
        let reader = try SFB1Reader(path: path)
        #expect(try reader.newestFrame() == nil, "no frame before the first publish")
        try producer.publish(7)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: reader.maximumFrameBytes, alignment: 64)
        defer { buffer.deallocate() }
        let frame = try #require(try reader.copyNewestFrame(into: buffer))
        #expect(frame.frameNumber == 7)
        #expect(frame.format == format && frame.width == 33 && frame.height == 17)
        #expect(frame.strides == format.tightStrides(width: 33))
        #expect(frame.bytes == format.frameBytes(height: 17, strides: format.tightStrides(width: 33)))
        #expect(TestPattern.verify(UnsafeRawBufferPointer(rebasing: buffer[0..<frame.bytes])) == 7)
        #expect(try reader.liveness().framesPublished == 7)
    }

    @Test("a reader of the header alone maps one page, reads metadata, and refuses to copy pixels")
    func headerOnly() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("sfb_data_ch4")
        let producer = try PatternProducer(path: path, width: 320, height: 240, slots: 3)
        try producer.publish(5)
        let reader = try SFB1Reader(path: path, headerOnly: true)
        #expect(reader.mapping.mappedLength == 4096)
        #expect(try reader.newestFrame()?.frameNumber == 5)
        #expect(try reader.descriptors().map { $0.sequence / 2 } == [4, 5, 3])
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: reader.slotSize, alignment: 64)
        defer { buffer.deallocate() }
        #expect(throws: FrameSourceError.self) { try reader.copyNewestFrame(into: buffer) }
    }

    @Test("a copy the producer overwrote mid-read is detected by its checksum")
    func checksumCatchesMixedRows() throws {
        var a = [UInt8](repeating: 0, count: 64 * 48)
        var b = a
        a.withUnsafeMutableBytes { TestPattern.fill($0, number: 10, width: 64, height: 48, format: .grey) }
        b.withUnsafeMutableBytes { TestPattern.fill($0, number: 14, width: 64, height: 48, format: .grey) }
        var torn = a
        torn.replaceSubrange(64 * 24..<64 * 48, with: b[64 * 24..<64 * 48])
        #expect(a.withUnsafeBytes { TestPattern.verify($0) } == 10)
        #expect(torn.withUnsafeBytes { TestPattern.verify($0) } == nil)
    }

    @Test("channel numbers come from sfb_data_ch<N> names only")
    func names() {
        #expect(SFB1Layout.channel(inDataName: "sfb_data_ch12") == 12)
        #expect(SFB1Layout.channel(inDataName: "sfb_data_ch0") == 0)
        for bad in ["sfb_data_ch", "sfb_data_ch01", "sfb_data_ch-1", "sfb_data_ch1x", "sfb_event_ch1", "sem.sfb_event_ch1"] {
            #expect(SFB1Layout.channel(inDataName: bad) == nil, "\(bad)")
        }
    }

    @Test("a futex waiter in another thread wakes when a frame is published")
    func futexWake() async throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("sfb_data_ch3")
        let producer = try PatternProducer(path: path)
        let reader = try SFB1Reader(path: path)
        let seen = try reader.notifySequence()
        let box = UncheckedBox(reader)
        let woke = Task.detached { try box.value.waitForPublish(after: seen, timeoutNanoseconds: 30_000_000_000) }
        try producer.publish()
        #expect(try await woke.value == true)
        #expect(try reader.notifySequence() == seen &+ 1)
    }
}
