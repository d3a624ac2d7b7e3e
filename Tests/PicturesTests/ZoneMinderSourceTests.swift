import Testing
import ZMShm
@testable import Pictures

/// Pictures of ZoneMinder segments built as zmc lays them out: the newest slot, in the segment's subpixel order, and
/// nothing at all (never a stale slot) while `last_write_index` is outside the ring.
@Suite("ZoneMinder segments as pictures", .serialized)
struct ZoneMinderSourceTests {
    static let width = 64, height = 48

    static func packed(_ format: PictureFormat, rgb: [UInt8]) throws -> [UInt8] {
        try TestPictures.frame(format, width: width, height: height, rgb: rgb).bytes
    }

    @Test("the newest slot in each 1.36 subpixel order", arguments: [
        (UInt8(2), PictureFormat.grey), (5, .bgr24), (6, .rgb24), (7, .bgra), (8, .rgba), (9, .abgr), (10, .argb),
    ])
    func newestSlot(order: UInt8, format: PictureFormat) throws {
        let directory = SyntheticSegment.temporaryDirectory()
        defer { SyntheticSegment.remove(directory) }
        let old = TestPictures.rgb(width: Self.width, height: Self.height)
        let newest = TestPictures.rgb(width: Self.width, height: Self.height, box: (24, 16))
        let segment = try SyntheticSegment(
            directory: directory, id: 7, images: [try Self.packed(format, rgb: old), try Self.packed(format, rgb: newest), try Self.packed(format, rgb: old)],
            format: order, lastWriteIndex: 1, stamps: [1_796_000_000, 1_796_000_001, 1_795_999_999])
        let source = ZoneMinderSource(monitorID: 7, name: "synthetic", path: segment.path, frameSize: (Self.width, Self.height), owners: .standard)
        let frame = try source.latestFrame()
        #expect(frame.format == format)
        #expect(frame.timestampMicros == 1_796_000_001_000_000)
        let decoded = try #require(TestPictures.decode(try JPEGEncoder().encode(frame, quality: 95)))
        let expected = format == .grey ? TestPictures.greyRGB(newest) : newest
        #expect(TestPictures.meanAbsoluteDifference(decoded.rgb, expected) < PictureFormatEncodeTests.bound)
    }

    @Test("last_write_index outside the ring: no image yet, not a slot's stale bytes", arguments: [Int32(3), 4, -1])
    func noImageYet(index: Int32) throws {
        let directory = SyntheticSegment.temporaryDirectory()
        defer { SyntheticSegment.remove(directory) }
        let image = try Self.packed(.rgba, rgb: TestPictures.rgb(width: Self.width, height: Self.height))
        let segment = try SyntheticSegment(directory: directory, id: 1, images: [image, image, image], format: 8,
                                           lastWriteIndex: index, stamps: [1, 2, 3])
        let source = ZoneMinderSource(monitorID: 1, name: "", path: segment.path, frameSize: (Self.width, Self.height), owners: .standard)
        #expect(throws: PictureError(.noImageYet, "no image yet: zmc has not written one to \(segment.path)")) { try source.latestFrame() }
    }

    @Test("a Monitors row whose size does not match the slots is refused")
    func wrongSize() throws {
        let directory = SyntheticSegment.temporaryDirectory()
        defer { SyntheticSegment.remove(directory) }
        let image = try Self.packed(.rgb24, rgb: TestPictures.rgb(width: Self.width, height: Self.height))
        let segment = try SyntheticSegment(directory: directory, id: 2, images: [image, image, image], format: 6, lastWriteIndex: 0, stamps: [1, 2, 3])
        let source = ZoneMinderSource(monitorID: 2, name: "", path: segment.path, frameSize: (640, 480), owners: .standard)
        #expect { try source.latestFrame() } throws: { ($0 as? PictureError)?.kind == .unavailable }
    }

    @Test("one encoder per source: ten askers of one frame cost one encode; its tag or date answers not-modified")
    func sharedEncoder() throws {
        let directory = SyntheticSegment.temporaryDirectory()
        defer { SyntheticSegment.remove(directory) }
        let image = try Self.packed(.rgb24, rgb: TestPictures.rgb(width: Self.width, height: Self.height))
        let segment = try SyntheticSegment(directory: directory, id: 3, images: [image, image, image], format: 6, lastWriteIndex: 2,
                                           stamps: [1, 2, 1_796_000_005])
        let encoder = SharedEncoder(source: ZoneMinderSource(monitorID: 3, name: "", path: segment.path, frameSize: (Self.width, Self.height), owners: .standard))
        var tags: Set<String> = []
        for _ in 0..<10 {
            guard case let .picture(picture) = try encoder.picture(PictureRequest()) else { Issue.record("304 without asking"); return }
            tags.insert(picture.entityTag)
        }
        #expect(encoder.encodeCount == 1)
        #expect(tags.count == 1)
        let tag = try #require(tags.first)
        guard case .notModified = try encoder.picture(PictureRequest(), ifNoneMatch: [tag]) else { Issue.record("If-None-Match ignored"); return }
        guard case .notModified = try encoder.picture(PictureRequest(), ifModifiedSince: 1_796_000_005) else { Issue.record("If-Modified-Since ignored"); return }
        guard case .picture = try encoder.picture(PictureRequest(), ifModifiedSince: 1_796_000_004) else { Issue.record("older date answered 304"); return }
        _ = try encoder.picture(PictureRequest(height: 24))
        #expect(encoder.encodeCount == 2, "another shape is another encode")
    }
}
