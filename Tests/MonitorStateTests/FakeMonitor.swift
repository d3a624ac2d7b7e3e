import MonitorState
import Testing
@testable import ZMShm

/// A fixed clock origin; whole and half seconds above it are exact in a `Double`.
let t0: Double = 1_700_000_000

func segmentError(_ code: SegmentError.Code, monitorID: Int = 1) -> SegmentError {
    SegmentError(code, path: "/dev/shm/zm.mmap.\(monitorID)", "\(code.rawValue) (test)")
}

func makeStatus(
    layout: SharedDataLayout = .zm136,
    rawState: UInt32,
    lastEventID: UInt64 = 0,
    heartbeatTime: Int64,
    valid: Bool = true,
    signal: Bool = true,
    triggerState: UInt32 = ZMTriggerState.cancel.rawValue,
    triggerScore: UInt32 = 0
) -> MonitorStatus {
    MonitorStatus(
        layout: layout, size: layout.rawValue, valid: valid, rawState: rawState, lastEventID: lastEventID,
        captureFPS: nil, analysisFPS: nil, heartbeatTime: heartbeatTime, lastWriteTime: heartbeatTime,
        lastWriteIndex: 0, imageCount: nil, signal: signal, analysisEnabled: true, lastFrameScore: nil,
        action: 0, triggerDataSize: 560, triggerState: triggerState, triggerScore: triggerScore)
}

/// One monitor seen poll by poll, without a segment file: edit `status` (or `state`) between polls, then `poll(at:)`.
struct FakeMonitor {
    let id: Int
    let numbering: StateNumbering
    let maxDelay: Double
    var status: MonitorStatus
    var tracker: MonitorTracker

    init(
        id: Int = 1, layout: SharedDataLayout = .zm136, numbering: StateNumbering = .idleIsOne,
        maxDelay: Double = 45, state: ZMMonitorState = .idle
    ) {
        self.id = id
        self.numbering = numbering
        self.maxDelay = maxDelay
        self.status = makeStatus(layout: layout, rawState: numbering.raw(state)!, heartbeatTime: Int64(t0))
        self.tracker = MonitorTracker(monitorID: id)
    }

    /// The state the next poll will see, written as ZoneMinder would number it.
    var state: ZMMonitorState {
        get { status.state(numbering)! }
        set { status.rawState = numbering.raw(newValue)! }
    }

    func raw(_ state: ZMMonitorState) -> UInt32 { numbering.raw(state)! }

    /// A successful poll. zmc beats at `time` unless `heartbeat` says otherwise.
    mutating func poll(at time: Double, heartbeat: Int64? = nil, reopened: SegmentFollower.ReopenReason? = nil) -> [MonitorChange] {
        status.heartbeatTime = heartbeat ?? Int64(time)
        let reading = SegmentFollower.Reading(status: status, error: nil, reopened: reopened)
        return observe(reading, at: time)
    }

    /// A poll whose segment could not be read.
    mutating func fail(_ code: SegmentError.Code, at time: Double, reopened: SegmentFollower.ReopenReason? = nil) -> [MonitorChange] {
        let reading = SegmentFollower.Reading(status: nil, error: segmentError(code, monitorID: id), reopened: reopened)
        return observe(reading, at: time)
    }

    /// Wires a reading through as `lookout watch` does: the reading's reopen reason goes to the tracker.
    private mutating func observe(_ reading: SegmentFollower.Reading, at time: Double) -> [MonitorChange] {
        let observation = MonitorObservation(monitorID: id, reading: reading, numbering: numbering, maxDelay: maxDelay, now: time)
        return tracker.observe(observation, at: time, reopened: reading.reopened)
    }
}

extension FakeMonitor {
    /// A monitor that appeared IDLE at `t0` and went into ALARM with event `eventID` at `t0 + 1`,
    /// so event `eventID` is open and its duration counts from `t0 + 1`.
    static func alarmed(eventID: UInt64 = 15) -> FakeMonitor {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.state = .alarm
        monitor.status.lastEventID = eventID
        #expect(monitor.poll(at: t0 + 1) == [.state(from: .idle, to: .alarm, raw: 3), .eventStarted(eventID: eventID)])
        return monitor
    }
}
