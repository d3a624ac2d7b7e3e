import Testing
@testable import ZMLog

@Suite("Line formats (spec §4, §7)")
struct LogLineFormatterTests {
    init() { UTC.pinned }

    // 2023-11-14 22:13:20.050651 UTC
    let moment = LogTimestamp(seconds: 1_700_000_000, microseconds: 50651)

    @Test func cppWorkedExample() {
        var formatter = LogLineFormatter(identity: LogIdentity("zmc_m1"), flavour: .cpp, serverId: nil)
        let entry = formatter.format(
            level: .info, message: "Starting Capture version 1.36.33", file: "src/zmc.cpp", line: 216,
            timestamp: moment, pid: 4128, tid: 4128)
        #expect(entry.fileLine == "11/14/23 22:13:20.050651 zmc_m1[4128].INF-zmc.cpp/216 [Starting Capture version 1.36.33]\n")
        #expect(entry.syslogMessage == "INF [zmc_m1] [Starting Capture version 1.36.33]")
        #expect(entry.row == LogsRow(
            timestamp: moment, component: "zmc_m1", serverId: 0, pid: 4128, level: 0, code: "INF",
            message: "Starting Capture version 1.36.33", file: "zmc.cpp", line: 216))
        #expect(entry.row!.timestamp.timeKey == "1700000000.050651")
    }

    @Test func perlWorkedExample() {
        var formatter = LogLineFormatter(identity: LogIdentity("zmdc", flavour: .perl), flavour: .perl, serverId: nil, perlLocaleDates: false)
        let entry = formatter.format(
            level: .info, message: "Starting pending process, zmc -m 1\n", file: "/usr/bin/zmdc.pl", line: 408,
            package: "ZMServer", timestamp: moment, pid: 6414, tid: 6415)
        #expect(entry.fileLine == "11/14/23 22:13:20.050651 zmdc[6414].INF [ZMServer:408] [Starting pending process, zmc -m 1]\n")
        #expect(entry.syslogMessage == "INF [Starting pending process, zmc -m 1]")
        #expect(entry.row == LogsRow(
            timestamp: moment, component: "zmdc", serverId: nil, pid: 6414, level: 0, code: "INF",
            message: "Starting pending process, zmc -m 1", file: "zmdc.pl", line: nil))
    }

    @Test func debugCodeAndServerId() {
        var formatter = LogLineFormatter(identity: LogIdentity("zmu"), flavour: .cpp, serverId: 3)
        let entry = formatter.format(level: .debug(4), message: "x", file: "zmu.cpp", line: 1, timestamp: moment, pid: 1, tid: 2)
        #expect(entry.fileLine.contains("zmu[2].DB4-zmu.cpp/1 [x]"))
        #expect(entry.row!.level == 4 && entry.row!.code == "DB4" && entry.row!.serverId == 3 && entry.row!.pid == 2)
    }

    @Test func cppKeepsEmbeddedNewlinesPerlStripsTrailingOnes() {
        var cpp = LogLineFormatter(identity: LogIdentity("a"), flavour: .cpp, serverId: nil)
        #expect(cpp.format(level: .info, message: "one\ntwo\n", file: "f", line: 1, timestamp: moment, pid: 1, tid: 1)
            .fileLine.hasSuffix("[one\ntwo\n]\n"))
        var perl = LogLineFormatter(identity: LogIdentity("a"), flavour: .perl, serverId: nil, perlLocaleDates: false)
        #expect(perl.format(level: .info, message: "one\ntwo\r\n\n", file: "f", line: 1, timestamp: moment, pid: 1, tid: 1)
            .fileLine.hasSuffix("[one\ntwo]\n"))
    }

    @Test func cppOverlongLineIsCutAt4095BytesWithoutSplittingCharacters() {
        var formatter = LogLineFormatter(identity: LogIdentity("zmc_m1"), flavour: .cpp, serverId: nil)
        let message = String(repeating: "é", count: 3000)  // 6000 bytes
        let entry = formatter.format(level: .error, message: message, file: "x.cpp", line: 1, timestamp: moment, pid: 1, tid: 1)
        #expect(entry.fileLine.utf8.count <= 4095)
        #expect(entry.fileLine.utf8.count >= 4094)
        #expect(entry.fileLine.hasSuffix("]\n"))
        #expect(message.hasPrefix(entry.row!.message))
        #expect(entry.syslogMessage == "ERR [zmc_m1] [\(entry.row!.message)]")
        let short = formatter.format(level: .error, message: "ok", file: "x.cpp", line: 1, timestamp: moment, pid: 1, tid: 1)
        #expect(short.row!.message == "ok")
    }

    @Test func perlMessageIsCutOnlyForTheTextColumn() {
        var formatter = LogLineFormatter(identity: LogIdentity("p"), flavour: .perl, serverId: nil, perlLocaleDates: false)
        let message = String(repeating: "x", count: 70000)
        let entry = formatter.format(level: .info, message: message, file: "p.pl", line: 1, timestamp: moment, pid: 1, tid: 1)
        #expect(entry.fileLine.contains(message))
        #expect(entry.row!.message.utf8.count == 65535)
    }

    @Test func syslogDatagramsMatchGlibcAndSysSyslog() {
        let cpp = SyslogWriter.datagram(
            severity: 6, timestamp: moment, ident: "zmc_m1", pid: 4128,
            message: "INF [zmc_m1] [Starting Capture version 1.36.33]", flavour: .cpp,
            header: LocalTimeFormatter.render(moment.seconds, .syslogHeader))
        #expect(cpp == "<142>Nov 14 22:13:20 zmc_m1[4128]: INF [zmc_m1] [Starting Capture version 1.36.33]")
        let perl = SyslogWriter.datagram(
            severity: 4, timestamp: LogTimestamp(seconds: 1_699_000_000, microseconds: 0), ident: "zmtest", pid: 24544,
            message: "WAR [a warning]", flavour: .perl,
            header: LocalTimeFormatter.render(1_699_000_000, .syslogHeader))
        #expect(perl == "<140>Nov  3 08:26:40 zmtest[24544]: WAR [a warning]\n")
    }
}
