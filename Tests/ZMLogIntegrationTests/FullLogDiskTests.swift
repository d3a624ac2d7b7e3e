import Foundation
import Glibc
import MariaDB
import Testing
@testable import ZMLog
import ZMLogTestSupport

/// A full log disk (a small tmpfs as ZM_PATH_LOGS, the spool on it too) while MariaDB is up.
@Suite("Full log disk with the database up", .serialized)
struct FullLogDiskTests {
    @Test("zmlog: 20 000 lines on a full log disk all reach Logs, in order; file lines are whole; each problem said once")
    func zmlogLosesNoRowOnAFullLogDisk() throws {
        try PeerDatabase.require()
        let disk = try SmallDisk(kilobytes: 256)
        let conf = try ZMConfDirectory(socket: Paths.peerSocket, logs: disk.path)
        let id = "zmlogdisk_" + String(UUID().uuidString.prefix(6)).lowercased()
        let sent = 20_000
        let lines = (0..<sent).map { "line \($0) " + String(repeating: "z", count: $0 % 89) }
        let result = try run(
            Paths.zmlog, ["--id", id, "--no-agent", "--conf-dir", conf.path],
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8))

        let stored = try PeerDatabase.connect().query(
            "SELECT Message FROM Logs WHERE Component = ? AND Code = 'INF' ORDER BY Id", [.text(id)]).map { $0[0] ?? "" }
        print("figure: full log disk: \(sent) rows sent, \(stored.count) in Logs; stderr: \(result.stderr)")
        #expect(stored.count == sent)
        #expect(stored == lines)
        let file = readText(disk.file("\(id).log"))
        let written = file.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(written.last == "", "the file ends inside a line")
        #expect(written.count > 1 && written.count < sent, "the disk was meant to fill")
        for line in written.dropLast() { #expect(isWholeCppLine(line), "torn: \(line)") }
        // One report per problem, not per gap: the file's, and the spool's (rows waited in memory instead).
        let reports = result.stderr.split(separator: "\n")
        #expect(reports.filter { $0.contains("write() to \(disk.file("\(id).log")) failed") }.count == 1, "\(result.stderr)")
        #expect(reports.filter { $0.contains("log spool") }.count <= 1, "\(result.stderr)")
        #expect(!result.stderr.contains("dropped") && !result.stderr.contains("lost:"), "\(result.stderr)")
        #expect(result.status == 1, "file lines were lost, which zmlog must say")
    }

    @Test("rows dropped beyond the memory bound are counted in one WAR row and reported once")
    func droppedRowsLeaveOneWarningRow() throws {
        let db = try PrivateMariaDB()
        let disk = try SmallDisk(kilobytes: 256)
        let problems = Problems()
        let writer = DatabaseWriter(
            options: DatabaseWriter.Options(
                settings: db.settings, spoolPaths: [disk.file("drops.spool")], memoryLimitBytes: 4096, batchRows: 200,
                retryDelay: 0.05, maximumRetryDelay: 0.2),
            report: { problems.add($0) })
        func row(_ n: Int) -> LogsRow {
            LogsRow(
                timestamp: .now(), component: "drops", serverId: 0, pid: getpid(), level: 0, code: "INF",
                message: "row \(n)", file: "FullLogDiskTests.swift", line: 1)
        }
        writer.enqueue(row(0))
        #expect(writer.waitUntilDrained(timeout: 60))  // connected
        disk.fill()
        // Another session holds the table, so the writer cannot empty memory during the burst: one run of drops.
        let lock = try MariaDBConnection(
            MariaDBSettings(unixSocket: db.socket, user: "root", password: "", database: "zm"))
        _ = try lock.query("LOCK TABLES Logs WRITE")
        let sent = 2000
        for n in 1...sent { writer.enqueue(row(n)) }
        let dropped = writer.spool.statistics.droppedRows
        _ = try lock.query("UNLOCK TABLES")
        #expect(writer.waitUntilDrained(timeout: 60))
        writer.enqueue(row(sent + 1))
        #expect(writer.waitUntilDrained(timeout: 60))
        writer.close(drainTimeout: 5)

        let messages = try db.messages(component: "drops")
        let kept = sent - dropped
        print("figure: memory bound 4096 bytes: \(sent) rows in a burst, \(kept) kept, \(dropped) dropped and noted")
        #expect(dropped > 0 && kept > 0)
        #expect(Array(messages.prefix(kept + 1)) == (0...kept).map { "row \($0)" })
        let notes = messages.filter { $0.hasPrefix("Log spool full or unwritable") }
        #expect(notes.count == 1)
        #expect(notes.first?.contains(": \(dropped) row(s) logged between TimeKey") == true, "\(notes)")
        #expect(messages.count == kept + 3 && messages.last == "row \(sent + 1)")
        #expect(problems.all.filter { $0.contains("cannot take rows") }.count == 1, "\(problems.all)")
        #expect(problems.all.filter { $0.contains("dropping new database rows") }.count == 1, "\(problems.all)")
    }
}
