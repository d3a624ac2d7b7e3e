import Foundation
import MariaDB
import Testing
import ZMConfig

/// One agent per runtime directory, and a demo that leaves nothing behind.
@Suite("runtime directory and demo", .serialized)
struct RuntimeDirectoryLockTests {
    @Test("a second agent on the same runtime directory exits non-zero naming the first one's pid; the first keeps serving")
    func secondAgentRefused() throws {
        try Peer.require()
        let first = try AgentProcess(arguments: [])
        defer { first.directory.cleanup() }
        _ = try first.waitReady()
        let socket = first.directory.path + "/log.sock"
        #expect(FileManager.default.fileExists(atPath: socket))

        let second = try AgentProcess(arguments: [], directory: first.directory)
        let exited = Peer.waitUntil(timeout: 15, every: 0.05) { !second.process.isRunning }
        if !exited { second.terminate() }
        #expect(exited, "the second agent kept running beside the first")
        let errors = String(decoding: second.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(second.process.terminationStatus != 0)
        #expect(errors.contains("pid \(first.process.processIdentifier)"), "\(errors)")

        // The first agent's sockets are still its own: PING on the control socket, zmlog rows on log.sock.
        #expect(try BusClient.request(first.control, ["PING"]).first == "OK")
        #expect(FileManager.default.fileExists(atPath: socket), "the second agent removed log.sock")
        let zmlog = try Peer.run(Peer.packageRoot + "/.build/debug/zmlog", ["--socket", socket, "--id", "lookout_lock_test", "still heard"])
        #expect(zmlog.status == 0, "\(zmlog.stderr)")
        var received: Int?
        #expect(Peer.waitUntil(timeout: 10, every: 0.1) {
            let health = BusClient.object((try? BusClient.request(first.control, ["HEALTH"]))?.last ?? "") ?? [:]
            received = ((health["log"] as? [String: Any])?["zmlog_socket"] as? [String: Any])?["received"] as? Int
            return received == 1
        }, "zmlog rows received by the first agent: \(String(describing: received))")
        #expect(first.terminate() == 0)
    }

    @Test("--demo writes no Logs rows and no file in /var/log/zm, and removes its directory when it stops")
    func demoStaysPrivate() throws {
        try Peer.require()
        let id = "lookout_demo_\(getpid())"
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let agent = try AgentProcess(
            toml: "[log]\nid = \"\(id)\"\nsocket = \"\(directory.path)/log.sock\"\n", arguments: ["--demo"], directory: directory)
        _ = try agent.waitReady()
        let health = BusClient.object(try BusClient.request(agent.control, ["HEALTH"]).last ?? "") ?? [:]
        let logFile = try #require((health["log"] as? [String: Any])?["file"] as? String, "\(health)")
        #expect(logFile.hasPrefix("/tmp/lookout-demo."), "\(logFile)")
        let demoDirectory = (logFile as NSString).deletingLastPathComponent
        #expect(FileManager.default.fileExists(atPath: demoDirectory + "/zm.mmap.1"))
        #expect(agent.terminate() == 0)

        #expect(!FileManager.default.fileExists(atPath: demoDirectory), "demo directory left behind")
        #expect(!FileManager.default.fileExists(atPath: "/var/log/zm/\(id).log"))
        let rows = try Peer.database().connection.query("SELECT COUNT(*) FROM Logs WHERE Component = ?", [.text(id)])
        #expect(rows == [["0"]])
    }
}
