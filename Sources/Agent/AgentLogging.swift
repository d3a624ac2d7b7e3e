import Glibc
import Logging
import LookoutJSON
import Synchronization
import ZMLog

/// The agent's own logs, written as a ZoneMinder daemon writes them (ZMLog: file, syslog, `Logs` table, terminal),
/// and the socket through which `zmlog` hands its `Logs` rows to the agent's batching writer and spool.
public final class AgentLogging: Sendable {
    public let logger: ZMLogger
    private let receiver = Mutex<LogSocketReceiver?>(nil)

    /// Builds the ZoneMinder logger for `configuration.log.id`, makes it swift-log's handler and installs
    /// ZoneMinder's logger signals (SIGHUP reopens the file, SIGUSR1/SIGUSR2 move the level).
    /// - Parameter privateDirectory: the demo's directory: the log file goes there, and nothing to the database or syslog.
    public static func start(_ configuration: AgentConfiguration, privateDirectory: String? = nil) -> AgentLogging {
        var setup = ZoneMinderLogSetup(id: configuration.log.id, confDirectory: configuration.zoneMinder.configDirectory)
        if let privateDirectory {
            setup.environment["LOG_FILE"] = "\(privateDirectory)/\(configuration.log.id).log"
            setup.environment["LOG_LEVEL_DATABASE"] = String(LogLevel.off.value)
            setup.environment["LOG_LEVEL_SYSLOG"] = String(LogLevel.off.value)
        }
        if setup.stderrIsTTY, !mentionsTerminal(setup.environment) {
            // ZoneMinder's daemons print only WAR and up on a terminal; someone running the agent by hand wants INF.
            setup.environment["LOG_LEVEL_TERM"] = String(LogLevel.info.value)
        }
        let onTerminal = setup.stderrIsTTY
        let logger = setup.makeLogger(problemHandler: { problem in
            // Problems of the logging machinery itself reach stderr (the journal under systemd); on a terminal the
            // terminal output already shows them.
            if !onTerminal { writeStandardError("lookout: log: \(problem)\n") }
        })
        logger.installSignalHandlers()
        LoggingSystem.bootstrap { _ in ZMLogHandler(logger: logger) }
        return AgentLogging(logger: logger)
    }

    private init(logger: ZMLogger) {
        self.logger = logger
    }

    /// Listens for `zmlog` at `path` when this logger writes to the database; returns why not otherwise. The socket
    /// gets `mode` and `group` (the bus sockets' `bus.socket_mode` and `bus.group`): who may connect may write `Logs`
    /// rows under any Component.
    func listen(path: String, mode: UInt32, group: String) -> String? {
        guard let database = logger.database else {
            return "zmlog hand-off off: the agent has no database output (zm.conf credentials, ZM_LOG_LEVEL_DATABASE)"
        }
        let opened: LogSocketReceiver
        do {
            opened = try LogSocketReceiver(path: path, mode: mode, sink: database)
        } catch {
            return "zmlog hand-off off: \(error)"
        }
        do {
            try RuntimeDirectory.finish("ipc://\(path)", mode: mode, group: group)
        } catch {
            opened.stop()
            return "zmlog hand-off off: \(error)"
        }
        receiver.withLock { $0 = opened }
        return nil
    }

    /// Stops the hand-off, then flushes every output; rows the database cannot take in `drainTimeout` seconds stay
    /// in the spool for the next start.
    public func close(drainTimeout: Double = 5) {
        receiver.withLock { $0 }?.stop()
        logger.close(drainTimeout: drainTimeout)
    }

    /// The `log` part of HEALTH.
    func health() -> JSONValue {
        let configuration = logger.configuration
        var fields: [(String, JSONValue)] = [
            ("id", .string(configuration.identity.id)),
            ("file", .from(configuration.fileLevel > .off ? configuration.filePath : nil)),
            ("levels", .object([
                ("terminal", .string(configuration.terminalLevel.code)), ("file", .string(configuration.fileLevel.code)),
                ("syslog", .string(configuration.syslogLevel.code)), ("database", .string(configuration.databaseLevel.code)),
            ])),
        ]
        if let writer = logger.database as? DatabaseWriter {
            let statistics = writer.statistics
            fields.append(("database", .object([
                ("connected", .bool(statistics.connected)), ("tls_cipher", .from(statistics.tlsCipher)),
                ("inserted", .from(statistics.insertedRows)),
                ("rejected", .from(statistics.rejectedRows)), ("spooled", .from(statistics.spool.pendingRows)),
                ("spooled_in_memory", .from(statistics.spool.memoryRows)),
                ("dropped", .from(statistics.spool.droppedRows)), ("spool_write_failures", .from(statistics.spool.failedWrites)),
            ])))
        }
        if let receiver = receiver.withLock({ $0 }) {
            let statistics = receiver.statistics
            fields.append(("zmlog_socket", .object([
                ("path", .string(receiver.path)), ("received", .from(statistics.received)),
                ("malformed", .from(statistics.malformed)),
            ])))
        }
        return .object(fields)
    }

    /// The log database writer's figures; nil when the agent logs nothing to the database.
    var databaseStatistics: DatabaseWriter.Statistics? { (logger.database as? DatabaseWriter)?.statistics }

    /// The zmlog socket's path and whether a socket is still there; nil when the agent does not listen.
    func zmlogSocket() -> (path: String, present: Bool)? {
        guard let path = receiver.withLock({ $0?.path }) else { return nil }
        var info = stat()
        let present = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFSOCK
        return (path, present)
    }

    private static func mentionsTerminal(_ environment: [String: String]) -> Bool {
        environment.keys.contains { $0 == "LOG_PRINT" || $0.hasPrefix("LOG_LEVEL_TERM") }
    }

    static func writeStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
