internal import Glibc
import Synchronization
public import MariaDB
internal import ZMConfig

/// Builds a `ZMLogger` the way a ZoneMinder program starts its logger: reads `zm.conf` + `conf.d/*.conf`, the
/// database `Config` table and the environment (`LogConfiguration.resolve`), finds the server id, and attaches a
/// database sink. Nothing here is fatal: an unreadable zm.conf or an unreachable database gives ZoneMinder's
/// defaults and a problem description, and the other outputs work.
public struct ZoneMinderLogSetup: Sendable {
    public var id: String
    public var flavour: LogFlavour
    public var confDirectory: String
    public var environment: [String: String]
    public var stderrIsTTY: Bool
    /// Where `Logs` rows are spooled (see `LogSpool`); default `$LOOKOUT_LOG_SPOOL_DIR`, else `<ZM_PATH_LOGS>/spool`.
    public var spoolDirectory: String?
    /// Spool bound; default `$LOOKOUT_LOG_SPOOL_MAX` bytes, else 64 MiB.
    public var spoolLimitBytes: Int?
    /// Bound of the rows waiting in memory when the spool file refuses them (full disk); default
    /// `$LOOKOUT_LOG_MEMORY_MAX` bytes, else 8 MiB.
    public var memoryLimitBytes: Int?
    public var syslogSocketPath: String
    /// Replaces the database sink (e.g. `LogSocketSender` to the agent); nil builds a `DatabaseWriter`.
    public var databaseSink: (any LogRowSink)?

    public init(
        id: String, flavour: LogFlavour = .cpp, confDirectory: String = "/etc/zm",
        environment: [String: String] = ZoneMinderLogSetup.processEnvironment(), stderrIsTTY: Bool? = nil,
        spoolDirectory: String? = nil, spoolLimitBytes: Int? = nil, memoryLimitBytes: Int? = nil, syslogSocketPath: String = "/dev/log",
        databaseSink: (any LogRowSink)? = nil
    ) {
        self.id = id
        self.flavour = flavour
        self.confDirectory = confDirectory
        self.environment = environment
        self.stderrIsTTY = stderrIsTTY ?? Posix.isTTY(STDERR_FILENO)
        self.spoolDirectory = spoolDirectory
        self.spoolLimitBytes = spoolLimitBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.syslogSocketPath = syslogSocketPath
        self.databaseSink = databaseSink
    }

    /// What was read, before the logger exists.
    public struct Resolved: Sendable {
        public var configuration: LogConfiguration
        public var databaseSettings: MariaDBSettings?
        public var confValues: [String: String]
        /// Why something fell back to a default (zm.conf unreadable, database unreachable, unknown server name).
        public var problems: [String]
    }

    public func resolve() -> Resolved {
        var problems: [String] = []
        var confValues: [String: String] = [:]
        var settings: MariaDBSettings?
        switch loadConf(confDirectory) {
        case .success(let conf):
            confValues = conf.values
            settings = conf.databaseSettings
            for warning in conf.warnings { problems.append(warning.message) }
            if settings == nil {
                problems.append("ZM_DB_NAME/ZM_DB_USER missing in \(conf.filesRead.joined(separator: ", ")): no database output")
            }
        case .failure(let error):
            problems.append("\(error.message); using ZoneMinder's defaults (logs in /var/log/zm, no database output)")
        }
        var table: [String: String] = [:]
        var serverId = Int64(atoi(confValues["ZM_SERVER_ID"] ?? ""))
        if let settings {
            switch readConfigTable(settings, serverName: serverId == 0 ? serverName(confValues) : nil) {
            case .success(let read):
                table = read.values
                if let name = serverName(confValues), serverId == 0 {
                    if let id = read.serverId {
                        serverId = id
                    } else {
                        problems.append("server '\(name)' (ZM_SERVER_NAME) not in Servers; logging ServerId as single-server")
                    }
                }
            case .failure(let error):
                problems.append("cannot read the Config table from \(settings) (\(error)); using its defaults")
            }
        }
        let identity = LogIdentity(id, flavour: flavour)
        var configuration = LogConfiguration.resolve(
            identity: identity, flavour: flavour,
            sources: LogSources(
                confFile: confValues, configTable: table, environment: environment, stderrIsTTY: stderrIsTTY,
                pid: getpid()),
            serverId: serverId > 0 ? serverId : nil)
        configuration.syslogSocketPath = syslogSocketPath
        return Resolved(configuration: configuration, databaseSettings: settings, confValues: confValues, problems: problems)
    }

    /// Resolves and builds the logger; `problems` are also logged on its outputs (not the database).
    ///
    /// - Parameter agentSocketPath: when something listens there (the Lookout agent's `LogSocketReceiver`), rows are
    ///   handed to it; otherwise, or once it stops answering, a `DatabaseWriter` of our own takes them.
    public func makeLogger(
        agentSocketPath: String? = nil, problemHandler: (@Sendable (String) -> Void)? = nil
    ) -> ZMLogger {
        let resolved = resolve()
        let reporter = LateReporter()
        var sink = databaseSink
        if sink == nil, resolved.configuration.databaseLevel > .off, let settings = resolved.databaseSettings {
            let options = databaseOptions(settings, resolved)
            let makeWriter: @Sendable () -> any LogRowSink = {
                DatabaseWriter(options: options, report: { reporter.report($0) })
            }
            sink = agentSocketPath.flatMap { LogSocketSender(path: $0, fallback: makeWriter) } ?? makeWriter()
        }
        let logger = ZMLogger(configuration: resolved.configuration, database: sink, problemHandler: problemHandler)
        reporter.attach(logger)
        for problem in resolved.problems { logger.report(problem, excluding: .database) }
        return logger
    }

    /// The writer options `makeLogger` uses: spool in `spoolDirectory` (created 0750 if missing).
    public func databaseOptions(_ settings: MariaDBSettings, _ resolved: Resolved) -> DatabaseWriter.Options {
        let directory =
            spoolDirectory ?? environment["LOOKOUT_LOG_SPOOL_DIR"]
            ?? joinPath(resolved.confValues["ZM_PATH_LOGS"] ?? "/var/log/zm", "spool")
        if mkdir(directory, 0o750) == 0, geteuid() == 0, let owner = resolved.configuration.fileOwner {
            // Like the log files: ZoneMinder's daemons run as ZM_WEB_USER and must be able to use it too.
            Posix.chown(directory, user: owner.user, group: owner.group)
        }
        let limit = spoolLimitBytes ?? environment["LOOKOUT_LOG_SPOOL_MAX"].flatMap { Int($0) } ?? 64 << 20
        let memory = memoryLimitBytes ?? environment["LOOKOUT_LOG_MEMORY_MAX"].flatMap { Int($0) } ?? 8 << 20
        return DatabaseWriter.Options(
            settings: settings,
            spoolPaths: DatabaseWriter.spoolCandidates(
                directory: directory, id: resolved.configuration.identity.id, pid: getpid()),
            spoolLimitBytes: limit, memoryLimitBytes: memory)
    }

    public static func processEnvironment() -> [String: String] {
        var values: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                values[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return values
    }

    private func serverName(_ conf: [String: String]) -> String? {
        for key in ["ZM_SERVER_NAME", "ZM_SERVER_HOST"] {
            if let name = conf[key], !name.isEmpty { return name }
        }
        return nil
    }

    private func loadConf(_ directory: String) -> Result<ZMConfFile, ZMConfigError> {
        do {
            return .success(try ZMConfFile.load(directory: directory))
        } catch {
            return .failure(error)
        }
    }

    private struct TableRead {
        var values: [String: String]
        var serverId: Int64?
    }

    private func readConfigTable(_ settings: MariaDBSettings, serverName: String?) -> Result<TableRead, MariaDBError> {
        do {
            let connection = try MariaDBConnection(settings)
            var values: [String: String] = [:]
            for row in try connection.query(
                "SELECT Name, Value FROM Config WHERE Name LIKE 'ZM\\_LOG\\_%' OR Name = 'ZM_SERVER_ID'")
            where row.count == 2 {
                if let name = row[0], let value = row[1] { values[name] = value }
            }
            var serverId: Int64?
            if let serverName {
                let rows = try connection.query("SELECT Id FROM Servers WHERE Name = ?", [.text(serverName)])
                if let first = rows.first, let text = first.first ?? nil { serverId = Int64(text) }
            }
            return .success(TableRead(values: values, serverId: serverId))
        } catch {
            return .failure(error)
        }
    }
}

/// The database writer is created before the logger it reports through; reports made in between are held.
private final class LateReporter: Sendable {
    private let state = Mutex<(logger: ZMLogger?, held: [String])>((nil, []))

    func attach(_ logger: ZMLogger) {
        let held = state.withLock { state -> [String] in
            state.logger = logger
            defer { state.held = [] }
            return state.held
        }
        for problem in held { send(problem, to: logger) }
    }

    func report(_ problem: String) {
        let logger = state.withLock { state -> ZMLogger? in
            if state.logger == nil { state.held.append(problem) }
            return state.logger
        }
        if let logger { send(problem, to: logger) }
    }

    private func send(_ problem: String, to logger: ZMLogger) {
        logger.report(problem, excluding: .database, file: "DatabaseWriter.swift", line: 0)
    }
}
