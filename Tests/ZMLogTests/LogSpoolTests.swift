import Foundation
import Testing
@testable import ZMLog

@Suite("Spool and row codec")
struct LogSpoolTests {
    func row(_ n: Int, message: String? = nil) -> LogsRow {
        LogsRow(
            timestamp: LogTimestamp(seconds: 1_700_000_000 + Int64(n), microseconds: Int32(n % 1_000_000)),
            component: "zmtest", serverId: n % 2 == 0 ? nil : 3, pid: 42, level: Int8(n % 10) - 4, code: "INF",
            message: message ?? "message \(n) ünïcødé\nsecond line", file: n % 3 == 0 ? nil : "f.swift",
            line: n % 4 == 0 ? nil : UInt16(n % 65536))
    }

    @Test func codecRoundTrips() throws {
        for n in 0..<12 {
            let encoded = LogsRowCodec.encode(row(n))
            #expect(encoded.withUnsafeBytes { LogsRowCodec.decode($0) } == row(n))
            #expect(encoded.dropLast().withUnsafeBytes { LogsRowCodec.decode($0) } == nil)
        }
        let datagram = LogSocketProtocol.encode(row(1))
        #expect(datagram.withUnsafeBytes { LogSocketProtocol.decode($0) } == row(1))
    }

    @Test(arguments: [true, false]) func fifoOrderAcrossPeeksAndCommits(onDisk: Bool) throws {
        let dir = TemporaryDirectory()
        let spool = LogSpool(candidates: onDisk ? [dir.file("a.spool")] : [], limitBytes: 1 << 20)
        #expect((spool.path != nil) == onDisk)
        for n in 0..<1000 { #expect(spool.append(row(n)) == .queued) }
        var seen: [LogsRow] = []
        while !spool.isEmpty {
            let batch = spool.peek(maxRows: 64, maxBytes: 2048)
            #expect(!batch.rows.isEmpty)
            seen += batch.rows
            spool.commit(batch)
        }
        #expect(seen == (0..<1000).map { row($0) })
        #expect(spool.statistics.pendingBytes == 0)
    }

    @Test func survivesReopenAndCutsATornTail() throws {
        let dir = TemporaryDirectory()
        let path = dir.file("b.spool")
        do {
            let spool = LogSpool(candidates: [path], limitBytes: 1 << 20)
            for n in 0..<10 { spool.append(row(n)) }
            let batch = spool.peek(maxRows: 4, maxBytes: 1 << 20)
            spool.commit(batch)
        }
        // A crash mid-append leaves a partial record.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data([200, 0, 0, 0, 1, 2, 3]))
        try handle.close()

        let reopened = LogSpool(candidates: [path], limitBytes: 1 << 20)
        #expect(reopened.statistics.pendingRows == 6)
        reopened.append(row(10))
        let batch = reopened.peek(maxRows: 100, maxBytes: 1 << 20)
        #expect(batch.rows == (4...10).map { row($0) })
    }

    @Test func aSecondHolderGetsTheNextCandidate() throws {
        let dir = TemporaryDirectory()
        let first = LogSpool(candidates: [dir.file("x.spool"), dir.file("x.2.spool")], limitBytes: 1 << 20)
        let second = LogSpool(candidates: [dir.file("x.spool"), dir.file("x.2.spool")], limitBytes: 1 << 20)
        #expect(first.path == dir.file("x.spool"))
        #expect(second.path == dir.file("x.2.spool"))
    }

    @Test("rows left in <id>.<pid>.spool by an exited process are taken over; a living holder's are not")
    func orphanedSecondSpoolIsAdopted() throws {
        let dir = TemporaryDirectory()
        let candidates = [dir.file("x.spool"), dir.file("x.77.spool")]
        let first = LogSpool(candidates: candidates, limitBytes: 1 << 20)
        let second = LogSpool(candidates: candidates, limitBytes: 1 << 20)
        let living = LogSpool(candidates: [dir.file("x.88.spool")], limitBytes: 1 << 20)
        for n in 0..<3 { first.append(row(n)) }
        for n in 3..<8 { second.append(row(n)) }
        living.append(row(99))
        first.close()
        second.close()  // its 5 rows stay on disk, like a zmlog that gave up on the database

        let next = LogSpool(candidates: candidates, limitBytes: 1 << 20)
        let adopted = next.adoptOrphans()
        #expect(adopted.map(\.path) == [dir.file("x.77.spool")])
        #expect(adopted.map(\.rows) == [5])
        #expect(!FileManager.default.fileExists(atPath: dir.file("x.77.spool")))
        #expect(next.peek(maxRows: 100, maxBytes: 1 << 20).rows == (0..<8).map { row($0) })
        #expect(living.statistics.pendingRows == 1)
        #expect(next.adoptOrphans().isEmpty)
    }

    @Test func spoolNamesGiveDirectoryAndId() {
        #expect(LogSpool.spoolName("/var/log/zm/spool/zmc_m1.spool")! == ("/var/log/zm/spool", "zmc_m1"))
        #expect(LogSpool.spoolName("/s/zmc_m1.4711.spool")! == ("/s", "zmc_m1"))
        #expect(LogSpool.spoolName("/s/v1.2.spool")! == ("/s", "v1"))
        #expect(LogSpool.spoolName("/s/x.log") == nil)
    }

    @Test(arguments: [true, false]) func atTheBoundNewRowsAreDroppedCountedAndNoted(onDisk: Bool) throws {
        let dir = TemporaryDirectory()
        let spool = LogSpool(candidates: onDisk ? [dir.file("c.spool")] : [], limitBytes: 8192, memoryLimitBytes: 4096)
        var queued = 0
        var results: [LogSpool.AppendResult] = []
        for n in 0..<200 {
            let result = spool.append(row(n, message: String(repeating: "m", count: 100)))
            results.append(result)
            if case .dropped = result {} else { queued += 1 }
        }
        let dropped = 200 - queued
        #expect(dropped > 0)
        #expect(results.filter { $0 == .dropped(report: true) }.count == 1)
        #expect(results.filter { $0 == .queuedInMemory(report: .full) }.count == (onDisk ? 1 : 0))
        #expect(spool.statistics.droppedRows == dropped)
        #expect(spool.statistics.pendingBytes <= 8192 + (onDisk ? 4096 : 0))

        // Drain, then the next append first queues the note about the gap.
        while !spool.isEmpty { spool.commit(spool.peek(maxRows: 1000, maxBytes: 1 << 20)) }
        #expect(spool.append(row(500)) == .queued)
        let batch = spool.peek(maxRows: 10, maxBytes: 1 << 20)
        #expect(batch.rows.count == 2)
        let note = try #require(batch.rows.first)
        #expect(note.code == "WAR" && note.level == -1 && note.component == "zmtest")
        #expect(note.message.contains("\(dropped) row(s) logged between TimeKey \(row(queued).timestamp.timeKey) and \(row(199).timestamp.timeKey) were dropped"))
        #expect(batch.rows.last == row(500))
    }
}
