import Foundation
import Testing

/// The status page in a real browser (Debian's headless `chromium`, driven over the DevTools protocol by
/// Tests/python/status_page_check.py) against `lookout serve` beside a private agent following the peer.
@Suite("Status page in headless Chromium", .serialized)
struct StatusPageTests {
    @Test("three tiles with pictures; forcing an alarm on monitor 3 turns its tile to the alarm colour within a second")
    func tilesAndAlarm() throws {
        try Peer.require()
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium missing: scripts/setup.sh installs it")
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
