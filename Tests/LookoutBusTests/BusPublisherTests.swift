import CZeroMQ
import Foundation
import LookoutBus
import LookoutJSON
import Testing
import ZeroMQ

@Suite("bus publisher over real sockets")
struct BusPublisherTests {
    let context = ZMQContext()

    private func endpoint() -> String { "ipc://\(NSTemporaryDirectory())lookout-bus-\(UUID().uuidString).pub" }

    /// Publishes until the subscriber's subscription has arrived (PUB drops everything before that), then returns.
    private func connected(_ publisher: BusPublisher, _ subscriber: ZMQSocket, subscriptions: Int = 1) throws {
        var seen = false
        for _ in 0..<200 where !seen {
            publisher.drainSubscriptions()
            seen = publisher.counters.subscriptions >= subscriptions
            if !seen { _ = try subscriber.waitReadable(timeoutMilliseconds: 10) }
        }
        #expect(seen, "subscription never reached the publisher")
    }

    @Test("three frames; per-topic and global sequences; a monitor prefix never matches a longer id")
    func framesAndSequences() throws {
        let address = endpoint()
        let publisher = try BusPublisher(context: context, endpoints: [address], sendHighWaterMark: 100, epoch: "e1", clock: { 1.5 })
        let subscriber = try ZMQSocket(context, .sub)
        try subscriber.subscribe(BusTopic.monitorPrefix(7))
        try subscriber.connect(address)
        try connected(publisher, subscriber)

        publisher.publish(BusTopic.monitor(70, .state), .object([("n", .int(70))]), source: "zm", retain: true)
        publisher.publish(BusTopic.monitor(7, .state), .object([("n", .int(1))]), source: "zm", retain: true)
        publisher.publish(BusTopic.monitor(7, .event), .object([("n", .int(2))]), source: "zm", retain: false)
        publisher.publish(BusTopic.monitor(7, .state), .object([("n", .int(3))]), source: "zm", retain: true)

        var received: [[String]] = []
        while received.count < 3, let frames = try subscriber.receive(timeoutMilliseconds: 2000) {
            received.append(frames.map { String(decoding: $0, as: UTF8.self) })
        }
        #expect(received.map(\.count) == [3, 3, 3])
        #expect(received.map { $0[0] } == ["zm.monitor.7.state", "zm.monitor.7.event", "zm.monitor.7.state"])
        #expect(received[0][1] == #"{"v":1,"seq":1,"gseq":2,"epoch":"e1","ts":1500,"src":"zm"}"#)
        #expect(received[2][1] == #"{"v":1,"seq":2,"gseq":4,"epoch":"e1","ts":1500,"src":"zm"}"#)
        #expect(received[2][2] == #"{"n":3}"#)
        #expect(try subscriber.receive(timeoutMilliseconds: 100) == nil, "monitor 70 leaked into a monitor 7 subscription")
    }

    @Test("monitor topics are the prefix and the kind, for any id")
    func monitorTopicNames() {
        for id in [0, 7, 9, 10, 70, 4096, 99_999, Int.max, -3] {
            for kind in MonitorTopic.allCases {
                #expect(BusTopic.monitor(id, kind) == "zm.monitor.\(id).\(kind.rawValue)")
                #expect(BusTopic.monitor(id, kind).hasPrefix(BusTopic.monitorPrefix(id)))
            }
        }
    }

    @Test("snapshots hold the last message of each retained topic and the gseq to resume from; refresh re-numbers")
    func snapshotAndRefresh() throws {
        let publisher = try BusPublisher(context: context, endpoints: [endpoint()], sendHighWaterMark: 100, epoch: "e", clock: { 0 })
        publisher.publish("zm.monitor.1.state", .string("a"), source: "zm", retain: true)
        publisher.publish("zm.monitor.1.event", .string("b"), source: "zm", retain: false)
        publisher.publish("zm.monitor.1.state", .string("c"), source: "zm", retain: true)
        publisher.publish("zm.monitor.2.state", .string("d"), source: "zm", retain: true)
        let all = publisher.snapshot(prefix: "")
        #expect(all.globalSequence == 4)
        #expect(all.messages.map(\.body) == [#""c""#, #""d""#])
        #expect(all.messages.first?.header.sequence == 2)
        #expect(publisher.snapshot(prefix: "zm.monitor.2.").messages.map(\.topic) == ["zm.monitor.2.state"])

        publisher.republishRetained()
        let refreshed = publisher.snapshot(prefix: "")
        #expect(refreshed.globalSequence == 6)
        #expect(refreshed.messages.map(\.header.sequence) == [3, 2], "a re-publish is the next message of its topic")
        #expect(refreshed.messages.map(\.header.globalSequence) == [5, 6])
        #expect(refreshed.messages.allSatisfy { $0.header.refresh })
        #expect(refreshed.messages.map(\.body) == [#""c""#, #""d""#])
        #expect(publisher.counters.refreshed == 2)

        publisher.forget(prefix: "zm.monitor.1.")
        #expect(publisher.snapshot(prefix: "").messages.map(\.topic) == ["zm.monitor.2.state"])

        publisher.publish("zm.monitor.10.state", .string("e"), source: "zm", retain: true)
        publisher.publish("agent.info", .string("f"), source: "agent", retain: true)
        #expect(publisher.snapshot(prefix: "").messages.map(\.topic) == ["agent.info", "zm.monitor.10.state", "zm.monitor.2.state"],
                "topics that appear after a snapshot are in the next one, in byte order")
        #expect(publisher.snapshot(prefix: "zm.monitor.1").messages.map(\.topic) == ["zm.monitor.10.state"])
        #expect(publisher.snapshot(prefix: "zm.monitor.1.").messages.isEmpty)
        #expect(publisher.snapshot(prefix: "zz").messages.isEmpty)
    }

    @Test("a monitor removed and found again: its retained topics come back in snapshots with the next seq, each message keeps its own source and time")
    func forgottenTopicReturns() throws {
        let publisher = try BusPublisher(context: context, endpoints: [endpoint()], sendHighWaterMark: 100, epoch: "e", clock: { 1 })
        publisher.publish("zm.monitor.3.state", .string("a"), source: "zm", retain: true)
        publisher.publish("zm.monitor.3.event", .string("b"), source: "zm", retain: false)
        publisher.forget(prefix: "zm.monitor.3.")
        #expect(publisher.snapshot(prefix: "").messages.isEmpty)
        #expect(publisher.retainedMessage("zm.monitor.3.state") == nil)

        publisher.publish("zm.monitor.3.state", .string("c"), source: "ts", retain: true)
        publisher.publish("agent.info", .string("i"), source: "agent", retain: true)
        let messages = publisher.snapshot(prefix: "").messages
        #expect(messages.map(\.topic) == ["agent.info", "zm.monitor.3.state"])
        #expect(messages.map(\.header.source) == ["agent", "ts"])
        #expect(messages.map(\.header.sequence) == [1, 2], "the state topic goes on from its last seq")
        #expect(messages.map(\.header.globalSequence) == [4, 3])
        #expect(messages.last?.itemText == #"{"topic":"zm.monitor.3.state","header":{"v":1,"seq":2,"gseq":3,"epoch":"e","ts":1000,"src":"ts"},"body":"c"}"#)
    }

    @Test("a paced re-publish cycle sends each retained topic once, a few per call, with the next seq and gseq; a forgotten topic is skipped, a new one waits")
    func pacedRefreshCycle() throws {
        let publisher = try BusPublisher(context: context, endpoints: [endpoint()], sendHighWaterMark: 100, epoch: "e", clock: { 0 })
        for id in 1...10 { publisher.publish(BusTopic.monitor(id, .state), .string("s\(id)"), source: "zm", retain: true) }
        #expect(publisher.beginRefreshCycle() == 10)
        #expect(publisher.refreshPending == 10)
        #expect(publisher.continueRefresh(limit: 4) == 6)
        #expect(publisher.counters.refreshed == 4)
        #expect(publisher.globalSequence == 14)
        publisher.forget(prefix: BusTopic.monitorPrefix(9))
        publisher.publish(BusTopic.monitor(11, .state), .string("new"), source: "zm", retain: true)
        #expect(publisher.continueRefresh(limit: 100) == 0)
        #expect(publisher.counters.refreshed == 9, "monitor 9 was forgotten; monitor 11 waits for the next cycle")
        let refreshed = publisher.snapshot(prefix: "").messages
        #expect(refreshed.filter { $0.header.refresh }.count == 9)
        #expect(refreshed.filter { $0.header.refresh }.allSatisfy { $0.header.sequence == 2 }, "a re-publish is the next message of its topic")
        #expect(Set(refreshed.map(\.header.globalSequence)).count == refreshed.count)

        // A cycle left unfinished is completed before the next one starts: no topic skips a whole interval.
        #expect(publisher.beginRefreshCycle() == 10)
        #expect(publisher.continueRefresh(limit: 3) == 7)
        #expect(publisher.beginRefreshCycle() == 10)
        #expect(publisher.counters.refreshed == 9 + 10)
        #expect(publisher.continueRefresh(limit: .max) == 0)
        #expect(publisher.counters.refreshed == 9 + 20)
        #expect(publisher.snapshot(prefix: "").messages.allSatisfy { $0.header.refresh })
    }

    @Test("a subscriber that never reads loses messages alone: sends never fail, a reading subscriber gets every gseq in order")
    func stuckSubscriberLosesAlone() throws {
        let address = endpoint()
        let publisher = try BusPublisher(context: context, endpoints: [address], sendHighWaterMark: 100, epoch: "e", clock: { 0 })
        let stuck = try ZMQSocket(context, .sub)
        try stuck.setOption(ZMQ_RCVHWM, Int32(1))
        try stuck.subscribe("")
        try stuck.connect(address)
        let reader = try ZMQSocket(context, .sub)
        try reader.subscribe("")
        try reader.connect(address)
        try connected(publisher, reader, subscriptions: 2)

        // 1 KiB bodies: 5 000 of them are far more than the stuck subscriber's queues and socket buffers hold.
        let padding = String(repeating: "x", count: 1024)
        var readerGlobalSequences: [UInt64] = []
        chunks: for chunk in 0..<500 {
            // As the agent's loop does: libzmq learns how far each subscriber has read while reading the XPUB.
            publisher.drainSubscriptions()
            for _ in 0..<10 { publisher.publish("t", .string(padding), source: "agent", retain: false) }
            while readerGlobalSequences.count < (chunk + 1) * 10 {
                guard let frames = try reader.receive(timeoutMilliseconds: 2000) else { break chunks }
                readerGlobalSequences.append(try globalSequence(frames))
            }
        }
        #expect(readerGlobalSequences == Array(1...5000), "the reading subscriber must get every message, in order")
        #expect(publisher.counters.published == 5000)
        // XPUB drops for the one subscriber at its HWM without failing the send (no ZMQ_XPUB_NODROP: that would
        // stop every subscriber for one stuck one), so a send failure here means that changed.
        #expect(publisher.counters.sendFailures == 0)

        var stuckGlobalSequences: [UInt64] = []
        while let frames = try stuck.receive(timeoutMilliseconds: 200) { stuckGlobalSequences.append(try globalSequence(frames)) }
        #expect(stuckGlobalSequences.first == 1)
        #expect(stuckGlobalSequences.count < 5000, "the stuck subscriber must have lost what did not fit in its queues")
    }

    private func globalSequence(_ frames: [[UInt8]]) throws -> UInt64 {
        try #require(try JSONValue.parse(frames[1])["gseq"]?.uint64Value)
    }
}
