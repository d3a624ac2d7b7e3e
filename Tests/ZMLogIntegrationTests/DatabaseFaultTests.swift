import Foundation
import MariaDB
import Synchronization
import Testing
@testable import ZMLog

/// The database output against a real MariaDB that the test stops and restarts.
@Suite("Database faults (private MariaDB)", .serialized)
struct DatabaseFaultTests {
    func row(_ component: String, _ n: Int, size: Int = 0) -> LogsRow {
        LogsRow(
            timestamp: .now(), component: component, serverId: 0, pid: getpid(), level: 0, code: "INF",
            message: "row \(n)" + String(repeating: "x", count: size), file: "DatabaseFaultTests.swift", line: UInt16(n % 65536))
    }

    func writer(
        _ db: PrivateMariaDB, spool: String, limit: Int = 64 << 20, memoryLimit: Int = 8 << 20, problems: Problems
    ) -> DatabaseWriter {
        DatabaseWriter(
            options: DatabaseWriter.Options(
                settings: db.settings, spoolPaths: [spool], spoolLimitBytes: limit, memoryLimitBytes: memoryLimit, batchRows: 200,
                retryDelay: 0.05, maximumRetryDelay: 0.2),
            report: { problems.add($0) })
    }

    @Test func serverStoppedMidStreamAndRestartedEveryRowOnceInOrder() throws {
        let db = try PrivateMariaDB()
        let problems = Problems()
        let writer = writer(db, spool: db.directory.file("fault.spool"), problems: problems)
        let total = 6000
        for n in 0..<2000 { writer.enqueue(row("fault", n)) }
        #expect(waitUntil { writer.statistics.insertedRows > 0 })  // the stream is flowing
        db.stop()
        for n in 2000..<4000 { writer.enqueue(row("fault", n)) }  // returns at once: rows go to the spool
        #expect(waitUntil { problems.contains("unavailable") || problems.contains("Can't insert") })
        #expect(writer.spool.statistics.pendingRows > 0)
        try db.start()
        writer.retryNow()
        for n in 4000..<total { writer.enqueue(row("fault", n)) }
        #expect(writer.waitUntilDrained(timeout: 60))
        writer.close(drainTimeout: 5)
        let stored = try db.messages(component: "fault")
        #expect(stored.count == total, "duplicates: \(Dictionary(grouping: stored, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted())")
        #expect(stored == (0..<total).map { "row \($0)" })
        #expect(writer.statistics.insertedRows == total)
        #expect(writer.spool.statistics.droppedRows == 0)
        #expect(problems.contains("is back: replaying"))
    }

    @Test func spoolBoundDropsNewestCountsAndLeavesAWarningRow() throws {
        let db = try PrivateMariaDB()
        db.stop()
        let problems = Problems()
        let writer = writer(db, spool: db.directory.file("bound.spool"), limit: 32 << 10, memoryLimit: 16 << 10, problems: problems)
        for n in 0..<1000 { writer.enqueue(row("bound", n, size: 100)) }
        let dropped = writer.spool.statistics.droppedRows
        #expect(dropped > 0)
        #expect(problems.all.filter { $0.contains("full or unwritable") }.count == 1)
        try db.start()
        writer.retryNow()
        #expect(writer.waitUntilDrained(timeout: 60))
        writer.enqueue(row("bound", 5000))
        #expect(writer.waitUntilDrained(timeout: 60))
        writer.close(drainTimeout: 5)
        let messages = try db.messages(component: "bound")
        let kept = 1000 - dropped
        #expect(messages.count == kept + 2)
        #expect(Array(messages.prefix(kept)) == (0..<kept).map { "row \($0)" + String(repeating: "x", count: 100) })
        #expect(messages[kept].hasPrefix(
            "Log spool full or unwritable (32768 bytes) and memory queue full (16384 bytes): \(dropped) row(s) logged between TimeKey"))
        #expect(messages.last == "row 5000")
    }

    @Test func rowsLeftInTheSpoolAreSentByTheNextWriter() throws {
        let db = try PrivateMariaDB()
        db.stop()
        let problems = Problems()
        let spool = db.directory.file("handover.spool")
        let first = writer(db, spool: spool, problems: problems)
        for n in 0..<300 { first.enqueue(row("handover", n)) }
        first.close(drainTimeout: 0)
        #expect(first.spool.statistics.pendingRows == 300)
        try db.start()
        let second = writer(db, spool: spool, problems: problems)
        #expect(second.spool.statistics.pendingRows == 300)
        second.enqueue(row("handover", 300))
        #expect(second.waitUntilDrained(timeout: 60))
        second.close(drainTimeout: 5)
        #expect(try db.messages(component: "handover") == (0...300).map { "row \($0)" })
    }

    @Test func agentReceiverBatchesRowsFromZmlog() throws {
        let db = try PrivateMariaDB()
        let problems = Problems()
        let writer = writer(db, spool: db.directory.file("agent.spool"), problems: problems)
        let socket = db.directory.file("log.sock")
        let receiver = try LogSocketReceiver(path: socket, sink: writer)
        let conf = try ZMConfDirectory(socket: Paths.peerSocket)
        let result = try run(
            Paths.zmlog, ["--id", "agentrelay", "--conf-dir", conf.path, "first line", "via", "agent"],
            environment: ["LOOKOUT_LOG_SOCKET": socket, "LOG_FILE": db.directory.file("agentrelay.log"), "PATH": "/usr/bin:/bin"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = "a\nb\nc\n".data(using: .utf8)!
        let piped = try run(
            Paths.zmlog, ["--id", "agentrelay", "--conf-dir", conf.path, "--level", "WAR"],
            environment: ["LOOKOUT_LOG_SOCKET": socket, "LOG_FILE": db.directory.file("agentrelay.log")], stdin: lines)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(waitUntil { receiver.statistics.received == 4 })
        #expect(writer.waitUntilDrained(timeout: 60))
        receiver.stop()
        writer.close(drainTimeout: 5)
        #expect(try db.messages(component: "agentrelay") == ["first line via agent", "a", "b", "c"])
        let pids = try MariaDBConnection(db.settings).query("SELECT DISTINCT Pid FROM Logs WHERE Component = 'agentrelay' ORDER BY Id")
        #expect(pids.map { $0[0] } == [String(result.pid), String(piped.pid)])
    }
}

/// A zm.conf directory of the test's own, pointing at a given database socket and log directory.
final class ZMConfDirectory {
    let directory = TemporaryDirectory()
    var path: String { directory.path }

    init(socket: String, password: String = "zmpass", logs: String? = nil) throws {
        let text = """
            ZM_DB_HOST=localhost:\(socket)
            ZM_DB_NAME=zm
            ZM_DB_USER=zmuser
            ZM_DB_PASS=\(password)
            ZM_PATH_LOGS=\(logs ?? directory.file("logs"))
            """
        try text.write(toFile: directory.file("zm.conf"), atomically: true, encoding: .utf8)
        try? FileManager.default.createDirectory(atPath: logs ?? directory.file("logs"), withIntermediateDirectories: true)
    }
}
