import LookoutBus
import LookoutHealth
import LookoutJSON

/// What HEALTH says, gathered on the poll thread without judging or rendering anything: plain values, so another
/// thread can turn them into the reply (`HealthRenderer`). Judging 4 096 monitors and writing 1.3 MB of text is
/// what cost the poll tick 13–23 ms; gathering these is a copy of a few fields per monitor.
struct HealthReport: Sendable {
    /// One monitor's entry of HEALTH, before its verdict is judged.
    struct Monitor: Sendable {
        var id: Int
        var name: String?
        var available: Bool
        var stale: Bool
        /// The last state read, whether or not the segment is readable now.
        var lastState: String?
        var errorMessage: String?
        var errorCode: String?
        var reopenCount: Int
        var eventsStarted: UInt64
        var facts: MonitorFacts
    }

    var rules: MonitorRules
    var checks: [AgentVerdict.Check]
    /// The members between `verdict` and `agent`, in order (`epoch` … `alarmed`).
    var agentMembers: [(String, JSONValue)]
    /// The members between `agent` and `monitors` (`log`, `mqtt`).
    var middleMembers: [(String, JSONValue)]
    /// The members after `monitors` (the channels' parts).
    var trailingMembers: [(String, JSONValue)]
    var monitors: [Monitor]
}

extension HealthReport.Monitor {
    /// The entry as a tree (what `HEALTH <id>` and tests read).
    func json(verdict: Verdict) -> JSONValue {
        .object([
            ("monitor_id", .from(id)), ("name", .from(name)), ("available", .bool(available)),
            ("stale", .bool(stale)),
            // Only what this poll read: during an outage the last state read is `last_state`, not `state`.
            ("state", .from(available ? lastState : nil)),
            ("last_state", .from(lastState)),
            // Computed now from the last heartbeat read, so it keeps growing while the segment is gone.
            ("heartbeat_age", .from(facts.heartbeatAge.map(MessageBodies.milliseconds))),
            ("last_write_age", .from(facts.lastWriteAge.map(MessageBodies.milliseconds))),
            ("capture_fps", .from(available ? facts.captureFPS : nil)),
            ("signal", available ? facts.signal.map(JSONValue.bool) ?? .null : .null),
            ("valid", available ? facts.valid.map(JSONValue.bool) ?? .null : .null),
            ("error", .from(errorMessage)), ("error_code", .from(errorCode)),
            ("reopen_count", .from(reopenCount)), ("events_started", .uint(eventsStarted)),
            ("verdict", verdict.json),
        ])
    }

    /// `json(verdict:)` written straight into bytes: the same text, about twice as fast.
    func text(verdict: Verdict, into json: inout JSONWriter) {
        json.member("monitor_id", id)
        json.member("name", name)
        json.member("available", available)
        json.member("stale", stale)
        json.member("state", available ? lastState : nil)
        json.member("last_state", lastState)
        json.member("heartbeat_age", thousandths: facts.heartbeatAge.map(MessageBodies.milliseconds))
        json.member("last_write_age", thousandths: facts.lastWriteAge.map(MessageBodies.milliseconds))
        json.member("capture_fps", available ? facts.captureFPS : nil)
        json.member("signal", available ? facts.signal : nil)
        json.member("valid", available ? facts.valid : nil)
        json.member("error", errorMessage)
        json.member("error_code", errorCode)
        json.member("reopen_count", reopenCount)
        json.member("events_started", eventsStarted)
        var inner = JSONWriter(capacity: 48 + verdict.code.utf8.count + verdict.reason.utf8.count)
        inner.member("level", verdict.level.rawValue)
        inner.member("code", verdict.code)
        inner.member("reason", verdict.reason)
        json.member("verdict", raw: inner.finished())
    }
}

/// Turns a `HealthReport` into HEALTH: judges every verdict and writes the text. Touches nothing of the loop's, so
/// it runs on any thread; `HealthRenderThread` runs it off the poll thread.
enum HealthRenderer {
    /// - Parameter renderingMonitors: the `monitors` array written straight into bytes and embedded as raw text
    ///   (what the control socket sends); otherwise a tree tests can read.
    static func json(_ report: HealthReport, renderingMonitors: Bool) -> JSONValue {
        let verdicts = report.monitors.map { MonitorVerdict.judge($0.facts, rules: report.rules) }
        let overall = OverallVerdict.judge(
            agent: report.checks, monitors: zip(report.monitors, verdicts).map { ($0.facts, $1) })
        let detail: JSONValue =
            if renderingMonitors {
                .raw(text(report.monitors, verdicts: verdicts))
            } else {
                .array(zip(report.monitors, verdicts).map { $0.json(verdict: $1) })
            }
        let head: [(String, JSONValue)] = [("status", .string(overall.level == .ok ? "ok" : "degraded")), ("verdict", overall.json)]
        let agent: JSONValue = .array(report.checks.map { check in
            .object([("check", .string(check.name))] + (check.verdict.json.objectMembers ?? []))
        })
        return .object(
            head + report.agentMembers + [("agent", agent)] + report.middleMembers + [("monitors", detail)]
                + report.trailingMembers)
    }

    /// HEALTH's text, as the control socket sends it.
    static func rendered(_ report: HealthReport) -> String { json(report, renderingMonitors: true).rendered() }

    /// `[a,b,…]`: every entry written into one buffer.
    private static func text(_ monitors: [HealthReport.Monitor], verdicts: [Verdict]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2 + monitors.count * 400)
        bytes.append(UInt8(ascii: "["))
        for (index, monitor) in monitors.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            var json = JSONWriter(capacity: 384)
            monitor.text(verdict: verdicts[index], into: &json)
            bytes.append(contentsOf: json.finished().utf8)
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
