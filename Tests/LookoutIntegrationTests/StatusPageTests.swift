import Foundation
import Testing

/// The status page in a real browser (Debian's headless `chromium`, driven over the DevTools protocol by
/// Tests/python/status_page_check.py) against `lookout serve` beside a private agent following the peer.
extension PeerMonitorThree {
@Suite("Status page in headless Chromium", .serialized)
struct StatusPageTests {
    @Test("three tiles with pictures; forcing an alarm on monitor 3 turns its tile to the alarm colour within a second")
    func tilesAndAlarm() throws {
        try Peer.require()
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium missing: scripts/setup.sh installs it")
        try PeerMonitorThree.awaitIdle()
        let agent = try AgentProcess(toml: "[zoneminder]\nmonitors = [1, 2, 3]\n", arguments: ["--map-dir", Peer.mapDirectory])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        let serve = try ServeProcess(config: agent.directory.path + "/lookout.toml", control: agent.control, publish: agent.pub)
        let screenshot = agent.directory.path + "/status.png"
        let result = try ServeProcess.python("status_page_check.py", [
            serve.base, screenshot, "3", "--", Peer.lookout, "trigger", "3", "on", "--no-wait", "--for", "3"])
        let tiles = try #require(result["tiles"] as? [[String: Any]], "\(result)")
        #expect(tiles.map { $0["id"] as? String } == ["tile-monitors-1", "tile-monitors-2", "tile-monitors-3"])
        #expect(tiles.map { $0["name"] as? String } == ["peer-modect", "peer-mocord", "peer-nodect"])
        // Thumbnails are h=180, never enlarged: 240×180 for the 320×240 monitors, 160×120 for monitor 3.
        #expect(tiles.map { $0["natural"] as? [Int] ?? [] } == [[240, 180], [240, 180], [160, 120]], "\(tiles)")
        for tile in tiles {
            #expect(tile["loaded"] as? Bool == true, "\(tile)")
            // Not the empty black picture frame: monitor 1 idles on a flat grey, the others are busy pictures.
            #expect((tile["picture_mean"] as? Double ?? 0) > 20, "\(tile)")
        }
        #expect((tiles[1]["picture_stddev"] as? Double ?? 0) > 20, "monitor 2's colour bars: \(tiles[1])")
        #expect(FileManager.default.fileExists(atPath: screenshot))
        #expect(result["state_before"] as? String == "IDLE", "\(result)")
        #expect(result["alarm_border"] as? String == "rgb(198, 40, 40)", "the alarm colour: \(result)")
        // From the moment shared memory says ALARM (zmc's analysis reacts to the trigger in a frame or two).
        let latency = try #require(result["shm_to_dom"] as? Double, "the tile never turned ALARM: \(result)")
        #expect(latency < 1, "\(result)")
    }
}
}

/// The page at 256 sources: 256 copies of monitor 3's segment (160×120 GREY), no agent.
@Suite("Status page at 256 tiles", .serialized)
struct ManyTilesTests {
    @Test("256 tiles: the visible ones show pictures promptly, hidden ones are not fetched, the last loads when scrolled to")
    func twoHundredFiftySixTiles() throws {
        try Peer.require()
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        try Peer.freeze(3, into: directory.path)
        let source = directory.path + "/zm.mmap.3"
        for id in 1...256 where id != 3 { try FileManager.default.copyItem(atPath: source, toPath: directory.path + "/zm.mmap.\(id)") }
        let config = directory.path + "/lookout.toml"
        try "[zoneminder]\nmap_dir = \"\(directory.path)\"\nuse_database = false\n".write(toFile: config, atomically: true, encoding: .utf8)
        let serve = try ServeProcess(config: config, extraArguments: (1...256).flatMap { ["--size", "\($0)=160x120"] })
        let sources = try JSONSerialization.jsonObject(with: try serve.get("/api/pictures").body) as? [String: Any]
        #expect((sources?["sources"] as? [Any])?.count == 256)
        let result = try ServeProcess.python("many_tiles_check.py", [serve.base, directory.path + "/tiles.png"])
        print("ManyTilesTests: \(result)")
        let settled = try #require(result["settled"] as? [String: Any], "\(result)")
        #expect(settled["tiles"] as? Int == 256)
        let inView = settled["in_view"] as? Int ?? 0
        #expect(inView > 0 && settled["in_view_loaded"] as? Int == inView, "\(result)")
        // Thumbnails of tiles out of view are not fetched (a few more than in view: the observer's margin and rows
        // cut by the window's edge).
        #expect((settled["loaded"] as? Int ?? 256) < 2 * inView + 10, "\(result)")
        #expect((result["visible_loaded_after"] as? Double ?? 99) < 10, "\(result)")
        #expect((result["last_tile_loaded_after_scroll"] as? Double ?? 99) < 5, "\(result)")
        #expect((result["evaluate_ms"] as? Double ?? 999) < 100, "\(result)")
    }
}
