import MonitorState
import Testing
@testable import ZMShm

/// Edge cases of event tracking that the previous tracker got wrong (they were pinned in `TrackerQuirkTests`),
/// now asserting the behaviour `MonitorTracker` documents. Each test names the old behaviour it replaces.
@Suite("MonitorTracker: edge cases")
struct TrackerEdgeCaseTests {
    /// Was: ALERT → PREALARM → IDLE never ended the event.
    @Test func leavingAlertThroughPrealarmEndsTheEvent() {
        var monitor = FakeMonitor.alarmed()
        monitor.state = .alert
        #expect(monitor.poll(at: t0 + 2) == [.state(from: .alarm, to: .alert, raw: 4)])
        monitor.state = .prealarm
        #expect(monitor.poll(at: t0 + 3) == [
            .state(from: .alert, to: .prealarm, raw: 2),
            .eventEnded(eventID: 15, duration: 2),
        ])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 4) == [.state(from: .prealarm, to: .idle, raw: 1)])
    }

    /// Was: the next event after PREALARM started without the previous one ever ending.
    @Test func anEventAfterPrealarmFollowsAnEndedOne() {
        var monitor = FakeMonitor.alarmed()
        monitor.state = .alert
        #expect(monitor.poll(at: t0 + 2) == [.state(from: .alarm, to: .alert, raw: 4)])
        monitor.state = .prealarm
        #expect(monitor.poll(at: t0 + 3) == [
            .state(from: .alert, to: .prealarm, raw: 2),
            .eventEnded(eventID: 15, duration: 2),
        ])
        monitor.state = .alarm
        monitor.status.lastEventID = 16
        #expect(monitor.poll(at: t0 + 4) == [.state(from: .prealarm, to: .alarm, raw: 3), .eventStarted(eventID: 16)])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 6) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 16, duration: 2),
        ])
    }

    /// Was: an outage during an alarm lost the event's end, and recovery reported nil-based noise.
    @Test func anOutageDuringAnAlarmThenARestartEndsTheEvent() {
        var monitor = FakeMonitor.alarmed()
        #expect(monitor.fail(.notFound, at: t0 + 2) == [.unavailable(segmentError(.notFound))])
        monitor.state = .idle
        monitor.status.lastEventID = 0
        #expect(monitor.poll(at: t0 + 3) == [
            .appeared,
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 2),
        ])
        monitor.state = .alarm
        monitor.status.lastEventID = 16
        #expect(monitor.poll(at: t0 + 4) == [.state(from: .idle, to: .alarm, raw: 3), .eventStarted(eventID: 16)])
    }

    @Test func anOutageDuringAnAlarmThatEndedMeanwhileEndsTheEvent() {
        var monitor = FakeMonitor.alarmed()
        #expect(monitor.fail(.notFound, at: t0 + 2) == [.unavailable(segmentError(.notFound))])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 5) == [
            .appeared,
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 4),
        ])
        #expect(monitor.poll(at: t0 + 6) == [])
    }

    @Test func anOutageDuringAnAlarmThatComesBackOnANewEventEndsTheOldOne() {
        var monitor = FakeMonitor.alarmed()
        #expect(monitor.fail(.notInitialised, at: t0 + 2) == [.unavailable(segmentError(.notInitialised))])
        monitor.status.lastEventID = 16
        #expect(monitor.poll(at: t0 + 5, reopened: .recreated) == [
            .reopened(.recreated),
            .appeared,
            .eventEnded(eventID: 15, duration: 4),
            .eventStarted(eventID: 16),
        ])
    }

    /// Was: a transient error re-announced the running event and restarted its duration at the recovery.
    @Test func aTransientErrorDoesNotRestartTheRunningEvent() {
        var monitor = FakeMonitor.alarmed()
        #expect(monitor.fail(.permissionDenied, at: t0 + 2) == [.unavailable(segmentError(.permissionDenied))])
        #expect(monitor.poll(at: t0 + 3) == [.appeared])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 10) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 9),
        ])
    }

    /// Was: a restart seen only as a reopen while alarmed ended "event 0".
    @Test func aRestartDuringAnAlarmEndsTheOpenEventNotEventZero() {
        var monitor = FakeMonitor.alarmed()
        monitor.state = .idle
        monitor.status.lastEventID = 0
        #expect(monitor.poll(at: t0 + 2, reopened: .reinitialised) == [
            .reopened(.reinitialised),
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 1),
        ])
        #expect(monitor.poll(at: t0 + 3) == [])
    }

    @Test func aRestartStillAlarmedEndsTheOpenEventOnce() {
        var monitor = FakeMonitor.alarmed()
        monitor.status.lastEventID = 0
        #expect(monitor.poll(at: t0 + 2, reopened: .reinitialised) == [
            .reopened(.reinitialised),
            .eventEnded(eventID: 15, duration: 1),
        ])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 3) == [.state(from: .alarm, to: .idle, raw: 1)])
    }

    /// Was: two ends in one poll, the new event ended at once with duration 0.
    @Test func alarmOverAndANewEventInOnePollEndsOnlyTheOldOne() {
        var monitor = FakeMonitor.alarmed()
        monitor.state = .idle
        monitor.status.lastEventID = 16
        #expect(monitor.poll(at: t0 + 5) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 4),
            .eventStarted(eventID: 16),
        ])
        #expect(monitor.poll(at: t0 + 6) == [])
        // Event 16 was never seen alarmed, so it stays open until a newer id (or a restart) ends it.
        monitor.status.lastEventID = 17
        #expect(monitor.poll(at: t0 + 20) == [
            .eventEnded(eventID: 16, duration: 15),
            .eventStarted(eventID: 17),
        ])
    }

    /// Was: the state change came after the event start it caused.
    @Test func theStateChangeComesBeforeTheEventStart() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.state = .alarm
        monitor.status.lastEventID = 15
        let changes = monitor.poll(at: t0 + 1)
        #expect(changes == [.state(from: .idle, to: .alarm, raw: 3), .eventStarted(eventID: 15)])
    }

    /// Was (and still is, by the documented rule): an event's duration counts from the poll that saw it start,
    /// not from its alarm. For a Mocord section that is the section start, so the alarm's own length is not reported.
    @Test func anEventStartedWhileIdleCountsFromItsStartNotFromItsAlarm() {
        var monitor = FakeMonitor()
        monitor.status.lastEventID = 20
        #expect(monitor.poll(at: t0) == [.appeared])
        monitor.status.lastEventID = 21
        #expect(monitor.poll(at: t0 + 10) == [.eventStarted(eventID: 21)], "20 closed before we started: not ours to end")
        monitor.state = .alarm
        #expect(monitor.poll(at: t0 + 100) == [.state(from: .idle, to: .alarm, raw: 3)])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 110) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 21, duration: 100),
        ])
        // The section goes on recording; its roll-over starts the next one without ending 21 again.
        monitor.status.lastEventID = 22
        #expect(monitor.poll(at: t0 + 130) == [.eventStarted(eventID: 22)])
    }

    /// Was: coming back with `valid` 0 was not reported. Recovery now diffs against the last good observation.
    @Test func comingBackInvalidIsReported() {
        var monitor = FakeMonitor()
        #expect(monitor.poll(at: t0) == [.appeared])
        #expect(monitor.fail(.notFound, at: t0 + 1) == [.unavailable(segmentError(.notFound))])
        monitor.status.valid = false
        #expect(monitor.poll(at: t0 + 2) == [.appeared, .validity(false)])
        #expect(monitor.tracker.lastAvailable?.valid == false)
    }

    /// UNKNOWN (or an unnumbered value) mid-alarm is no real transition: the event stays open until IDLE.
    @Test func unknownMidAlarmDoesNotEndTheEvent() {
        var monitor = FakeMonitor.alarmed()
        monitor.state = .unknown
        #expect(monitor.poll(at: t0 + 2) == [.state(from: .alarm, to: .unknown, raw: 0)])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 4) == [
            .state(from: .unknown, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 3),
        ])
    }

    @Test func anUnnumberedStateMidAlarmKeepsTheEventOpenUntilItsRealEnd() {
        var monitor = FakeMonitor.alarmed()
        monitor.status.rawState = 9
        #expect(monitor.poll(at: t0 + 2) == [.state(from: .alarm, to: nil, raw: 9)])
        monitor.state = .alarm
        #expect(monitor.poll(at: t0 + 3) == [.state(from: nil, to: .alarm, raw: 3)])
        monitor.state = .idle
        #expect(monitor.poll(at: t0 + 8) == [
            .state(from: .alarm, to: .idle, raw: 1),
            .eventEnded(eventID: 15, duration: 7),
        ])
    }
}
