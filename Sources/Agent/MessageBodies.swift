import LookoutJSON
import ZMConfig
import MonitorState
import ZMShm

/// The JSON bodies of monitor topics (documented field by field in docs/protocol.md), written straight into bytes
/// (`JSONWriter`): they are built for every change a poll publishes.
enum MessageBodies {
    static func head(_ monitor: TrackedMonitor, time: Double) -> JSONWriter {
        var json = JSONWriter()
        json.member("monitor_id", monitor.id)
        json.member("name", monitor.row?.name)
        json.member("time", thousandths: milliseconds(time))
        return json
    }

    static func state(_ monitor: TrackedMonitor, previous: ZMMonitorState?, time: Double, numbering: StateNumberingChoice?) -> String {
        let observation = monitor.observation
        var json = head(monitor, time: time)
        json.member("function", monitor.row?.function)
        json.member("state", observation?.state?.rawValue)
        json.member("previous", previous?.rawValue)
        json.member("raw", observation?.status?.rawState)
        json.member("last_event_id", observation?.lastEventID)
        json.member("event_id", monitor.openEvent?.id)
        json.member("analysis_enabled", observation?.status?.analysisEnabled)
        json.member("numbering", numbering?.numbering.rawValue)
        return json.finished()
    }

    static func liveness(_ monitor: TrackedMonitor, time: Double) -> String {
        let observation = monitor.observation
        var json = head(monitor, time: time)
        json.member("reason", monitor.livenessReason)
        json.member("available", observation?.available ?? false)
        json.member("valid", observation?.valid ?? false)
        json.member("stale", observation?.stale ?? true)
        json.member("signal", observation?.signal ?? false)
        json.member("heartbeat_age", thousandths: observation?.heartbeatAge.map(milliseconds))
        json.member("reopen_count", monitor.follower.reopenCount)
        json.member("layout", observation?.status?.layout.rawValue)
        if let error = observation?.error {
            var inner = JSONWriter(capacity: 64 + error.message.utf8.count)
            inner.member("code", error.code.rawValue)
            inner.member("message", error.message)
            json.member("error", raw: inner.finished())
        }
        return json.finished()
    }

    static func trigger(_ monitor: TrackedMonitor, previous: ZMTriggerState?, time: Double, data: TriggerData?) -> String {
        let observation = monitor.observation
        var json = head(monitor, time: time)
        json.member("state", observation?.triggerState?.name)
        json.member("previous", previous?.name)
        json.member("score", observation?.status?.triggerScore)
        json.member("cause", data?.triggerCause.text)
        json.member("text", data?.triggerText.text)
        json.member("showtext", data?.triggerShowtext.text)
        return json.finished()
    }

    static func eventStart(_ monitor: TrackedMonitor, event: TrackedMonitor.OpenEvent, time: Double) -> String {
        var json = head(monitor, time: time)
        json.member("type", "start")
        json.member("event_id", event.id)
        json.member("cause", event.cause)
        json.member("score", event.score)
        json.member("trigger_cause", event.triggerCause)
        json.member("trigger_text", event.triggerText)
        json.member("started_at", thousandths: milliseconds(event.startedAt))
        return json.finished()
    }

    static func eventEnd(_ monitor: TrackedMonitor, eventID: UInt64, duration: Double?, started: TrackedMonitor.OpenEvent?, time: Double) -> String {
        var json = head(monitor, time: time)
        json.member("type", "end")
        json.member("event_id", eventID)
        json.member("cause", started?.cause)
        json.member("score", started?.score)
        json.member("trigger_cause", started?.triggerCause)
        json.member("trigger_text", started?.triggerText)
        json.member("started_at", thousandths: started.map { milliseconds($0.startedAt) })
        json.member("duration", thousandths: duration.map(milliseconds))
        return json.finished()
    }

    static func fps(_ monitor: TrackedMonitor, time: Double) -> String {
        let status = monitor.observation?.status
        var json = head(monitor, time: time)
        json.member("capture_fps", thousandths: status?.captureFPS.map(centi))
        json.member("analysis_fps", thousandths: status?.analysisFPS.map(centi))
        json.member("last_write_index", status?.lastWriteIndex)
        json.member("image_count", status?.imageCount)
        return json.finished()
    }

    static func removed(_ monitor: TrackedMonitor, time: Double) -> String {
        var json = head(monitor, time: time)
        json.member("reason", "removed")
        json.member("removed", true)
        json.member("available", false)
        return json.finished()
    }

    static func milliseconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
    private static func centi(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
