@testable import Agent
import Glibc
import LookoutHealth
import LookoutJSON
import Testing

/// HEALTH rendered on its own thread is the same text as rendered inline, and the same as the tree tests read.
@Suite("HEALTH render thread")
struct HealthRenderThreadTests {
    /// Monitors readable and not, with and without a name (one that needs escaping), and agent members of each kind.
    static func report() -> HealthReport {
        let monitors = (1...40).map { id in
            let readable = id % 7 != 0
            let facts = MonitorFacts(
                id: id, name: id % 5 == 0 ? nil : "cam \"\(id)\"\n", function: "Modect", maxFPS: id % 3 == 0 ? 5 : nil,
                segment: readable ? .readable : .unavailable(code: "notFound", message: "no /dev/shm/zm.mmap.\(id)"),
                valid: id % 11 != 0, signal: id % 13 != 0, heartbeatAge: Double(id) * 0.123_456, lastWriteAge: id % 2 == 0 ? nil : 0.5,
                captureFPS: Double(id) / 3, reopenedAgo: id % 9 == 0 ? 12 : nil)
            return HealthReport.Monitor(
                id: id, name: facts.name, available: readable, stale: id % 4 == 0, lastState: id % 6 == 0 ? "ALARM" : "IDLE",
                errorMessage: readable ? nil : "no /dev/shm/zm.mmap.\(id)", errorCode: readable ? nil : "notFound",
                reopenCount: id % 3, eventsStarted: UInt64(id * 2), facts: facts)
        }
        let facts = AgentFacts(
            pollHz: 10, lastPollAge: 0.05, lastPollSeconds: 0.002, newOverruns: 0, newSendFailures: 0, monitorCount: 40,
            mapDirectory: "/dev/shm", catalogError: nil, logDatabase: nil, zmlogSocket: nil)
        return HealthReport(
            rules: MonitorRules(maxDelay: 5, captureFPSFloor: 1), checks: AgentVerdict.judge(facts, rules: AgentRules()),
            agentMembers: [("epoch", .string("0123456789")), ("uptime", .double(12.5)), ("polls", .uint(99))],
            middleMembers: [("log", .null), ("mqtt", .null)],
            trailingMembers: [("channels", .array([.object([("channel", .string("a\u{1}"))])]))], monitors: monitors)
    }

    @Test("the thread's text equals the inline rendering and the tree, member for member")
    func threadRendersTheSameBytes() throws {
        let report = Self.report()
        let inline = HealthRenderer.rendered(report)
        #expect(inline == HealthRenderer.json(report, renderingMonitors: false).rendered(), "the byte writer and the tree differ")
        let thread = HealthRenderThread()
        #expect(thread.render(key: 3) { report })
        #expect(!thread.render(key: 4) { Issue.record("gathered while one renders"); return report }, "one slot: the second waits")
        let rendered = try #require(Self.awaitRendered(thread))
        #expect(rendered.key == 3)
        #expect(rendered.text == inline)
        let parsed = try JSONValue.parse(rendered.text)
        #expect(parsed["monitors"]?.arrayValue?.count == 40)
        #expect(parsed["status"]?.stringValue == "degraded", "monitors 7, 14, … have no segment")

        #expect(thread.render(key: 5) { report }, "free again once taken")
        #expect(try #require(Self.awaitRendered(thread)).key == 5)
    }

    /// Waits on the thread's descriptor as the poll loop does (poll(2)), a bounded number of times.
    static func awaitRendered(_ thread: HealthRenderThread) -> (key: UInt64, text: String)? {
        for _ in 0..<600 {
            var descriptor = pollfd(fd: thread.descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 100)
            if let rendered = thread.takeRendered() { return rendered }
        }
        return nil
    }
}
