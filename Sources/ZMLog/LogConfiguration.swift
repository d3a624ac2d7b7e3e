/// Everything a `ZMLogger` needs, resolved (see `LogConfiguration+Resolution.swift` for ZoneMinder's order).
public struct LogConfiguration: Sendable, Equatable {
    public var identity: LogIdentity
    public var flavour: LogFlavour
    /// The process's overall level (`LOG_LEVEL`, debug targets); SIGUSR1/SIGUSR2 move it.
    public var level: LogLevel
    public var terminalLevel: LogLevel
    public var fileLevel: LogLevel
    public var databaseLevel: LogLevel
    public var syslogLevel: LogLevel
    /// The log file (`ZM_PATH_LOGS/<id>.log`, `LOG_FILE`, `ZM_LOG_DEBUG_FILE`, `+` already expanded).
    public var filePath: String
    /// Flush after every line (`LOG_FLUSH`, or `ZM_LOG_DEBUG`). Lines are written with one `write(2)` each, so this
    /// only matters for the terminal.
    public var flush: Bool
    /// `ZM_SERVER_ID` (or the id of `ZM_SERVER_NAME` in `Servers`); nil when single-server.
    public var serverId: Int64?
    /// Whether the C++ flavour's `%x` follows the locale (Perl: yes).
    public var perlLocaleDates: Bool
    /// Where syslog datagrams go; glibc's `_PATH_LOG`.
    public var syslogSocketPath: String
    /// Owner for files created while running as root (`ZM_WEB_USER`/`ZM_WEB_GROUP`), like Perl's logger.
    public var fileOwner: (user: String, group: String)?

    public init(
        identity: LogIdentity, flavour: LogFlavour = .cpp, level: LogLevel = .info, terminalLevel: LogLevel = .off,
        fileLevel: LogLevel = .info, databaseLevel: LogLevel = .off, syslogLevel: LogLevel = .off,
        filePath: String, flush: Bool = false, serverId: Int64? = nil, perlLocaleDates: Bool = true,
        syslogSocketPath: String = "/dev/log", fileOwner: (user: String, group: String)? = nil
    ) {
        self.identity = identity
        self.flavour = flavour
        self.level = level
        self.terminalLevel = terminalLevel
        self.fileLevel = fileLevel
        self.databaseLevel = databaseLevel
        self.syslogLevel = syslogLevel
        self.filePath = filePath
        self.flush = flush
        self.serverId = serverId
        self.perlLocaleDates = perlLocaleDates
        self.syslogSocketPath = syslogSocketPath
        self.fileOwner = fileOwner
    }

    /// The most detailed level any message can still reach: `min(level, max(outputs))`.
    public var effectiveLevel: LogLevel {
        min(level, max(terminalLevel, fileLevel, databaseLevel, syslogLevel))
    }

    /// ZoneMinder's start-of-debug-session line (C++ `LogOpts: level=… effective=…, screen=…, database=…,
    /// logfile=…->…, syslog=…`; Perl `LogOpts: level=…/…, screen=…, …`).
    public var logOptsMessage: String {
        switch flavour {
        case .cpp:
            "LogOpts: level=\(level.code) effective=\(effectiveLevel.code), screen=\(terminalLevel.code), "
                + "database=\(databaseLevel.code), logfile=\(fileLevel.code)->\(filePath), syslog=\(syslogLevel.code)"
        case .perl:
            "LogOpts: level=\(level.code)/\(effectiveLevel.code), screen=\(terminalLevel.code), "
                + "database=\(databaseLevel.code), logfile=\(fileLevel.code)->\(filePath), syslog=\(syslogLevel.code)"
        }
    }

    public static func == (a: LogConfiguration, b: LogConfiguration) -> Bool {
        a.identity == b.identity && a.flavour == b.flavour && a.level == b.level && a.terminalLevel == b.terminalLevel
            && a.fileLevel == b.fileLevel && a.databaseLevel == b.databaseLevel && a.syslogLevel == b.syslogLevel
            && a.filePath == b.filePath && a.flush == b.flush && a.serverId == b.serverId
            && a.perlLocaleDates == b.perlLocaleDates && a.syslogSocketPath == b.syslogSocketPath
            && a.fileOwner?.user == b.fileOwner?.user && a.fileOwner?.group == b.fileOwner?.group
    }
}
