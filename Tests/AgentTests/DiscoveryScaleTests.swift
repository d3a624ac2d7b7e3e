@testable import Agent
import DemoSimulator
import Glibc
import LookoutBus
import Logging
import LookoutJSON
import Testing
import ZMSite
import ZeroMQ

/// Start-up and removal must stay linear in the number of monitors. Counted, never timed: the poll order is
/// sorted once per change of the monitor set (not once per monitor), and the publisher's topic index touches each
/// topic a bounded number of times however many monitors come or go.
@Suite("discovery and removal scale linearly")
struct DiscoveryScaleTests {
    static let count = 2048

    private func makeLoop(directory: String) throws -> AgentLoop {
        try InProcessLoop.make(directory: directory, configure: { $0.agent.forgetMissingSeconds = 0 }) {
            $0.monitorRows = DemoMonitors.rows(count: Self.count)
        }
    }

    @Test("discovering and then dropping 2 048 monitors sorts the poll order twice and touches each topic a few times")
    func discoveryAndRemovalAreLinear() throws {
        var template = Array("/tmp/lookout-scale.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { LookoutAgent.removeDemoDirectory(directory) }
        let loop = try makeLoop(directory: directory)
        defer { InProcessLoop.close(loop) }

        loop.discover(now: 0)
        #expect(loop.monitors.count == Self.count)
        #expect(loop.pollOrderRebuilds == 0, "the poll order was sorted during discovery")
        #expect(loop.pollOrder.map(\.id) == Array(1...Self.count))
        _ = loop.pollOrder
        #expect(loop.pollOrderRebuilds == 1)

        // Every monitor's retained topics, as the first poll of available monitors publishes them.
        for id in 1...Self.count {
            for kind in MonitorTopic.allCases where kind.retained {
                loop.publisher.publish(BusTopic.monitor(id, kind), .from(id), source: "zm", retain: true)
            }
        }
        let topicCount = Self.count * 4
        #expect(loop.publisher.snapshot(prefix: "").messages.count == topicCount)
        #expect(loop.publisher.snapshot(prefix: BusTopic.monitorPrefix(7)).messages.count == 4)

        // Every monitor goes (no row, no segment, no grace): each removal forgets its topics.
        loop.context.monitorRows = [:]
        loop.discover(now: 1)
        #expect(loop.monitors.isEmpty)
        #expect(loop.pollOrder.isEmpty)
        #expect(loop.pollOrderRebuilds == 2, "removing monitors re-sorted the poll order per monitor")
        #expect(loop.publisher.snapshot(prefix: "").messages.isEmpty)
        // One sort and merge of the new topics and one compaction after the removals: about 2 touches per topic.
        // Re-indexing per removal (the old code) touches n²/2 of them.
        #expect(loop.publisher.topicIndexWork <= 3 * topicCount, "topic index work \(loop.publisher.topicIndexWork) for \(topicCount) topics")

        // A monitor that comes back is listed again, in order.
        loop.context.monitorRows = DemoMonitors.rows(count: 3)
        loop.discover(now: 2)
        for id in 1...3 { loop.publisher.publish(BusTopic.monitor(id, .state), .from(id), source: "zm", retain: true) }
        #expect(loop.pollOrder.map(\.id) == [1, 2, 3])
        #expect(loop.publisher.snapshot(prefix: "").messages.map(\.topic) == (1...3).map { BusTopic.monitor($0, .state) })
    }
}

@Suite("re-publish pacing and send queue size")
struct RepublishPacingTests {
    @Test("the send high-water mark holds every retained topic plus 1 000 unless bus.send_hwm is set")
    func sendHighWaterMark() {
        #expect(AgentLoop.sendHighWaterMark(configured: nil, monitors: 4096) == 4 * 4096 + 1 + 1000)
        #expect(AgentLoop.sendHighWaterMark(configured: nil, monitors: 0) == 1001)
        #expect(AgentLoop.sendHighWaterMark(configured: 50, monitors: 4096) == 50)
    }

    @Test("a cycle is spread over 80 % of the interval's ticks and always finishes")
    func perTick() {
        // 4 096 monitors, 10 s at 10 Hz: 80 ticks of 205, not 16 385 in one tick.
        #expect(AgentLoop.refreshPerTick(topics: 16_385, refreshSeconds: 10, pollHz: 10) == 205)
        #expect(AgentLoop.refreshPerTick(topics: 3, refreshSeconds: 10, pollHz: 10) == 1)
        #expect(AgentLoop.refreshPerTick(topics: 100, refreshSeconds: 0.05, pollHz: 10) == 100, "fewer than one tick per interval")
        for topics in [1, 79, 80, 81, 16_385] {
            let per = AgentLoop.refreshPerTick(topics: topics, refreshSeconds: 10, pollHz: 10)
            #expect(per * 80 >= topics)
        }
    }

    @Test("discovery lists the map directory once, and again only after inotify saw a segment file come or go")
    func directoryListedOnChangeOnly() throws {
        var template = Array("/tmp/lookout-listing.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { LookoutAgent.removeDemoDirectory(directory) }
        for id in [1, 2] { #expect(close(open("\(directory)/zm.mmap.\(id)", O_CREAT | O_WRONLY, 0o600)) == 0) }
        let loop = try InProcessLoop.make(directory: directory)
        defer { InProcessLoop.close(loop) }

        for second in 0..<5 { loop.discover(now: Double(second)) }
        #expect(Set(loop.monitors.keys) == [1, 2])
        #expect(loop.directoryListings == 1, "the directory was listed on every discovery")

        #expect(close(open("\(directory)/zm.mmap.3", O_CREAT | O_WRONLY, 0o600)) == 0)
        loop.takeMapChanges()  // what the loop does when its wait sees the inotify descriptor readable
        loop.discover(now: 5)
        #expect(Set(loop.monitors.keys) == [1, 2, 3])
        #expect(loop.directoryListings == 2)
        loop.discover(now: 6)
        #expect(loop.directoryListings == 2)
    }

    @Test("TS channel discovery in the map directory (/dev/shm holds both) lists it again only after a non-segment file changed")
    func channelsListedOnChangeOnly() throws {
        var template = Array("/tmp/lookout-listing.XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { LookoutAgent.removeDemoDirectory(directory) }
        #expect(close(open("\(directory)/zm.mmap.1", O_CREAT | O_WRONLY, 0o600)) == 0)
        let loop = try InProcessLoop.make(directory: directory) {
            $0.ts.directory = directory + "/"
            $0.ts.discover = true
        }
        defer { InProcessLoop.close(loop) }

        for second in 0..<4 { loop.discoverChannels(now: Double(second)) }
        #expect(loop.channelSet.channels.isEmpty)
        #expect(loop.channelListings == 1, "the directory was listed for channels on every discovery")

        // A segment changing is not a reason to look for channels again; a channel's file appearing is.
        #expect(close(open("\(directory)/zm.mmap.2", O_CREAT | O_WRONLY, 0o600)) == 0)
        loop.takeMapChanges()
        loop.discoverChannels(now: 4)
        #expect(loop.channelListings == 1)
        #expect(close(open("\(directory)/sfb_data_ch5", O_CREAT | O_WRONLY, 0o600)) == 0)
        loop.takeMapChanges()
        loop.discoverChannels(now: 5)
        #expect(loop.channelListings == 2)
        #expect(Set(loop.channelSet.channels.keys) == [5])
    }
}
