import Foundation
import Testing

/// What `lookout serve` refuses and what it keeps answering while clients hold it busy.
@Suite("lookout serve bounds", .serialized)
struct ServeBoundsTests {
    @Test("a head over 8 KiB is 431, a POST 405; with a token, pictures need it and probes do not")
    func refusals() throws {
        try Peer.require()
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let config = directory.path + "/lookout.toml"
        try "[zoneminder]\nmonitors = [3]\n[http]\ntoken = \"s3cret\"\npassword = \"pw\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let serve = try ServeProcess(config: config)
        #expect(try serve.get("/livez", headers: ["X-Big: " + String(repeating: "a", count: 9000)]).status == 431)
        let post = try Peer.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", serve.base + "/livez"])
        #expect(post.stdout == "405")
        let denied = try serve.get("/api/monitors/3/latest.jpg")
        #expect(denied.status == 401)
        #expect(denied.headers["www-authenticate"]?.hasPrefix("Basic") == true)
        #expect(try serve.get("/").status == 401)
        #expect(try serve.get("/api/monitors/3/latest.jpg", headers: ["Authorization: Bearer s3cret"]).status == 200)
        #expect(try serve.get("/api/monitors/3/latest.jpg?token=s3cret").status == 200)
        #expect(try serve.get("/api/monitors/3/latest.jpg", headers: ["Authorization: Bearer wrong"]).status == 401)
        // Basic auth: any user, the configured password ("lookout:pw").
        #expect(try serve.get("/api/monitors/3/latest.jpg", headers: ["Authorization: Basic bG9va291dDpwdw=="]).status == 200)
        #expect(try serve.get("/livez").status != 401, "probes stay open")
    }

    @Test("probes are answered while MJPEG and SSE clients stay connected and a grid is being made")
    func probesWhileBusy() throws {
        try Peer.require()
        let serve = try ServeProcess()
        let viewers = Process()
        viewers.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        viewers.arguments = [Peer.packageRoot + "/Tests/python/mjpeg_client.py", serve.base + "/api/monitors/2/stream.mjpeg?fps=10",
                             "--seconds", "6", "--viewers", "20"]
        viewers.standardOutput = FileHandle.nullDevice
        try viewers.run()
        let events = Process()
        events.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        events.arguments = ["-s", "-N", "-m", "6", serve.base + "/api/events"]
        events.standardOutput = FileHandle.nullDevice
        try events.run()
        defer {
            viewers.waitUntilExit()
            events.waitUntilExit()
        }
        #expect(Peer.waitUntil(timeout: 5) {
            String(decoding: (try? serve.get("/metrics").body) ?? Data(), as: UTF8.self).contains("lookout_picture_stream_viewers 20")
        }, "twenty viewers connected")
        for _ in 0..<10 {
            #expect(try serve.get("/api/grid.jpg?h=480").status == 200)
            let probe = try serve.get("/livez")
            #expect(probe.status == 503, "no agent: /livez answers 503, promptly, not a timeout")
        }
    }
}
