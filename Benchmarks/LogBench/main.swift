// lookout-log-bench: lines per second per output (file, syslog, database) for ZMLog against ZoneMinder's Perl
// ZoneMinder::Logger and pyzm 2.x, side by side in one run, with the real /etc/zm configuration and the peer's
// database. Build and run in release (scripts/log-bench.sh does both):
//   swift build -c release --product lookout-log-bench && .build/release/lookout-log-bench [--python .venv-bench/bin/python]
import Foundation
import Glibc
import ZMLog

struct Options {
    var lines = 200_000
    var databaseLines = 100_000
    var peerLines = 20_000
    var peerDatabaseLines = 5_000
    var python: String?
    var perl = "/usr/bin/perl"

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            let value = rest.popFirst() ?? ""
            switch flag {
            case "--lines": lines = Int(value) ?? lines
            case "--database-lines": databaseLines = Int(value) ?? databaseLines
            case "--peer-lines": peerLines = Int(value) ?? peerLines
            case "--peer-database-lines": peerDatabaseLines = Int(value) ?? peerDatabaseLines
            case "--python": python = value
            case "--perl": perl = value
            default: fatalError("unknown option \(flag); see the comment at the top of main.swift")
            }
        }
    }
}

enum Output: String, CaseIterable {
    case file, syslog, database

    /// Environment that leaves exactly this output on (ZoneMinder's own variables, read by all three loggers).
    func environment(logFile: String) -> [String: String] {
        var env = ["LOG_LEVEL_TERM": "-5", "LOG_LEVEL_FILE": "-5", "LOG_LEVEL_SYSLOG": "-5", "LOG_LEVEL_DATABASE": "-5",
                   "LOG_FILE": logFile]
        switch self {
        case .file: env["LOG_LEVEL_FILE"] = "0"
        case .syslog: env["LOG_LEVEL_SYSLOG"] = "0"
        case .database: env["LOG_LEVEL_DATABASE"] = "0"
        }
        return env
    }
}

func seconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

let message = "bench line: the quick brown fox jumps over the lazy dog 0123456789"

/// Drains a datagram socket on its own thread so senders never wait for a reader; counts datagrams.
final class SyslogSink: @unchecked Sendable {
    let path: String
    private let fd: Int32
    private(set) var received = 0

    init(path: String) {
        self.path = path
        unlink(path)
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        let rc = UnixSocketAddress.bind(fd, path: path)
        precondition(rc == 0, "cannot bind \(path): \(String(cString: strerror(rc)))")
        chmod(path, 0o666)
        var size: Int32 = 8 << 20
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n < 0 { return }
                received += 1
            }
        }
    }
}

// MARK: - ours

func ours(_ output: Output, lines: Int, directory: String, syslogPath: String) -> (caller: Double, total: Double) {
    let id = "benchswift_\(output.rawValue)"
    var env = ProcessInfo.processInfo.environment
    env.merge(output.environment(logFile: "\(directory)/\(id).log")) { _, new in new }
    let setup = ZoneMinderLogSetup(
        id: id, environment: env, stderrIsTTY: false, spoolDirectory: directory, syslogSocketPath: syslogPath)
    let logger = setup.makeLogger { problem in FileHandle.standardError.write(Data("bench: \(problem)\n".utf8)) }
    let start = seconds()
    for n in 0..<lines { logger.log(.info, "\(message) \(n)", file: "main.swift", line: 1) }
    let callerDone = seconds()
    if let writer = logger.database as? DatabaseWriter {
        if !writer.waitUntilDrained(timeout: 600) { FileHandle.standardError.write(Data("bench: database did not drain\n".utf8)) }
    }
    let end = seconds()
    logger.close()
    return (Double(lines) / (callerDone - start), Double(lines) / (end - start))
}

// MARK: - ZoneMinder's Perl logger and pyzm, each timing its own loop

let perlScript = """
    use strict; use warnings;
    use Time::HiRes qw(time);
    use ZoneMinder::Logger qw(:all);
    my ($n, $msg) = @ARGV;
    logInit();
    my $start = time();
    for my $i (0 .. $n - 1) { Info("$msg $i"); }
    printf("%.1f\\n", $n / (time() - $start));
    """

let pythonScript = """
    import sys, time
    from pyzm.log import setup_zm_logging
    n, msg, output = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    levels = {"file": "log_level_file", "syslog": "log_level_syslog", "database": "log_level_db"}
    override = {"log_level_file": -5, "log_level_syslog": -5, "log_level_db": -5, "dump_console": False}
    override[levels[output]] = 0
    if output == "file":
        override["logpath"] = sys.argv[4]
    log = setup_zm_logging(name=sys.argv[5], override=override)
    start = time.time()
    for i in range(n):
        log.Info(f"{msg} {i}")
    elapsed = time.time() - start
    log.close()
    print(f"{n / elapsed:.1f}")
    """

func peer(_ interpreter: String, script: String, _ output: Output, lines: Int, directory: String, devLogIsOurs: Bool, extra: [String]) -> Double? {
    let path = "\(directory)/bench-\(UUID().uuidString.prefix(6))"
    try? script.write(toFile: path, atomically: true, encoding: .utf8)
    let id = "bench\(interpreter.contains("perl") ? "perl" : "pyzm")_\(output.rawValue)"
    var env = ProcessInfo.processInfo.environment
    env.merge(output.environment(logFile: "\(directory)/\(id).log")) { _, new in new }
    let process = Process()
    let arguments = [path, String(lines), message] + extra + [id]
    if devLogIsOurs || output != .syslog {
        process.executableURL = URL(fileURLWithPath: interpreter)
        process.arguments = arguments
    } else {
        // Something else owns /dev/log: give the peer a private mount namespace with our sink over /dev/log.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-m", "/bin/sh", "-c", "mount --bind \"$0\" /dev/log && exec \"$@\"", "\(directory)/devlog.sock", interpreter] + arguments
    }
    // Perl takes its id from the script name.
    let named = "\(directory)/\(id)\(interpreter.contains("perl") ? ".pl" : ".py")"
    try? FileManager.default.moveItem(atPath: path, toPath: named)
    var fixed = process.arguments ?? []
    if let index = fixed.firstIndex(of: path) { fixed[index] = named }
    process.arguments = fixed
    process.environment = env
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.standardError
    do { try process.run() } catch { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return Double(String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "")
}

// MARK: - run

let options = Options(CommandLine.arguments)
let directory = "/tmp/lookout-log-bench-\(getpid())"
try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

var devLog = stat()
let devLogIsOurs = lstat("/dev/log", &devLog) != 0
let sink = SyslogSink(path: devLogIsOurs ? "/dev/log" : "\(directory)/devlog.sock")
defer { if devLogIsOurs { unlink("/dev/log") } }

func format(_ value: Double?) -> String {
    guard let value else { return "n/a" }
    return String(format: "%12.0f", value)
}

print("lines/s, \(options.lines) lines per output for ZMLog (\(options.databaseLines) for the database),")
print("\(options.peerLines) for Perl ZoneMinder::Logger and pyzm (\(options.peerDatabaseLines) for the database)")
print("output     ZMLog caller  ZMLog end-to-end  Perl Logger      pyzm 2.x")
for output in Output.allCases {
    let count = output == .database ? options.databaseLines : options.lines
    let ourRate = ours(output, lines: count, directory: directory, syslogPath: sink.path)
    let peerCount = output == .database ? options.peerDatabaseLines : options.peerLines
    let perl = peer(options.perl, script: perlScript, output, lines: peerCount, directory: directory, devLogIsOurs: devLogIsOurs, extra: [])
    var python: Double?
    if let interpreter = options.python {
        python = peer(interpreter, script: pythonScript, output, lines: peerCount, directory: directory, devLogIsOurs: devLogIsOurs, extra: [output.rawValue, directory])
    }
    print("\(output.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(format(ourRate.caller)) \(format(ourRate.total))      \(format(perl))  \(format(python))")
}
