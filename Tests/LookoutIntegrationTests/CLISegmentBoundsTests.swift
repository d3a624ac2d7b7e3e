import Foundation
import SegmentFuzzing
import Testing
import ZMShm

/// `lookout dump` and monitor-id arguments against files in a private map directory.
@Suite("CLI monitor ids and dump bounds")
struct CLISegmentBoundsTests {
    struct MapDirectory {
        let path = "/dev/shm/lookout-it-cli-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) }
        func file(_ name: String) -> String { "\(path)/\(name)" }
        func cleanup() { try? FileManager.default.removeItem(atPath: path) }
    }

    @Test("monitor ids are plain decimal: +11 and 011 are refused, 11 is monitor 11", arguments: ["+11", "011", "0", "-1", "1e3", " 11"])
    func monitorIDSpelling(_ spelling: String) throws {
        let map = try MapDirectory()
        defer { map.cleanup() }
        try Data(SegmentSeeds.seed(.zm136, imageBufferCount: 3)).write(to: URL(fileURLWithPath: map.file("zm.mmap.11")))
        let refused = try Peer.run(Peer.lookout, ["dump", spelling, "--map-dir", map.path, "--no-database"])
        #expect(refused.status != 0, "'\(spelling)' was taken as a monitor id: \(refused.stdout.prefix(200))")
        let accepted = try Peer.run(Peer.lookout, ["dump", "11", "--map-dir", map.path, "--no-database"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
    }

    @Test("zm.mmap.011 and zm.mmap.+11 in the map directory are not monitor 11")
    func segmentNamesAreCanonical() throws {
        let map = try MapDirectory()
        defer { map.cleanup() }
        for name in ["zm.mmap.011", "zm.mmap.+11", "zm.mmap.12"] {
            try Data(SegmentSeeds.seed(.zm136, imageBufferCount: 3)).write(to: URL(fileURLWithPath: map.file(name)))
        }
        let status = try Peer.run(Peer.lookout, ["status", "--json", "--map-dir", map.path, "--no-database"])
        let object = try #require(BusClient.object(status.stdout), "\(status.stdout)")
        let ids = (object["monitors"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
        #expect(ids == [12])
    }

    @Test("dump lists at most 64 timestamps and slot offsets and says how many it left out")
    func dumpListingIsBounded() throws {
        let map = try MapDirectory()
        defer { map.cleanup() }
        // 65,535 one-byte image slots: the most the geometry believes; the file is mostly a sparse tail.
        var bytes = SegmentSeeds.seed(.zm136, imageBufferCount: 1)
        bytes.withUnsafeMutableBytes { SharedDataWriter(layout: .zm136, base: $0.baseAddress!).setImageSize(1) }
        let header = SharedDataLayout.zm136.size + 560 + 4128
        let path = map.file("zm.mmap.5")
        try Data(bytes.prefix(header)).write(to: URL(fileURLWithPath: path))
        #expect(truncate(path, off_t(header + 64 + 65_535 * 17)) == 0)
        let dump = try Peer.run(Peer.lookout, ["dump", "5", "--map-dir", map.path, "--no-database"])
        #expect(dump.status == 0, "\(dump.stderr)")
        let object = try #require(BusClient.object(dump.stdout))
        let geometry = object["geometry"] as? [String: Any]
        #expect(geometry?["image_buffer_count"] as? Int == 65_535)
        #expect((object["timestamps"] as? [Any])?.count == 64)
        #expect(object["timestamps_omitted"] as? Int == 65_535 - 64)
        let slots = object["image_slots"] as? [String: Any]
        #expect((slots?["offsets"] as? [Any])?.count == 64)
        #expect(slots?["offsets_omitted"] as? Int == 65_535 - 64)
        #expect(dump.stdout.utf8.count < 64 << 10, "dump output stays small: \(dump.stdout.utf8.count) bytes")
    }
}
