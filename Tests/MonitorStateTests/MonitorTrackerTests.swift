import MonitorState
import Testing
@testable import ZMShm

@Suite("MonitorTracker: first observation")
struct FirstObservationTests {
    @Test func aReadableSegmentAppears() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.tracker.lastAvailable?.state == .idle)
        #expect(monitor.poll(at: t0 + 1) == [])
    }

    @Test func anErrorIsUnavailableAndNotStored() {
        var monitor = FakeMonitor()
        #expect(monitor.fail(.notFound, at: t0) == [.unavailable(segmentError(.notFound))])
        #expect(monitor.tracker.lastAvailable == nil)
        #expect(monitor.fail(.notFound, at: t0 + 1) == [])
    }

    @Test func theFirstReadingAfterAnInitialErrorOnlyAppears() {
        var monitor = FakeMonitor()
        #expect(monitor.fail(.notInitialised, at: t0) == [.unavailable(segmentError(.notInitialised))])
        #expect(monitor.poll(at: t0 + 1) == [.appeared])
        #expect(monitor.poll(at: t0 + 2) == [])
    }

    @Test func onlyAppearedEvenWhenStaleInvalidOrWithoutSignal() {
        var monitor = FakeMonitor()
        monitor.status.valid = false
        monitor.status.signal = false
        #expect(monitor.poll(at: t0, heartbeat: 0) == [.appeared])
        #expect(monitor.tracker.lastAvailable?.stale == true)
        #expect(monitor.tracker.lastAvailable?.valid == false)
    }

    @Test func onlyAppearedEvenWhenAlarmedWithAnEvent() {
        var monitor = FakeMonitor(state: .alarm)
        monitor.status.lastEventID = 15
        monitor.status.triggerState = ZMTriggerState.on.rawValue
        monitor.status.triggerScore = 30
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.poll(at: t0 + 1) == [])
    }

    @Test func alreadyAlarmedEndsWithTheTimeSinceFirstSeen() {
        var monitor = FakeMonitor(state: .alarm)
        monitor.status.lastEventID = 15
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 7) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 7),
        ])
        #expect(monitor.poll(at: t0 + 8) == [])
    }

    @Test func alreadyInAlertEndsWhenTheAlertIsOver() {
        var monitor = FakeMonitor(state: .alert)
        monitor.status.lastEventID = 15
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.state = .prealarm
        #expect(monitor.poll(at: t0 + 3) == [
            .state(from: .alert, to: .prealarm, raw: 2),
            .eventEnded(eventID: 15, duration: 3),
        ])
    }

    /// An id already there while IDLE is not open; an alarm on it (a Mocord section) opens it from the alarm.
    @Test func anEventIDAlreadyThereWhileIdleEndsWhenItsAlarmEnds() {
        var monitor = FakeMonitor()
        monitor.status.lastEventID = 15
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.state = .alarm
        #expect(monitor.poll(at: t0 + 4) == [.state(from: .idle, to: .alarm, raw: 3)])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 9) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 5),
        ])
    }

    /// An id already there at start-up while IDLE is an event that closed before we looked: never "ended" by us.
    @Test func anEventIDAlreadyThereWhileIdleIsNotReportedAsEnded() {
        var monitor = FakeMonitor()
        monitor.status.lastEventID = 15
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.state = .alarm
        monitor.status.lastEventID = 16
        #expect(monitor.poll(at: t0 + 60) == [
            .state(from: .idle, to: .alarm, raw: 3),
            .eventStarted(eventID: 16),
        ])
    }

    @Test func withoutAnEventIDLeavingAlarmEndsNothing() {
        var monitor = FakeMonitor(state: .alarm)
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 1) == [.state(from: .alarm, to: .idle, raw: 1)])
    }
}

@Suite("MonitorTracker: events")
struct EventTests {
    @Test func modectCycle() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])

        monitor.state = .prealarm
        #expect(monitor.poll(at: t0 + 1) == [.state(from: .idle, to: .prealarm, raw: 2)])

        monitor.state = .alarm
        monitor.status.lastEventID = 15
        // The state change comes before the event start it goes with.
        #expect(monitor.poll(at: t0 + 2) == [
            .state(from: .prealarm, to: .alarm, raw: 3),
            .eventStarted(eventID: 15),
        ])
        #expect(monitor.poll(at: t0 + 3) == [])

        monitor.state = .alert
        #expect(monitor.poll(at: t0 + 5) == [.state(from: .alarm, to: .alert, raw: 4)])

        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 12.5) == [
            .state(from: .alert, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 10.5),
        ])
        #expect(monitor.poll(at: t0 + 13) == [])
    }

    @Test func motionAgainDuringAlertKeepsTheSameEvent() {
        var monitor = FakeMonitor.alarmed()
        monitor.state = .alert
        #expect(monitor.poll(at: t0 + 2) == [.state(from: .alarm, to: .alert, raw: 4)])
        monitor.state = .alarm
        #expect(monitor.poll(at: t0 + 3) == [.state(from: .alert, to: .alarm, raw: 3)])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 9) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 8),
        ])
    }

    @Test func aSecondEventWhileAlarmedEndsThePreviousOne() {
        var monitor = FakeMonitor.alarmed()
        monitor.status.lastEventID = 16
        #expect(monitor.poll(at: t0 + 4) == [
            .eventEnded(eventID: 15, duration: 3),
            .eventStarted(eventID: 16),
        ])

        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 10) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 16, duration: 6),
        ])
    }

    @Test func aSecondEventWhileInAlertEndsThePreviousOne() {
        var monitor = FakeMonitor.alarmed()
        monitor.state = .alert
        #expect(monitor.poll(at: t0 + 2) == [.state(from: .alarm, to: .alert, raw: 4)])

        monitor.state = .alarm
        monitor.status.lastEventID = 16
        #expect(monitor.poll(at: t0 + 3) == [
            .state(from: .alert, to: .alarm, raw: 3),
            .eventEnded(eventID: 15, duration: 2),
            .eventStarted(eventID: 16),
        ])
    }

    @Test func alarmOverIntoTapeEndsTheEvent() {
        var monitor = FakeMonitor.alarmed()
        monitor.state = .tape
        #expect(monitor.poll(at: t0 + 6) == [
            .state(from: .alarm, to: .tape, raw: 5),
            .eventEnded(eventID: 15, duration: 5),
        ])
        #expect(monitor.poll(at: t0 + 7) == [])
    }

    @Test func anEndedEventIsNotEndedAgainByANewerOne() {
        var monitor = FakeMonitor.alarmed()
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 3) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 2),
        ])
        monitor.state = .alarm
        #expect(monitor.poll(at: t0 + 4) == [.state(from: .idle, to: .alarm, raw: 3)])
        monitor.status.lastEventID = 16
        #expect(monitor.poll(at: t0 + 5) == [.eventStarted(eventID: 16)])
    }

    @Test func anEndedEventIsNotEndedAgainByARestart() {
        var monitor = FakeMonitor.alarmed()
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 3) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 2),
        ])
        monitor.status.lastEventID = 0
        #expect(monitor.poll(at: t0 + 4, reopened: .recreated) == [.reopened(.recreated)])
    }

    @Test func recordSectionsEndOneAnother() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.status.lastEventID = 21
        #expect(monitor.poll(at: t0 + 10) == [.eventStarted(eventID: 21)])
        #expect(monitor.poll(at: t0 + 11) == [])
        monitor.status.lastEventID = 22
        #expect(monitor.poll(at: t0 + 70) == [
            .eventEnded(eventID: 21, duration: 60),
            .eventStarted(eventID: 22),
        ])
    }

    @Test func aZmcRestartEndsTheOpenEvent() {
        var monitor = FakeMonitor(state: .alarm)
        monitor.status.lastEventID = 15
        #expect(monitor.poll(at: t0) == [.appeared])

        monitor.status.lastEventID = 0
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 1, reopened: .recreated) == [
            .reopened(.recreated),
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 1),
        ])
        #expect(monitor.poll(at: t0 + 2) == [])

        monitor.state = .alarm
        monitor.status.lastEventID = 16
        #expect(monitor.poll(at: t0 + 3) == [.state(from: .idle, to: .alarm, raw: 3), .eventStarted(eventID: 16)])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 8) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 16, duration: 5),
        ])
    }

    @Test func aZmcRestartAcrossAnOutageEndsTheOpenEvent() {
        var monitor = FakeMonitor(state: .alarm)
        monitor.status.lastEventID = 15
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.fail(.notFound, at: t0 + 1) == [.unavailable(segmentError(.notFound))])

        monitor.status.lastEventID = 0
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 2) == [.appeared, .state(from: .alarm, to: .idle, raw: 1), .eventEnded(eventID: 15, duration: 2)])

        monitor.state = .alarm
        monitor.status.lastEventID = 16
        #expect(monitor.poll(at: t0 + 3) == [.state(from: .idle, to: .alarm, raw: 3), .eventStarted(eventID: 16)])
    }

    @Test func aNewEventWithTheTriggerIsReportedInOrder() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.state = .alarm
        monitor.status.lastEventID = 20
        monitor.status.triggerState = ZMTriggerState.on.rawValue
        monitor.status.triggerScore = 100
        #expect(monitor.poll(at: t0 + 1) == [
            .state(from: .idle, to: .alarm, raw: 3),
            .eventStarted(eventID: 20),
            .trigger(from: .cancel, to: .on, score: 100),
        ])
    }

    /// Every kind of change in one poll, in the order the tracker reports them.
    @Test func everyChangeInOnePollComesInAFixedOrder() {
        var monitor = FakeMonitor.alarmed()
        #expect(monitor.fail(.notFound, at: t0 + 2) == [.unavailable(segmentError(.notFound))])
        monitor.status.valid = false
        monitor.status.signal = false
        monitor.state = .prealarm
        monitor.status.lastEventID = 16
        monitor.status.triggerState = ZMTriggerState.on.rawValue
        monitor.status.triggerScore = 7
        #expect(monitor.poll(at: t0 + 3, heartbeat: 0, reopened: .recreated) == [
            .reopened(.recreated),
            .appeared,
            .validity(false),
            .state(from: .alarm, to: .prealarm, raw: 2),
            .eventEnded(eventID: 15, duration: 2),
            .eventStarted(eventID: 16),
            .trigger(from: .cancel, to: .on, score: 7),
            .stale(true, heartbeatAge: nil),
            .signal(false),
        ])
    }
}

@Suite("MonitorTracker: trigger")
struct TriggerTests {
    @Test func onScoreChangeAndCancel() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])

        monitor.status.triggerState = ZMTriggerState.on.rawValue
        monitor.status.triggerScore = 50
        #expect(monitor.poll(at: t0 + 1) == [.trigger(from: .cancel, to: .on, score: 50)])
        #expect(monitor.poll(at: t0 + 2) == [])

        monitor.status.triggerScore = 80
        #expect(monitor.poll(at: t0 + 3) == [.trigger(from: .on, to: .on, score: 80)])

        monitor.status.triggerState = ZMTriggerState.cancel.rawValue
        monitor.status.triggerScore = 0
        #expect(monitor.poll(at: t0 + 4) == [.trigger(from: .on, to: .cancel, score: 0)])
    }

    @Test func aScoreChangeWhileNotOnIsNotReported() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.status.triggerScore = 5
        #expect(monitor.poll(at: t0 + 1) == [])
        monitor.status.triggerState = ZMTriggerState.off.rawValue
        #expect(monitor.poll(at: t0 + 2) == [.trigger(from: .cancel, to: .off, score: 5)])
        monitor.status.triggerScore = 9
        #expect(monitor.poll(at: t0 + 3) == [])
    }

    @Test func anUnknownTriggerNumberIsReportedAsNil() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.status.triggerState = 7
        #expect(monitor.poll(at: t0 + 1) == [.trigger(from: .cancel, to: nil, score: 0)])
    }
}

@Suite("MonitorTracker: liveness")
struct LivenessTests {
    @Test func staleWhenTheHeartbeatIsOlderThanMaxDelay() {
        var monitor = FakeMonitor(maxDelay: 45)
        let beat = Int64(t0)
        #expect(monitor.poll(at: t0, heartbeat: beat) == [.appeared])
        #expect(monitor.poll(at: t0 + 45, heartbeat: beat) == [])
        #expect(monitor.poll(at: t0 + 50, heartbeat: beat) == [.stale(true, heartbeatAge: 50)])
        #expect(monitor.poll(at: t0 + 60, heartbeat: beat) == [])
        #expect(monitor.poll(at: t0 + 61, heartbeat: beat + 58) == [.stale(false, heartbeatAge: 3)])
        #expect(monitor.poll(at: t0 + 62) == [])
    }

    @Test func aHeartbeatOfZeroIsStaleWithNoAge() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.poll(at: t0 + 1, heartbeat: 0) == [.stale(true, heartbeatAge: nil)])
        #expect(monitor.poll(at: t0 + 2, heartbeat: 0) == [])
        #expect(monitor.poll(at: t0 + 3) == [.stale(false, heartbeatAge: 0)])
    }

    @Test func signalLostAndRestored() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.status.signal = false
        #expect(monitor.poll(at: t0 + 1) == [.signal(false)])
        #expect(monitor.poll(at: t0 + 2) == [])
        monitor.status.signal = true
        #expect(monitor.poll(at: t0 + 3) == [.signal(true)])
    }

    @Test func validityLostAndRegained() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.status.valid = false
        #expect(monitor.poll(at: t0 + 1) == [.validity(false)])
        #expect(monitor.poll(at: t0 + 2) == [])
        monitor.status.valid = true
        #expect(monitor.poll(at: t0 + 3) == [.validity(true)])
    }
}

@Suite("MonitorTracker: availability and reopening")
struct AvailabilityTests {
    @Test func anErrorIsReportedOnceThenRecoveryOnlyAppears() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.fail(.notFound, at: t0 + 1) == [.unavailable(segmentError(.notFound))])
        #expect(monitor.fail(.notFound, at: t0 + 2) == [])
        #expect(monitor.fail(.notFound, at: t0 + 3) == [])
        #expect(monitor.tracker.lastAvailable != nil)
        #expect(monitor.poll(at: t0 + 4) == [.appeared])
        #expect(monitor.poll(at: t0 + 5) == [])
    }

    @Test func aDifferentErrorCodeIsReportedAgain() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.fail(.notFound, at: t0 + 1) == [.unavailable(segmentError(.notFound))])
        #expect(monitor.fail(.notInitialised, at: t0 + 2) == [.unavailable(segmentError(.notInitialised))])
        #expect(monitor.fail(.notInitialised, at: t0 + 3) == [])
        #expect(monitor.fail(.notFound, at: t0 + 4) == [.unavailable(segmentError(.notFound))])
        #expect(monitor.poll(at: t0 + 5) == [.appeared])
    }

    @Test func theSameErrorAfterARecoveryIsReportedAgain() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.fail(.notFound, at: t0 + 1) == [.unavailable(segmentError(.notFound))])
        #expect(monitor.poll(at: t0 + 2) == [.appeared])
        #expect(monitor.fail(.notFound, at: t0 + 3) == [.unavailable(segmentError(.notFound))])
        #expect(monitor.poll(at: t0 + 4) == [.appeared])
    }

    @Test func theSameCodeWithAnotherMessageIsNotRepeated() {
        var tracker = MonitorTracker(monitorID: 1)
        func failing(_ message: String) -> MonitorObservation {
            let error = SegmentError(.system, path: "/dev/shm/zm.mmap.1", message, errno: 5)
            return MonitorObservation(
                monitorID: 1, reading: SegmentFollower.Reading(status: nil, error: error, reopened: nil),
                numbering: .idleIsOne, maxDelay: 45, now: t0)
        }
        let first = failing("read failed: EIO")
        #expect(tracker.observe(first, at: t0) == [.unavailable(first.error!)])
        #expect(tracker.observe(failing("read failed again: EIO"), at: t0 + 1) == [])
    }

    /// Recovery is compared with the last readable observation: only what really changed is reported.
    @Test func recoveryReportsOnlyRealDifferences() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.fail(.permissionDenied, at: t0 + 1) == [.unavailable(segmentError(.permissionDenied))])
        monitor.status.signal = false
        monitor.status.triggerState = ZMTriggerState.on.rawValue
        monitor.status.triggerScore = 12
        #expect(monitor.poll(at: t0 + 30) == [
            .appeared,
            .trigger(from: .cancel, to: .on, score: 12),
            .signal(false),
        ])
        #expect(monitor.poll(at: t0 + 31) == [])
    }

    @Test func recoveryToAStaleHeartbeatReportsStale() {
        var monitor = FakeMonitor(maxDelay: 45)
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.fail(.notFound, at: t0 + 1) == [.unavailable(segmentError(.notFound))])
        #expect(monitor.poll(at: t0 + 100, heartbeat: Int64(t0)) == [.appeared, .stale(true, heartbeatAge: 100)])
    }

    @Test func recoveryWithAStateChangeReportsIt() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.fail(.notFound, at: t0 + 1) == [.unavailable(segmentError(.notFound))])
        monitor.state = .prealarm
        #expect(monitor.poll(at: t0 + 2) == [.appeared, .state(from: .idle, to: .prealarm, raw: 2)])
    }

    @Test func aReopenReasonComesFirst() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0, reopened: .reinitialised) == [.reopened(.reinitialised), .appeared])
        monitor.state = .prealarm
        #expect(monitor.poll(at: t0 + 1, reopened: .recreated) == [
            .reopened(.recreated),
            .state(from: .idle, to: .prealarm, raw: 2),
        ])
        #expect(monitor.poll(at: t0 + 2, reopened: .shrunk) == [.reopened(.shrunk)])
        #expect(monitor.poll(at: t0 + 3) == [])
    }

    @Test func aReopenReasonComesBeforeAnError() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.fail(.notInitialised, at: t0 + 1, reopened: .recreated) == [
            .reopened(.recreated),
            .unavailable(segmentError(.notInitialised)),
        ])
        #expect(monitor.fail(.notInitialised, at: t0 + 2, reopened: .resized) == [.reopened(.resized)])
        #expect(monitor.poll(at: t0 + 3, reopened: .recreated) == [.reopened(.recreated), .appeared])
    }

    @Test func theTrackerKeepsTheLastAvailableObservation() {
        var monitor = FakeMonitor(id: 4)
        #expect(monitor.tracker.monitorID == 4)
        #expect(monitor.tracker.lastAvailable == nil)
        #expect(monitor.poll(at: t0) == [.appeared])
        let first = monitor.tracker.lastAvailable
        #expect(first?.state == .idle)
        #expect(first?.valid == true)

        #expect(monitor.fail(.notFound, at: t0 + 1) == [.unavailable(segmentError(.notFound, monitorID: 4))])
        #expect(monitor.tracker.lastAvailable == first)

        monitor.state = .prealarm
        #expect(monitor.poll(at: t0 + 2) == [.appeared, .state(from: .idle, to: .prealarm, raw: 2)])
        #expect(monitor.tracker.lastAvailable?.state == .prealarm)
    }
}

@Suite("MonitorTracker: ZoneMinder 1.34 numbering")
struct Numbering134Tests {
    @Test func rawTwoIsAlarm() throws {
        var monitor = FakeMonitor(layout: .zm134, numbering: .idleIsZero)
        #expect(monitor.status.rawState == 0)
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.tracker.lastAvailable?.state == .idle)

        monitor.status.rawState = 1
        #expect(monitor.poll(at: t0 + 1) == [.state(from: .idle, to: .prealarm, raw: 1)])

        monitor.status.rawState = 2
        monitor.status.lastEventID = 3
        #expect(monitor.poll(at: t0 + 2) == [.state(from: .prealarm, to: .alarm, raw: 2), .eventStarted(eventID: 3)])
        let last = try #require(monitor.tracker.lastAvailable)
        #expect(last.state == .alarm)

        monitor.status.rawState = 3
        #expect(monitor.poll(at: t0 + 3) == [.state(from: .alarm, to: .alert, raw: 3)])

        monitor.status.rawState = 0
        #expect(monitor.poll(at: t0 + 6) == [
            .state(from: .alert, to: .idle, raw: 0),
            .eventEnded(eventID: 3, duration: 4),
        ])
    }

    @Test func theSameRawNumberUnderTheOtherNumberingIsPrealarm() {
        var monitor = FakeMonitor(layout: .zm136, numbering: .idleIsOne)
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.status.rawState = 2
        #expect(monitor.poll(at: t0 + 1) == [.state(from: .idle, to: .prealarm, raw: 2)])
    }

    @Test func aStateNumberOutOfRangeIsReportedWithItsRawValue() {
        var monitor = FakeMonitor(layout: .zm134, numbering: .idleIsZero)
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.status.rawState = 5
        #expect(monitor.poll(at: t0 + 1) == [.state(from: .idle, to: nil, raw: 5)])
        monitor.status.rawState = 6
        #expect(monitor.poll(at: t0 + 2) == [.state(from: nil, to: nil, raw: 6)])
    }
}
