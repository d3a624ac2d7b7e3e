import ArgumentParser
import Glibc
import Synchronization
import LookoutVersion
import ZMLog

/// `zmlog`: log a message the way ZoneMinder's own programs do, from a shell script, a Python hook or a cron job.
@main
struct ZMLogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zmlog",
        abstract: "Write messages to ZoneMinder's log file, syslog, terminal and Logs table, exactly as ZoneMinder does.",
        discussion: """
            Configuration is read as ZoneMinder reads it: /etc/zm/zm.conf and conf.d/*.conf, the database Config \
            table (ZM_LOG_LEVEL_*, ZM_LOG_DEBUG*), then the environment (LOG_LEVEL, LOG_LEVEL_TERM/FILE/DATABASE/\
            SYSLOG, LOG_FILE, each also as NAME_<id> and NAME_<idroot>; LOG_PRINT, LOG_FLUSH).

            Without MESSAGE, every line of standard input is one message. Bytes that are not UTF-8 are replaced by \
            U+FFFD (the Logs table is utf8mb4).

            When the Lookout agent listens on /run/lookout/log.sock ($LOOKOUT_LOG_SOCKET), Logs rows are handed to \
            it; otherwise zmlog writes them itself. Rows the database cannot take yet wait in a spool \
            (<ZM_PATH_LOGS>/spool/<id>.spool) and are sent, in order, by the next writer for the same id.

            Exit status: 0 logged; 1 logged, but an output failed or rows are still spooled (stderr says which); \
            64 usage error (unknown level, bad option). FAT and PNC messages do not end zmlog unless --zm-fatal is \
            given (then 255 and SIGABRT, as ZoneMinder's Fatal and Panic, after every output is flushed).

            Examples:
              zmlog --id backup "nightly backup started"
              zmlog --id backup --level ERR "rsync failed with status $?"
              some-command 2>&1 | zmlog --id mycron --level WAR
              zmlog --id zmfilter_3 --flavour perl --file zmfilter.pl --line 42 "filter ran"
              LOG_PRINT=1 zmlog --id test "also printed on the terminal (when stderr is a tty)"
            """,
        version: LookoutVersion.current)

    @Option(help: "Logger id (Logs.Component, syslog ident, <id>.log). ZoneMinder style: zmc_m1, zmfilter_3.")
    var id = "zmlog"

    @Option(help: "PNC, FAT, ERR, WAR, INF or DB1…DB9 (or -4…9).")
    var level = "INF"

    @Option(help: "Source file shown in the line and the Logs.File column (default: the calling program's name).")
    var file: String?

    @Option(help: "Source line (0…65535).")
    var line = 0

    @Option(help: "Perl flavour only: the package in [package:line].")
    var package = "main"

    @Option(help: "cpp (as zmc writes) or perl (as zmdc.pl writes).")
    var flavour = "cpp"

    @Option(help: "ZoneMinder configuration directory.")
    var confDir = "/etc/zm"

    @Option(help: "Agent socket to hand Logs rows to (default $LOOKOUT_LOG_SOCKET or /run/lookout/log.sock).")
    var socket: String?

    @Flag(help: "Write Logs rows to the database directly, even when the agent listens.")
    var noAgent = false

    @Flag(help: "Behave like ZoneMinder's Fatal/Panic: after a FAT message exit 255, after a PNC message abort (SIGABRT).")
    var zmFatal = false

    @Option(help: "Seconds to wait for the database before leaving rows in the spool.")
    var drainTimeout = 5.0

    @Argument(help: "The message; words are joined with spaces. Without it, one message per stdin line.")
    var message: [String] = []

    func validate() throws {
        guard let parsed = LogLevel(parsing: level), parsed != .off else {
            throw ValidationError("unknown level '\(level)': use PNC, FAT, ERR, WAR, INF or DB1…DB9")
        }
        guard LogFlavour(rawValue: flavour) != nil else {
            throw ValidationError("unknown flavour '\(flavour)': use cpp or perl")
        }
        guard (0...65535).contains(line) else { throw ValidationError("--line \(line) is outside 0…65535") }
        guard drainTimeout >= 0 else { throw ValidationError("--drain-timeout must not be negative") }
    }

    func run() throws {
        // Before any thread starts: logrotate's SIGHUP must reopen the file, not end zmlog mid-stream.
        ZMLogger.routeSignalsToLoggerThread()
        let problems = ProblemLog()
        let environment = ZoneMinderLogSetup.processEnvironment()
        let setup = ZoneMinderLogSetup(
            id: id, flavour: LogFlavour(rawValue: flavour)!, confDirectory: confDir, environment: environment)
        let agent = noAgent ? nil : (socket ?? environment[LogSocketProtocol.environmentVariable] ?? LogSocketProtocol.defaultPath)
        let logger = setup.makeLogger(agentSocketPath: agent) { problems.add($0) }
        logger.installSignalHandlers()
        let level = LogLevel(parsing: level)!
        let file = file ?? Self.callerName()

        if message.isEmpty {
            var number = 0
            StandardInput.forEachLine(keepingAtMost: logger.flavour.keptMessageBytes) { bytes in
                number += 1
                let text = String(decoding: bytes, as: UTF8.self)
                if String(validating: bytes, as: UTF8.self) == nil {
                    problems.add("stdin line \(number): bytes that are not UTF-8 were replaced by U+FFFD")
                }
                logger.log(level, text, file: file, line: line, package: package)
            }
        } else if zmFatal && level == .fatal {
            logger.fatal(message.joined(separator: " "), file: file, line: line, package: package, drainTimeout: drainTimeout)
        } else if zmFatal && level == .panic {
            logger.panic(message.joined(separator: " "), file: file, line: line, package: package, drainTimeout: drainTimeout)
        } else {
            logger.log(level, message.joined(separator: " "), file: file, line: line, package: package)
        }
        logger.close(drainTimeout: drainTimeout)
        if let writer = logger.database as? DatabaseWriter { Self.reportLeftovers(writer.spool, id: logger.identity.id, problems) }
        if !problems.isEmpty { throw ExitCode(1) }
    }

    /// Rows the database did not take: waiting in the spool file, or dropped (spool and memory full). Rows lost
    /// from memory at close are reported by the writer itself.
    static func reportLeftovers(_ spool: LogSpool, id: String, _ problems: ProblemLog) {
        let stats = spool.statistics
        let inFile = stats.pendingRows - stats.memoryRows
        if inFile > 0, let path = spool.path {
            problems.add("\(inFile) Logs row(s) wait in \(path); the next zmlog --id \(id) sends them when the database is back")
        }
        if stats.droppedRows > 0 {
            problems.add("\(stats.droppedRows) Logs row(s) dropped: spool and memory queue full; a WAR row in Logs "
                + "says so when the database takes it")
        }
    }

    /// The program that ran us (`/proc/<ppid>/comm`: a script's own name when it has a #! line), else `zmlog`.
    static func callerName() -> String {
        let bytes = (try? StandardInput.readFile("/proc/\(getppid())/comm")) ?? []
        let name = String(decoding: bytes, as: UTF8.self).trimmingSuffix("\n")
        return name.isEmpty ? "zmlog" : name
    }
}

/// Problems reported while logging, printed on stderr as they happen.
final class ProblemLog: Sendable {
    private let count = Mutex(0)

    func add(_ problem: String) {
        count.withLock { $0 += 1 }
        let text = "zmlog: \(problem)\n"
        _ = text.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    }

    var isEmpty: Bool { count.withLock { $0 == 0 } }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
