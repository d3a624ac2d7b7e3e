@testable import DemoSimulator
import MonitorState
import Testing
@testable import ZMShm

/// The agent's fast path: `MonitorObservation.refresh` lets a poll skip the tracker only when the tracker would
/// have reported nothing.
@Suite("MonitorObservation.refresh")
struct ObservationRefreshTests {
    private func observation(_ status: MonitorStatus, now: Double, numbering: StateNumbering = .idleIsOne) -> MonitorObservation {
        MonitorObservation(
            monitorID: 1, reading: SegmentFollower.Reading(status: status, error: nil, reopened: nil),
            numbering: numbering, maxDelay: 45, now: now)
    }

    @Test("frame counters, write times and a fresh heartbeat are taken in place")
    func takesCounters() {
        let first = makeStatus(rawState: 1, lastEventID: 9, heartbeatTime: Int64(t0))
        var seen = observation(first, now: t0)
        var next = first
        next.heartbeatTime = Int64(t0) + 3
        next.lastWriteTime = Int64(t0) + 3
        next.lastWriteIndex = 7
        next.captureFPS = 9.5
        let taken = seen.refresh(with: next, numbering: .idleIsOne, maxDelay: 45, now: t0 + 3.5)
        #expect(taken)
        #expect(seen.status == next)
        #expect(seen.heartbeatAge == 0.5)
        #expect(seen.state == .idle)
    }

    @Test("anything the tracker compares refuses the fast path and leaves the observation as it was", arguments: 0..<8)
    func refusesChanges(field: Int) {
        let first = makeStatus(rawState: 1, lastEventID: 9, heartbeatTime: Int64(t0), triggerState: 0, triggerScore: 0)
        var seen = observation(first, now: t0)
        let before = seen
        var next = first
        var now = t0 + 1
        switch field {
        case 0: next.rawState = 3  // ALARM
        case 1: next.lastEventID = 10
        case 2: next.triggerState = ZMTriggerState.on.rawValue
        case 3: next.triggerScore = 50
        case 4: next.valid = false
        case 5: next.signal = false
        case 6: now = t0 + 46  // the heartbeat is now older than ZM_WATCH_MAX_DELAY
        default: next.layout = .zm13634; next.size = SharedDataLayout.zm13634.rawValue
        }
        let taken = seen.refresh(with: next, numbering: .idleIsOne, maxDelay: 45, now: now)
        #expect(!taken)
        #expect(seen == before)
    }

    @Test("another state numbering, or an observation without a segment, refuses the fast path")
    func refusesOtherContexts() {
        let status = makeStatus(rawState: 1, heartbeatTime: Int64(t0))
        var seen = observation(status, now: t0)
        let otherNumbering = seen.refresh(with: status, numbering: .idleIsZero, maxDelay: 45, now: t0)
        #expect(!otherNumbering)
        var missing = MonitorObservation(
            monitorID: 1, reading: SegmentFollower.Reading(status: nil, error: segmentError(.notFound), reopened: nil),
            numbering: .idleIsOne, maxDelay: 45, now: t0)
        let withoutSegment = missing.refresh(with: status, numbering: .idleIsOne, maxDelay: 45, now: t0)
        #expect(!withoutSegment)
    }

    @Test("over 5000 polls of a busy monitor, skipping the tracker on refreshed polls reports exactly the same changes")
    func sameChangesAsTheFullPath() {
        var random = SplitMix64(seed: 0x10_0C_00_7)
        var status = makeStatus(rawState: 1, heartbeatTime: Int64(t0))
        var full = MonitorTracker(monitorID: 1)
        var fast = MonitorTracker(monitorID: 1)
        var kept: MonitorObservation?
        var fullChanges: [MonitorChange] = [], fastChanges: [MonitorChange] = []
        var refreshed = 0
        for step in 1...5000 {
            let now = t0 + Double(step) / 10
            status.lastWriteIndex += 1
            if random.next() % 100 != 0 { status.heartbeatTime = Int64(now) }  // now and then zmc stalls a while
            switch random.next() % 40 {
            case 0: status.rawState = UInt32(random.next() % 6)
            case 1: status.lastEventID += 1
            case 2: status.lastEventID = 0
            case 3: status.triggerState = UInt32(random.next() % 3)
            case 4: status.triggerScore = UInt32(random.next() % 3) * 25
            case 5: status.valid.toggle()
            case 6: status.signal.toggle()
            default: break
            }
            let reading = SegmentFollower.Reading(status: status, error: nil, reopened: nil)
            let observation = MonitorObservation(monitorID: 1, reading: reading, numbering: .idleIsOne, maxDelay: 5, now: now)
            fullChanges += full.observe(observation, at: now)
            if kept?.refresh(with: status, numbering: .idleIsOne, maxDelay: 5, now: now) == true {
                refreshed += 1
                continue
            }
            fastChanges += fast.observe(observation, at: now)
            kept = observation
        }
        #expect(fastChanges == fullChanges)
        #expect(fullChanges.count > 100, "the scenario must change often enough to mean something")
        #expect(refreshed > 2500, "most polls should take the fast path")
    }
}
