import Foundation
import MariaDB
import Testing
import ZMConfig

/// The agent's own logs go where a ZoneMinder daemon's go (the peer's zm.conf: /var/log/zm, its MariaDB `Logs`),
/// and `zmlog` hands rows to the agent's socket. The agent follows the peer's segments (not the demo, which keeps its
/// logs to itself).
@Suite("agent logging through ZoneMinder's outputs", .serialized)
struct AgentLoggingTests {
    @Test("its lines reach <id>.log and Logs; zmlog's rows come through its socket; SIGHUP after a logrotate move continues in a new file")
    func agentLogsLikeZoneMinder() throws {
        try Peer.require()
        let id = "lookout_test_\(getpid())"
        let logFile = "/var/log/zm/\(id).log"
        defer { for path in [logFile, logFile + ".1"] { try? FileManager.default.removeItem(atPath: path) } }
        let directory = TemporaryDirectory()
        let socket = "\(directory.path)/log.sock"
        let agent = try AgentProcess(
            toml: "[bus]\nsocket_mode = \"0640\"\ngroup = \"www-data\"\n[log]\nid = \"\(id)\"\nsocket = \"\(socket)\"\n",
            arguments: [], directory: directory)
        defer { directory.cleanup() }
        let epoch = try agent.waitReady()
        // Who may connect to log.sock may write Logs rows under any Component: it is made like the bus sockets.
        var info = stat()
        #expect(stat(socket, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o640, "log.sock mode \(String(info.st_mode & 0o777, radix: 8))")
        #expect(info.st_gid == getgrnam("www-data")?.pointee.gr_gid, "log.sock group \(info.st_gid)")

        let ready = "ready epoch=\(epoch)"
        #expect(Peer.waitUntil(timeout: 10) { readText(logFile).contains(ready) }, "\(logFile): \(readText(logFile))")
        let line = try #require(readText(logFile).split(separator: "\n").first { $0.contains(ready) })
        // zmc's line shape: date time id[tid].INF-file/line [message]
        #expect(line.contains(" \(id)[") && line.contains("].INF-AgentLoop.swift/"), "\(line)")

        let marker = "handed to the agent \(UUID().uuidString)"
        let zmlog = try Peer.run(Peer.packageRoot + "/.build/debug/zmlog", ["--socket", socket, "--id", "lookout_test_zmlog", marker])
        #expect(zmlog.status == 0, "\(zmlog.stderr)")

        let database = try Peer.database()
        var rows: [[String?]] = []
        let found = try Peer.waitUntil(timeout: 15, every: 0.2) {
            rows = try database.connection.query(
                "SELECT Component, Code, Message FROM Logs WHERE (Component = ? AND Message LIKE CONCAT(?, '%')) OR Message = ?",
                [.text(id), .text(ready), .text(marker)])
            return rows.count == 2
        }
        #expect(found, "Logs rows: \(rows)")
        #expect(rows.contains { $0[0] == id && $0[1] == "INF" && $0[2]?.hasPrefix(ready) == true })
        #expect(rows.contains { $0 == ["lookout_test_zmlog", "INF", marker] })

        let health = BusClient.object(try BusClient.request(agent.control, ["HEALTH"]).last ?? "") ?? [:]
        let log = health["log"] as? [String: Any] ?? [:]
        #expect(log["file"] as? String == logFile)
        #expect((log["zmlog_socket"] as? [String: Any])?["received"] as? Int == 1, "\(log)")
        #expect((log["database"] as? [String: Any])?["connected"] as? Bool == true, "\(log)")

        // logrotate without copytruncate: move, then SIGHUP; later lines go to a new file, none is lost or doubled.
        // (SIGUSR1 logs a line; it is repeated because two signals may reach two threads in either order.)
        try FileManager.default.moveItem(atPath: logFile, toPath: logFile + ".1")
        kill(agent.process.processIdentifier, SIGHUP)
        #expect(Peer.waitUntil(timeout: 10, every: 0.5) {
            kill(agent.process.processIdentifier, SIGUSR1)
            return readText(logFile).contains("Logger - Level changed to")
        }, "new file: \(readText(logFile))")
        #expect(agent.process.isRunning, "SIGHUP must not end the agent")
        #expect(agent.terminate() == 0)
        #expect(readText(logFile).contains("stopped polls="))
        let lines = (readText(logFile + ".1") + readText(logFile)).split(separator: "\n")
        #expect(Set(lines).count == lines.count, "a line written twice")
        #expect(lines.contains { $0.contains(ready) })
    }
}

private func readText(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
