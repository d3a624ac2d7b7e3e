import Foundation
import Logging
import Testing
@testable import ZMLog
import ZMLogTestSupport

@Suite("Agent socket and swift-log handler")
struct SocketAndHandlerTests {
    init() { UTC.pinned }

    func row(_ n: Int) -> LogsRow {
        LogsRow(
            timestamp: LogTimestamp(seconds: 1_700_000_000, microseconds: Int32(n)), component: "script", serverId: 0,
            pid: 99, level: 0, code: "INF", message: "line \(n)\nwith newline", file: "backup.sh", line: UInt16(n))
    }

    @Test func receiverHandsRowsToItsSinkInOrder() throws {
        let dir = TemporaryDirectory()
        let agentSink = MemorySink()
        let receiver = try LogSocketReceiver(path: dir.file("log.sock"), sink: agentSink)
        let fallback = MemorySink()
        let made: @Sendable () -> any LogRowSink = { fallback }
        let sender = try #require(LogSocketSender(path: dir.file("log.sock"), fallback: made))
        for n in 0..<500 { sender.enqueue(row(n)) }
        #expect(waitUntil { agentSink.rows.count == 500 })
        #expect(agentSink.rows == (0..<500).map(row))
        #expect(sender.sentRows == 500 && !sender.usedFallback)

        // The agent goes away mid-stream: the rest goes to the fallback, nothing is lost.
        receiver.stop()
        for n in 500..<510 { sender.enqueue(row(n)) }
        sender.close(drainTimeout: 0)
        #expect(sender.usedFallback)
        #expect(fallback.rows == (500..<510).map(row))
        #expect(receiver.statistics == .init(received: 500, malformed: 0))
    }

    @Test func noReceiverMeansNoSender() {
        let dir = TemporaryDirectory()
        #expect(LogSocketSender(path: dir.file("absent.sock"), fallback: { MemorySink() }) == nil)
        #expect(throws: LogSocketError.self) { try LogSocketReceiver(path: dir.file("no/such/dir.sock"), sink: MemorySink()) }
    }

    @Test func swiftLogCallsComeOutAsZoneMinderLines() throws {
        let dir = TemporaryDirectory()
        let sink = MemorySink()
        let zm = ZMLogger(
            configuration: LogConfiguration(
                identity: LogIdentity("lookout"), level: .debug(1), fileLevel: .debug(9), databaseLevel: .debug(9),
                filePath: dir.file("lookout.log")),
            database: sink)
        var logger = Logging.Logger(label: "lookout") { _ in ZMLogHandler(logger: zm) }
        logger[metadataKey: "monitor"] = "3"
        logger.info("event started", metadata: ["event": "17"])
        logger.debug("polling")
        logger.trace("too detailed")
        logger.critical("bad")
        zm.close()
        var lines = readText(dir.file("lookout.log")).split(separator: "\n").map { String($0).maskingTimeAndPid }
        // A debugging logger starts with ZoneMinder's LogOpts line.
        #expect(lines.removeFirst().contains(".DB1-ZMLogger.swift/"))
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("<time> lookout[<pid>].INF-SocketAndHandlerTests.swift/"))
        #expect(lines[0].hasSuffix(" [event started event=17 monitor=3]"))
        #expect(lines[1].contains(".DB1-") && lines[1].hasSuffix("[polling monitor=3]"))
        #expect(lines[2].contains(".FAT-"))
        #expect(sink.rows.map(\.code) == ["DB1", "INF", "DB1", "FAT"])
        #expect(ZMLogHandler.level(.trace) == .debug(2))
    }
}
