import Foundation
import Testing

/// Verdicts produced by real faults, asserted through `lookout check` (exit code, summary line, perfdata) and HEALTH:
/// a stopped zmc of the peer, an invalid segment, a monitor with no segment, no monitor at all, a segment the reader
/// may not open, ZoneMinder's database unreachable, the zmlog socket removed, a check that hangs.
@Suite("health probes: verdicts from real faults", .serialized)
struct HealthProbeTests {
    static func check(_ arguments: [String], asNobody: Bool = false) throws -> Peer.Output {
        if asNobody {
            return try Peer.run("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", Peer.lookout, "check"] + arguments)
        }
        return try Peer.run(Peer.lookout, ["check"] + arguments)
    }

    static func summary(_ output: Peer.Output) -> String { String(output.stdout.split(separator: "\n").first ?? "") }

    static func health(_ agent: AgentProcess) throws -> [String: Any] {
        BusClient.object(try BusClient.request(agent.control, ["HEALTH"]).last ?? "") ?? [:]
    }

    static func monitorVerdict(_ health: [String: Any], _ id: Int) -> [String: Any]? {
        let monitors = health["monitors"] as? [[String: Any]] ?? []
        return monitors.first { $0["monitor_id"] as? Int == id }?["verdict"] as? [String: Any]
    }

    static func agentCheck(_ health: [String: Any], _ name: String) -> [String: Any]? {
        (health["agent"] as? [[String: Any]] ?? []).first { $0["check"] as? String == name }
    }

    /// A zmc of the peer stopped with SIGSTOP (never killed; SIGCONT in every case) goes past max_delay: the agent
    /// says hung, the plugin exits 2 with that reason; a direct read with --critical says so too; after SIGCONT, OK.
    @Test("a stopped zmc: CRITICAL hung, then OK once it runs again")
    func stoppedZmc() throws {
        try Peer.require()
        let pidText = try String(contentsOfFile: "/run/zm-peer/zmc-m1.pid", encoding: .utf8)
        let zmc = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        let agent = try AgentProcess(toml: "[health]\nmax_delay = 3\n", arguments: ["--map-dir", Peer.mapDirectory])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        #expect(Peer.waitUntil(timeout: 10, every: 0.2) { (try? Self.check(["--control", agent.control, "--monitor", "1"]))?.status == 0 })
        #expect(kill(zmc, SIGSTOP) == 0)
        var stopped = true
        defer { if stopped { kill(zmc, SIGCONT) } }
        var output: Peer.Output?
        #expect(Peer.waitUntil(timeout: 20, every: 0.25) {
            output = try? Self.check(["--control", agent.control, "--monitor", "1"])
            return output?.status == 2
        }, "\(output?.stdout ?? "")")
        let line = Self.summary(try #require(output))
        #expect(line.hasPrefix("LOOKOUT CRITICAL - peer-modect (1): heartbeat "), "\(line)")
        #expect(line.contains("over ZM_WATCH_MAX_DELAY 3 s: zmc is hung or stopped"), "\(line)")
        #expect(line.contains(" | 'monitors'=1;;;0 'monitors_ok'=0;;;0;1 '1 heartbeat_age'="), "\(line)")
        #expect(Self.monitorVerdict(try Self.health(agent), 1)?["code"] as? String == "hung")
        // Without the agent, the same zmc judged by a threshold on the heartbeat age.
        let direct = try Self.check(["--no-agent", "--monitor", "1", "--warning", "1", "--critical", "2"])
        #expect(direct.status == 2, "\(direct.stdout)")
        #expect(Self.summary(direct).contains("outside the critical range 2 (--no-agent: segments read directly)"), "\(direct.stdout)")
        #expect(direct.stdout.contains(";1;2;0"), "\(direct.stdout)")

        kill(zmc, SIGCONT)
        stopped = false
        #expect(Peer.waitUntil(timeout: 20, every: 0.25) {
            (try? Self.check(["--control", agent.control, "--monitor", "1"]))?.status == 0
        })
    }

    /// Copies of a live segment in a private map directory: one with `valid` cleared, one the check may not read.
    @Test("invalid segment, no segment, no monitor, permission denied (direct reads and the agent)")
    func segmentFaults() throws {
        try Peer.require()
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let map = directory.path + "/map"
        try FileManager.default.createDirectory(atPath: map, withIntermediateDirectories: true)
        chmod(directory.path, 0o755)
        chmod(map, 0o755)
        try Peer.freeze(1, into: map)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: map + "/zm.mmap.1"))
        #expect(bytes.count >= 80 && bytes.prefix(4) == Data([0xF8, 0x02, 0, 0]), "a 760-byte 1.36.33 SharedData")
        bytes[68] = 0  // SharedData.valid of the 760-byte layout (docs/zm-shm-layouts.md)
        try bytes.write(to: URL(fileURLWithPath: map + "/zm.mmap.1"))
        let common = ["--no-agent", "--no-database", "--map-dir", map]

        let invalid = try Self.check(common + ["--monitor", "1"])
        #expect(invalid.status == 2)
        #expect(Self.summary(invalid).hasPrefix(
            "LOOKOUT CRITICAL - monitor 1: shared data not valid (zmwatch's zmMemVerify fails) (--no-agent: segments read directly) | 'monitors'=1;;;0 'monitors_ok'=0;;;0;1 '1 heartbeat_age'="),
            "\(invalid.stdout)")

        let missing = try Self.check(common + ["--monitor", "9"])
        #expect(missing.status == 2)
        #expect(Self.summary(missing).hasPrefix("LOOKOUT CRITICAL - monitor 9: no segment: zmc is not running"), "\(missing.stdout)")
        #expect(Self.summary(missing).hasSuffix("| 'monitors'=1;;;0 'monitors_ok'=0;;;0;1"), "\(missing.stdout)")

        let empty = directory.path + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let none = try Self.check(["--no-agent", "--no-database", "--map-dir", empty])
        #expect(none.status == 2)
        #expect(Self.summary(none).hasPrefix("LOOKOUT CRITICAL - agent monitors: no monitor found: no zm.mmap.<id> in \(empty)"), "\(none.stdout)")

        // The agent on the same directory, following monitor 9 too: HEALTH says the same per monitor.
        let agent = try AgentProcess(
            toml: "[zoneminder]\nuse_database = false\nmonitors = [1, 9]\n", arguments: ["--map-dir", map], directory: TemporaryDirectory())
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        let health = try Self.health(agent)
        #expect(Self.monitorVerdict(health, 1)?["code"] as? String == "invalid", "\(health)")
        #expect(Self.monitorVerdict(health, 9)?["code"] as? String == "no_segment", "\(health)")
        #expect((health["verdict"] as? [String: Any])?["level"] as? String == "critical")
        #expect(health["status"] as? String == "degraded")
        let viaAgent = try Self.check(["--control", agent.control])
        #expect(viaAgent.status == 2)
        #expect(Self.summary(viaAgent).hasPrefix("LOOKOUT CRITICAL - monitor 1: shared data not valid (zmwatch's zmMemVerify fails); monitor 9: no segment"), "\(viaAgent.stdout)")

        // The segment goes away: no state next to a fresh-looking age; the age keeps growing from the last heartbeat.
        let before = (health["monitors"] as? [[String: Any]])?.first { $0["monitor_id"] as? Int == 1 }
        let ageBefore = try #require(before?["heartbeat_age"] as? Double)
        try FileManager.default.removeItem(atPath: map + "/zm.mmap.1")
        var gone: [String: Any]?
        #expect(Peer.waitUntil(timeout: 10, every: 0.1) {
            gone = (try? Self.health(agent)).flatMap { ($0["monitors"] as? [[String: Any]])?.first { $0["monitor_id"] as? Int == 1 } }
            return gone?["available"] as? Bool == false
        })
        #expect(gone?["state"] is NSNull, "\(gone ?? [:])")
        #expect(gone?["last_state"] is String, "\(gone ?? [:])")
        #expect((gone?["heartbeat_age"] as? Double ?? 0) > ageBefore, "\(gone ?? [:])")
        #expect((gone?["verdict"] as? [String: Any])?["code"] as? String == "no_segment", "\(gone ?? [:])")

        // Permission denied: a root-only copy read by `nobody` is UNKNOWN (the state could not be determined).
        try Peer.freeze(3, into: map)
        chmod(map + "/zm.mmap.3", 0o600)
        let denied = try Self.check(common + ["--monitor", "3"], asNobody: true)
        #expect(denied.status == 3, "\(denied.stdout) \(denied.stderr)")
        #expect(Self.summary(denied).hasPrefix("LOOKOUT UNKNOWN - monitor 3: cannot read the segment: "), "\(denied.stdout)")
        #expect(Self.summary(denied).contains("permission"), "\(denied.stdout)")
    }

    @Test("ZoneMinder's database unreachable, then the zmlog socket removed: WARNING naming each")
    func databaseAndZmlogSocket() throws {
        try Peer.require()
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let zm = directory.path + "/zm"
        try FileManager.default.createDirectory(atPath: zm + "/conf.d", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "/etc/zm/zm.conf", toPath: zm + "/zm.conf")
        for name in try FileManager.default.contentsOfDirectory(atPath: "/etc/zm/conf.d") where name.hasSuffix(".conf") {
            try FileManager.default.copyItem(atPath: "/etc/zm/conf.d/" + name, toPath: zm + "/conf.d/" + name)
        }
        let port = ClosedPort()
        try "ZM_DB_HOST=127.0.0.1:\(port.number)\n".write(toFile: zm + "/conf.d/99-zz-closed.conf", atomically: true, encoding: .utf8)
        let id = "lookout_health_\(getpid())"
        defer {
            for path in ["/var/log/zm/\(id).log", "/var/log/zm/spool/\(id).spool"] { try? FileManager.default.removeItem(atPath: path) }
        }
        let socket = directory.path + "/log.sock"
        let agent = try AgentProcess(
            toml: "[zoneminder]\nconfig_dir = \"\(zm)\"\n[log]\nid = \"\(id)\"\nsocket = \"\(socket)\"\n", arguments: [], directory: directory)
        defer { agent.terminate() }
        _ = try agent.waitReady()
        var output: Peer.Output?
        #expect(Peer.waitUntil(timeout: 15, every: 0.2) {
            output = try? Self.check(["--control", agent.control])
            return output.map { Self.summary($0).contains("agent database:") && Self.summary($0).contains("agent log:") } ?? false
        }, "\(output?.stdout ?? "")")
        #expect(output?.status == 1)
        let line = Self.summary(try #require(output))
        #expect(line.hasPrefix("LOOKOUT WARNING - agent database: ZoneMinder's database: "), "\(line)")
        #expect(line.contains("agent log: log database unreachable: "), "\(line)")
        #expect(line.contains("'monitors'=3;;;0"), "\(line)")
        let health = try Self.health(agent)
        #expect(Self.agentCheck(health, "database")?["code"] as? String == "database_unreachable")
        #expect(Self.agentCheck(health, "zmlog_socket")?["level"] as? String == "ok")

        try FileManager.default.removeItem(atPath: socket)
        // HEALTH answers from the last poll tick's facts (a reply is cached per tick): the removal shows from the next.
        var removed: Peer.Output?
        #expect(Peer.waitUntil(timeout: 15, every: 0.2) {
            removed = try? Self.check(["--control", agent.control])
            return removed.map { Self.summary($0).contains("agent zmlog_socket: the zmlog socket \(socket) was removed") } ?? false
        }, "\(removed?.stdout ?? "")")
        #expect(removed?.status == 1)
        #expect(Self.agentCheck(try Self.health(agent), "zmlog_socket")?["code"] as? String == "zmlog_socket_missing")
    }

    /// A database that accepts the connection and never speaks: the direct read would wait for the client library's
    /// own timeout; the plugin answers UNKNOWN at --timeout instead.
    @Test("a check that cannot finish in --timeout is UNKNOWN")
    func timeout() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let zm = directory.path + "/zm"
        try FileManager.default.createDirectory(atPath: zm, withIntermediateDirectories: true)
        let silent = try SilentListener()
        try "ZM_DB_HOST=127.0.0.1:\(silent.port)\nZM_DB_NAME=zm\nZM_DB_USER=zmuser\nZM_DB_PASS=x\n"
            .write(toFile: zm + "/zm.conf", atomically: true, encoding: .utf8)
        let output = try Self.check(["--no-agent", "--zm-config-dir", zm, "--timeout", "1"])
        #expect(output.status == 3)
        #expect(output.stdout == "LOOKOUT UNKNOWN - no result within the 1 s timeout (--timeout)\n")
    }

    @Test("no agent on the control socket: the check says so and reads the segments")
    func noAgent() throws {
        try Peer.require()
        let output = try Self.check(["--control", "ipc:///nonexistent/control", "--monitor", "1"])
        #expect(output.status == 0 || output.status == 2, "\(output.stdout)")
        #expect(Self.summary(output).contains("(no agent at /nonexistent/control: segments read directly)"), "\(output.stdout)")
    }
}

/// A loopback TCP port with nothing listening (bound, then closed).
struct ClosedPort {
    let number: Int
    init() {
        let listener = try? SilentListener()
        number = listener?.port ?? 1
    }
}

/// A loopback listener that never accepts: a client's connect completes in the backlog, then nothing is ever said.
final class SilentListener {
    let descriptor: Int32
    let port: Int
    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard bound == 0, listen(fd, 8) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }
    deinit { close(descriptor) }
}
