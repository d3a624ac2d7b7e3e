import Foundation
import Testing
import ZMShm

/// `lookout serve`'s pictures of the real ZoneMinder peer, compared with shared memory read independently
/// (Tests/python/picture_check.py: zm_shm_decode.py's layout and Pillow's JPEG decoder).
@Suite("Pictures of the ZoneMinder peer", .serialized)
struct PicturePeerTests {
    /// Mean absolute difference per channel (0–255) allowed between latest.jpg at quality 95 and the shared-memory
    /// image it was made from: JPEG with 4:2:0 chroma on the peer's sharp colour bars measures about 2.5.
    static let bound = 4.0

    @Test("latest.jpg of monitors 1–3: the monitor's size, the shared-memory image's pixels, the white box in place")
    func latestMatchesSharedMemory() throws {
        try Peer.require()
        let serve = try ServeProcess()
        let sizes = [1: (320, 240), 2: (320, 240), 3: (160, 120)]
        for id in 1...3 {
            let result = try ServeProcess.python("picture_check.py", [serve.base, "\(id)"])
            #expect(result["width"] as? Int == sizes[id]!.0 && result["height"] as? Int == sizes[id]!.1, "monitor \(id): \(result)")
            let difference = result["mad"] as? Double ?? .infinity
            #expect(difference < Self.bound, "monitor \(id): \(result)")
        }
        // Monitor 1's white box moves for about 10 s of each 30 s loop: wait for a frame with it, then both
        // pictures must put it in the same place.
        var boxes: (jpeg: [Double], shm: [Double])?
        _ = try Peer.waitUntil(timeout: 40, every: 0.2) {
            let result = try ServeProcess.python("picture_check.py", [serve.base, "1"])
            if let jpeg = result["jpeg_box"] as? [Double], let shm = result["shm_box"] as? [Double] { boxes = (jpeg, shm) }
            return boxes != nil
        }
        let found = try #require(boxes, "monitor 1 showed no white box within 40 s")
        #expect(abs(found.jpeg[0] - found.shm[0]) <= 3 && abs(found.jpeg[1] - found.shm[1]) <= 3, "box at \(found.jpeg) in the JPEG, \(found.shm) in shared memory")
    }

    @Test("an unchanged frame answers 304 to its ETag and Last-Modified; h and quality shape the picture")
    func conditionalRequests() throws {
        try Peer.require()
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        // A frozen copy of monitor 3's segment: its newest frame stays the same.
        try Peer.freeze(3, into: directory.path)
        let config = directory.path + "/lookout.toml"
        try "[zoneminder]\nmap_dir = \"\(directory.path)\"\nmonitors = [3]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let serve = try ServeProcess(config: config)
        let first = try serve.get("/api/monitors/3/latest.jpg")
        #expect(first.status == 200)
        let tag = try #require(first.headers["etag"])
        let modified = try #require(first.headers["last-modified"])
        #expect(try serve.get("/api/monitors/3/latest.jpg", headers: ["If-None-Match: \(tag)"]).status == 304)
        #expect(try serve.get("/api/monitors/3/latest.jpg", headers: ["If-Modified-Since: \(modified)"]).status == 304)
        #expect(try serve.get("/api/monitors/3/latest.jpg", headers: ["If-None-Match: \"other\""]).status == 200)
        let small = try serve.get("/api/monitors/3/latest.jpg?h=60&quality=50")
        #expect(small.headers["x-frame-size"] == "80x60")
        #expect(small.body.count < first.body.count)
        #expect(try serve.get("/api/monitors/3/latest.jpg?quality=0").status == 400)
        #expect(try serve.get("/api/monitors/9/latest.jpg").status == 404)
    }

    @Test("a segment whose last_write_index is outside the ring answers 503 no image yet")
    func noImageYet() throws {
        try Peer.require()
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        try Peer.freeze(1, into: directory.path)
        // As a 1.38.4 zmc with analysis off leaves it: last_write_index = ImageBufferCount (5 on monitor 1).
        let path = directory.path + "/zm.mmap.1"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let size = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        let layout = try #require(SharedDataLayout(rawValue: size))
        bytes.withUnsafeMutableBytes { SharedDataWriter(layout: layout, base: $0.baseAddress!).setLastWriteIndex(5) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let config = directory.path + "/lookout.toml"
        try "[zoneminder]\nmap_dir = \"\(directory.path)\"\nmonitors = [1]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let serve = try ServeProcess(config: config)
        let answer = try serve.get("/api/monitors/1/latest.jpg")
        #expect(answer.status == 503)
        #expect(String(decoding: answer.body, as: UTF8.self) == "no image yet\n")
    }

    @Test("MJPEG: a viewer reading at 2 fps gets about 2 fps of fresh frames and the server's memory stays flat")
    func slowViewer() throws {
        try Peer.require()
        let serve = try ServeProcess()
        // Warm up (first encoder, buffers), then measure while the viewer reads slowly for 16 s.
        _ = try ServeProcess.python("mjpeg_client.py", [serve.base + "/api/monitors/2/stream.mjpeg?fps=25", "--seconds", "2"])
        let before = serve.residentKiB
        let result = try ServeProcess.python("mjpeg_client.py", [
            serve.base + "/api/monitors/2/stream.mjpeg?fps=25", "--rate", "2", "--seconds", "16", "--rcvbuf", "4096"])
        let after = serve.residentKiB
        let viewer = try #require((result["viewers"] as? [[String: Any]])?.first)
        let rate = viewer["rate"] as? Double ?? 0
        #expect(rate > 1.6 && rate < 2.4, "\(viewer)")
        // Frames skipped, not queued: consecutive frames received are about half a second apart in capture time,
        // and the last one is recent.
        #expect((viewer["median_gap"] as? Double ?? 0) > 0.3, "\(viewer)")
        #expect((viewer["last_lag"] as? Double ?? 99) < 2, "\(viewer)")
        #expect(after - before < 2048, "resident set grew from \(before) to \(after) KiB")
    }

    @Test("MJPEG: ten viewers of one monitor cost one encoder (encodes counted in /metrics)")
    func tenViewersOneEncoder() throws {
        try Peer.require()
        let serve = try ServeProcess()
        func encodes() throws -> Int {
            let text = String(decoding: try serve.get("/metrics").body, as: UTF8.self)
            let line = text.split(separator: "\n").first { $0.hasPrefix("lookout_picture_encodes_total{source=\"monitors/1\"}") }
            return Int(line?.split(separator: " ").last ?? "") ?? -1
        }
        let before = try encodes()
        let result = try ServeProcess.python("mjpeg_client.py", [
            serve.base + "/api/monitors/1/stream.mjpeg?fps=5", "--seconds", "4", "--viewers", "10"])
        let encoded = try encodes() - before
        let viewers = try #require(result["viewers"] as? [[String: Any]])
        let frames = viewers.map { $0["frames"] as? Int ?? 0 }
        #expect(viewers.count == 10)
        #expect(frames.allSatisfy { $0 >= 15 }, "frames per viewer: \(frames)")
        // At most 5 encodes a second for 4 s (and a little slack for start and end), whatever the viewer count.
        #expect(encoded <= 24 && encoded >= 15, "\(encoded) encodes for \(frames.reduce(0, +)) frames sent")
    }

    @Test("lookout snapshot writes the newest image as a JPEG of the monitor's size")
    func snapshotCommand() throws {
        try Peer.require()
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let file = directory.path + "/m2.jpg"
        let run = try Peer.run(Peer.lookout, ["snapshot", "2", "-o", file])
        #expect(run.status == 0, "\(run.stderr)")
        let size = try Peer.run("/usr/bin/python3", ["-c", "from PIL import Image; print(Image.open('\(file)').size)"])
        #expect(size.stdout == "(320, 240)\n")
        #expect(try Peer.run(Peer.lookout, ["snapshot", "9", "-o", file]).status != 0)
    }
}
