import LookoutJSON
import ZMConfig
import MonitorState
import ZMShm

/// The JSON bodies of monitor topics (documented field by field in docs/protocol.md).
enum MessageBodies {
    static func head(_ monitor: TrackedMonitor, time: Double) -> [(String, JSONValue)] {
        [("monitor_id", .from(monitor.id)), ("name", .from(monitor.row?.name)), ("time", .double(milliseconds(time)))]
    }

    static func state(_ monitor: TrackedMonitor, previous: ZMMonitorState?, time: Double, numbering: StateNumberingChoice?) -> JSONValue {
        let observation = monitor.observation
        return .object(head(monitor, time: time) + [
            ("function", .from(monitor.row?.function)),
            ("state", .from(observation?.state?.rawValue)),
            ("previous", .from(previous?.rawValue)),
            ("raw", .from(observation?.status?.rawState)),
            ("last_event_id", .from(observation?.lastEventID)),
            ("event_id", .from(monitor.openEvent?.id)),
            ("analysis_enabled", observation?.status?.analysisEnabled.map(JSONValue.bool) ?? .null),
            ("numbering", .from(numbering?.numbering.rawValue)),
        ])
    }

    static func liveness(_ monitor: TrackedMonitor, time: Double) -> JSONValue {
        let observation = monitor.observation
        var members = head(monitor, time: time) + [
            ("reason", .string(monitor.livenessReason)),
            ("available", .bool(observation?.available ?? false)),
            ("valid", .bool(observation?.valid ?? false)),
            ("stale", .bool(observation?.stale ?? true)),
            ("signal", .bool(observation?.signal ?? false)),
            ("heartbeat_age", .from(observation?.heartbeatAge.map(milliseconds))),
            ("reopen_count", .from(monitor.follower.reopenCount)),
            ("layout", .from(observation?.status?.layout.rawValue)),
        ]
        if let error = observation?.error {
            members.append(("error", .object([("code", .string(error.code.rawValue)), ("message", .string(error.message))])))
        }
        return .object(members)
    }

    static func trigger(_ monitor: TrackedMonitor, previous: ZMTriggerState?, time: Double, data: TriggerData?) -> JSONValue {
        let observation = monitor.observation
        return .object(head(monitor, time: time) + [
            ("state", .from(observation?.triggerState?.name)),
            ("previous", .from(previous?.name)),
            ("score", .from(observation?.status?.triggerScore)),
            ("cause", .from(data?.triggerCause.text)),
            ("text", .from(data?.triggerText.text)),
            ("showtext", .from(data?.triggerShowtext.text)),
        ])
    }

    static func eventStart(_ monitor: TrackedMonitor, event: TrackedMonitor.OpenEvent, time: Double) -> JSONValue {
        .object(head(monitor, time: time) + [
            ("type", .string("start")), ("event_id", .uint(event.id)), ("cause", .string(event.cause)),
            ("score", .from(event.score)), ("trigger_cause", .string(event.triggerCause)),
            ("trigger_text", .string(event.triggerText)), ("started_at", .double(milliseconds(event.startedAt))),
        ])
    }

    static func eventEnd(_ monitor: TrackedMonitor, eventID: UInt64, duration: Double?, started: TrackedMonitor.OpenEvent?, time: Double) -> JSONValue {
        .object(head(monitor, time: time) + [
            ("type", .string("end")), ("event_id", .uint(eventID)), ("cause", .from(started?.cause)),
            ("score", .from(started?.score)), ("trigger_cause", .from(started?.triggerCause)),
            ("trigger_text", .from(started?.triggerText)), ("started_at", .from(started.map { milliseconds($0.startedAt) })),
            ("duration", .from(duration.map(milliseconds))),
        ])
    }

    static func fps(_ monitor: TrackedMonitor, time: Double) -> JSONValue {
        let status = monitor.observation?.status
        return .object(head(monitor, time: time) + [
            ("capture_fps", .from(status?.captureFPS.map(centi))), ("analysis_fps", .from(status?.analysisFPS.map(centi))),
            ("last_write_index", .from(status?.lastWriteIndex)), ("image_count", .from(status?.imageCount)),
        ])
    }

    static func removed(_ monitor: TrackedMonitor, time: Double) -> JSONValue {
        .object(head(monitor, time: time) + [("reason", .string("removed")), ("removed", .bool(true)), ("available", .bool(false))])
    }

    static func milliseconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
    private static func centi(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
