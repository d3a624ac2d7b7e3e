import Testing
import ZMLog

@Suite("Configuration resolution (spec §5)")
struct ConfigResolutionTests {
    func resolve(
        _ id: String, _ flavour: LogFlavour = .cpp, conf: [String: String] = [:], table: [String: String] = [:],
        env: [String: String] = [:], tty: Bool = false, pid: Int32 = 123
    ) -> LogConfiguration {
        LogConfiguration.resolve(
            identity: LogIdentity(id, flavour: flavour), flavour: flavour,
            sources: LogSources(confFile: conf, configTable: table, environment: env, stderrIsTTY: tty, pid: pid))
    }

    @Test func cppDefaults() {
        let c = resolve("zmc_m1", conf: ["ZM_PATH_LOGS": "/var/log/zm"])
        #expect(c.level == .info)
        #expect(c.terminalLevel == .off)
        #expect(c.fileLevel == .info)  // Config 1 → 9, capped to INFO without ZM_LOG_DEBUG
        #expect(c.databaseLevel == .info)
        #expect(c.syslogLevel == .warning)
        #expect(c.filePath == "/var/log/zm/zmc_m1.log")
        #expect(c.flush == false)
        #expect(c.effectiveLevel == .info)
    }

    @Test func terminalNeedsATty() {
        #expect(resolve("zmu", tty: true).terminalLevel == .warning)
        #expect(resolve("zmu", .perl, tty: true).terminalLevel == .info)
        #expect(resolve("zmu", env: ["LOG_PRINT": "1"], tty: false).terminalLevel == .off)
        #expect(resolve("zmu", env: ["LOG_PRINT": "0"], tty: true).terminalLevel == .off)
        // LOG_PRINT=1 means 9, but without ZM_LOG_DEBUG everything is capped at INFO (verified on zmu).
        #expect(resolve("zmu", env: ["LOG_PRINT": "1", "LOG_LEVEL": "1"], tty: true).terminalLevel == .info)
        #expect(resolve("zmu", env: ["LOG_PRINT": "1", "LOG_LEVEL": "1"], tty: true).level == .info)
    }

    @Test func targetedEnvironmentLookup() {
        let debug = ["ZM_LOG_DEBUG": "1", "ZM_LOG_DEBUG_TARGET": "_nobody"]
        let env = ["LOG_LEVEL_zmc_m5": "5", "LOG_LEVEL_zmc": "4", "LOG_LEVEL": "3"]
        #expect(resolve("zmc_m5", table: debug, env: env).level == .debug(5))
        #expect(resolve("zmc_m6", table: debug, env: env).level == .debug(4))
        #expect(resolve("zma_m6", table: debug, env: env).level == .debug(3))
        // C++ quirk: an id without `_` has an empty idRoot, so `LOG_LEVEL_` comes before `LOG_LEVEL`.
        #expect(resolve("zmu", table: debug, env: ["LOG_LEVEL_": "2", "LOG_LEVEL": "3"]).level == .debug(2))
        #expect(resolve("zmu", .perl, table: debug, env: ["LOG_LEVEL_": "2", "LOG_LEVEL": "3"]).level == .debug(3))
        #expect(resolve("zmc_m1", env: ["LOG_FILE_zmc": "/tmp/x.log"]).filePath == "/tmp/x.log")
        #expect(resolve("zmc_m1", env: ["LOG_LEVEL_SYSLOG": "garbage"]).syslogLevel == .info)  // atoi → 0
    }

    @Test func debugTargetsCpp() {
        let table = ["ZM_LOG_DEBUG": "1", "ZM_LOG_DEBUG_TARGET": "_zmc_m1|zmu", "ZM_LOG_DEBUG_LEVEL": "9"]
        #expect(resolve("zmc_m1", table: table).level == .debug(9))
        #expect(resolve("zmu", table: table).level == .debug(9))
        #expect(resolve("zmc_m2", table: table).level == .info)
        #expect(resolve("zmc_m1", table: table).fileLevel == .debug(9))  // mapped ≥1 → 9, no cap
        #expect(resolve("zma_m1", table: ["ZM_LOG_DEBUG": "1", "ZM_LOG_DEBUG_TARGET": "_zma"]).level == .debug(1))
        #expect(resolve("zma_m1", table: ["ZM_LOG_DEBUG": "1", "ZM_LOG_DEBUG_TARGET": "zma"]).level == .info)  // C++: no bare root
        #expect(resolve("anything", table: ["ZM_LOG_DEBUG": "1"]).level == .debug(1))  // empty target = all
        #expect(resolve("zmc_m1", table: ["ZM_LOG_DEBUG": "1"]).flush)
    }

    @Test func debugTargetsPerl() {
        let table = ["ZM_LOG_DEBUG": "1", "ZM_LOG_DEBUG_TARGET": "zmtest", "ZM_LOG_DEBUG_LEVEL": "3"]
        #expect(resolve("zmtest_m7", .perl, table: table).level == .debug(3))  // bare idRoot matches in Perl
        #expect(resolve("zmtest_m7", .perl, table: ["ZM_LOG_DEBUG": "1", "ZM_LOG_DEBUG_TARGET": "a||b"]).level == .debug(1))
        #expect(resolve("zmtest_m7", .cpp, table: ["ZM_LOG_DEBUG": "1", "ZM_LOG_DEBUG_TARGET": "a||b"]).level == .info)
    }

    @Test func debugFileAndPlusSuffix() {
        let table = ["ZM_LOG_DEBUG": "1", "ZM_LOG_DEBUG_LEVEL": "4", "ZM_LOG_DEBUG_FILE": "/tmp/debug.log+"]
        let cpp = resolve("zmu", table: table, pid: 123)
        #expect(cpp.filePath == "/tmp/debug.log.00123")
        #expect(cpp.fileLevel == .debug(4))
        #expect(resolve("zmu", .perl, table: table, pid: 123).filePath == "/tmp/debug.log.123")
        #expect(resolve("zmu", env: ["LOG_FILE": "/tmp/a.log+"], pid: 77).filePath == "/tmp/a.log.00077")
    }

    @Test func perlHasNoMappingAndNoCap() {
        let c = resolve("zmdc", .perl, env: ["LOG_LEVEL": "1"])
        #expect(c.fileLevel == .debug(1))  // raw Config value 1
        #expect(c.level == .debug(1))  // no INFO cap
        #expect(c.databaseLevel == .info)
    }

    @Test func confFileOverridesConfigTable() {
        let c = resolve("zmu", conf: ["ZM_LOG_DEBUG": "1", "ZM_LOG_LEVEL_SYSLOG": "0"], table: ["ZM_LOG_DEBUG": "0", "ZM_LOG_LEVEL_SYSLOG": "-1"])
        #expect(c.level == .debug(1))
        #expect(c.syslogLevel == .info)
    }

    @Test func flushAndLogOpts() {
        #expect(resolve("zmu", env: ["LOG_FLUSH": "1"]).flush)
        #expect(!resolve("zmu", table: ["ZM_LOG_DEBUG": "1"], env: ["LOG_FLUSH": "0"]).flush)
        let c = resolve("zmc_m1", conf: ["ZM_PATH_LOGS": "/var/log/zm"], table: ["ZM_LOG_DEBUG": "1", "ZM_LOG_DEBUG_LEVEL": "9", "ZM_LOG_LEVEL_DATABASE": "9"])
        #expect(c.logOptsMessage == "LogOpts: level=DB9 effective=DB9, screen=OFF, database=DB9, logfile=DB9->/var/log/zm/zmc_m1.log, syslog=WAR")
    }
}
