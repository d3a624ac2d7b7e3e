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
    private func connected(_ publisher: BusPublisher, _ subscriber: ZMQSocket) throws {
        var seen = false
        for _ in 0..<200 where !seen {
            publisher.drainSubscriptions()
            seen = publisher.counters.subscriptions > 0
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
        #expect(refreshed.messages.allSatisfy { $0.header.refresh })
        #expect(refreshed.messages.map(\.body) == [#""c""#, #""d""#])
        #expect(publisher.counters.refreshed == 2)

        publisher.forget(prefix: "zm.monitor.1.")
        #expect(publisher.snapshot(prefix: "").messages.map(\.topic) == ["zm.monitor.2.state"])
    }

    @Test("publishing with no subscriber, or one that never reads, never blocks")
    func neverBlocks() throws {
        let address = endpoint()
        let publisher = try BusPublisher(context: context, endpoints: [address], sendHighWaterMark: 2, epoch: "e", clock: { 0 })
        let subscriber = try ZMQSocket(context, .sub)
        try subscriber.setOption(ZMQ_RCVHWM, Int32(2))
        try subscriber.subscribe("")
        try subscriber.connect(address)
        try connected(publisher, subscriber)
        for index in 0..<100_000 { publisher.publish("t", .int(Int64(index)), source: "agent", retain: false) }
        #expect(publisher.globalSequence == 100_000)
        #expect(publisher.counters.published + publisher.counters.sendFailures == 100_000)
    }
}
