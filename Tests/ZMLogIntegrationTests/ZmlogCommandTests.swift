import Foundation
import MariaDB
import Glibc
import Testing

/// The `zmlog` binary as a script sees it: exit status, stderr, and what lands in the outputs.
@Suite("zmlog command", .serialized)
struct ZmlogCommandTests {
    func id() -> String { "zmlogit_" + String(UUID().uuidString.prefix(6)).lowercased() }

    func baseEnvironment(_ extra: [String: String]) -> [String: String] {
        var env = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        env.merge(extra) { _, new in new }
        return env
    }

    @Test func logsToFileAndDatabaseAndExitsZero() throws {
        try PeerDatabase.require()
        let conf = try ZMConfDirectory(socket: Paths.peerSocket)
        let id = id()
        let result = try run(
            Paths.zmlog, ["--id", id, "--level", "WAR", "--file", "backup.sh", "--line", "12", "--no-agent", "--conf-dir", conf.path, "disk", "almost", "full"],
            environment: baseEnvironment([:]))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let line = readText(conf.directory.file("logs/\(id).log"))
        #expect(line.maskingTimeAndPid == "<time> \(id)[<pid>].WAR-backup.sh/12 [disk almost full]\n")
        let rows = try PeerDatabase.connect().query(
            "SELECT ServerId, Pid, Level, Code, Message, File, Line FROM Logs WHERE Component = ?", [.text(id)])
        #expect(rows == [["0", String(result.pid), "-1", "WAR", "disk almost full", "backup.sh", "12"]])
        // A drained spool leaves no file behind.
        #expect(!FileManager.default.fileExists(atPath: conf.directory.file("logs/spool/\(id).spool")))
    }

    @Test func stdinLinesNonUTF8AndPerlFlavour() throws {
        try PeerDatabase.require()
        let conf = try ZMConfDirectory(socket: Paths.peerSocket)
        let id = id()
        var input = Data("first\nsecond \u{FC}\n".utf8)
        input.append(contentsOf: [0x62, 0x61, 0x64, 0xFF, 0x0A])  // "bad\xFF\n"
        let result = try run(
            Paths.zmlog, ["--id", id, "--flavour", "perl", "--file", "hook.py", "--line", "7", "--no-agent", "--conf-dir", conf.path],
            environment: baseEnvironment([:]), stdin: input)
        #expect(result.status == 1)
        #expect(result.stderr == "zmlog: stdin line 3: bytes that are not UTF-8 were replaced by U+FFFD\n")
        let lines = readText(conf.directory.file("logs/\(id).log")).split(separator: "\n").map { String($0).maskingTimeAndPid }
        #expect(lines == ["<time> \(id)[<pid>].INF [main:7] [first]", "<time> \(id)[<pid>].INF [main:7] [second ü]", "<time> \(id)[<pid>].INF [main:7] [bad\u{FFFD}]"])
        let rows = try PeerDatabase.connect().query("SELECT ServerId, Message, File, Line FROM Logs WHERE Component = ? ORDER BY Id", [.text(id)])
        #expect(rows == [[nil, "first", "hook.py", nil], [nil, "second ü", "hook.py", nil], [nil, "bad\u{FFFD}", "hook.py", nil]])
    }

    @Test func zmFatalExits255AndPanicAbortsAfterFlushingEveryOutput() throws {
        try PeerDatabase.require()
        let conf = try ZMConfDirectory(socket: Paths.peerSocket)
        let id = id()
        let fatal = try run(
            Paths.zmlog, ["--id", id, "--level", "FAT", "--zm-fatal", "--no-agent", "--conf-dir", conf.path, "fatal now"],
            environment: baseEnvironment([:]))
        #expect(fatal.status == 255)
        let panic = try run(
            Paths.zmlog, ["--id", id, "--level", "PNC", "--zm-fatal", "--no-agent", "--conf-dir", conf.path, "panic now"],
            environment: baseEnvironment([:]))
        #expect(panic.status == SIGABRT)  // Process reports the signal number for an uncaught signal
        let lines = readText(conf.directory.file("logs/\(id).log"))
        #expect(lines.contains(".FAT-") && lines.contains("[fatal now]") && lines.contains(".PNC-") && lines.contains("[panic now]"))
        // The rows were flushed before the exit (ZoneMinder 1.36's C++ logger can lose them).
        let rows = try PeerDatabase.connect().query("SELECT Level, Code, Message FROM Logs WHERE Component = ? ORDER BY Id", [.text(id)])
        #expect(rows == [["-3", "FAT", "fatal now"], ["-4", "PNC", "panic now"]])
    }

    @Test func unknownLevelIsAUsageError() throws {
        let result = try run(Paths.zmlog, ["--level", "DBG", "hello"], environment: baseEnvironment([:]))
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown level 'DBG': use PNC, FAT, ERR, WAR, INF or DB1…DB9"))
        let flavour = try run(Paths.zmlog, ["--flavour", "php", "hello"], environment: baseEnvironment([:]))
        #expect(flavour.status == 64)
        #expect(flavour.stderr.contains("unknown flavour 'php'"))
    }

    @Test func helpHasExamples() throws {
        let result = try run(Paths.zmlog, ["--help"], environment: baseEnvironment([:]))
        #expect(result.status == 0)
        #expect(result.stdout.contains("Examples:"))
        #expect(result.stdout.contains("some-command 2>&1 | zmlog --id mycron --level WAR"))
    }

    @Test func missingZmConfStillWritesTheFile() throws {
        let dir = TemporaryDirectory()
        let result = try run(
            Paths.zmlog, ["--id", "noconf", "--conf-dir", dir.file("nowhere"), "still logged"],
            environment: baseEnvironment(["LOG_FILE": dir.file("noconf.log")]))
        #expect(result.status == 1)
        #expect(result.stderr.contains("zm.conf not found"))
        // --file defaults to the calling program's name (here the test runner).
        let line = readText(dir.file("noconf.log"))
        #expect(line.contains(" noconf[\(result.pid)].INF-") && line.hasSuffix("/0 [still logged]\n"))
    }

    @Test func wrongDatabasePasswordKeepsTheOtherOutputs() throws {
        try PeerDatabase.require()
        let conf = try ZMConfDirectory(socket: Paths.peerSocket, password: "wrong")
        let id = id()
        let spool = TemporaryDirectory()
        let result = try run(
            Paths.zmlog, ["--id", id, "--no-agent", "--conf-dir", conf.path, "--drain-timeout", "0", "kept"],
            environment: baseEnvironment(["LOOKOUT_LOG_SPOOL_DIR": spool.path]))
        #expect(result.status == 1)
        #expect(result.stderr.contains("Access denied for user 'zmuser'"))
        #expect(result.stderr.contains("1 Logs row(s) wait in \(spool.file("\(id).spool"))"))
        #expect(readText(conf.directory.file("logs/\(id).log")).contains("[kept]"))
        // The row waits in the spool; with the right password the next zmlog for this id sends it first.
        let fixed = try ZMConfDirectory(socket: Paths.peerSocket, logs: conf.directory.file("logs"))
        let again = try run(
            Paths.zmlog, ["--id", id, "--no-agent", "--conf-dir", fixed.path, "next"],
            environment: baseEnvironment(["LOOKOUT_LOG_SPOOL_DIR": spool.path]))
        #expect(again.status == 0, "\(again.stderr)")
        let rows = try PeerDatabase.connect().query("SELECT Message FROM Logs WHERE Component = ? ORDER BY Id", [.text(id)])
        #expect(rows.map { $0[0] } == ["kept", "next"])
    }

    @Test func unwritableLogDirectoryIsReportedAndTheDatabaseStillGetsTheRow() throws {
        try PeerDatabase.require()
        let conf = try ZMConfDirectory(socket: Paths.peerSocket, logs: "/proc/zmlog-no-such-dir")
        let id = id()
        let spool = TemporaryDirectory()
        let result = try run(
            Paths.zmlog, ["--id", id, "--level", "ERR", "--no-agent", "--conf-dir", conf.path, "nowhere to write"],
            environment: baseEnvironment(["LOOKOUT_LOG_SPOOL_DIR": spool.path]))
        #expect(result.status == 1)
        #expect(result.stderr.contains("zmlog: fopen() for /proc/zmlog-no-such-dir/\(id).log, error = No such file or directory"))
        let rows = try PeerDatabase.connect().query("SELECT Code, Message FROM Logs WHERE Component = ? ORDER BY Id", [.text(id)])
        #expect(rows.contains(["ERR", "nowhere to write"]))
        #expect(rows.contains { $0[1]?.hasPrefix("fopen() for /proc/zmlog-no-such-dir") == true })
    }
}
