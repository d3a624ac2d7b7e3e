import LookoutJSON
import FoundationEssentials
import Glibc
import MonitorState
import ZMConfig
import ZMShm
import ZMSite

/// Writes `lookout watch` lines, flushed one at a time so a pipe sees each change as it happens.
struct ChangeWriter {
    let json: Bool
    let context: ZoneMinderContext

    func banner(_ what: String) {
        guard !json else { return }
        emit("watching \(what); ZoneMinder \(context.version?.description ?? "version unknown"); Ctrl-C to stop")
    }

    func write(_ change: MonitorChange, monitorID: Int, observation: MonitorObservation, segment: ZMSegment?, time: Double) {
        let name = context.monitorRows[monitorID]?.name
        var fields: [(String, JSONValue)] = []
        let text: String
        switch change {
        case .appeared:
            let state = observation.state?.rawValue ?? "?"
            text = "found: state \(state), last event \(observation.lastEventID)"
            fields = [("change", .string("appeared")), ("state", .string(state)), ("last_event_id", .from(observation.lastEventID))]
        case let .unavailable(error):
            text = "unavailable: \(error.message)"
            fields = [("change", .string("unavailable")), ("error_code", .string(error.code.rawValue)), ("error", .string(error.message))]
        case let .reopened(reason):
            text = "re-opened: \(reason.rawValue)"
            fields = [("change", .string("reopened")), ("reason", .string(reason.rawValue))]
        case let .validity(valid):
            text = valid ? "segment valid again" : "segment INVALID (valid = 0)"
            fields = [("change", .string("validity")), ("valid", .bool(valid))]
        case let .state(from, to, raw):
            text = "state \(from?.rawValue ?? "?") -> \(to?.rawValue ?? "INVALID(\(raw))")"
            fields = [("change", .string("state")), ("from", .from(from?.rawValue)), ("to", .from(to?.rawValue)), ("raw", .from(raw))]
        case let .eventStarted(eventID):
            let causes = try? segment?.causes()
            let cause = causes?.alarmCause.text ?? ""
            let trigger = causes?.trigger.triggerCause.text ?? ""
            text = "event \(eventID) started" + (cause.isEmpty ? "" : ", cause \"\(cause)\"") + (trigger.isEmpty ? "" : ", trigger cause \"\(trigger)\"")
            fields = [("change", .string("event_start")), ("event_id", .from(eventID)), ("alarm_cause", .string(cause)), ("trigger_cause", .string(trigger))]
        case let .eventEnded(eventID, duration):
            text = "event \(eventID) ended" + (duration.map { " after " + fixed($0, 1) + " s" } ?? "")
            fields = [("change", .string("event_end")), ("event_id", .from(eventID)), ("duration", .from(duration))]
        case let .trigger(from, to, score):
            text = "trigger \(from?.name ?? "?") -> \(to?.name ?? "?")" + (to == .on ? " (score \(score))" : "")
            fields = [("change", .string("trigger")), ("from", .from(from?.name)), ("to", .from(to?.name)), ("score", .from(score))]
        case let .stale(stale, age):
            text = stale ? "STALE: heartbeat \(age.map { format($0) + " s old" } ?? "never written")" : "heartbeat fresh again"
            fields = [("change", .string("stale")), ("stale", .bool(stale)), ("heartbeat_age", .from(age))]
        case let .signal(signal):
            text = signal ? "signal restored" : "SIGNAL LOST"
            fields = [("change", .string("signal")), ("signal", .bool(signal))]
        }
        if json {
            let head: [(String, JSONValue)] = [("time", .double((time * 1000).rounded() / 1000)), ("monitor_id", .from(monitorID)), ("name", .from(name))]
            emit(JSONValue.object(head + fields).rendered())
        } else {
            emit("\(timestamp(time)) monitor \(monitorID)\(name.map { " (\($0))" } ?? ""): \(text)")
        }
    }

    private func timestamp(_ time: Double) -> String { localTimestamp(time) }

    private func emit(_ line: String) {
        writeStandardOutput((line + "\n"))
    }
}
