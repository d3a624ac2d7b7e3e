import ZMShm

/// Turns successive observations of one monitor into changes. A pure value: tests drive it without files.
///
/// Events: a new non-zero `last_event_id` starts one. It ends, once, at the first of: its alarm ending
/// (state moves from ALARM/ALERT to IDLE, TAPE or PREALARM: for Modect/Nodect that is when zmc closes it; for
/// Mocord/Record it marks the end of the alarm while recording goes on), a newer event id, or zmc
/// restarting (the id resets to 0). An outage of the segment is compared against the last good
/// observation, so it neither repeats an event start nor invents state changes.
public struct MonitorTracker: Sendable {
    public let monitorID: Int
    /// What the tracker compares of the last observation that had a readable segment (not the whole observation:
    /// 24 bytes instead of 187, for each of 4 096 monitors).
    public private(set) var lastAvailable: Compared?
    private var lastErrorCode: SegmentError.Code?
    private var openEvent: OpenEvent?
    /// The last event reported ended, so an event is never ended twice.
    private var endedEventID: UInt64?

    public struct Compared: Sendable, Equatable {
        public let valid: Bool
        public let state: ZMMonitorState?
        public let rawState: UInt32
        public let lastEventID: UInt64
        public let triggerState: ZMTriggerState?
        public let triggerScore: UInt32
        public let stale: Bool
        public let signal: Bool

        init(_ observation: MonitorObservation, _ status: MonitorStatus) {
            valid = observation.valid
            state = observation.state
            rawState = status.rawState
            lastEventID = observation.lastEventID
            triggerState = observation.triggerState
            triggerScore = status.triggerScore
            stale = observation.stale
            signal = observation.signal
        }
    }

    private struct OpenEvent: Sendable {
        let id: UInt64
        let since: Double
        var alarmed: Bool
    }

    public init(monitorID: Int) { self.monitorID = monitorID }

    public mutating func observe(_ now: MonitorObservation, at time: Double, reopened: SegmentFollower.ReopenReason? = nil) -> [MonitorChange] {
        var changes: [MonitorChange] = []
        if let reopened { changes.append(.reopened(reopened)) }
        if let error = now.error {
            if lastErrorCode != error.code { changes.append(.unavailable(error)) }
            lastErrorCode = error.code
            return changes
        }
        guard let status = now.status else { return changes }
        let recovered = lastErrorCode != nil
        lastErrorCode = nil
        defer { lastAvailable = Compared(now, status) }

        guard let previous = lastAvailable else {
            changes.append(.appeared)
            // An id seen at start-up while idle belongs to an event that already closed; only an alarm in progress is open.
            if now.lastEventID != 0, now.state?.isAlarmed == true { openEvent = OpenEvent(id: now.lastEventID, since: time, alarmed: true) }
            return changes
        }
        if recovered { changes.append(.appeared) }
        if previous.valid != now.valid { changes.append(.validity(now.valid)) }

        if now.state != previous.state || status.rawState != previous.rawState {
            changes.append(.state(from: previous.state, to: now.state, raw: status.rawState))
        }
        let restarted = now.lastEventID == 0 && previous.lastEventID != 0
        if now.lastEventID != previous.lastEventID, now.lastEventID != 0 || restarted {
            endOpenEvent(at: time, into: &changes)
            if now.lastEventID != 0 {
                changes.append(.eventStarted(eventID: now.lastEventID))
                openEvent = OpenEvent(id: now.lastEventID, since: time, alarmed: false)
            }
        }
        if openEvent == nil, now.lastEventID != 0, now.state?.isAlarmed == true, now.lastEventID == previous.lastEventID,
           now.lastEventID != endedEventID {
            // An alarm inside an event that was already recording when we started (a Mocord section).
            openEvent = OpenEvent(id: now.lastEventID, since: time, alarmed: true)
        } else if let event = openEvent, event.id == now.lastEventID {
            if now.state?.isAlarmed == true {
                openEvent?.alarmed = true
            } else if event.alarmed, let state = now.state, state != .unknown {
                // UNKNOWN or an unnumbered value is not a real transition (torn read, wrong numbering): keep waiting.
                endOpenEvent(at: time, into: &changes)
            }
        }

        if now.triggerState != previous.triggerState || (now.triggerState == .on && status.triggerScore != previous.triggerScore) {
            changes.append(.trigger(from: previous.triggerState, to: now.triggerState, score: status.triggerScore))
        }
        if now.stale != previous.stale { changes.append(.stale(now.stale, heartbeatAge: now.heartbeatAge)) }
        if now.signal != previous.signal { changes.append(.signal(now.signal)) }
        return changes
    }

    private mutating func endOpenEvent(at time: Double, into changes: inout [MonitorChange]) {
        guard let event = openEvent else { return }
        changes.append(.eventEnded(eventID: event.id, duration: time - event.since))
        endedEventID = event.id
        openEvent = nil
    }
}
