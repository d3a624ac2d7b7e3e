/// The inputs ZoneMinder's loggers read, already gathered (`ZoneMinderLogSetup` does the I/O).
public struct LogSources: Sendable {
    /// zm.conf + conf.d values (upper-cased names). They override `configTable` (Perl/PHP behaviour, spec §5.3).
    public var confFile: [String: String]
    /// `Config` table rows by name (`ZM_LOG_LEVEL_FILE`, `ZM_LOG_DEBUG`, …); empty when the database is unreachable.
    public var configTable: [String: String]
    public var environment: [String: String]
    public var stderrIsTTY: Bool
    public var pid: Int32

    public init(
        confFile: [String: String] = [:], configTable: [String: String] = [:], environment: [String: String] = [:],
        stderrIsTTY: Bool = false, pid: Int32
    ) {
        self.confFile = confFile
        self.configTable = configTable
        self.environment = environment
        self.stderrIsTTY = stderrIsTTY
        self.pid = pid
    }

    /// `Config` defaults of ZoneMinder 1.36 for the keys the logger reads, used when the table could not be read.
    public static let configDefaults: [String: String] = [
        "ZM_LOG_LEVEL_SYSLOG": "-1", "ZM_LOG_LEVEL_FILE": "1", "ZM_LOG_LEVEL_DATABASE": "0", "ZM_LOG_DEBUG": "0",
        "ZM_LOG_DEBUG_TARGET": "", "ZM_LOG_DEBUG_LEVEL": "1", "ZM_LOG_DEBUG_FILE": "",
    ]

    /// conf files first, then the table, then ZoneMinder's default.
    func option(_ name: String) -> String {
        confFile[name] ?? configTable[name] ?? Self.configDefaults[name] ?? ""
    }

    /// `NAME_<id>`, then `NAME_<idRoot>` when it differs from the id, then `NAME` (spec §5.4).
    func targetedEnvironment(_ name: String, _ identity: LogIdentity) -> String? {
        if let value = environment["\(name)_\(identity.id)"] { return value }
        if identity.id != identity.idRoot, let value = environment["\(name)_\(identity.idRoot)"] { return value }
        return environment[name]
    }
}

extension LogConfiguration {
    /// ZoneMinder's `Logger::initialise` (C++ 1.36.33) or `ZoneMinder::Logger::initialise` (Perl), spec §5.5:
    /// defaults, `Config` levels (C++ maps ≥ 1 to 9), `LOG_PRINT`, `LOG_LEVEL*`, debug targets and `ZM_LOG_DEBUG_FILE`,
    /// the INFO cap when `ZM_LOG_DEBUG` is off (C++ only), the `+` suffix, clamping, and no terminal without a tty.
    public static func resolve(
        identity: LogIdentity, flavour: LogFlavour, sources: LogSources, serverId: Int64? = nil
    ) -> LogConfiguration {
        let mapConfig: (String) -> LogLevel = { name in
            let value = atoi(sources.option(name))
            return LogLevel(clamping: flavour == .cpp && value >= 1 ? 9 : value)
        }
        let logsDirectory = sources.confFile["ZM_PATH_LOGS"].flatMap { $0.isEmpty ? nil : $0 } ?? "/var/log/zm"
        var file = sources.targetedEnvironment("LOG_FILE", identity) ?? joinPath(logsDirectory, "\(identity.id).log")
        var level = LogLevel.info
        var terminal: LogLevel = sources.stderrIsTTY ? (flavour == .cpp ? .warning : .info) : .off
        var database = mapConfig("ZM_LOG_LEVEL_DATABASE")
        var fileLevel = mapConfig("ZM_LOG_LEVEL_FILE")
        var syslog = mapConfig("ZM_LOG_LEVEL_SYSLOG")

        if let print = sources.environment["LOG_PRINT"] {
            terminal = atoi(print) != 0 ? (flavour == .cpp ? .debug(9) : .debug(1)) : .off
        }
        let fromEnvironment: (String) -> LogLevel? = { name in
            sources.targetedEnvironment(name, identity).map { LogLevel(clamping: atoi($0)) }
        }
        level = fromEnvironment("LOG_LEVEL") ?? level
        terminal = fromEnvironment("LOG_LEVEL_TERM") ?? terminal
        database = fromEnvironment("LOG_LEVEL_DATABASE") ?? database
        fileLevel = fromEnvironment("LOG_LEVEL_FILE") ?? fileLevel
        syslog = fromEnvironment("LOG_LEVEL_SYSLOG") ?? syslog

        let debugOn = atoi(sources.option("ZM_LOG_DEBUG")) != 0
        if debugOn {
            let debugLevel = atoi(sources.option("ZM_LOG_DEBUG_LEVEL"))
            let debugFile = sources.option("ZM_LOG_DEBUG_FILE")
            let targets = debugTargets(sources.option("ZM_LOG_DEBUG_TARGET"), flavour: flavour)
            if targets.contains(where: { matches($0, identity, flavour) }), debugLevel > LogLevel.off.value {
                level = LogLevel(clamping: debugLevel)
                if !debugFile.isEmpty {
                    file = debugFile
                    fileLevel = level
                }
            }
        } else if flavour == .cpp {
            terminal = min(terminal, .info)
            database = min(database, .info)
            fileLevel = min(fileLevel, .info)
            syslog = min(syslog, .info)
            level = min(level, .info)
        }
        if file.hasSuffix("+") {
            let pid = flavour == .cpp ? zeroPadded(Int(sources.pid), width: 5) : String(sources.pid)
            file = String(file.dropLast()) + "." + pid
        }
        if !sources.stderrIsTTY { terminal = .off }

        let flush = sources.environment["LOG_FLUSH"].map { atoi($0) != 0 } ?? debugOn
        let user = sources.confFile["ZM_WEB_USER"] ?? "www-data"
        let group = sources.confFile["ZM_WEB_GROUP"] ?? "www-data"
        return LogConfiguration(
            identity: identity, flavour: flavour, level: level, terminalLevel: terminal, fileLevel: fileLevel,
            databaseLevel: database, syslogLevel: syslog, filePath: file, flush: flush, serverId: serverId,
            fileOwner: (user, group))
    }

    /// C++ splits on `|` dropping empty fields, but an empty setting is one empty target (= everyone). Perl's
    /// `split` keeps inner and leading empty fields and drops trailing ones.
    static func debugTargets(_ setting: String, flavour: LogFlavour) -> [String] {
        let fields = setting.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        switch flavour {
        case .cpp:
            let nonEmpty = fields.filter { !$0.isEmpty }
            return setting.isEmpty ? [""] : nonEmpty
        case .perl:
            var kept = fields
            while kept.count > 1, kept.last == "" { kept.removeLast() }
            return kept
        }
    }

    static func matches(_ target: String, _ identity: LogIdentity, _ flavour: LogFlavour) -> Bool {
        if target == identity.id || target == "_" + identity.id || target == "_" + identity.idRoot || target.isEmpty {
            return true
        }
        return flavour == .perl && target == identity.idRoot
    }
}

/// C `atoi`: optional blanks, an optional sign, then digits; anything else gives 0.
func atoi(_ text: String) -> Int {
    var scalars = Substring(text).unicodeScalars.drop(while: { $0 == " " || $0 == "\t" || $0 == "\n" })
    var sign = 1
    if let first = scalars.first, first == "-" || first == "+" {
        if first == "-" { sign = -1 }
        scalars = scalars.dropFirst()
    }
    var value = 0
    for scalar in scalars {
        guard let digit = Int(String(scalar)), ("0"..."9").contains(scalar) else { break }
        value = value &* 10 &+ digit
        if value > Int(Int32.max) { break }
    }
    return sign * value
}

func joinPath(_ directory: String, _ name: String) -> String {
    directory.hasSuffix("/") ? directory + name : directory + "/" + name
}
