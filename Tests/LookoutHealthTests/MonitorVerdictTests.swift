import LookoutHealth
import Testing

@Suite("Monitor verdicts (zmwatch's rules)")
struct MonitorVerdictTests {
    let rules = MonitorRules(maxDelay: 45, captureFPSFloor: 2)

    func fresh(_ change: (inout MonitorFacts) -> Void = { _ in }) -> MonitorFacts {
        var facts = MonitorFacts(
            id: 1, name: "Front", function: "Modect", segment: .readable, valid: true, signal: true, heartbeatAge: 0.4,
            lastWriteAge: 0.2, captureFPS: 5)
        change(&facts)
        return facts
    }

    @Test func healthyMonitorIsOK() {
        #expect(MonitorVerdict.judge(fresh(), rules: rules) == .fine)
    }

    @Test("heartbeat past ZM_WATCH_MAX_DELAY is hung; at it, still fine")
    func hung() {
        let verdict = MonitorVerdict.judge(fresh { $0.heartbeatAge = 63 }, rules: rules)
        #expect(verdict.level == .critical && verdict.code == "hung")
        #expect(verdict.reason.contains("63 s") && verdict.reason.contains("45 s"))
        #expect(MonitorVerdict.judge(fresh { $0.heartbeatAge = 45 }, rules: rules).level == .ok)
    }

    @Test func neverBeat() {
        #expect(MonitorVerdict.judge(fresh { $0.heartbeatAge = nil }, rules: rules).code == "no_heartbeat")
    }

    @Test func invalidOutranksHeartbeat() {
        let verdict = MonitorVerdict.judge(fresh { $0.valid = false; $0.heartbeatAge = 100 }, rules: rules)
        #expect(verdict.level == .critical && verdict.code == "invalid")
    }

    @Test func signalLost() {
        let verdict = MonitorVerdict.judge(fresh { $0.signal = false }, rules: rules)
        #expect(verdict.level == .critical && verdict.code == "signal_lost")
    }

    @Test("fresh heartbeat, old image: capture stale")
    func captureStale() {
        #expect(MonitorVerdict.judge(fresh { $0.lastWriteAge = 50 }, rules: rules).code == "capture_stale")
        #expect(MonitorVerdict.judge(fresh { $0.lastWriteAge = nil }, rules: rules).code == "no_image")
    }

    @Test("fps under the floor warns; a floor of 0 is off")
    func fpsFloor() {
        let verdict = MonitorVerdict.judge(fresh { $0.captureFPS = 1.5 }, rules: rules)
        #expect(verdict.level == .warning && verdict.code == "fps_low" && verdict.reason.contains("1.5 fps"))
        #expect(MonitorVerdict.judge(fresh { $0.captureFPS = 0 }, rules: MonitorRules(maxDelay: 45)).level == .ok)
    }

    @Test("a segment re-created warns within the window only")
    func recreated() {
        #expect(MonitorVerdict.judge(fresh { $0.reopenedAgo = 3 }, rules: rules).code == "recreated")
        #expect(MonitorVerdict.judge(fresh { $0.reopenedAgo = 46 }, rules: rules).level == .ok)
    }

    @Test("permission denied: UNKNOWN with the reader's message")
    func unreadable() {
        let facts = fresh { $0.segment = .unavailable(code: "permissionDenied", message: "/dev/shm/zm.mmap.1: permission denied") }
        let verdict = MonitorVerdict.judge(facts, rules: rules)
        #expect(verdict.level == .unknown && verdict.code == "unreadable" && verdict.reason.contains("permission denied"))
    }

    @Test("a file that is not ZoneMinder's, for an id the database has no row for: OK, ignored; with a row, or no database: UNKNOWN")
    func foreignFileWithoutRow() {
        for code in ["untrustedOwner", "symbolicLink", "notRegularFile"] {
            let planted = fresh { $0.segment = .unavailable(code: code, message: "/dev/shm/zm.mmap.78: refused"); $0.notInDatabase = true }
            let verdict = MonitorVerdict.judge(planted, rules: rules)
            #expect(verdict.level == .ok && verdict.code == "not_zoneminder" && verdict.reason.contains("zm.mmap.78"), "\(code)")
            let known = fresh { $0.segment = .unavailable(code: code, message: "refused") }
            #expect(MonitorVerdict.judge(known, rules: rules).code == "unreadable", "\(code)")
        }
        let denied = fresh { $0.segment = .unavailable(code: "permissionDenied", message: "denied"); $0.notInDatabase = true }
        #expect(MonitorVerdict.judge(denied, rules: rules).code == "unreadable", "ZoneMinder's own file that we may not read stays UNKNOWN")
    }

    @Test("segment gone: CRITICAL, and the heartbeat age given is the one computed now")
    func segmentGone() {
        let facts = fresh { $0.segment = .unavailable(code: "notFound", message: "no such file"); $0.heartbeatAge = 80 }
        let verdict = MonitorVerdict.judge(facts, rules: rules)
        #expect(verdict.level == .critical && verdict.code == "no_segment" && verdict.reason.contains("80 s"))
        let zeroed = MonitorVerdict.judge(fresh { $0.segment = .unavailable(code: "notInitialised", message: "size 0") }, rules: rules)
        #expect(zeroed.code == "segment_unavailable")
    }

    @Test func disabledMonitorIsOK() {
        let facts = fresh { $0.function = "None"; $0.segment = .unavailable(code: "notFound", message: "no such file") }
        #expect(MonitorVerdict.judge(facts, rules: rules).code == "disabled")
    }

    @Test func numbersHaveNoExponent() {
        #expect(number(0.04) == "0")
        #expect(number(1.25) == "1.3" || number(1.25) == "1.2")
        #expect(number(123456789) == "123456789")
        #expect(number(-2.5) == "-2.5")
    }
}

@Suite("Agent verdicts")
struct AgentVerdictTests {
    func facts(_ change: (inout AgentFacts) -> Void = { _ in }) -> AgentFacts {
        var facts = AgentFacts(pollHz: 10, lastPollAge: 0.05, lastPollSeconds: 0.001, monitorCount: 3, mapDirectory: "/dev/shm")
        change(&facts)
        return facts
    }

    func check(_ name: String, _ facts: AgentFacts) -> Verdict? {
        AgentVerdict.judge(facts).first { $0.name == name }?.verdict
    }

    @Test func allOK() {
        #expect(AgentVerdict.judge(facts()).allSatisfy { $0.verdict.level == .ok })
    }

    @Test("poll loop stuck past max(2 s, 5 intervals); overrunning")
    func poll() {
        #expect(check("poll", facts { $0.lastPollAge = 2.5 })?.code == "poll_late")
        #expect(check("poll", facts { $0.lastPollAge = 1.9 })?.level == .ok)
        #expect(check("poll", facts { $0.pollHz = 1; $0.lastPollAge = 4 })?.level == .ok)
        #expect(check("poll", facts { $0.lastPollSeconds = 0.15 })?.code == "poll_overrun")
        #expect(check("poll", facts { $0.newOverruns = 2 })?.level == .warning)
    }

    @Test func noMonitors() {
        let verdict = check("monitors", facts { $0.monitorCount = 0 })
        #expect(verdict?.level == .critical && verdict?.reason.contains("/dev/shm") == true)
    }

    @Test func busDrops() {
        #expect(check("bus", facts { $0.newSendFailures = 4 })?.level == .warning)
    }

    @Test func databaseAndLog() {
        #expect(check("database", facts()) == nil)
        #expect(check("database", facts { $0.catalogError = "cannot connect" })?.level == .warning)
        #expect(check("log", facts { $0.logDatabase = .init(connected: false, spooledRows: 12) })?.code == "log_database_unreachable")
        #expect(check("log", facts { $0.logDatabase = .init(connected: true, spooledRows: 5000) })?.code == "log_spool_deep")
        #expect(check("log", facts { $0.logDatabase = .init(connected: true, spooledRows: 3, spoolAge: 600) })?.code == "log_spool_old")
        #expect(check("log", facts { $0.logDatabase = .init(connected: true, spooledRows: 3, newDroppedRows: 1) })?.code == "log_rows_dropped")
        #expect(check("log", facts { $0.logDatabase = .init(connected: true, spooledRows: 0) })?.level == .ok)
    }

    @Test func zmlogSocket() {
        #expect(check("zmlog_socket", facts { $0.zmlogSocket = .init(path: "/run/lookout/log.sock", present: false) })?.level == .warning)
        #expect(check("zmlog_socket", facts { $0.zmlogSocket = .init(path: "/run/lookout/log.sock", present: true) })?.level == .ok)
    }

    @Test("overall: worst level; one cause for every monitor is told once")
    func overall() {
        let monitors = (1...3).map { id in
            (MonitorFacts(id: id, segment: .readable, heartbeatAge: 90), Verdict(.critical, "hung", "heartbeat 90 s old"))
        }
        let verdict = OverallVerdict.judge(agent: AgentVerdict.judge(facts()), monitors: monitors)
        #expect(verdict.level == .critical && verdict.reason == "all 3 monitors: heartbeat 90 s old")
        let mixed = OverallVerdict.judge(
            agent: AgentVerdict.judge(facts { $0.catalogError = "down" }),
            monitors: [(MonitorFacts(id: 1, segment: .readable), .fine)])
        #expect(mixed.level == .warning && mixed.reason == "agent database: ZoneMinder's database: down")
        #expect(HealthLevel.worst([.ok, .unknown]) == .unknown)
        #expect(HealthLevel.worst([.unknown, .warning]) == .warning)
    }
}

@Suite("Recent increase of a counter")
struct RecentIncreaseTests {
    @Test("reported for the window after the look that saw it, then cleared")
    func window() {
        var recent = RecentIncrease()
        #expect(recent.observe(0, now: 0) == 0)
        #expect(recent.observe(3, now: 10) == 3)
        #expect(recent.observe(3, now: 69) == 3)
        #expect(recent.observe(5, now: 69) == 5)
        #expect(recent.observe(5, now: 130) == 0)
        #expect(recent.observe(6, now: 131) == 1)
    }
}

/// ZoneMinder 1.37's columns, judged as scripts/zmwatch.pl does: a stale heartbeat is hung whatever Capturing says
/// (zmc refreshes it while an on-demand monitor is idle); on demand, nothing past the heartbeat is checked; the image
/// limit is `3 / MaxFPS` when 0 < MaxFPS < 1.
@Suite("Monitor verdicts: ZoneMinder 1.37 Capturing, Decoding, MaxFPS")
struct CapturingVerdictTests {
    let rules = MonitorRules(maxDelay: 45)

    func facts(_ change: (inout MonitorFacts) -> Void) -> MonitorFacts {
        var facts = MonitorFacts(
            id: 1, name: "Front", function: "Modect", segment: .readable, valid: true, signal: true, heartbeatAge: 0.4,
            lastWriteAge: 0.2, captureFPS: 5)
        change(&facts)
        return facts
    }

    @Test("on demand, nobody viewing: no signal, no image or an old one is ok")
    func onDemandIdle() {
        for idle in [
            facts { $0.capturing = "Ondemand"; $0.lastWriteAge = 600; $0.signal = false },
            facts { $0.capturing = "Ondemand"; $0.lastWriteAge = nil },
            facts { $0.capturing = "OnDemand"; $0.lastWriteAge = 46 },
        ] {
            let verdict = MonitorVerdict.judge(idle, rules: rules)
            #expect(verdict == Verdict(.ok, "on_demand_idle", "capturing on demand: idle"))
        }
        // Viewed and capturing: a plain OK.
        #expect(MonitorVerdict.judge(facts { $0.capturing = "Ondemand" }, rules: rules) == .fine)
    }

    @Test("on demand with a stale heartbeat is still hung (zmwatch restarts it; zmc beats while idle)")
    func onDemandHung() {
        let verdict = MonitorVerdict.judge(facts { $0.capturing = "Ondemand"; $0.heartbeatAge = 50; $0.lastWriteAge = 600 }, rules: rules)
        #expect(verdict.level == .critical && verdict.code == "hung")
        #expect(MonitorVerdict.judge(facts { $0.capturing = "Ondemand"; $0.segment = .unavailable(code: "notFound", message: "x") }, rules: rules)
            .code == "no_segment")
    }

    @Test("Capturing None is disabled; Always is judged as before; 1.36 (nil) unchanged")
    func capturingNoneAndAlways() {
        #expect(MonitorVerdict.judge(facts { $0.capturing = "None"; $0.heartbeatAge = nil }, rules: rules).code == "disabled")
        #expect(MonitorVerdict.judge(facts { $0.capturing = "Always"; $0.lastWriteAge = 46 }, rules: rules).code == "capture_stale")
        #expect(MonitorVerdict.judge(facts { $0.capturing = nil; $0.lastWriteAge = 46 }, rules: rules).code == "capture_stale")
    }

    @Test("Decoding None or Ondemand: images are not checked, signal still is")
    func decoding() {
        #expect(MonitorVerdict.judge(facts { $0.decoding = "None"; $0.lastWriteAge = 600 }, rules: rules) == .fine)
        #expect(MonitorVerdict.judge(facts { $0.decoding = "Ondemand"; $0.lastWriteAge = nil }, rules: rules) == .fine)
        #expect(MonitorVerdict.judge(facts { $0.decoding = "None"; $0.signal = false }, rules: rules).code == "signal_lost")
        #expect(MonitorVerdict.judge(facts { $0.decoding = "Always"; $0.lastWriteAge = 600 }, rules: rules).code == "capture_stale")
    }

    @Test("image limit: 3 / MaxFPS when 0 < MaxFPS < 1, else ZM_WATCH_MAX_DELAY; the heartbeat keeps max_delay")
    func maxFPS() {
        #expect(MonitorVerdict.imageDelay(maxFPS: nil, maxDelay: 45) == 45)
        #expect(MonitorVerdict.imageDelay(maxFPS: 0, maxDelay: 45) == 45)
        #expect(MonitorVerdict.imageDelay(maxFPS: 5, maxDelay: 45) == 45)
        #expect(MonitorVerdict.imageDelay(maxFPS: 1, maxDelay: 45) == 45)
        #expect(MonitorVerdict.imageDelay(maxFPS: 0.05, maxDelay: 45) == 60)
        #expect(MonitorVerdict.imageDelay(maxFPS: 0.5, maxDelay: 45) == 6)
        // One frame every 20 s: an image 50 s old is within 60 s.
        #expect(MonitorVerdict.judge(facts { $0.maxFPS = 0.05; $0.lastWriteAge = 50 }, rules: rules) == .fine)
        let slow = MonitorVerdict.judge(facts { $0.maxFPS = 0.05; $0.lastWriteAge = 61 }, rules: rules)
        #expect(slow.code == "capture_stale" && slow.reason.contains("3 / MaxFPS = 60 s"))
        // zmwatch's rule is not a floor: MaxFPS 0.5 tightens the image limit to 6 s.
        #expect(MonitorVerdict.judge(facts { $0.maxFPS = 0.5; $0.lastWriteAge = 7 }, rules: rules).code == "capture_stale")
        #expect(MonitorVerdict.judge(facts { $0.maxFPS = 0.05; $0.heartbeatAge = 50 }, rules: rules).code == "hung")
    }
}
