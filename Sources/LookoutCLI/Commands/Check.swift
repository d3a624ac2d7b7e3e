import ArgumentParser
import Dispatch
import FoundationEssentials
import Glibc
import LookoutHealth
import LookoutJSON
import ZMConfig
import ZMShm
import ZMSite

/// `lookout check`: a Monitoring Plugins plugin (Nagios, Icinga, Naemon, Checkmk's legacy checks). docs/health.md.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Monitoring plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, one summary line with perfdata, then details.",
        discussion: """
            Asks the running agent (HEALTH on the control socket); when none answers, reads the segments itself and \
            says so in the summary. Verdicts follow zmwatch (ZM_WATCH_MAX_DELAY) and are listed in docs/health.md. \
            --warning and --critical are Monitoring Plugins ranges compared with each selected monitor's --metric: \
            heartbeat_age in seconds (default) or capture_fps. They only ever raise a monitor's level.
            Examples:
              lookout check                                   every monitor and the agent
              lookout check --monitor 3 --warning 20 --critical 40
              lookout check --metric capture_fps --warning 5: --critical 1:
            """)

    @Option(name: .customLong("monitor"), help: "Only this monitor (repeatable); the agent's own checks are then limited to its poll loop.")
    var monitors: [MonitorID] = []
    @Option(name: [.short, .long], help: "Warning range, e.g. 20 (heartbeat age over 20 s) or 5: (fps under 5).")
    var warning: String?
    @Option(name: [.short, .long], help: "Critical range.") var critical: String?
    @Option(help: "What the ranges apply to: heartbeat_age (seconds) or capture_fps.") var metric: String = "heartbeat_age"
    @Option(name: [.short, .long], help: "Seconds before giving up with UNKNOWN.") var timeout: Double = 10
    @Option(help: "The agent's control endpoint.") var control = AgentEndpoints.control
    @Flag(help: "Do not ask the agent; read the segments directly.") var noAgent = false
    @OptionGroup var segments: SegmentOptions

    func validate() throws {
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be between 0 and 3600 seconds") }
    }

    func run() throws {
        // Argument errors are UNKNOWN too, not ArgumentParser's exit 64: a plugin exits 0–3.
        let report: PluginReport
        do {
            report = try makeReport()
        } catch {
            report = .unknown("\(error)")
        }
        FileHandleOut.write(report.text)
        throw ExitCode(report.level.exitCode)
    }

    private func makeReport() throws -> PluginReport {
        guard let metric = PluginReport.Metric(rawValue: metric) else {
            return .unknown("--metric '\(self.metric)' is not one of \(PluginReport.Metric.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let warning = try warning.map { text throws(ThresholdRange.ParseError) in try ThresholdRange(text) }
        let critical = try critical.map { text throws(ThresholdRange.ParseError) in try ThresholdRange(text) }
        Self.armTimeout(timeout)
        var source: String?
        if !noAgent {
            // Half the budget for the agent: the direct read must still fit when it does not answer.
            switch HealthClient.request(endpoint: control, timeout: max(0.2, timeout / 2)) {
            case let .success(health):
                return fromAgent(health, metric: metric, warning: warning, critical: critical)
            case let .failure(failure):
                source = "\(failure.short): segments read directly"
            }
        } else {
            source = "--no-agent: segments read directly"
        }
        return try direct(metric: metric, warning: warning, critical: critical, source: source)
    }

    private var selected: Set<Int> { Set(monitors.map(\.value)) }

    private func fromAgent(_ health: JSONValue, metric: PluginReport.Metric, warning: ThresholdRange?, critical: ThresholdRange?) -> PluginReport {
        let maxDelay = health["max_delay"]?.doubleValue ?? ZoneMinderContext.defaultMaxDelay
        var judged: [(MonitorFacts, Verdict)] = []
        var seen = Set<Int>()
        for item in health["monitors"]?.arrayValue ?? [] {
            guard let id = item["monitor_id"]?.intValue, selected.isEmpty || selected.contains(id) else { continue }
            seen.insert(id)
            let available = item["available"]?.boolValue ?? false
            let facts = MonitorFacts(
                id: id, name: item["name"]?.stringValue,
                segment: available ? .readable : .unavailable(code: item["error_code"]?.stringValue ?? "notFound", message: item["error"]?.stringValue ?? "unavailable"),
                valid: item["valid"]?.boolValue, signal: item["signal"]?.boolValue, heartbeatAge: item["heartbeat_age"]?.doubleValue,
                lastWriteAge: item["last_write_age"]?.doubleValue, captureFPS: item["capture_fps"]?.doubleValue)
            judged.append((facts, Self.verdict(item["verdict"]) ?? Verdict(.unknown, "no_verdict", "the agent gave no verdict (an older agent?)")))
        }
        for id in selected.subtracting(seen).sorted() {
            let facts = MonitorFacts(id: id, segment: .unavailable(code: "notFound", message: "not followed by the agent"))
            judged.append((facts, Verdict(.critical, "no_segment", "the agent does not follow monitor \(id): no segment and no running Monitors row")))
        }
        judged.sort { $0.0.id < $1.0.id }
        var checks: [AgentVerdict.Check] = (health["agent"]?.arrayValue ?? []).compactMap { item in
            guard let name = item["check"]?.stringValue, let verdict = Self.verdict(item) else { return nil }
            return AgentVerdict.Check(name, verdict)
        }
        if !selected.isEmpty { checks = checks.filter { $0.name == "poll" } }
        return PluginReport.build(monitors: judged, agent: checks, metric: metric, warning: warning, critical: critical, maxDelay: maxDelay, source: nil)
    }

    private static func verdict(_ value: JSONValue?) -> Verdict? {
        guard let value, let level = value["level"]?.stringValue.flatMap(HealthLevel.init(rawValue:)) else { return nil }
        return Verdict(level, value["code"]?.stringValue ?? "", value["reason"]?.stringValue ?? "")
    }

    /// Without an agent: the same monitor verdicts from the segments (no agent checks; no re-creation memory).
    private func direct(metric: PluginReport.Metric, warning: ThresholdRange?, critical: ThresholdRange?, source: String?) throws -> PluginReport {
        let context = ZoneMinderContext.resolve(segments.contextOptions())
        let ids: [Int]
        if selected.isEmpty {
            do {
                ids = try context.discoverMonitorIDs()
            } catch {
                return .unknown("\(error)" + (source.map { " (\($0))" } ?? ""))
            }
        } else {
            ids = selected.sorted()
        }
        let now = Date().timeIntervalSince1970
        let rules = MonitorRules(maxDelay: context.maxDelay)
        let judged = ids.map { id -> (MonitorFacts, Verdict) in
            let facts = Self.facts(id, context: context, now: now)
            return (facts, MonitorVerdict.judge(facts, rules: rules))
        }
        var checks: [AgentVerdict.Check] = []
        if ids.isEmpty {
            checks.append(AgentVerdict.Check("monitors", Verdict(
                .critical, "no_monitors", "no monitor found: no zm.mmap.<id> in \(context.mapDirectory) and none running in the database")))
        }
        return PluginReport.build(
            monitors: judged, agent: checks, metric: metric, warning: warning, critical: critical, maxDelay: context.maxDelay, source: source)
    }

    static func facts(_ id: Int, context: ZoneMinderContext, now: Double) -> MonitorFacts {
        let row = context.monitorRows[id]
        do {
            let status = try context.openSegment(id, extent: .header).status()
            return MonitorFacts(
                id: id, name: row?.name, function: row?.function, capturing: row?.capturing, decoding: row?.decoding,
                maxFPS: row?.maxFPS, segment: .readable, valid: status.valid, signal: status.signal,
                heartbeatAge: status.heartbeatAge(now: now),
                lastWriteAge: status.lastWriteTime > 0 ? max(0, now - Double(status.lastWriteTime)) : nil, captureFPS: status.captureFPS)
        } catch {
            return MonitorFacts(
                id: id, name: row?.name, function: row?.function, capturing: row?.capturing, decoding: row?.decoding, maxFPS: row?.maxFPS,
                segment: .unavailable(code: error.code.rawValue, message: error.message),
                notInDatabase: !context.monitorRows.isEmpty && row == nil)
        }
    }

    /// The plugin's own deadline: past it, print UNKNOWN and exit 3 whatever is still waiting (a database connect,
    /// a hung read). Plugins traditionally use alarm(2); a timer thread does the same without a signal handler.
    static func armTimeout(_ seconds: Double) {
        let line = "LOOKOUT UNKNOWN - no result within the \(number(seconds)) s timeout (--timeout)\n"
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            FileHandleOut.write(line)
            _exit(HealthLevel.unknown.exitCode)
        }
    }
}

enum FileHandleOut {
    static func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 { break }
            offset += written
        }
    }
}
