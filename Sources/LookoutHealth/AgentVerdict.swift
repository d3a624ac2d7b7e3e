/// What is known of the agent itself at one instant: the input of `AgentVerdict`.
public struct AgentFacts: Sendable, Equatable {
    public var pollHz: Double
    /// Seconds since the last poll of every monitor began.
    public var lastPollAge: Double
    /// How long the last poll took.
    public var lastPollSeconds: Double
    /// Poll ticks that started more than one interval late since the previous judgement (not since start).
    public var newOverruns: UInt64
    /// Bus sends libzmq refused since the previous judgement.
    public var newSendFailures: UInt64
    public var monitorCount: Int
    public var mapDirectory: String
    /// The Monitors/Config reader's last error; nil when it works or is not used.
    public var catalogError: String?
    /// The log writer's database: nil when the agent logs nothing to the database.
    public var logDatabase: LogDatabase?
    /// The zmlog hand-off socket: nil when the agent does not listen.
    public var zmlogSocket: ZmlogSocket?

    public struct LogDatabase: Sendable, Equatable {
        public var connected: Bool
        public var spooledRows: Int
        /// Rows dropped since the previous judgement (spool file and memory full).
        public var newDroppedRows: Int
        /// How long the spool has been non-empty, as far as the agent has seen; nil when empty.
        public var spoolAge: Double?
        public init(connected: Bool, spooledRows: Int, newDroppedRows: Int = 0, spoolAge: Double? = nil) {
            self.connected = connected
            self.spooledRows = spooledRows
            self.newDroppedRows = newDroppedRows
            self.spoolAge = spoolAge
        }
    }

    public struct ZmlogSocket: Sendable, Equatable {
        public var path: String
        /// The path is still a socket (someone may have removed it: zmlog then cannot hand rows over).
        public var present: Bool
        public init(path: String, present: Bool) {
            self.path = path
            self.present = present
        }
    }

    public init(
        pollHz: Double, lastPollAge: Double, lastPollSeconds: Double, newOverruns: UInt64 = 0, newSendFailures: UInt64 = 0,
        monitorCount: Int, mapDirectory: String, catalogError: String? = nil, logDatabase: LogDatabase? = nil,
        zmlogSocket: ZmlogSocket? = nil
    ) {
        self.pollHz = pollHz
        self.lastPollAge = lastPollAge
        self.lastPollSeconds = lastPollSeconds
        self.newOverruns = newOverruns
        self.newSendFailures = newSendFailures
        self.monitorCount = monitorCount
        self.mapDirectory = mapDirectory
        self.catalogError = catalogError
        self.logDatabase = logDatabase
        self.zmlogSocket = zmlogSocket
    }
}

public struct AgentRules: Sendable, Equatable {
    /// A log spool holding more rows than this is a WARNING.
    public var spoolWarningRows: Int
    /// A log spool non-empty for longer than this is a WARNING.
    public var spoolWarningSeconds: Double
    public init(spoolWarningRows: Int = 1000, spoolWarningSeconds: Double = 300) {
        self.spoolWarningRows = spoolWarningRows
        self.spoolWarningSeconds = spoolWarningSeconds
    }
}

/// Judges the agent: one named check each, every check listed (OK ones too) so a reader sees what was looked at.
///
/// | check | level | when |
/// |---|---|---|
/// | `poll` | CRITICAL | no poll for max(2 s, 5 intervals): the loop is stuck |
/// | `poll` | WARNING | the last poll took longer than one interval, or ticks started late since the last look |
/// | `monitors` | CRITICAL | no monitor at all (no segment in the map directory, none in the database) |
/// | `bus` | WARNING | sends refused by libzmq since the last look |
/// | `database` | WARNING | ZoneMinder's database unreachable for Monitors/Config (names, max delay may be old) |
/// | `log` | WARNING | the log database is unreachable (rows spooled), rows were dropped, or the spool is deep or old |
/// | `zmlog_socket` | WARNING | the zmlog socket was removed: zmlog cannot hand rows to the agent |
public enum AgentVerdict {
    public struct Check: Sendable, Equatable {
        public var name: String
        public var verdict: Verdict
        public init(_ name: String, _ verdict: Verdict) {
            self.name = name
            self.verdict = verdict
        }
    }

    public static func pollLateAfter(pollHz: Double) -> Double { max(2, 5 / pollHz) }

    public static func judge(_ facts: AgentFacts, rules: AgentRules = AgentRules()) -> [Check] {
        var checks: [Check] = []
        let interval = 1 / facts.pollHz
        let late = pollLateAfter(pollHz: facts.pollHz)
        if facts.lastPollAge > late {
            checks.append(Check("poll", Verdict(
                .critical, "poll_late", "the poll loop is stuck: last poll \(number(facts.lastPollAge)) s ago (limit \(number(late)) s)")))
        } else if facts.lastPollSeconds > interval {
            checks.append(Check("poll", Verdict(
                .warning, "poll_overrun",
                "the last poll took \(number(facts.lastPollSeconds * 1000)) ms, over the \(number(interval * 1000)) ms interval")))
        } else if facts.newOverruns > 0 {
            checks.append(Check("poll", Verdict(.warning, "poll_overrun", "\(facts.newOverruns) poll tick(s) started late since the last look")))
        } else {
            checks.append(Check("poll", Verdict(.ok, "ok", "polling at \(number(facts.pollHz)) Hz")))
        }
        if facts.monitorCount == 0 {
            checks.append(Check("monitors", Verdict(
                .critical, "no_monitors", "no monitor found: no zm.mmap.<id> in \(facts.mapDirectory) and none running in the database")))
        } else {
            checks.append(Check("monitors", Verdict(.ok, "ok", "\(facts.monitorCount) monitor(s) followed")))
        }
        if facts.newSendFailures > 0 {
            checks.append(Check("bus", Verdict(.warning, "bus_drops", "\(facts.newSendFailures) bus message(s) dropped since the last look")))
        } else {
            checks.append(Check("bus", Verdict(.ok, "ok", "no bus drops")))
        }
        if let error = facts.catalogError {
            checks.append(Check("database", Verdict(.warning, "database_unreachable", "ZoneMinder's database: \(error)")))
        }
        if let log = facts.logDatabase {
            checks.append(Check("log", logVerdict(log, rules: rules)))
        }
        if let socket = facts.zmlogSocket {
            checks.append(Check("zmlog_socket", socket.present
                ? Verdict(.ok, "ok", "zmlog socket at \(socket.path)")
                : Verdict(.warning, "zmlog_socket_missing", "the zmlog socket \(socket.path) was removed: zmlog cannot hand rows to the agent (restart the agent to re-create it)")))
        }
        return checks
    }

    static func logVerdict(_ log: AgentFacts.LogDatabase, rules: AgentRules) -> Verdict {
        if !log.connected {
            return Verdict(.warning, "log_database_unreachable", "log database unreachable: \(log.spooledRows) row(s) spooled")
        }
        if log.newDroppedRows > 0 {
            return Verdict(.warning, "log_rows_dropped", "\(log.newDroppedRows) log row(s) dropped since the last look (spool full)")
        }
        if log.spooledRows > rules.spoolWarningRows {
            return Verdict(.warning, "log_spool_deep", "\(log.spooledRows) log rows spooled (over \(rules.spoolWarningRows))")
        }
        if let age = log.spoolAge, age > rules.spoolWarningSeconds {
            return Verdict(.warning, "log_spool_old", "log spool not empty for \(number(age)) s (over \(number(rules.spoolWarningSeconds)) s)")
        }
        return Verdict(.ok, "ok", "log database connected, \(log.spooledRows) row(s) spooled")
    }
}

/// The overall verdict: the worst of the agent's checks and the monitors'.
public enum OverallVerdict {
    public static func judge(agent: [AgentVerdict.Check], monitors: [(MonitorFacts, Verdict)]) -> Verdict {
        let level = HealthLevel.worst(agent.map(\.verdict.level) + monitors.map(\.1.level))
        if level == .ok { return Verdict(.ok, "ok", "\(monitors.count) monitor(s) ok") }
        var parts: [String] = []
        let bad = monitors.filter { $0.1.level != .ok }
        if !bad.isEmpty, bad.count == monitors.count, monitors.count > 1, Set(bad.map(\.1.code)).count == 1 {
            // zmwatch's systemic-stall idea: one cause for every monitor is one problem, not N.
            parts.append("all \(monitors.count) monitors: \(bad[0].1.reason)")
        } else {
            for (facts, verdict) in bad { parts.append("\(facts.label): \(verdict.reason)") }
        }
        for check in agent where check.verdict.level != .ok { parts.append("agent \(check.name): \(check.verdict.reason)") }
        let code = agent.first { $0.verdict.level == level }?.verdict.code ?? monitors.first { $0.1.level == level }?.1.code ?? "ok"
        return Verdict(level, code, parts.joined(separator: "; "))
    }
}

/// A counter's increase, reported for `window` seconds after the look that saw it: "bus drops in the last minute"
/// rather than "since the agent started" (a warning that never clears) or "since the previous HEALTH" (which one of
/// two askers would never see).
public struct RecentIncrease: Sendable, Equatable {
    private var seen: UInt64 = 0
    private var pending: UInt64 = 0
    private var since: Double?

    public init() {}

    /// The increase seen within the last `window` seconds (counting this look).
    public mutating func observe(_ value: UInt64, now: Double, window: Double = 60) -> UInt64 {
        if value > seen {
            let stillReporting = since.map { now - $0 <= window } ?? false
            pending = (stillReporting ? pending : 0) + (value - seen)
            since = now
        }
        seen = value
        guard let since, now - since <= window else { return 0 }
        return pending
    }
}
