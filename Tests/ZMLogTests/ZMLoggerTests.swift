import Foundation
import Glibc
import Synchronization
import Testing
import MariaDB
@testable import ZMLog
import ZMLogTestSupport

@Suite("Logger outputs, bad input, signals", .serialized)
struct ZMLoggerTests {
    init() { UTC.pinned }

    func configuration(_ dir: TemporaryDirectory, _ syslog: DatagramCapture? = nil, flavour: LogFlavour = .cpp) -> LogConfiguration {
        LogConfiguration(
            identity: LogIdentity("zmtest_m1", flavour: flavour), flavour: flavour, level: .info, fileLevel: .info,
            databaseLevel: .info, syslogLevel: syslog == nil ? .off : .warning, filePath: dir.file("zmtest_m1.log"),
            perlLocaleDates: false, syslogSocketPath: syslog?.path ?? "/nonexistent")
    }

    @Test func writesEveryOutputAtItsLevel() throws {
        let dir = TemporaryDirectory()
        let syslog = try DatagramCapture(path: dir.file("log.sock"))
        let sink = MemorySink()
        let logger = ZMLogger(configuration: configuration(dir, syslog), database: sink)
        logger.info("hello 100% [x]", file: "zmc.cpp", line: 216)
        logger.warning("careful", file: "zmc.cpp", line: 217)
        logger.debug(1, "not shown", file: "zmc.cpp", line: 218)
        logger.close()

        let lines = readText(dir.file("zmtest_m1.log")).split(separator: "\n").map { String($0).maskingTimeAndPid }
        #expect(lines == ["<time> zmtest_m1[<pid>].INF-zmc.cpp/216 [hello 100% [x]]", "<time> zmtest_m1[<pid>].WAR-zmc.cpp/217 [careful]"])
        #expect(sink.rows.map(\.code) == ["INF", "WAR"])
        #expect(sink.rows.map(\.message) == ["hello 100% [x]", "careful"])
        let datagram = try #require(syslog.next())
        #expect(datagram.hasPrefix("<140>"))
        #expect(datagram.hasSuffix(" zmtest_m1[\(getpid())]: WAR [zmtest_m1] [careful]"))
        #expect(syslog.next(timeout: 0.1) == nil)
    }

    @Test func unwritableLogDirectoryIsReportedOnTheOtherOutputs() throws {
        let dir = TemporaryDirectory()
        let syslog = try DatagramCapture(path: dir.file("log.sock"))
        var config = configuration(dir, syslog)
        config.filePath = dir.file("missing-directory/zmtest_m1.log")
        let problems = Mutex<[String]>([])
        let sink = MemorySink()
        let logger = ZMLogger(configuration: config, database: sink, problemHandler: { p in problems.withLock { $0.append(p) } })
        logger.error("first", file: "a.cpp", line: 1)
        logger.error("second", file: "a.cpp", line: 2)
        logger.close()
        let reported = problems.withLock { $0 }
        #expect(reported.count == 1)
        #expect(reported.first?.contains("fopen() for \(config.filePath), error = No such file or directory") == true)
        let datagrams = syslog.drain()
        #expect(datagrams.contains { $0.contains("ERR [zmtest_m1] [fopen() for") })
        #expect(datagrams.contains { $0.hasSuffix("[second]") })
        #expect(sink.rows.map(\.message).contains("second"))
    }

    @Test func fullDiskIsReportedOnceAndTheOtherOutputsContinue() throws {
        let dir = TemporaryDirectory()
        var config = configuration(dir)
        config.filePath = "/dev/full"
        let problems = Mutex<[String]>([])
        let sink = MemorySink()
        let logger = ZMLogger(configuration: config, database: sink, problemHandler: { p in problems.withLock { $0.append(p) } })
        for n in 0..<5 { logger.info("line \(n)", file: "a.cpp", line: n) }
        logger.close()
        let reported = problems.withLock { $0 }
        #expect(reported.count == 1)
        #expect(reported.first?.contains("No space left on device") == true)
        #expect(sink.rows.filter { $0.code == "INF" }.count == 5)
    }

    @Test func sighupDuringABurstLosesAndDuplicatesNothing() throws {
        let dir = TemporaryDirectory()
        let logger = ZMLogger(configuration: configuration(dir))
        logger.installSignalHandlers()
        let path = dir.file("zmtest_m1.log")
        let stop = Atomic<Bool>(false)
        let written = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
        let writer = Thread {
            defer { finished.store(true, ordering: .releasing) }
            var n = 0
            while !stop.load(ordering: .acquiring) || n < 1000 {
                logger.info("burst \(n)", file: "b.cpp", line: 1)
                n += 1
                written.store(n, ordering: .releasing)
            }
        }
        writer.start()
        let rotations = 3
        for rotation in 1...rotations {
            #expect(waitUntil { FileManager.default.fileExists(atPath: path) && written.load(ordering: .acquiring) > rotation * 500 })
            #expect(rename(path, path + ".\(rotation)") == 0)  // logrotate's move
            kill(getpid(), SIGHUP)
            // Reopening happens on the signal thread, then at the next line: a new file appears.
            #expect(waitUntil { FileManager.default.fileExists(atPath: path) })
        }
        stop.store(true, ordering: .releasing)
        #expect(waitUntil { finished.load(ordering: .acquiring) })
        logger.close()
        let count = written.load(ordering: .acquiring)
        var numbers: [Int] = []
        for file in (1...rotations).map({ path + ".\($0)" }) + [path] {
            let lines = readText(file).split(separator: "\n")
            #expect(!lines.isEmpty, "\(file) is empty")
            for line in lines { numbers.append(Int(line.split(separator: " ").last!.dropLast())!) }
        }
        #expect(numbers == Array(0..<count))
    }

    @Test func sigusr1RaisesAndSigusr2LowersTheLevel() throws {
        let dir = TemporaryDirectory()
        var config = configuration(dir)
        config.fileLevel = .debug(9)
        let logger = ZMLogger(configuration: config)
        logger.installSignalHandlers()
        let path = dir.file("zmtest_m1.log")
        logger.debug(1, "hidden")
        kill(getpid(), SIGUSR1)
        #expect(waitUntil { readText(path).contains("Logger - Level changed to 1]") })
        logger.debug(1, "shown")
        kill(getpid(), SIGUSR2)
        #expect(waitUntil { readText(path).contains("Logger - Level changed to 0]") })
        logger.debug(1, "hidden again")
        logger.close()
        let text = readText(path)
        #expect(text.contains("DB1-ZMLoggerTests.swift/") && text.contains("[shown]"))
        #expect(!text.contains("hidden"))
    }

    @Test func perlFlavourThroughTheLogger() throws {
        let dir = TemporaryDirectory()
        let syslog = try DatagramCapture(path: dir.file("log.sock"))
        let sink = MemorySink()
        let logger = ZMLogger(configuration: configuration(dir, syslog, flavour: .perl), database: sink)
        logger.log(.warning, "a warning\n", file: "zmtest.pl", line: 6, package: "main")
        logger.close()
        #expect(readText(dir.file("zmtest_m1.log")).maskingTimeAndPid == "<time> zmtest_m1[<pid>].WAR [main:6] [a warning]\n")
        #expect(try #require(syslog.next()).hasSuffix("zmtest_m1[\(getpid())]: WAR [a warning]\n"))
        #expect(sink.rows.first?.serverId == nil && sink.rows.first?.line == nil && sink.rows.first?.file == "zmtest.pl")
    }
}

@Suite("Logger with a database writer and no database")
struct LoggerWithoutDatabaseTests {
    init() { UTC.pinned }

    /// The spool filling up is reported from the writer thread, so a logger (which holds its lock while it hands
    /// the row over) does not deadlock on its own report.
    @Test func spoolBoundIsReportedOnTheFileWithoutDeadlock() throws {
        let dir = TemporaryDirectory()
        let reporter = ReportForwarder()
        let logging = DatabaseWriter(
            options: DatabaseWriter.Options(
                settings: MariaDBSettings(unixSocket: dir.file("no-server.sock"), user: "u", password: "p", database: "zm"),
                spoolPaths: [dir.file("x.spool")], spoolLimitBytes: 4096, memoryLimitBytes: 4096, retryDelay: 10),
            report: { reporter.forward($0) })
        let logger = ZMLogger(
            configuration: LogConfiguration(
                identity: LogIdentity("nodb"), fileLevel: .info, databaseLevel: .info, filePath: dir.file("nodb.log")),
            database: logging)
        reporter.logger = logger
        for n in 0..<200 { logger.info("line \(n) with some text to fill the spool quickly") }
        #expect(waitUntil { readText(dir.file("nodb.log")).contains("full or unwritable (limit 4096 bytes)") })
        #expect(waitUntil { readText(dir.file("nodb.log")).contains("unavailable") })
        #expect(logging.spool.statistics.droppedRows > 0)
        logger.close(drainTimeout: 0)
    }
}

final class ReportForwarder: @unchecked Sendable {
    // Set once before any report can arrive (the writer reports only after rows are logged).
    nonisolated(unsafe) var logger: ZMLogger?
    func forward(_ problem: String) { logger?.report(problem, excluding: .database) }
}
