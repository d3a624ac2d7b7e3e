import Foundation
import SegmentFuzzing
import Testing
import ZMShm

/// `lookout run` and `lookout status` against a map directory a local user has planted files in.
/// The process timeouts below only stop a hung child so the test can fail; they are not performance limits.
@Suite("agent and CLI with a hostile map directory", .serialized)
struct AgentHostileMapTests {
    static let toml = """
        [agent]
        heartbeat_seconds = 0.25
        discovery_seconds = 0.2
        forget_missing_seconds = 1
        [zoneminder]
        use_database = false
        """

    /// A map directory under /dev/shm with monitor 1's well-formed segment.
    struct MapDirectory {
        let path = "/dev/shm/lookout-it-map-" + UUID().uuidString
        init() throws {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try Data(SegmentSeeds.seed(.zm136, imageBufferCount: 3)).write(to: URL(fileURLWithPath: file(1)))
        }
        func file(_ id: Int) -> String { "\(path)/zm.mmap.\(id)" }
        func cleanup() { try? FileManager.default.removeItem(atPath: path) }

        /// A FIFO, a good segment owned by nobody, a symlink to monitor 1's segment and a directory.
        func plant() throws {
            #expect(mkfifo(file(77), 0o666) == 0)
            try Data(SegmentSeeds.seed(.zm136, imageBufferCount: 3)).write(to: URL(fileURLWithPath: file(78)))
            #expect(chown(file(78), 65534, 65534) == 0)
            #expect(symlink(file(1), file(79)) == 0)
            #expect(mkdir(file(80), 0o755) == 0)
        }
    }

    /// SIGTERM, then SIGKILL if the agent is stuck (a poll thread blocked in `open` cannot stop): the test fails
    /// instead of hanging.
    @discardableResult
    static func stop(_ agent: AgentProcess) -> Int32? {
        agent.process.terminate()
        guard Peer.waitUntil(timeout: 10, { !agent.process.isRunning }) else {
            Issue.record("the agent did not stop on SIGTERM: \(agent.process.processIdentifier) is stuck")
            agent.kill9()
            return nil
        }
        return agent.terminate()
    }

    /// Waits for PING to be answered. Unlike `AgentProcess.waitReady`, a stuck agent is killed, not waited for.
    static func ready(_ agent: AgentProcess) -> Bool {
        Peer.waitUntil(timeout: 20, every: 0.1) { (try? BusClient.request(agent.control, ["PING"]))?.first == "OK" }
    }

    static func health(_ agent: AgentProcess) -> [String: Any]? {
        guard let reply = try? BusClient.request(agent.control, ["HEALTH"]), reply.first == "OK", reply.count > 1 else { return nil }
        return BusClient.object(reply[1])
    }

    static func monitors(_ health: [String: Any]?) -> [Int: [String: Any]] {
        var byID: [Int: [String: Any]] = [:]
        for monitor in health?["monitors"] as? [[String: Any]] ?? [] {
            if let id = monitor["monitor_id"] as? Int { byID[id] = monitor }
        }
        return byID
    }

    @Test("a FIFO, a stranger's file, a symlink and a directory: the agent keeps its heartbeat, answers PING and HEALTH, and names each refusal")
    func agentSurvivesPlantedFiles() throws {
        try #require(geteuid() == 0, "needs root to give a file to nobody")
        let map = try MapDirectory()
        defer { map.cleanup() }
        try map.plant()
        let agent = try AgentProcess(toml: Self.toml, arguments: ["--map-dir", map.path])
        defer { Self.stop(agent); agent.directory.cleanup() }
        try #require(Self.ready(agent), "the agent never answered PING")

        let summary = try BusClient.collect(agent, ["--seconds", "3", "--prefix", "agent.heartbeat"])
        let heartbeats = BusClient.live(summary).filter { $0.topic == "agent.heartbeat" }.count
        #expect(heartbeats >= 6, "a heartbeat every 0.25 s for 3 s; got \(heartbeats)")
        #expect(try BusClient.request(agent.control, ["PING"]).first == "OK")

        let monitors = Self.monitors(Self.health(agent))
        #expect(monitors[1]?["available"] as? Bool == true, "the real segment is still followed")
        let expected = [77: "FIFO", 78: "nobody", 79: "symbolic link", 80: "directory"]
        for (id, word) in expected {
            let error = monitors[id]?["error"] as? String ?? "no error for monitor \(id)"
            #expect(error.contains(word), "monitor \(id): \(error)")
            #expect(monitors[id]?["available"] as? Bool == false)
        }
        #expect(Self.stop(agent) == 0)
    }

    @Test("with ZoneMinder's database: a stranger's file, a FIFO or a link for an id without a Monitors row is ignored, not UNKNOWN")
    func plantedFilesWithoutRowsDoNotMoveTheVerdict() throws {
        try #require(geteuid() == 0, "needs root to give a file to nobody")
        let map = try MapDirectory()
        defer { map.cleanup() }
        try map.plant()
        // The peer's database (the default zm.conf) has rows for monitors 1–3 only.
        let agent = try AgentProcess(toml: "[agent]\ndiscovery_seconds = 0.2\n", arguments: ["--map-dir", map.path])
        defer { Self.stop(agent); agent.directory.cleanup() }
        try #require(Self.ready(agent), "the agent never answered PING")

        var monitors: [Int: [String: Any]] = [:]
        let ignored = Peer.waitUntil(timeout: 20, every: 0.2) {
            monitors = Self.monitors(Self.health(agent))
            return [77, 78, 79].allSatisfy { ((monitors[$0]?["verdict"] as? [String: Any])?["code"] as? String) == "not_zoneminder" }
        }
        for id in [77, 78, 79] {
            let verdict = monitors[id]?["verdict"] as? [String: Any]
            #expect(ignored && verdict?["level"] as? String == "ok", "monitor \(id): \(String(describing: verdict))")
        }
        // Monitor 1 has a Monitors row: its file, ZoneMinder's or not, is judged as before.
        let one = monitors[1]?["verdict"] as? [String: Any]
        #expect(one?["code"] as? String != "not_zoneminder", "monitor 1: \(String(describing: one))")
        #expect(Self.stop(agent) == 0)
    }

    @Test("each refused file is logged once per change of its error, not once per poll")
    func refusalsAreLoggedOncePerChange() throws {
        try Peer.require()
        let map = try MapDirectory()
        defer { map.cleanup() }
        try map.plant()
        let id = "lookout_hostile_\(getpid())"
        let logFile = "/var/log/zm/\(id).log"
        defer { try? FileManager.default.removeItem(atPath: logFile) }
        // Its own zmlog socket: the default one would lock /run/lookout, which another agent on this machine may hold.
        let directory = TemporaryDirectory()
        let agent = try AgentProcess(
            toml: Self.toml + "\n[log]\nid = \"\(id)\"\nsocket = \"\(directory.path)/log.sock\"\n", arguments: ["--map-dir", map.path],
            directory: directory)
        defer { Self.stop(agent); agent.directory.cleanup() }
        try #require(Self.ready(agent), "the agent never answered PING")
        func log() -> String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }
        func refusals(_ name: String) -> [Substring] {
            log().split(separator: "\n").filter { $0.contains("segment refused") && $0.contains("/\(name) ") }
        }
        #expect(Peer.waitUntil(timeout: 10) { refusals("zm.mmap.77").count == 1 }, "\(log())")
        // 40 polls at 10 Hz: 4 s in which the FIFO's refusal could have been logged 40 times (or after each retry).
        let polls = Self.health(agent)?["polls"] as? Int ?? 0
        #expect(Peer.waitUntil(timeout: 20) { (Self.health(agent)?["polls"] as? Int ?? 0) >= polls + 40 })
        for name in ["zm.mmap.77", "zm.mmap.78", "zm.mmap.79", "zm.mmap.80"] {
            #expect(refusals(name).count == 1, "\(name): \(refusals(name))")
        }
        // A change (the FIFO replaced by a directory) is a new reason: logged once more.
        unlink(map.file(77))
        #expect(mkdir(map.file(77), 0o755) == 0)
        #expect(Peer.waitUntil(timeout: 10) { refusals("zm.mmap.77").count == 2 }, "\(refusals("zm.mmap.77"))")
        #expect(Self.stop(agent) == 0)
    }

    @Test("lookout status returns promptly and names each refused file")
    func statusSurvivesPlantedFiles() throws {
        try #require(geteuid() == 0, "needs root to give a file to nobody")
        let map = try MapDirectory()
        defer { map.cleanup() }
        try map.plant()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Peer.lookout)
        process.arguments = ["status", "--map-dir", map.path, "--no-database"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let finished = Peer.waitUntil(timeout: 20) { !process.isRunning }
        if !finished { process.terminate() }
        #expect(finished, "lookout status hung on the planted files")
        process.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        for word in ["FIFO", "nobody", "symbolic link", "directory"] {
            #expect(text.contains(word), "status output names the \(word): \(text)")
        }
    }

    @Test("garbage segments that were deleted are dropped after the grace")
    func ghostMonitorsAreDropped() throws {
        let map = try MapDirectory()
        defer { map.cleanup() }
        let garbage = 101...120
        for id in garbage {
            try Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ id) }).write(to: URL(fileURLWithPath: map.file(id)))
        }
        let agent = try AgentProcess(toml: Self.toml, arguments: ["--map-dir", map.path])
        defer { Self.stop(agent); agent.directory.cleanup() }
        try #require(Self.ready(agent), "the agent never answered PING")
        #expect(Peer.waitUntil(timeout: 20) { Self.monitors(Self.health(agent)).count == 21 }, "every file is followed")
        for id in garbage { unlink(map.file(id)) }
        let dropped = Peer.waitUntil(timeout: 20) { Set(Self.monitors(Self.health(agent)).keys) == [1] }
        #expect(dropped, "left: \(Self.monitors(Self.health(agent)).keys.sorted())")
        #expect(Self.health(agent)?["status"] as? String != nil)
        #expect(Self.stop(agent) == 0)
    }
}
