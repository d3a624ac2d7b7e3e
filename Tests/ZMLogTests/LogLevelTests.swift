import Testing
import ZMLog

@Suite("Levels and ids")
struct LogLevelTests {
    @Test func codesAndValues() {
        #expect([LogLevel.panic, .fatal, .error, .warning, .info].map(\.code) == ["PNC", "FAT", "ERR", "WAR", "INF"])
        #expect((1...9).map { LogLevel.debug($0).code } == (1...9).map { "DB\($0)" })
        #expect(LogLevel.off.code == "OFF")
        #expect(LogLevel(clamping: -40) == .off)
        #expect(LogLevel(clamping: 12) == .debug(9))
        #expect(LogLevel.panic < LogLevel.info)
    }

    @Test func parsing() {
        #expect(LogLevel(parsing: "inf") == .info)
        #expect(LogLevel(parsing: "DB3") == .debug(3))
        #expect(LogLevel(parsing: "-4") == .panic)
        #expect(LogLevel(parsing: "OFF") == .off)
        for bad in ["DBG", "DB0", "DB10", "10", "-6", "", "info"] { #expect(LogLevel(parsing: bad) == nil, "\(bad)") }
    }

    @Test func syslogSeverities() {
        #expect([LogLevel.panic, .fatal, .error, .warning, .info, .debug(1), .debug(9)].map(\.syslogSeverity) == [3, 3, 3, 4, 6, 7, 7])
    }

    @Test func identitySanitising() {
        let id = LogIdentity("zmc m1/x-y")
        #expect(id.id == "zmcm1_x_y")
        #expect(id.idRoot == "zmcm1")
        #expect(id.idArgs == "x_y")
        #expect(id.adjustment != nil)
        // C++ quirk: no underscore leaves idRoot empty; Perl keeps the id.
        #expect(LogIdentity("zmu").idRoot == "")
        #expect(LogIdentity("zmu", flavour: .perl).idRoot == "zmu")
        #expect(LogIdentity("zmonvif-trigger", flavour: .perl).id == "zmonvif-trigger")
        let long = LogIdentity(String(repeating: "a", count: 40))
        #expect(long.id.count == 32)
        #expect(long.adjustment?.contains("cut to 32") == true)
        #expect(LogIdentity("zmc_m1").adjustment == nil)
    }
}
