/// What `lookout check` prints and exits with, built from verdicts: a Monitoring Plugins report.
///
/// ```
/// LOOKOUT CRITICAL - Front (1): heartbeat 63 s old, over ZM_WATCH_MAX_DELAY 45 s: zmc is hung or stopped | 'monitors'=3;;;0 …
/// [CRITICAL] Front (1): heartbeat 63 s old, …
/// [OK] Back (2): ok
/// [OK] agent poll: polling at 10 Hz
/// ```
public struct PluginReport: Sendable, Equatable {
    /// What `--warning` and `--critical` are compared with, per selected monitor.
    public enum Metric: String, Sendable, CaseIterable {
        /// Seconds since zmc's heartbeat (default). A monitor without one (no segment, never beat) is not compared:
        /// its verdict already says why.
        case heartbeatAge = "heartbeat_age"
        /// zmc's capture frames per second, e.g. `--warning 5: --critical 1:`.
        case captureFPS = "capture_fps"

        var unit: String { self == .heartbeatAge ? "s" : "" }
    }

    public var level: HealthLevel
    public var summary: String
    public var details: [String]
    public var perfdata: [PerfDatum]

    /// The text to print: summary line with perfdata after `|`, then one detail line each.
    public var text: String {
        let perf = perfdata.map(\.rendered).joined(separator: " ")
        return (["LOOKOUT \(level.label) - \(summary)" + (perf.isEmpty ? "" : " | \(perf)")] + details).joined(separator: "\n") + "\n"
    }

    public static func unknown(_ reason: String) -> PluginReport {
        PluginReport(level: .unknown, summary: reason, details: [], perfdata: [])
    }

    /// - Parameters:
    ///   - monitors: the selected monitors with their verdicts, in id order.
    ///   - agent: the agent's checks; empty when no agent answered.
    ///   - source: a note for the summary, e.g. "no agent answered …: segments read directly"; nil when the agent answered.
    public static func build(
        monitors: [(MonitorFacts, Verdict)], agent: [AgentVerdict.Check], metric: Metric,
        warning: ThresholdRange?, critical: ThresholdRange?, maxDelay: Double, source: String?
    ) -> PluginReport {
        var judged: [(MonitorFacts, Verdict)] = []
        var perfdata: [PerfDatum] = []
        for (facts, verdict) in monitors {
            var verdict = verdict
            let value = metric == .heartbeatAge ? facts.heartbeatAge : facts.captureFPS
            if let value, facts.segment == .readable {
                if let critical, critical.alerts(value), verdict.level.severity < HealthLevel.critical.severity {
                    verdict = Verdict(.critical, "threshold", "\(metric.rawValue) \(number(value))\(metric.unit) outside the critical range \(critical.text)")
                } else if let warning, warning.alerts(value), verdict.level.severity < HealthLevel.warning.severity {
                    verdict = Verdict(.warning, "threshold", "\(metric.rawValue) \(number(value))\(metric.unit) outside the warning range \(warning.text)")
                }
            }
            judged.append((facts, verdict))
            let ageRanges = metric == .heartbeatAge ? (warning, critical) : (nil, nil)
            let fpsRanges = metric == .captureFPS ? (warning, critical) : (nil, nil)
            if let age = facts.heartbeatAge {
                perfdata.append(PerfDatum("\(facts.id) heartbeat_age", age, unit: "s", warning: ageRanges.0, critical: ageRanges.1, minimum: 0))
            }
            if let fps = facts.captureFPS, facts.segment == .readable {
                perfdata.append(PerfDatum("\(facts.id) capture_fps", fps, warning: fpsRanges.0, critical: fpsRanges.1, minimum: 0))
            }
        }
        let overall = OverallVerdict.judge(agent: agent, monitors: judged)
        let okCount = judged.filter { $0.1.level == .ok }.count
        perfdata.insert(contentsOf: [
            PerfDatum("monitors", Double(judged.count), minimum: 0),
            PerfDatum("monitors_ok", Double(okCount), minimum: 0, maximum: Double(judged.count)),
        ], at: 0)
        var summary = overall.level == .ok ? "\(okCount)/\(judged.count) monitors ok" : overall.reason
        if judged.isEmpty, overall.level == .ok { summary = "no monitor selected" }
        if let source { summary += " (\(source))" }
        var details: [String] = []
        for (facts, verdict) in judged { details.append("[\(verdict.level.label)] \(facts.label): \(verdict.reason)") }
        for check in agent { details.append("[\(check.verdict.level.label)] agent \(check.name): \(check.verdict.reason)") }
        details.append("stale after ZM_WATCH_MAX_DELAY = \(number(maxDelay)) s")
        return PluginReport(level: overall.level, summary: summary, details: details, perfdata: perfdata)
    }
}
