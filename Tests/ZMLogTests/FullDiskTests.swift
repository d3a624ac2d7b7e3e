import Foundation
import Glibc
import MariaDB
import Synchronization
import Testing
@testable import ZMLog
import ZMLogTestSupport

/// A full log disk (a small tmpfs of the test's own): the spool keeps rows in memory, in order; drops are noted once;
/// file lines are whole or absent.
@Suite("Full log disk", .serialized)
struct FullDiskTests {
    init() { UTC.pinned }

    func row(_ n: Int, size: Int = 40) -> LogsRow {
        LogsRow(
            timestamp: LogTimestamp(seconds: 1_700_000_000 + Int64(n), microseconds: 0), component: "zmdisk",
            serverId: 0, pid: 42, level: 0, code: "INF", message: "row \(n) " + String(repeating: "x", count: size),
            file: "f.swift", line: 1)
    }

    /// Takes every queued row, in batches, as the database writer does.
    func drain(_ spool: LogSpool, batchRows: Int = 7) -> [LogsRow] {
        var rows: [LogsRow] = []
        while !spool.isEmpty {
            let batch = spool.peek(maxRows: batchRows, maxBytes: 1 << 20)
            rows += batch.rows
            spool.commit(batch)
        }
        return rows
    }

    @Test("rows replay in append order across file, memory, a freed disk, a move into the file and a reopen")
    func spoolReplayKeepsAppendOrder() throws {
        let disk = try SmallDisk()
        let path = disk.file("order.spool")
        var spool = LogSpool(candidates: [path], limitBytes: 1 << 20, memoryLimitBytes: 1 << 20)
        for n in 0..<50 { #expect(spool.append(row(n)) == .queued) }
        disk.fill()
        var results = (50..<150).map { spool.append(row($0)) }
        // The file's last page may still take a few rows; then the file refuses and rows wait in memory.
        let intoLastPage = results.prefix { $0 == .queued }.count
        #expect(intoLastPage < 60)
        #expect(results.dropFirst(intoLastPage).first == .queuedInMemory(report: .writeFailed(errno: ENOSPC)))
        #expect(results.dropFirst(intoLastPage + 1).allSatisfy { $0 == .queuedInMemory(report: nil) })
        var replayed: [LogsRow] = []
        let firstBatch = spool.peek(maxRows: 30, maxBytes: 1 << 20)
        replayed += firstBatch.rows
        spool.commit(firstBatch)
        disk.free()
        // The disk has room again, but rows wait in memory: later rows must queue behind them, not jump ahead.
        results = (150..<200).map { spool.append(row($0)) }
        #expect(results.allSatisfy { $0 == .queuedInMemory(report: nil) })
        #expect(spool.moveMemoryToFile() == 150 - intoLastPage)
        #expect(spool.statistics.memoryRows == 0)
        for n in 200..<250 { #expect(spool.append(row(n)) == .queued) }
        spool.close()
        spool = LogSpool(candidates: [path], limitBytes: 1 << 20)  // the next writer replays what is left
        replayed += drain(spool)
        #expect(replayed.map(\.message) == (0..<250).map { row($0).message })
    }

    @Test("with the disk full and memory full, drops are reported once and one WAR row gives their count and times")
    func memoryBoundDropsAreNotedOnce() throws {
        let disk = try SmallDisk()
        let spool = LogSpool(candidates: [disk.file("drop.spool")], limitBytes: 1 << 20, memoryLimitBytes: 4096)
        disk.fill()
        let results = (0..<200).map { spool.append(row($0)) }
        let kept = results.filter { if case .dropped = $0 { false } else { true } }.count
        let dropped = 200 - kept
        #expect(kept > 0 && dropped > 0)
        #expect(results.prefix(kept).allSatisfy { if case .dropped = $0 { false } else { true } }, "drops start at the bound")
        #expect(results.filter { $0 == .queuedInMemory(report: .writeFailed(errno: ENOSPC)) }.count == 1)
        #expect(results.filter { $0 == .dropped(report: true) }.count == 1)
        #expect(spool.statistics.droppedRows == dropped)
        #expect(drain(spool).map(\.message) == (0..<kept).map { row($0).message })

        let next = spool.append(row(500))
        #expect(next == .queued || next == .queuedInMemory(report: nil), "same episode: not reported again")
        let after = drain(spool)
        #expect(after.count == 2)
        let note = try #require(after.first)
        #expect(note.code == "WAR" && note.level == -1 && note.component == "zmdisk")
        #expect(note.message == "Log spool full or unwritable (1048576 bytes) and memory queue full (4096 bytes): "
            + "\(dropped) row(s) logged between TimeKey \(row(kept).timestamp.timeKey) and \(row(199).timestamp.timeKey) were dropped")
        #expect(after.last == row(500))
    }

    @Test("rows still in memory at close (disk full, database away) are reported as lost, not lost silently")
    func memoryRowsLeftAtCloseAreReported() throws {
        let disk = try SmallDisk()
        let problems = Mutex<[String]>([])
        let writer = DatabaseWriter(
            options: DatabaseWriter.Options(
                settings: MariaDBSettings(unixSocket: disk.file("no-server.sock"), user: "u", password: "p", database: "zm"),
                spoolPaths: [disk.file("away.spool")], retryDelay: 10),
            report: { p in problems.withLock { $0.append(p) } })
        disk.fill()
        for n in 0..<100 { writer.enqueue(row(n)) }
        writer.close(drainTimeout: 0)
        let lost = writer.spool.statistics.memoryRows
        #expect(lost > 0)
        #expect(problems.withLock { $0 }.contains { $0.hasPrefix("\(lost) Logs row(s) lost at close") }, "\(problems.withLock { $0 })")
    }

    @Test("file lines are whole or absent on a full disk, and the failure is reported once while the disk flaps")
    func fileLinesAreWholeOnAFullDisk() throws {
        let disk = try SmallDisk(kilobytes: 64)
        let problems = Mutex<[String]>([])
        let sink = MemorySink()
        let logger = ZMLogger(
            configuration: LogConfiguration(
                identity: LogIdentity("zmdisk"), fileLevel: .info, databaseLevel: .info, filePath: disk.file("zmdisk.log")),
            database: sink, problemHandler: { p in problems.withLock { $0.append(p) } })
        // Lengths that do not divide a page, so a line crosses a page boundary when the disk fills.
        func burst(_ range: Range<Int>) {
            for n in range { logger.info("line \(n) " + String(repeating: "y", count: n % 97), file: "a.cpp", line: 1) }
        }
        burst(0..<2000)
        // Room again (the full file moved away and cut to half), then full again: one episode for the reports.
        let path = disk.file("zmdisk.log")
        let firstRound = readText(path)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".0")
        truncate(path + ".0", off_t(firstRound.utf8.count / 2))
        logger.reopen()
        burst(2000..<4000)
        logger.close()

        for text in [firstRound, readText(path)] {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.last == "", "the file ends inside a line")
            let written = lines.dropLast()
            #expect(written.count > 100 && written.count < 2000, "the disk was meant to fill")
            for line in written { #expect(isWholeCppLine(line), "torn: \(line)") }
            let numbers = written.compactMap { Int($0.split(separator: " ")[4]) }
            #expect(numbers == numbers.sorted() && Set(numbers).count == written.count)
        }
        #expect(sink.rows.filter { $0.code == "INF" }.count == 4000, "the database output gets every line")
        let reported = problems.withLock { $0 }
        #expect(reported.filter { $0.contains("No space left on device") }.count == 1, "\(reported)")
        #expect(!reported.contains { $0.contains("writable again") }, "\(reported)")
    }

    @Test("a log file moved away without a signal is noticed and a new one started")
    func movedFileIsReopenedWithoutASignal() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("zmmove.log")
        let logger = ZMLogger(configuration: LogConfiguration(identity: LogIdentity("zmmove"), filePath: path))
        var n = 0
        logger.info("line \(n)", file: "m.cpp", line: 1)
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        // Lines go to the moved file until the writer next checks the path (every second), then to a new file.
        let appeared = waitUntil(timeout: 30) {
            n += 1
            logger.info("line \(n)", file: "m.cpp", line: 1)
            return FileManager.default.fileExists(atPath: path)
        }
        #expect(appeared)
        logger.close()
        let lines = (readText(path + ".1") + readText(path)).split(separator: "\n")
        #expect(lines.map { $0.split(separator: " ").last! } == (0...n).map { Substring("\($0)]") })
        #expect(!readText(path).isEmpty)
    }

    @Test("the zmlog socket takes the mode it is given (the agent passes bus.socket_mode)")
    func receiverSocketMode() throws {
        let dir = TemporaryDirectory()
        for (name, mode) in [("default.sock", nil), ("owner.sock", 0o600 as UInt32)] {
            let receiver =
                try mode.map { try LogSocketReceiver(path: dir.file(name), mode: $0, sink: MemorySink()) }
                ?? LogSocketReceiver(path: dir.file(name), sink: MemorySink())
            var info = stat()
            #expect(stat(dir.file(name), &info) == 0)
            #expect(info.st_mode & 0o777 == mode_t(mode ?? 0o660))
            receiver.stop()
        }
    }
}
