import Foundation
import Testing
import ZMConfig

/// `lookout run` with real sockets and a pyzmq subscriber in another process.
@Suite("agent and bus (demo source, pyzmq subscriber)", .serialized)
struct AgentBusTests {
    static let fastDemo = """
        [agent]
        heartbeat_seconds = 0.5
        refresh_seconds = 2
        fps_seconds = 1
        [demo]
        restart_seconds = 4
        [control]
        allow_commands = true
        """

    @Test("a late joiner gets the snapshot, then the live stream without a missing or repeated state; every message type arrives in sequence")
    func cloneAndMessageTypes() throws {
        let agent = try AgentProcess(toml: Self.fastDemo)
        defer { agent.directory.cleanup() }
        let epoch = try agent.waitReady()
        let summary = try BusClient.collect(agent, ["--seconds", "30", "--trigger", "1", "--until-event-end", "1", "--until-reason", "recovered", "2"])
        #expect(agent.terminate() == 0, "SIGTERM must stop the agent cleanly")

        #expect(summary["completed"] as? Bool == true, "no forced event on monitor 1 and restart of monitor 2 within 30 s")
        #expect(summary["rebuilt_equals_snapshot2"] as? Bool == true, "mismatched: \(summary["mismatched_topics"] ?? "")")
        #expect(summary["duplicates"] as? Int == 0)
        #expect((summary["gaps"] as? [Any])?.isEmpty == true, "gaps: \(summary["gaps"] ?? "")")
        #expect(summary["epochs"] as? [String] == [epoch])
        #expect((summary["snapshot_items"] as? Int ?? 0) >= 10, "3 monitors × state/trigger/liveness + agent.info")

        let live = BusClient.live(summary)
        let topics = Set(live.map(\.topic))
        for topic in ["agent.heartbeat", "zm.monitor.1.state", "zm.monitor.1.event", "zm.monitor.1.trigger", "zm.monitor.2.liveness", "zm.monitor.1.fps"] {
            #expect(topics.contains(topic), "never saw \(topic)")
        }
        for message in live {
            #expect(message.header["v"] as? Int == 1)
            #expect(message.header["epoch"] as? String == epoch)
            #expect(message.header["ts"] is Int)
        }
        let events = live.filter { $0.topic == "zm.monitor.1.event" }.map(\.body)
        let start = try #require(events.first { $0["type"] as? String == "start" && $0["cause"] as? String == "IT" })
        #expect(start["trigger_cause"] as? String == "IT")
        #expect(start["trigger_text"] as? String == "from the test")
        #expect(start["score"] as? Int == 77)
        #expect(start["name"] as? String == "Front door")
        let end = try #require(events.first { $0["type"] as? String == "end" && $0["event_id"] as? Int == start["event_id"] as? Int })
        #expect((end["duration"] as? Double ?? 0) > 0)
        let triggers = live.filter { $0.topic == "zm.monitor.1.trigger" }.compactMap { $0.body["state"] as? String }
        #expect(triggers.starts(with: ["ON", "CANCEL"]), "trigger changes: \(triggers)")
        let states = live.filter { $0.topic == "zm.monitor.1.state" && $0.header["refresh"] == nil }.compactMap { $0.body["state"] as? String }
        #expect(states.contains("ALARM"))
        let reasons = live.filter { $0.topic == "zm.monitor.2.liveness" }.compactMap { $0.body["reason"] as? String }
        #expect(reasons.contains("unavailable") && reasons.contains("recovered"), "monitor 2 restarts every 4 s; reasons: \(reasons)")
        #expect(live.contains { $0.header["refresh"] as? Bool == true }, "retained state is re-published")
    }

    @Test("a snapshot of many pages is exact too: snapshot 1 + live messages rebuild snapshot 2")
    func pagedClone() throws {
        let agent = try AgentProcess(toml: "[agent]\nrefresh_seconds = 1\n[demo]\nmonitors = 200\nrestart_seconds = 2\n")
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        let summary = try BusClient.collect(agent, ["--seconds", "4"])
        #expect(agent.terminate() == 0)
        #expect((summary["snapshot_items"] as? Int ?? 0) >= 800, "200 monitors × 4 retained topics: several 64 KiB pages")
        #expect(summary["snapshot_items_after_gseq"] as? Int == 0, "every page is as of the snapshot's gseq")
        #expect(summary["rebuilt_equals_snapshot2"] as? Bool == true, "mismatched: \(summary["mismatched_topics"] ?? "")")
        #expect(summary["duplicates"] as? Int == 0)
        #expect((summary["gaps"] as? [Any])?.isEmpty == true, "gaps: \(summary["gaps"] ?? "")")
    }

    @Test("malformed and disallowed control requests get error replies; the agent keeps answering")
    func badRequests() throws {
        let agent = try AgentProcess(toml: "[demo]\nmonitors = 1\n")
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        func code(_ frames: [String]) throws -> String? {
            let reply = try BusClient.request(agent.control, frames)
            guard reply.first == "ERR" else { return reply.first }
            return BusClient.object(reply[1])?["code"] as? String
        }
        #expect(try code(["TRIGGER", "1", "on"]) == "disabled")
        #expect(try code(["ACTION", "1", "reload"]) == "disabled")
        #expect(try code(["BOGUS"]) == "unknown_verb")
        #expect(try code([""]) == "bad_request")
        #expect(try code(["TRIGGER", "x", "on"]) == "bad_request")
        #expect(try code(["TRIGGER", "1", "sideways"]) == "bad_request")
        #expect(try code(["ACTION", "1", "explode"]) == "bad_request")
        #expect(try code(["SNAPSHOT", "a", "b"]) == "bad_request")
        #expect(try code(["PING", "extra"]) == "bad_request")
        #expect(try code(["PING"]) == "OK")
        let health = try BusClient.request(agent.control, ["HEALTH"])
        let object = try #require(BusClient.object(health.last ?? ""))
        #expect(object["control_rejected"] as? Int == 9)
        #expect(object["status"] as? String == "ok")
        #expect(agent.terminate() == 0)
    }

    @Test("a subscriber that never reads does not slow the poll loop; one that falls behind sees the gap in seq")
    func stuckAndSlowSubscribers() throws {
        let agent = try AgentProcess(toml: "[agent]\nfps_seconds = 0.02\nheartbeat_seconds = 0.5\n[demo]\nmonitors = 20\n[bus]\nsend_hwm = 5\n")
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        let stuck = Process()
        stuck.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        stuck.arguments = ["python3", BusClient.script, "stuck", "--pub", agent.pub, "--seconds", "60"]
        try stuck.run()
        defer { stuck.terminate() }
        let slow = try BusClient.collect(agent, ["--seconds", "3", "--pause", "4"])
        #expect(!((slow["gaps"] as? [Any])?.isEmpty ?? true), "a subscriber that paused 4 s (about 4000 messages) past 5-message HWMs must see gaps")
        let healthy = try BusClient.collect(agent, ["--seconds", "4", "--prefix", "agent."])
        let beats = BusClient.live(healthy).filter { $0.topic == "agent.heartbeat" }
        #expect(beats.count >= 6, "heartbeats every 0.5 s must keep coming while a subscriber is stuck; got \(beats.count)")
        #expect((healthy["gaps"] as? [Any])?.isEmpty == true)
        let health = try #require(BusClient.object(try BusClient.request(agent.control, ["HEALTH"]).last ?? ""))
        #expect(health["overruns"] as? Int == 0, "poll ticks ran late: \(health)")
        #expect(health["poll_late"] as? Bool == false)
        #expect((health["subscriptions"] as? Int ?? 0) >= 1)
        #expect(agent.terminate() == 0)
    }

    @Test("killed with SIGKILL and restarted: a new epoch, sequences restart, a subscriber resyncs from the snapshot")
    func killAndRestart() throws {
        let config = "[agent]\nheartbeat_seconds = 0.05\n[demo]\nmonitors = 2\n"
        let first = try AgentProcess(toml: config)
        let epoch1 = try first.waitReady()
        // Run long enough that a restarted count cannot be mistaken for a continued one.
        var gseqAtKill = 0
        _ = Peer.waitUntil(timeout: 20, every: 0.05) {
            gseqAtKill = BusClient.object((try? BusClient.request(first.control, ["PING"]))?.last ?? "")?["gseq"] as? Int ?? 0
            return gseqAtKill > 200
        }
        #expect(gseqAtKill > 200)
        first.kill9()
        let second = try AgentProcess(toml: config, directory: first.directory)
        defer { second.directory.cleanup() }
        let epoch2 = try second.waitReady()
        #expect(epoch1 != epoch2)
        let output = try Peer.run(Peer.lookout, ["sub", "--endpoint", second.pub, "--control", second.control, "--snapshot", "--json", "--count", "2"])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").compactMap { BusClient.object(String($0)) }
        let snapshot = lines.filter { $0["snapshot"] as? Bool == true }
        #expect(snapshot.count >= 7, "agent.info + 2 monitors × 3 retained topics")
        let headers = lines.compactMap { $0["header"] as? [String: Any] }
        #expect(headers.count == lines.count)
        for header in headers {
            #expect(header["epoch"] as? String == epoch2)
        }
        // agent.info is published once, at start: the first message of its topic and among the first of all.
        let info = try #require(snapshot.first { $0["topic"] as? String == "agent.info" }?["header"] as? [String: Any])
        #expect(info["seq"] as? Int == 1)
        #expect((info["gseq"] as? Int ?? .max) <= 20, "gseq restarts from 1 (it had reached \(gseqAtKill)): \(info)")
        #expect(second.terminate() == 0)
    }

    @Test("systemd: READY=1 with a STATUS line after the first poll, then WATCHDOG=1 at half of WATCHDOG_USEC")
    func systemdNotify() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let socketPath = directory.path + "/notify"
        let listener = try NotifyListener(path: socketPath)
        // WatchdogSec=2: keep-alives are due every second, and systemd kills the unit after two silent seconds.
        let agent = try AgentProcess(
            toml: "[demo]\nmonitors = 1\n", environment: ["NOTIFY_SOCKET": socketPath, "WATCHDOG_USEC": "2000000"], directory: directory)
        var received: [String] = []
        var watchdogTimes: [Double] = []
        let sawAll = Peer.waitUntil(timeout: 30, every: 0.01) {
            if let datagram = listener.receive() {
                received.append(datagram)
                if datagram == "WATCHDOG=1" { watchdogTimes.append(Double(DispatchTime.now().uptimeNanoseconds) / 1e9) }
            }
            return received.contains { $0.hasPrefix("READY=1") } && watchdogTimes.count >= 4
        }
        try #require(sawAll, "got \(received)")
        let gaps = zip(watchdogTimes.dropFirst(), watchdogTimes).map { $0 - $1 }
        // Sent at the first poll tick after each half-interval: not faster (a keep-alive per tick would be 0.1 s
        // apart; the mean is immune to one datagram read late), and never as late as the watchdog itself.
        let meanGap = (watchdogTimes.last! - watchdogTimes.first!) / Double(watchdogTimes.count - 1)
        #expect(meanGap >= 0.9, "keep-alives closer than half of WATCHDOG_USEC: \(gaps)")
        #expect(gaps.allSatisfy { $0 < 2.0 }, "a keep-alive came later than WATCHDOG_USEC (systemd would kill the agent): \(gaps)")
        let ready = try #require(received.first { $0.hasPrefix("READY=1") })
        #expect(ready.contains("STATUS=zm: 1 monitors"), "\(ready)")
        #expect(agent.terminate() == 0)
        _ = Peer.waitUntil(timeout: 5, every: 0.01) {
            if let datagram = listener.receive() { received.append(datagram) }
            return received.contains("STOPPING=1")
        }
        #expect(received.contains("STOPPING=1"))
    }
}

/// A datagram socket standing in for systemd's `$NOTIFY_SOCKET`.
final class NotifyListener {
    private let fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            path.utf8CString.withUnsafeBytes { buffer.copyBytes(from: $0.prefix(buffer.count - 1)) }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var timeout = timeval(tv_sec: 0, tv_usec: 10_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }
}
