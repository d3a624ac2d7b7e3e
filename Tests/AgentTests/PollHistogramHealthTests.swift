@testable import Agent
import DemoSimulator
import Glibc
import Logging
import LookoutBus
import LookoutHealth
import LookoutJSON
import Testing
import ZMSite
import ZeroMQ

/// HEALTH carries the poll loop's histogram (one count per poll) and each monitor's events-started counter.
@Suite("HEALTH: poll_duration and events_started")
struct PollHistogramHealthTests {
    @Test("each poll is counted once in poll_duration; events_started is there per monitor")
    func healthCarriesTheCounters() throws {
        var template = Array("/tmp/lookout-histogram.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { LookoutAgent.removeDemoDirectory(directory) }
        let loop = try InProcessLoop.make(directory: directory, adjust: { $0.monitorRows = DemoMonitors.rows(count: 3) })
        defer { InProcessLoop.close(loop) }
        loop.discover(now: 0)
        for tick in 1...5 { loop.pollAll(now: Double(tick)) }
        #expect(loop.pollDurations.count == 5)
        let health = loop.health(now: 6)
        let histogram = try #require(health["poll_duration"])
        #expect(histogram["count"]?.numeric == 5)
        #expect(histogram["le"]?.arrayValue?.count == PollHistogram.bounds.count)
        let counts = histogram["counts"]?.arrayValue?.compactMap(\.numeric) ?? []
        #expect(counts.count == PollHistogram.bounds.count && counts == counts.sorted() && (counts.last ?? 0) <= 5)
        let monitors = health["monitors"]?.arrayValue ?? []
        #expect(monitors.count == 3)
        #expect(monitors.allSatisfy { $0["events_started"]?.numeric == 0 })
        let text = PrometheusText.render(health: health, version: "test")
        #expect(text.contains("lookout_poll_duration_seconds_count 5\n"))
        #expect(text.contains("lookout_events_total{monitor=\"3\""))
    }
}

extension JSONValue {
    fileprivate var numeric: Double? {
        switch self {
        case let .double(value): value
        case let .int(value): Double(value)
        case let .uint(value): Double(value)
        default: nil
        }
    }
}
