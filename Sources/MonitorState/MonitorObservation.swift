import ZMShm

/// What one poll saw of one monitor, in ZoneMinder's terms, plus liveness judged like zmwatch.
public struct MonitorObservation: Sendable, Equatable {
    public var monitorID: Int
    /// The segment could be opened and decoded.
    public var available: Bool
    public var error: SegmentError?
    public var status: MonitorStatus?
    public var state: ZMMonitorState?
    public var triggerState: ZMTriggerState?
    /// Seconds since zmc's heartbeat (1.34: since the last image); `nil` if it never beat.
    public var heartbeatAge: Double?
    /// Heartbeat older than `ZM_WATCH_MAX_DELAY` (or never written): zmwatch would restart zmc.
    public var stale: Bool

    public var valid: Bool { status?.valid ?? false }
    public var signal: Bool { status?.signal ?? false }
    public var lastEventID: UInt64 { status?.lastEventID ?? 0 }

    public init(monitorID: Int, reading: SegmentFollower.Reading, numbering: StateNumbering, maxDelay: Double, now: Double) {
        self.monitorID = monitorID
        self.error = reading.error
        self.status = reading.status
        self.available = reading.status != nil
        if let status = reading.status {
            state = status.state(numbering)
            triggerState = ZMTriggerState(rawValue: status.triggerState)
            heartbeatAge = status.heartbeatAge(now: now)
            stale = heartbeatAge.map { $0 > maxDelay } ?? true
        } else {
            state = nil
            triggerState = nil
            heartbeatAge = nil
            stale = true
        }
    }

    /// The usual poll: the segment reads as before in everything `MonitorTracker` compares (layout, state, event,
    /// trigger and its score, validity, signal) and liveness did not flip. Then this observation takes the new status
    /// (frame counters, write times, fps, heartbeat) in place and the result is true: the tracker would report
    /// nothing, so the caller may skip it. False (nothing modified) means observe the full way.
    public mutating func refresh(with status: MonitorStatus, numbering: StateNumbering, maxDelay: Double, now: Double) -> Bool {
        guard available, let previous = self.status, previous.layout == status.layout, previous.rawState == status.rawState,
              previous.lastEventID == status.lastEventID, previous.triggerState == status.triggerState,
              previous.triggerScore == status.triggerScore, previous.valid == status.valid, previous.signal == status.signal,
              status.state(numbering) == state
        else { return false }
        let age = status.heartbeatAge(now: now)
        guard (age.map { $0 > maxDelay } ?? true) == stale else { return false }
        self.status = status
        heartbeatAge = age
        return true
    }
}

/// A change worth telling a person or a subscriber about.
public enum MonitorChange: Sendable, Equatable {
    case appeared
    case unavailable(SegmentError)
    case reopened(SegmentFollower.ReopenReason)
    case validity(Bool)
    case state(from: ZMMonitorState?, to: ZMMonitorState?, raw: UInt32)
    /// `last_event_id` moved to a new event.
    case eventStarted(eventID: UInt64)
    /// Event `eventID` ended: its alarm ended, a newer event began, or zmc restarted (see `MonitorTracker`).
    case eventEnded(eventID: UInt64, duration: Double?)
    case trigger(from: ZMTriggerState?, to: ZMTriggerState?, score: UInt32)
    case stale(Bool, heartbeatAge: Double?)
    case signal(Bool)
}
