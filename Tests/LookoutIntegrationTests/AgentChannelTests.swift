import Foundation
import Testing

/// TS channels seen through a running agent: the demo's channels, verdicts for broken files, producer restarts,
/// and the frame relay received by a pyzmq subscriber in another process.
@Suite("Agent and TS shared frame buffers")
struct AgentChannelTests {
    /// The retained `ts.channel.<N>.state` bodies, by channel, from a snapshot.
    static func channelStates(_ agent: AgentProcess) throws -> [Int: [String: Any]] {
        let reply = try BusClient.request(agent.control, ["SNAPSHOT", "ts.channel."])
        guard reply.first == "OK", let page = BusClient.object(reply.count > 1 ? reply[1] : "") else { return [:] }
        var states: [Int: [String: Any]] = [:]
        for item in page["items"] as? [[String: Any]] ?? [] {
            guard let topic = item["topic"] as? String, topic.hasSuffix(".state"), let body = item["body"] as? [String: Any],
                  let channel = body["channel"] as? Int else { continue }
            states[channel] = body
        }
        return states
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) { #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes))) }

    static func producer(_ channel: Int, dir: String, _ extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Peer.lookout)
        process.arguments = ["sfb-produce", "--channel", String(channel), "--dir", dir] + extra
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A good channel file with one byte range replaced (after its producer stopped).
    static func broken(_ channel: Int, dir: String, at offset: Int, _ bytes: [UInt8]) throws {
        let made = try Peer.run(Peer.lookout, ["sfb-produce", "--channel", String(channel), "--dir", dir, "--size", "64x48", "--frames", "2", "--fps", "0"])
        #expect(made.status == 0, "\(made.stderr)")
        let path = "\(dir)/sfb_data_ch\(channel)"
        var data = [UInt8](FileManager.default.contents(atPath: path) ?? Data())
        data.replaceSubrange(offset..<offset + bytes.count, with: bytes)
        writeFile(path, data)
    }

    @Test("the demo's two channels are followed and published running, with their sizes and formats")
    func demoChannels() throws {
        let agent = try AgentProcess(toml: "[agent]\nfps_seconds = 1\n")
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        var states: [Int: [String: Any]] = [:]
        _ = try Peer.waitUntil(timeout: 20) {
            states = try Self.channelStates(agent)
            return states[1]?["state"] as? String == "running" && states[2]?["state"] as? String == "running"
                && (states[1]?["fps"] as? Double ?? 0) > 0
        }
        #expect(states[1]?["width"] as? Int == 640 && states[1]?["height"] as? Int == 360 && states[1]?["format"] as? String == "I420")
        #expect(states[2]?["format"] as? String == "BGR3")
        #expect(states[1]?["stalled"] as? Bool == false)
        #expect((states[1]?["fps"] as? Double ?? 0) > 0, "\(states[1] ?? [:])")
        let status = try Peer.run(Peer.lookout, ["status", "--json", "--sfb-dir", "\(agent.directory.path)/nonexistent"])
        #expect(status.stdout.contains("\"channels\""))
    }

    @Test("FIFO, wrong magic, wrong version, garbage, slot_size too small: each channel gets its own verdict on the bus")
    func hostileVerdicts() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        #expect(mkfifo("\(dir.path)/sfb_data_ch3", 0o666) == 0)
        try Self.broken(4, dir: dir.path, at: 0, Array("XFB1".utf8))
        try Self.broken(5, dir: dir.path, at: 4, [9, 0])
        try Self.broken(6, dir: dir.path, at: 12, [64, 0, 0, 0])
        Self.writeFile("\(dir.path)/sfb_data_ch7", (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7919) })
        let good = try Self.producer(1, dir: dir.path, ["--size", "64x48", "--fps", "20"])
        defer {
            good.interrupt()
            good.waitUntilExit()
        }
        let agent = try AgentProcess(toml: "[ts]\ndir = \"\(dir.path)\"\n\n[[ts.channel]]\ndata = \"sfb_data_ch9\"\nevent = \"sfb_event_ch9\"\n", arguments: [])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        var states: [Int: [String: Any]] = [:]
        _ = try Peer.waitUntil(timeout: 20) {
            states = try Self.channelStates(agent)
            return states.count == 7 && states[1]?["state"] as? String == "running"
        }
        func code(_ n: Int) -> String? { (states[n]?["error"] as? [String: Any])?["code"] as? String }
        #expect(states[1]?["state"] as? String == "running")
        #expect(code(3) == "not_regular_file" && states[3]?["state"] as? String == "refused")
        #expect(code(4) == "bad_magic")
        #expect(code(5) == "unsupported_version")
        #expect(code(6) == "bad_header")
        #expect((states[6]?["error"] as? [String: Any])?["message"] as? String ?? "" != "")
        #expect(code(7) == "bad_magic")
        #expect(code(9) == "not_found" && states[9]?["state"] as? String == "unavailable", "configured but absent: \(states[9] ?? [:])")
        #expect(agent.process.isRunning)

        // The CLI reads the same files itself: status lists the channels beside the monitors, dump-sfb decodes one.
        let status = try Peer.run(Peer.lookout, ["status", "--json", "--sfb-dir", dir.path])
        let listed = (BusClient.object(status.stdout)?["channels"] as? [[String: Any]]) ?? []
        #expect(listed.map { $0["channel"] as? Int } == [1, 3, 4, 5, 6, 7], "\(status.stdout) \(status.stderr)")
        #expect(listed.first?["state"] as? String == "running" && listed.first?["format"] as? String == "I420")
        #expect((listed[1]["error"] as? [String: Any])?["code"] as? String == "not_regular_file")
        let dump = try Peer.run(Peer.lookout, ["dump-sfb", "1", "--sfb-dir", dir.path, "--json"])
        let decoded = BusClient.object(dump.stdout) ?? [:]
        #expect(decoded["magic"] as? String == "SFB1" && decoded["width"] as? Int == 64 && decoded["slot_count"] as? Int == 4)
        #expect((decoded["slots"] as? [[String: Any]])?.count == 4)
        let refused = try Peer.run(Peer.lookout, ["dump-sfb", "4", "--sfb-dir", dir.path])
        #expect(refused.status != 0 && refused.stderr.contains("not SFB1"), "\(refused.stderr)")
    }

    @Test("a producer restart, a shrink and a clean stop are each published with their reason")
    func restartAndShrink() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var first = try Self.producer(1, dir: dir.path, ["--size", "64x48", "--fps", "20"])
        let agent = try AgentProcess(toml: "[ts]\ndir = \"\(dir.path)\"\n", arguments: [])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        var state: [String: Any] = [:]
        #expect(try Peer.waitUntil(timeout: 20) {
            state = try Self.channelStates(agent)[1] ?? [:]
            return state["state"] as? String == "running"
        })
        let epoch = state["producer_epoch"] as? String
        first.interrupt()
        first.waitUntilExit()
        #expect(try Peer.waitUntil(timeout: 20) {
            state = try Self.channelStates(agent)[1] ?? [:]
            return state["state"] as? String == "stopping"
        }, "a clean stop leaves state 2: \(state)")
        first = try Self.producer(1, dir: dir.path, ["--size", "64x48", "--fps", "20"])
        defer {
            first.interrupt()
            first.waitUntilExit()
        }
        #expect(try Peer.waitUntil(timeout: 20) {
            state = try Self.channelStates(agent)[1] ?? [:]
            return state["state"] as? String == "running" && state["producer_epoch"] as? String != epoch
        }, "\(state)")
        #expect((state["reopen_count"] as? Int ?? 0) >= 1)
        #expect(truncate("\(dir.path)/sfb_data_ch1", 5000) == 0)
        #expect(try Peer.waitUntil(timeout: 20) {
            state = try Self.channelStates(agent)[1] ?? [:]
            return (state["error"] as? [String: Any])?["code"] as? String == "bad_header"
        }, "a file shorter than its slots: \(state)")
        #expect(agent.process.isRunning)
    }

    @Test("a pyzmq subscriber in another process receives relayed frames whose pixels verify, at the configured rate")
    func relay() throws {
        let agent = try AgentProcess(toml: "[relay]\nmonitors = [1]\ndefault_fps = 2\n", arguments: ["--demo", "--relay", "1@4"])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        let output = try Peer.run("/usr/bin/env", [
            "python3", Peer.packageRoot + "/Tests/python/frame_subscriber.py", "--pub", agent.pub, "--topic", "ts.channel.1.frame",
            "--seconds", "3", "--verify-pattern",
        ])
        let summary = try #require(BusClient.object(output.stdout), "\(output.stderr)")
        #expect(summary["bad"] as? Int == 0, "\(summary)")
        #expect((summary["verified"] as? Int ?? 0) >= 8, "\(summary)")
        #expect(summary["increasing"] as? Bool == true)
        let rate = summary["rate"] as? Double ?? 0
        #expect(rate > 3 && rate < 5, "relay_fps 4 from a 10 fps producer: \(rate) frames/s")
        let body = summary["first_body"] as? [String: Any] ?? [:]
        #expect(body["width"] as? Int == 640 && body["format"] as? String == "I420" && body["bytes"] as? Int == 640 * 360 * 3 / 2)
        #expect(body["strides"] as? [Int] == [640, 320, 320])
        // A ZoneMinder monitor's newest image, relayed the same way.
        let monitor = try Peer.run("/usr/bin/env", [
            "python3", Peer.packageRoot + "/Tests/python/frame_subscriber.py", "--pub", agent.pub, "--topic", "zm.monitor.1.frame",
            "--seconds", "2",
        ])
        let zm = try #require(BusClient.object(monitor.stdout), "\(monitor.stderr)")
        #expect((zm["frames"] as? Int ?? 0) >= 2 && zm["bad"] as? Int == 0, "\(zm)")
    }

    @Test("a subscriber that never reads costs at most relay.max_bytes_in_flight; the frames beyond are dropped and counted in HEALTH")
    func slowSubscriberBound() throws {
        let agent = try AgentProcess(toml: "[relay]\nmax_bytes_in_flight = 1048576\n", arguments: ["--demo", "--relay", "1@30"])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        let stuck = Process()
        stuck.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        stuck.arguments = [
            "python3", Peer.packageRoot + "/Tests/python/frame_subscriber.py", "--pub", agent.pub, "--topic", "ts.channel.1.frame",
            "--seconds", "60", "--stuck", "--rcvhwm", "1",
        ]
        stuck.standardOutput = FileHandle.nullDevice
        try stuck.run()
        defer {
            kill(stuck.processIdentifier, SIGKILL)
            stuck.waitUntilExit()
        }
        var relay: [String: Any] = [:]
        let dropped = try Peer.waitUntil(timeout: 30, every: 0.2) {
            let reply = try BusClient.request(agent.control, ["HEALTH"])
            relay = (reply.count > 1 ? BusClient.object(reply[1]) : nil)?["relay"] as? [String: Any] ?? [:]
            #expect((relay["bytes_in_flight"] as? Int ?? 0) <= 1_048_576, "\(relay)")
            return (relay["dropped_in_flight"] as? Int ?? 0) > 0
        }
        #expect(dropped, "frames beyond 1 MiB in flight are dropped: \(relay)")
        #expect(agent.process.isRunning)
    }
}
