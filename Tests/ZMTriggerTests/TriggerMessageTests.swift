import Testing
@testable import ZMTrigger

@Suite("zmtrigger lines read as zmtrigger.pl reads them")
struct TriggerMessageTests {
    @Test("the example line: id, timed action, score, cause, text; an empty last field is absent, as Perl's split drops it")
    func exampleLine() {
        let message = TriggerMessage("3|on+5|255|door|front door|")
        #expect(message.id == "3")
        #expect(message.action == .on(delay: 5))
        #expect(message.score == 255)
        #expect(message.cause == "door")
        #expect(message.text == "front door")
        #expect(message.showtext == nil)
        #expect(TriggerMessage("3|show||||temp 21C").showtext == "temp 21C")
    }

    @Test("Axis cameras' quotes are dropped; a space works as the delay separator; a missing score reads 0")
    func quotesAndSeparators() {
        let message = TriggerMessage("\"3|on 10\"")
        #expect(message.line == "3|on 10")
        #expect(message.action == .on(delay: 10))
        #expect(message.score == 0)
        #expect(TriggerMessage("12|off+7|0|x").action == .off(delay: 7))
        #expect(TriggerMessage("12|off").action == .off(delay: nil))
        #expect(TriggerMessage("1|on+0|5").action == .on(delay: nil), "Perl's if ($delay): 0 means no delay")
    }

    @Test("scores are read like Perl numbers: leading digits count, text is 0")
    func perlScores() {
        #expect(TriggerMessage("1|on|255abc").score == 255)
        #expect(TriggerMessage("1|on|abc").score == 0)
        #expect(TriggerMessage("1|on|-4").score == -4)
        #expect(TriggerMessage("1|on| 7").score == 7)
    }

    @Test("anything else is unrecognised, including near misses of the real actions")
    func unrecognised() {
        for text in ["", "ON", "onx", "on+", "on+5s", "on-5", "cancel+5", "shows", "trigger"] {
            #expect(TriggerAction(text) == .unrecognised, "\(text)")
        }
        #expect(TriggerAction("enable+30") == .enable(delay: 30))
        #expect(TriggerAction("disable") == .disable(delay: nil))
        #expect(TriggerAction("on+99999999999999999999") == .on(delay: TriggerAction.maximumDelay))
    }

    @Test("monitor ids match zmtrigger's %monitors keys: plain decimal only")
    func monitorIDs() {
        #expect(ZMTriggerListener.monitorID("3") == 3)
        for text in ["03", "+3", " 3", "3a", "", "front", "9999999999"] { #expect(ZMTriggerListener.monitorID(text) == nil, "\(text)") }
    }

    @Test("fields are cut to ZoneMinder's sizes as pack('Z32') cuts them, never inside a character, and at a NUL")
    func fitting() {
        #expect(ZMTriggerListener.fit(String(repeating: "a", count: 40), bytes: 31).utf8.count == 31)
        #expect(ZMTriggerListener.fit(String(repeating: "é", count: 20), bytes: 31) == String(repeating: "é", count: 15))
        #expect(ZMTriggerListener.fit("door\0open", bytes: 31) == "door")
    }
}

@Suite("timed actions as zmtrigger.pl's handleDelay keeps them")
struct TimedActionsTests {
    @Test("a repeated on+N replaces the earlier cancel, so the alarm is extended, not cut short")
    func duplicateExtends() {
        var table = TimedActions(capacity: 8)
        #expect(table.schedule("3|cancel", at: 10, connection: 1) == .added(replaced: 0))
        #expect(table.schedule("3|cancel", at: 15, connection: 2) == .added(replaced: 1))
        #expect(table.takeDue(now: 12).isEmpty)
        #expect(table.takeDue(now: 15).map(\.line) == ["3|cancel"])
        #expect(table.nextDue == nil)
    }

    @Test("the table holds at most its capacity and hands entries back in due order")
    func bounded() {
        var table = TimedActions(capacity: 2)
        #expect(table.schedule("1|cancel", at: 9, connection: 1) == .added(replaced: 0))
        #expect(table.schedule("2|cancel", at: 3, connection: 1) == .added(replaced: 0))
        #expect(table.schedule("3|cancel", at: 5, connection: 1) == .full)
        #expect(table.takeDue(now: 100).map(\.line) == ["2|cancel", "1|cancel"])
    }
}

@Suite("zmtrigger's on/off notices from state changes")
struct StateNoticesTests {
    typealias O = StateNotices.Observation

    @Test("an alarm with a new event gives on, the return to IDLE gives off; a re-publish gives nothing")
    func alarmCycle() {
        var notices = StateNotices()
        #expect(notices.observe(monitor: 3, O(state: "IDLE", previous: nil, lastEvent: 40, function: "Nodect", refresh: true), time: 100).isEmpty)
        #expect(notices.observe(monitor: 3, O(state: "ALARM", previous: "IDLE", lastEvent: 41, function: "Nodect", refresh: false), time: 101) == ["3|on|101|41"])
        #expect(notices.observe(monitor: 3, O(state: "ALERT", previous: "ALARM", lastEvent: 41, function: "Nodect", refresh: false), time: 102).isEmpty)
        #expect(notices.inAlarm(3) == true)
        #expect(notices.observe(monitor: 3, O(state: "IDLE", previous: "ALERT", lastEvent: 41, function: "Nodect", refresh: false), time: 106) == ["3|off|106|41"])
        #expect(notices.observe(monitor: 3, O(state: "IDLE", previous: "IDLE", lastEvent: 41, function: "Nodect", refresh: true), time: 110).isEmpty)
    }

    @Test("a snapshot seeds monitors not seen yet, never over a live message")
    func seeding() {
        var notices = StateNotices()
        notices.seed(monitor: 3, O(state: "IDLE", previous: nil, lastEvent: 40, function: "Nodect", refresh: true))
        #expect(notices.observe(monitor: 3, O(state: "ALARM", previous: "IDLE", lastEvent: 41, function: "Nodect", refresh: false), time: 5) == ["3|on|5|41"])
        notices.seed(monitor: 3, O(state: "IDLE", previous: nil, lastEvent: 40, function: "Nodect", refresh: true))
        #expect(notices.inAlarm(3) == true)
        #expect(notices.lastEvent(3) == 41)
    }

    @Test("a whole event between two observations gives on and off; monitors zmtrigger does not load give nothing")
    func missedAndIgnored() {
        var notices = StateNotices()
        _ = notices.observe(monitor: 2, O(state: "TAPE", previous: nil, lastEvent: 7, function: "Mocord", refresh: true), time: 1)
        #expect(notices.observe(monitor: 2, O(state: "TAPE", previous: "TAPE", lastEvent: 8, function: "Mocord", refresh: false), time: 2) == ["2|on|2|8", "2|off|2|8"])
        _ = notices.observe(monitor: 5, O(state: "IDLE", previous: nil, lastEvent: 1, function: "Monitor", refresh: true), time: 1)
        #expect(notices.observe(monitor: 5, O(state: "ALARM", previous: "IDLE", lastEvent: 2, function: "Monitor", refresh: false), time: 2).isEmpty)
        #expect(notices.function(5) == "Monitor")
    }
}
