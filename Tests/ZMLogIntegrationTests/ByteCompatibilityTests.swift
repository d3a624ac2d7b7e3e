import Foundation
import MariaDB
import Testing
@testable import ZMLog
import ZMLogTestSupport

/// The same messages through ZoneMinder's own loggers (C++ in `zmu`, Perl `ZoneMinder::Logger`) and through ours,
/// with the real /etc/zm configuration and the peer's database: file lines, syslog datagrams and `Logs` rows must be
/// equal except for time and pid/tid.
@Suite("Byte compatibility with ZoneMinder 1.36's loggers", .serialized)
struct ByteCompatibilityTests {
    struct ParsedLine {
        let level: LogLevel
        let location: String  // C++ "file/line"; Perl "package:line"
        let message: String
    }

    /// `<date> <time> <id>[<pid>].<CODE>-<file>/<line> [<msg>]` or `… .<CODE> [<pkg>:<line>] [<msg>]`.
    static func parse(_ line: String, flavour: LogFlavour) throws -> ParsedLine {
        let pattern =
            flavour == .cpp
            ? #"^\S+ \S+ \S+\[\d+\]\.(\w{3})-(\S+/\d+) \[(.*)\]$"# : #"^\S+ \S+ \S+\[\d+\]\.(\w{3}) \[(\S+:\d+)\] \[(.*)\]$"#
        let regex = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        let range = NSRange(line.startIndex..., in: line)
        guard let match = regex.firstMatch(in: line, range: range) else { throw Failure("unparsable ZoneMinder line: \(line)") }
        let group = { (n: Int) in String(line[Range(match.range(at: n), in: line)!]) }
        return ParsedLine(level: LogLevel(parsing: group(1))!, location: group(2), message: group(3))
    }

    func rows(_ connection: MariaDBConnection, component: String, pid: Int32) throws -> [[String?]] {
        try connection.query(
            "SELECT Component, ServerId, Level, Code, Message, File, Line FROM Logs WHERE Component = ? AND Pid = ? ORDER BY Id",
            [.text(component), .int(Int64(pid))])
    }

    func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("LOG_") { env[key] = nil }
        env.merge(extra) { _, new in new }
        return env
    }

    @Test func cppFlavourMatchesZmu() throws {
        try PeerDatabase.require()
        let dir = TemporaryDirectory()
        let syslog = try SystemLogCapture()
        let monitor = String(900 + Int.random(in: 0..<99))
        let zmu = try syslog.run("/usr/bin/zmu", ["-m", monitor, "-s"], environment: environment(["LOG_FILE": dir.file("zmu.log")]))
        #expect(zmu.status == 255)
        let theirLines = readText(dir.file("zmu.log")).split(separator: "\n").map(String.init)
        #expect(theirLines.count == 3, "zmu wrote: \(theirLines)")
        let theirSyslog = syslog.capture.drain().filter { $0.contains("zmu[\(zmu.pid)]") }

        // Ours: same id, same resolution from /etc/zm + Config + environment, same messages, file and line.
        let setup = ZoneMinderLogSetup(
            id: "zmu", environment: environment(["LOG_FILE": dir.file("ours.log")]), stderrIsTTY: false,
            spoolDirectory: dir.path, syslogSocketPath: syslog.capture.path)
        let logger = setup.makeLogger()
        for line in theirLines {
            let parsed = try Self.parse(line, flavour: .cpp)
            let parts = parsed.location.split(separator: "/")
            logger.log(parsed.level, parsed.message, file: String(parts[0]), line: Int(parts[1])!)
        }
        let tid = Posix.threadId
        logger.close(drainTimeout: 10)
        let ourLines = readText(dir.file("ours.log")).split(separator: "\n").map(String.init)
        let ourSyslog = syslog.capture.drain().filter { $0.contains("zmu[\(getpid())]") }

        #expect(ourLines.map(\.maskingTimeAndPid) == theirLines.map(\.maskingTimeAndPid))
        #expect(theirSyslog.count == 3)
        #expect(ourSyslog.map(\.maskingTimeAndPid) == theirSyslog.map(\.maskingTimeAndPid))
        let connection = try PeerDatabase.connect()
        let theirRows = try rows(connection, component: "zmu", pid: zmu.pid)
        #expect(theirRows.count == 3)
        #expect(try rows(connection, component: "zmu", pid: tid) == theirRows)
        // TimeKey keeps the file line's microseconds (C++ uses one clock read for both).
        let ourKeys = try connection.query("SELECT TimeKey FROM Logs WHERE Component = 'zmu' AND Pid = ? ORDER BY Id", [.int(Int64(tid))])
        for (key, line) in zip(ourKeys, ourLines) {
            #expect(line.split(separator: " ")[1].hasSuffix(String(key[0]!.split(separator: ".")[1])))
        }
    }

    @Test func perlFlavourMatchesZoneMinderLogger() throws {
        try PeerDatabase.require()
        let dir = TemporaryDirectory()
        let syslog = try SystemLogCapture()
        let script = dir.file("zmcompat.pl")
        let messages = [("Info", "hello from perl 100% [x]"), ("Warning", "a warning"), ("Error", "an error with trailing newline\n")]
        var source = "use ZoneMinder::Logger qw(:all);\nlogInit();\n"
        for (call, text) in messages {
            source += "\(call)(\"\(text.replacingOccurrences(of: "\n", with: "\\n"))\");\n"
        }
        try source.write(toFile: script, atomically: true, encoding: .utf8)
        let perl = try syslog.run("/usr/bin/perl", [script], environment: environment(["LOG_FILE": dir.file("perl.log")]))
        #expect(perl.status == 0, "\(perl.stderr)")
        let theirLines = readText(dir.file("perl.log")).split(separator: "\n").map(String.init)
        #expect(theirLines.count == 3, "perl wrote: \(theirLines)")
        let theirSyslog = syslog.capture.drain().filter { $0.contains("zmcompat[\(perl.pid)]") }

        let setup = ZoneMinderLogSetup(
            id: "zmcompat", flavour: .perl, environment: environment(["LOG_FILE": dir.file("ours.log")]),
            stderrIsTTY: false, spoolDirectory: dir.path, syslogSocketPath: syslog.capture.path)
        let logger = setup.makeLogger()
        for (line, (_, text)) in zip(theirLines, messages) {
            let parsed = try Self.parse(line, flavour: .perl)
            let parts = parsed.location.split(separator: ":")
            logger.log(parsed.level, text, file: "zmcompat.pl", line: Int(parts[1])!, package: String(parts[0]))
        }
        logger.close(drainTimeout: 10)
        let ourLines = readText(dir.file("ours.log")).split(separator: "\n").map(String.init)
        let ourSyslog = syslog.capture.drain().filter { $0.contains("zmcompat[\(getpid())]") }

        #expect(ourLines.map(\.maskingTimeAndPid) == theirLines.map(\.maskingTimeAndPid))
        #expect(theirSyslog.count == 2)  // WAR and ERR: ZM_LOG_LEVEL_SYSLOG is -1
        #expect(ourSyslog.map(\.maskingTimeAndPid) == theirSyslog.map(\.maskingTimeAndPid))
        let connection = try PeerDatabase.connect()
        let theirRows = try rows(connection, component: "zmcompat", pid: perl.pid)
        #expect(theirRows.count == 3)
        #expect(try rows(connection, component: "zmcompat", pid: getpid()) == theirRows)
    }
}
