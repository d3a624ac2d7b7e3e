internal import Glibc
import Synchronization

/// A ZoneMinder-compatible logger: what it writes to the terminal, the log file, syslog and the `Logs` table cannot
/// be told apart from ZoneMinder's own C++ (`zmc`) or Perl (`zmdc.pl`) logger (spec zm-log.md).
///
/// Thread-safe. Each message takes one clock read and one lock; the file gets one `write(2)` per line, syslog one
/// datagram, and the database a spool append (`LogRowSink.enqueue` never waits for MariaDB).
public final class ZMLogger: Sendable {
    public enum Output: Sendable, CaseIterable {
        case terminal, file, database, syslog
    }

    public let identity: LogIdentity
    public let flavour: LogFlavour
    /// Receives the rows for `Logs`; nil means no database output (C++: "DB not connected at init").
    public let database: (any LogRowSink)?
    private let pid: Int32
    private let effective: Atomic<Int>
    private let state: Mutex<State>
    private let problemHandler: (@Sendable (String) -> Void)?

    private struct State {
        var configuration: LogConfiguration
        var formatter: LogLineFormatter
        var file: FileWriter
        var syslog: SyslogWriter?
        var terminal: TerminalWriter
        var closed = false
    }

    /// - Parameters:
    ///   - database: where rows go; with nil the database level is treated as `OFF`.
    ///   - problemHandler: also told about every problem the logger reports on its outputs (a CLI prints them on
    ///     stderr).
    public init(
        configuration: LogConfiguration, database: (any LogRowSink)? = nil,
        problemHandler: (@Sendable (String) -> Void)? = nil
    ) {
        var configuration = configuration
        if database == nil { configuration.databaseLevel = .off }
        identity = configuration.identity
        flavour = configuration.flavour
        self.database = database
        self.problemHandler = problemHandler
        pid = getpid()
        effective = Atomic(configuration.effectiveLevel.value)
        let syslog =
            configuration.syslogLevel > .off
            ? SyslogWriter(socketPath: configuration.syslogSocketPath, flavour: configuration.flavour) : nil
        state = Mutex(
            State(
                configuration: configuration,
                formatter: LogLineFormatter(
                    identity: configuration.identity, flavour: configuration.flavour, serverId: configuration.serverId,
                    perlLocaleDates: configuration.perlLocaleDates),
                file: FileWriter(path: configuration.filePath, owner: configuration.fileOwner),
                syslog: syslog,
                terminal: TerminalWriter(flavour: configuration.flavour)))
        if let adjustment = configuration.identity.adjustment {
            problemHandler?(adjustment)
        }
        if configuration.level.isDebug, configuration.effectiveLevel.isDebug {
            log(.debug(1), configuration.logOptsMessage, file: "ZMLogger.swift", line: #line, package: "ZoneMinder::Logger")
        }
    }

    public var configuration: LogConfiguration { state.withLock { $0.configuration } }

    /// Whether a message at `level` would reach any output (cheap; check before building an expensive message).
    public func isEnabled(_ level: LogLevel) -> Bool { level.value <= effective.load(ordering: .relaxed) }

    /// Logs `message`. `file`/`line` are the call site (C++: `<file>/<line>` and the `File`/`Line` columns; Perl:
    /// `[<package>:<line>]`, and `File` = the script name).
    public func log(
        _ level: LogLevel, _ message: String, file: String = #fileID, line: Int = #line, package: String = "main"
    ) {
        guard isEnabled(level) else { return }
        write(level, message, file: file, line: line, package: package, timestamp: .now(), pid: pid, tid: Posix.threadId)
    }

    /// Logs a line written by another process (`zmlog` through the agent's socket): its time, pid and thread id.
    public func log(
        _ level: LogLevel, _ message: String, file: String, line: Int, package: String = "main",
        timestamp: LogTimestamp, pid: Int32, tid: Int32
    ) {
        guard isEnabled(level) else { return }
        write(level, message, file: file, line: line, package: package, timestamp: timestamp, pid: pid, tid: tid)
    }

    public func debug(_ n: Int = 1, _ message: String, file: String = #fileID, line: Int = #line) {
        log(.debug(n), message, file: file, line: line)
    }

    public func info(_ message: String, file: String = #fileID, line: Int = #line) {
        log(.info, message, file: file, line: line)
    }

    public func warning(_ message: String, file: String = #fileID, line: Int = #line) {
        log(.warning, message, file: file, line: line)
    }

    public func error(_ message: String, file: String = #fileID, line: Int = #line) {
        log(.error, message, file: file, line: line)
    }

    /// ZoneMinder's `Fatal`: logs, flushes every output (the database for up to `drainTimeout` s, the rest stays in
    /// the spool), then `exit(255)`.
    public func fatal(
        _ message: String, file: String = #fileID, line: Int = #line, package: String = "main", drainTimeout: Double = 5
    ) -> Never {
        write(.fatal, message, file: file, line: line, package: package, timestamp: .now(), pid: pid, tid: Posix.threadId)
        close(drainTimeout: drainTimeout)
        exit(255)
    }

    /// ZoneMinder's `Panic`: like `fatal`, then `abort()` (SIGABRT, status 134 from a shell).
    public func panic(
        _ message: String, file: String = #fileID, line: Int = #line, package: String = "main", drainTimeout: Double = 5
    ) -> Never {
        write(.panic, message, file: file, line: line, package: package, timestamp: .now(), pid: pid, tid: Posix.threadId)
        close(drainTimeout: drainTimeout)
        abort()
    }

    /// SIGUSR1 (+1) / SIGUSR2 (−1): moves the overall level and logs ZoneMinder's `Logger - Level changed to …`.
    /// Outputs keep their own levels, so the change only shows up to the most detailed of them.
    public func changeLevel(by delta: Int) {
        let level = state.withLock { state -> LogLevel in
            state.configuration.level = LogLevel(clamping: state.configuration.level.value + delta)
            if state.configuration.level > .info { state.configuration.flush = true }
            effective.store(state.configuration.effectiveLevel.value, ordering: .relaxed)
            return state.configuration.level
        }
        let text =
            flavour == .cpp
            ? "Logger - Level changed to \(level.value)" : "Logger - Level changed to \(level.value)=>\(level.code)"
        log(.info, text, file: "ZMLogger.swift", line: #line, package: "ZoneMinder::Logger")
    }

    /// SIGHUP/SIGWINCH: the file (and the syslog socket) are reopened before the next line, so after logrotate moved
    /// the file no line is lost (lines before the reopen land in the moved file) or written twice.
    public func reopen() {
        state.withLock { state in
            state.file.requestReopen()
            state.syslog?.reconnect()
        }
    }

    /// Closes the outputs; the database sink drains for up to `drainTimeout` seconds. Later messages are ignored.
    public func close(drainTimeout: Double = 5) {
        state.withLock { state in
            state.closed = true
            state.file.close()
            state.syslog?.close()
        }
        LoggerSignals.unregister(self)
        effective.store(LogLevel.off.value - 1, ordering: .relaxed)
        database?.close(drainTimeout: drainTimeout)
    }

    /// Reports a problem of the logging machinery itself at ERR on every output except `excluded` (the one that
    /// failed), and to the problem handler.
    public func report(_ problem: String, excluding excluded: Output? = nil, file: String = #fileID, line: Int = #line) {
        problemHandler?(problem)
        write(.error, problem, file: file, line: line, package: "ZoneMinder::Logger", timestamp: .now(), pid: pid,
              tid: Posix.threadId, excluding: excluded)
    }

    private func write(
        _ level: LogLevel, _ message: String, file fileName: String, line: Int, package: String, timestamp: LogTimestamp,
        pid: Int32, tid: Int32, excluding excluded: Output? = nil
    ) {
        let fileProblem = state.withLock { state -> String? in
            guard !state.closed else { return nil }
            let configuration = state.configuration
            let terminal = level <= configuration.terminalLevel && excluded != .terminal
            let file = level <= configuration.fileLevel && excluded != .file
            let database = level <= configuration.databaseLevel && excluded != .database ? self.database : nil
            let syslog = level <= configuration.syslogLevel && excluded != .syslog
            var parts: LogEntry.Parts = []
            if terminal || file { parts.insert(.line) }
            if database != nil { parts.insert(.row) }
            if syslog { parts.insert(.syslog) }
            guard !parts.isEmpty else { return nil }
            let entry = state.formatter.format(
                level: level, message: message, file: fileName, line: line, package: package, timestamp: timestamp,
                pid: pid, tid: tid, parts: parts)
            var problem: String?
            if terminal { state.terminal.write(entry.fileLine) }
            if file { problem = state.file.write(entry.fileLine) }
            if let database, let row = entry.row { database.enqueue(row) }
            if syslog {
                state.syslog?.send(
                    severity: level.syslogSeverity, timestamp: timestamp, ident: identity.id, pid: pid,
                    message: entry.syslogMessage)
            }
            return problem
        }
        if let fileProblem { report(fileProblem, excluding: .file, file: "FileWriter.swift", line: 0) }
    }
}
