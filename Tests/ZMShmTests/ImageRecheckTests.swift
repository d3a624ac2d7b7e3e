import Foundation
import Testing
@testable import ZMShm

/// `latestImage` copies a slot, then re-checks that zmc did not write it meanwhile. The hook plays zmc between the
/// copy and the re-check, which no test could do before: forcing "not overwritten" passed them all.
@Suite("Image copy-then-recheck")
struct ImageRecheckTests {
    /// A 3-slot segment whose newest image is slot 2 (`last_write_index` 2), and a writer standing in for zmc.
    struct Ring {
        let dir = TemporaryDirectory()
        let segment: ZMSegment
        let geometry: SegmentGeometry
        let fd: Int32

        init(_ layout: SharedDataLayout = .zm136) throws {
            var fixture = LayoutSample.fixture(layout)
            fixture.images = (0..<3).map { [UInt8](repeating: UInt8($0 + 1), count: 64) }
            fixture.timestamps = [(1, 0), (2, 0), (3, 0)]
            let path = try fixture.write(to: dir.file("zm.mmap.1"))
            segment = try ZMSegment(path: path)
            geometry = try #require(try segment.geometry())
            fd = open(path, O_RDWR)
        }

        func write<T>(_ value: T, at offset: Int) {
            _ = withUnsafeBytes(of: value) { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        }

        /// zmc wrote slot 2 again: a new capture time.
        func restampSlot2(_ seconds: Int64) { write(seconds, at: geometry.timestampsOffset + 32) }

        func close() {
            Glibc.close(fd)
            dir.cleanup()
        }
    }

    @Test("the slot's timestamp changing during every copy: refused as stale after the attempts")
    func timestampChangesEveryTime() throws {
        let ring = try Ring()
        defer { ring.close() }
        var copies = 0
        let error = #expect(throws: SegmentError.self) {
            try ring.segment.latestImage(geometry: ring.geometry, attempts: 3) {
                copies += 1
                ring.restampSlot2(Int64(100 + copies))
            }
        }
        #expect(error?.code == .stale)
        #expect(copies == 3)
    }

    @Test("the timestamp changing during the first copy only: the copy is retried and the second is returned")
    func timestampChangesOnce() throws {
        let ring = try Ring()
        defer { ring.close() }
        var copies = 0
        let frame = try ring.segment.latestImage(geometry: ring.geometry, attempts: 3) {
            copies += 1
            if copies == 1 { ring.restampSlot2(42) }
        }
        #expect(copies == 2)
        #expect(frame?.timestamp.seconds == 42, "the retried copy is the one returned")
        #expect(frame?.bytes == [UInt8](repeating: 3, count: 64))
    }

    @Test("the ring advancing onto the slot during the copy: refused")
    func ringAdvancesOntoSlot() throws {
        let ring = try Ring()
        defer { ring.close() }
        let lastWriteIndex = SharedDataLayout.zm136.offsets.lastWriteIndex
        var copies = 0
        let error = #expect(throws: SegmentError.self) {
            try ring.segment.latestImage(geometry: ring.geometry, attempts: 2) {
                copies += 1
                // zmc now writes the slot just copied (the one after last_write_index), timestamp not yet updated:
                // slot 2 during the first copy, slot 1 during the second.
                ring.write(Int32(2 - copies), at: lastWriteIndex)
            }
        }
        #expect(error?.code == .stale)
        #expect(copies == 2)
    }

    @Test("image_count jumping by a whole ring during the copy (1.36.34+): refused")
    func imageCountLapsTheRing() throws {
        let ring = try Ring(.zm13634)
        defer { ring.close() }
        let imageCount = try #require(SharedDataLayout.zm13634.offsets.imageCount)
        var count: Int32 = 4321
        let error = #expect(throws: SegmentError.self) {
            try ring.segment.latestImage(geometry: ring.geometry, attempts: 2) {
                count += 3
                ring.write(count, at: imageCount)
            }
        }
        #expect(error?.code == .stale)
    }

    @Test("nothing written during the copy: one copy, the right bytes")
    func quietRing() throws {
        let ring = try Ring()
        defer { ring.close() }
        var copies = 0
        let frame = try ring.segment.latestImage(geometry: ring.geometry, attempts: 3) { copies += 1 }
        #expect(copies == 1 && frame?.slot == 2 && frame?.timestamp.seconds == 3)
    }
}
