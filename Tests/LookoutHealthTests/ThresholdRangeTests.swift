import LookoutHealth
import Testing

@Suite("Threshold ranges and perfdata (Monitoring Plugins guidelines)")
struct ThresholdRangeTests {
    func range(_ text: String) throws -> ThresholdRange { try ThresholdRange(text) }

    @Test("10: alert outside 0…10")
    func plainEnd() throws {
        let r = try range("10")
        #expect(r.alerts(-1) && r.alerts(11) && !r.alerts(0) && !r.alerts(10))
    }

    @Test("10: alert below 10")
    func openEnd() throws {
        let r = try range("10:")
        #expect(r.alerts(9.9) && !r.alerts(10) && !r.alerts(1e9))
    }

    @Test("~:10: alert above 10")
    func minusInfinity() throws {
        let r = try range("~:10")
        #expect(r.alerts(10.1) && !r.alerts(-1e9) && !r.alerts(10))
    }

    @Test("10:20 outside, @10:20 inside")
    func bounded() throws {
        let outside = try range("10:20"), inside = try range("@10:20")
        #expect(outside.alerts(9) && outside.alerts(21) && !outside.alerts(10) && !outside.alerts(20))
        #expect(!inside.alerts(9) && !inside.alerts(21) && inside.alerts(10) && inside.alerts(20) && inside.alerts(15))
    }

    @Test("negative and decimal bounds")
    func decimals() throws {
        let r = try range("-1.5:2.5")
        #expect(r.alerts(-2) && !r.alerts(-1.5) && !r.alerts(2.5) && r.alerts(2.6))
    }

    @Test("malformed ranges are refused with a reason", arguments: ["", "@", "abc", "20:10", "1e3", "inf", "0x10", "10:~", "1::2", "1:2:3"])
    func malformed(_ text: String) {
        #expect(throws: ThresholdRange.ParseError.self) { try ThresholdRange(text) }
    }

    @Test("':' alone: start 0, end infinity, so it alerts below 0 only")
    func lone() throws {
        let r = try range(":")
        #expect(r.alerts(-0.1) && !r.alerts(0) && !r.alerts(1e12))
    }

    @Test func perfdataFormat() throws {
        let datum = PerfDatum("1 heartbeat_age", 63.25, unit: "s", warning: try range("30"), critical: try range("45"), minimum: 0)
        #expect(datum.rendered == "'1 heartbeat_age'=63.25s;30;45;0")
        #expect(PerfDatum("monitors", 3, minimum: 0).rendered == "'monitors'=3;;;0")
        #expect(PerfDatum("x='y'", 0.0001).rendered == "'x__y_'=0")
        #expect(PerfDatum("big", 12345678.5).rendered == "'big'=12345678.5")
    }
}

@Suite("Plugin report")
struct PluginReportTests {
    let fine = MonitorFacts(id: 1, name: "Front", segment: .readable, valid: true, signal: true, heartbeatAge: 0.5, lastWriteAge: 0.5, captureFPS: 5)

    @Test func okReport() {
        let report = PluginReport.build(
            monitors: [(fine, .fine)], agent: [], metric: .heartbeatAge, warning: nil, critical: nil, maxDelay: 45, source: nil)
        #expect(report.level == .ok)
        #expect(report.text.hasPrefix("LOOKOUT OK - 1/1 monitors ok | 'monitors'=1;;;0 'monitors_ok'=1;;;0;1 '1 heartbeat_age'=0.5s;;;0 '1 capture_fps'=5;;;0\n"))
        #expect(report.text.contains("[OK] Front (1): ok\n"))
    }

    @Test("thresholds raise the level and appear in perfdata")
    func thresholds() throws {
        var old = fine
        old.heartbeatAge = 20
        let report = PluginReport.build(
            monitors: [(old, .fine)], agent: [], metric: .heartbeatAge, warning: try ThresholdRange("10"),
            critical: try ThresholdRange("30"), maxDelay: 45, source: "no agent answered: segments read directly")
        #expect(report.level == .warning)
        #expect(report.text.hasPrefix("LOOKOUT WARNING - Front (1): heartbeat_age 20s outside the warning range 10 (no agent answered: segments read directly) |"))
        #expect(report.text.contains("'1 heartbeat_age'=20s;10;30;0"))
        let fps = PluginReport.build(
            monitors: [(fine, .fine)], agent: [], metric: .captureFPS, warning: try ThresholdRange("10:"),
            critical: try ThresholdRange("2:"), maxDelay: 45, source: nil)
        #expect(fps.level == .warning && fps.text.contains("'1 capture_fps'=5;10:;2:;0"))
    }

    @Test("a threshold never lowers a verdict")
    func neverLowers() throws {
        let report = PluginReport.build(
            monitors: [(fine, Verdict(.critical, "signal_lost", "signal lost"))], agent: [], metric: .heartbeatAge,
            warning: try ThresholdRange("10"), critical: nil, maxDelay: 45, source: nil)
        #expect(report.level == .critical && report.summary == "Front (1): signal lost")
        #expect(PluginReport.unknown("x").level.exitCode == 3)
    }
}
