import ZMShm

/// Turns successive observations of one monitor into changes. A pure value: tests drive it without files.
public struct MonitorTracker: Sendable {
    public let monitorID: Int
    public private(set) var last: MonitorObservation?
    private var alarmStartedAt: Double?

    public init(monitorID: Int) { self.monitorID = monitorID }

    public mutating func observe(_ now: MonitorObservation, at time: Double, reopened: SegmentFollower.ReopenReason? = nil) -> [MonitorChange] {
        defer { last = now }
        var changes: [MonitorChange] = []
        if let reopened { changes.append(.reopened(reopened)) }
        guard let previous = last else {
            if let error = now.error { return changes + [.unavailable(error)] }
            if now.state?.isAlarmed == true { alarmStartedAt = time }
            return changes + [.appeared]
        }
        if let error = now.error {
            if previous.error?.code != error.code { changes.append(.unavailable(error)) }
            return changes
        }
        if !previous.available { changes.append(.appeared) }
        if previous.available && previous.valid != now.valid { changes.append(.validity(now.valid)) }
        guard let status = now.status else { return changes }

        if now.lastEventID != previous.lastEventID && now.lastEventID != 0 {
            if let open = alarmStartedAt, previous.lastEventID != 0, previous.state?.isAlarmed == true {
                changes.append(.eventEnded(eventID: previous.lastEventID, duration: time - open))
            }
            changes.append(.eventStarted(eventID: now.lastEventID))
            alarmStartedAt = time
        }
        if now.state != previous.state || status.rawState != previous.status?.rawState {
            changes.append(.state(from: previous.state, to: now.state, raw: status.rawState))
            let wasAlarmed = previous.state?.isAlarmed == true
            let isAlarmed = now.state?.isAlarmed == true
            if isAlarmed && !wasAlarmed && alarmStartedAt == nil { alarmStartedAt = time }
            if wasAlarmed && !isAlarmed && now.state != .prealarm {
                changes.append(.eventEnded(eventID: now.lastEventID, duration: alarmStartedAt.map { time - $0 }))
                alarmStartedAt = nil
            }
        }
        if now.triggerState != previous.triggerState || (now.triggerState == .on && status.triggerScore != previous.status?.triggerScore) {
            changes.append(.trigger(from: previous.triggerState, to: now.triggerState, score: status.triggerScore))
        }
        if now.stale != previous.stale { changes.append(.stale(now.stale, heartbeatAge: now.heartbeatAge)) }
        if now.signal != previous.signal { changes.append(.signal(now.signal)) }
        return changes
    }
}
