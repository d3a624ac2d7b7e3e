import MonitorState
import Testing
@testable import ZMShm

@Suite("MonitorObservation")
struct MonitorObservationTests {
    private func observe(_ status: MonitorStatus?, error: SegmentError? = nil, numbering: StateNumbering = .idleIsOne, maxDelay: Double = 45, now: Double) -> MonitorObservation {
        MonitorObservation(
            monitorID: 7, reading: SegmentFollower.Reading(status: status, error: error, reopened: nil),
            numbering: numbering, maxDelay: maxDelay, now: now)
    }

    @Test func decodesAReadableSegment() {
        let status = makeStatus(rawState: 3, lastEventID: 15, heartbeatTime: Int64(t0), triggerState: 1, triggerScore: 42)
        let observation = observe(status, now: t0 + 2.5)
        #expect(observation.monitorID == 7)
        #expect(observation.available)
        #expect(observation.error == nil)
        #expect(observation.status == status)
        #expect(observation.state == .alarm)
        #expect(observation.triggerState == .on)
        #expect(observation.heartbeatAge == 2.5)
        #expect(!observation.stale)
        #expect(observation.valid)
        #expect(observation.signal)
        #expect(observation.lastEventID == 15)
    }

    @Test func anUnreadableSegmentIsUnavailableAndStale() {
        let error = segmentError(.notFound)
        let observation = observe(nil, error: error, now: t0)
        #expect(!observation.available)
        #expect(observation.error == error)
        #expect(observation.status == nil)
        #expect(observation.state == nil)
        #expect(observation.triggerState == nil)
        #expect(observation.heartbeatAge == nil)
        #expect(observation.stale)
        #expect(!observation.valid)
        #expect(!observation.signal)
        #expect(observation.lastEventID == 0)
    }

    @Test func staleOnlyWhenTheHeartbeatIsOlderThanMaxDelay() {
        let status = makeStatus(rawState: 1, heartbeatTime: Int64(t0))
        let atLimit = observe(status, maxDelay: 45, now: t0 + 45)
        #expect(atLimit.heartbeatAge == 45)
        #expect(!atLimit.stale)
        let past = observe(status, maxDelay: 45, now: t0 + 45.5)
        #expect(past.heartbeatAge == 45.5)
        #expect(past.stale)
    }

    @Test func aHeartbeatThatNeverBeatIsStaleWithNoAge() {
        let observation = observe(makeStatus(rawState: 1, heartbeatTime: 0), now: t0)
        #expect(observation.available)
        #expect(observation.heartbeatAge == nil)
        #expect(observation.stale)
    }

    @Test func aHeartbeatAheadOfTheClockHasAgeZero() {
        let observation = observe(makeStatus(rawState: 1, heartbeatTime: Int64(t0) + 5), now: t0)
        #expect(observation.heartbeatAge == 0)
        #expect(!observation.stale)
    }

    @Test func anUnknownTriggerOrStateNumberIsNil() {
        let observation = observe(makeStatus(rawState: 9, heartbeatTime: Int64(t0), triggerState: 7), now: t0)
        #expect(observation.state == nil)
        #expect(observation.triggerState == nil)
    }

    @Test(
        "1.34 numbering: IDLE is 0",
        arguments: [(UInt32(0), ZMMonitorState.idle), (1, .prealarm), (2, .alarm), (3, .alert), (4, .tape)])
    func idleIsZero(raw: UInt32, state: ZMMonitorState) {
        let observation = observe(makeStatus(layout: .zm134, rawState: raw, heartbeatTime: Int64(t0)), numbering: .idleIsZero, now: t0)
        #expect(observation.state == state)
    }

    @Test(
        "1.36.16+ numbering: IDLE is 1",
        arguments: [(UInt32(0), ZMMonitorState.unknown), (1, .idle), (2, .prealarm), (3, .alarm), (4, .alert), (5, .tape)])
    func idleIsOne(raw: UInt32, state: ZMMonitorState) {
        let observation = observe(makeStatus(layout: .zm136, rawState: raw, heartbeatTime: Int64(t0)), numbering: .idleIsOne, now: t0)
        #expect(observation.state == state)
    }
}
