import CZeroMQ
import Foundation
import LookoutBus
import LookoutJSON
import Testing
import ZeroMQ

/// The control socket's bounds over real sockets, one client at a time (DEALER with an empty delimiter, like REQ).
@Suite("control server bounds")
struct ControlServerTests {
    let context = ZMQContext()

    private final class Fixture {
        let server: ControlServer
        let publisher: BusPublisher
        let client: ZMQSocket
        var now = 0.0
        var healthBody: JSONValue = .object([("status", .string("ok"))])
        var healthKey: UInt64 = 0

        init(_ context: ZMQContext, limits: ControlLimits, epoch: String = "0123456789") throws {
            let directory = NSTemporaryDirectory() + "lookout-control-\(UUID().uuidString)"
            server = try ControlServer(context: context, endpoint: "ipc://\(directory).control", limits: limits)
            publisher = try BusPublisher(context: context, endpoints: ["ipc://\(directory).pub"], sendHighWaterMark: 10, epoch: epoch, clock: { 0 })
            client = try ZMQSocket(context, .dealer)
            try client.connect("ipc://\(directory).control")
        }

        func handle(_ request: ControlRequest) -> Result<ControlReply, ControlError> {
            switch request {
            case .ping: .success(.body(.object([("pong", .bool(true))])))
            case .health: .success(server.cached("HEALTH", key: healthKey) { healthBody })
            case let .snapshot(prefix, cursor): server.snapshot(prefix: prefix, cursor: cursor, of: publisher)
            default: .failure(ControlError(.disabled, "not in this test"))
            }
        }

        /// Sends one request and serves until its reply arrives (bounded retries, no clock).
        func ask(_ frames: [String]) throws -> (status: String, body: JSONValue) {
            try client.send([[]] + frames.map { Array($0.utf8) })
            for _ in 0..<500 {
                server.servePending(clock: { self.now }, handle)
                if let reply = try client.receive(timeoutMilliseconds: 10) {
                    let parts = reply.drop { $0.isEmpty }.map { String(decoding: $0, as: UTF8.self) }
                    return (parts[0], try JSONValue.parse(parts[1]))
                }
            }
            throw ClientGotNoReply()
        }

        struct ClientGotNoReply: Error {}

        /// `count` retained topics of about `bodyBytes` each under `zm.monitor.<i>.state`.
        func retain(_ count: Int, bodyBytes: Int, tag: String = "a") {
            for index in 1...count {
                publisher.publish(
                    "zm.monitor.\(index).state", .object([("pad", .string(tag + String(repeating: "x", count: bodyBytes)))]),
                    source: "zm", retain: true)
            }
        }
    }

    private func small() -> ControlLimits {
        var limits = ControlLimits()
        limits.snapshotPageBytes = 4096
        limits.maximumReplyBytes = 8192
        return limits
    }

    @Test("a snapshot over one page comes in pages, all from the first page's gseq, even when state changes in between")
    func pagedSnapshotIsExact() throws {
        let fixture = try Fixture(context, limits: small())
        fixture.retain(40, bodyBytes: 300)
        let frozen = fixture.publisher.snapshot(prefix: "zm.")
        var pages: [JSONValue] = [try fixture.ask(["SNAPSHOT", "zm."]).body]
        fixture.retain(40, bodyBytes: 300, tag: "b")  // every topic changes after the first page
        fixture.publisher.forget(prefix: "zm.monitor.40.")
        while let next = pages.last?["next"]?.stringValue {
            let reply = try fixture.ask(["SNAPSHOT", "zm.", next])
            #expect(reply.status == "OK", "\(reply.body.rendered())")
            pages.append(reply.body)
        }
        #expect(pages.count > 3, "40 × 300 bytes must not fit in 4 KiB pages")
        #expect(pages.allSatisfy { $0["gseq"]?.uint64Value == frozen.globalSequence && $0.rendered().utf8.count <= 4096 + 512 })
        let items = pages.flatMap { $0["items"]?.arrayValue ?? [] }
        #expect(items.map { $0["topic"]?.stringValue ?? "" } == frozen.messages.map(\.topic))
        #expect(items.map { $0["header"]?["gseq"]?.uint64Value ?? 0 } == frozen.messages.map(\.header.globalSequence))
    }

    /// Every page of `SNAPSHOT zm.`, following `next`.
    private func wholeSnapshot(_ fixture: Fixture) throws -> [JSONValue] {
        var pages: [JSONValue] = [try fixture.ask(["SNAPSHOT", "zm."]).body]
        while let next = pages.last?["next"]?.stringValue { pages.append(try fixture.ask(["SNAPSHOT", "zm.", next]).body) }
        return pages
    }

    @Test("clients that freeze snapshots at different gseqs share the unchanged items: the second costs the changed ones")
    func laterSnapshotsReuseRenderedItems() throws {
        let measured = try Fixture(context, limits: small())
        measured.retain(40, bodyBytes: 300)
        let snapshotBytes = try wholeSnapshot(measured).reduce(0) { $0 + $1.rendered().utf8.count }
        // A budget that one snapshot and a quarter more fit, with a clock that never refills it.
        var limits = small()
        limits.renderedBytesPerSecond = snapshotBytes + snapshotBytes / 4
        let fixture = try Fixture(context, limits: limits)
        fixture.retain(40, bodyBytes: 300)
        _ = try wholeSnapshot(fixture)
        fixture.publisher.publish("zm.monitor.7.state", .object([("pad", .string("changed"))]), source: "zm", retain: true)
        let second = try wholeSnapshot(fixture)
        #expect(second.allSatisfy { $0["code"] == nil }, "the second client was refused: \(second.last?.rendered() ?? "")")
        let frozen = fixture.publisher.snapshot(prefix: "zm.")
        let items = second.flatMap { $0["items"]?.arrayValue ?? [] }
        #expect(second.allSatisfy { $0["gseq"]?.uint64Value == frozen.globalSequence })
        #expect(items.map { $0["header"]?["gseq"]?.uint64Value ?? 0 } == frozen.messages.map(\.header.globalSequence))
        #expect(items.first { $0["topic"]?.stringValue == "zm.monitor.7.state" }?["body"]?["pad"]?.stringValue == "changed")
        #expect(fixture.server.counters.busy == 0)
        #expect(fixture.server.snapshotItemBytes > 40 * 300)
        fixture.server.trimIdleCaches(now: 1000)
        #expect(fixture.server.snapshotItemBytes == 0, "kept items are handed back after a while without SNAPSHOT")
    }

    @Test("a cursor refers to a held view of this run, else a clear error")
    func cursorErrors() throws {
        var limits = small()
        limits.snapshotViews = 2
        let fixture = try Fixture(context, limits: limits)
        fixture.retain(40, bodyBytes: 300)
        let next = try #require(try fixture.ask(["SNAPSHOT", ""]).body["next"]?.stringValue)
        #expect(try fixture.ask(["SNAPSHOT", "", "nonsense"]).body["code"]?.stringValue == "bad_request")
        let otherRun = "abcdefgh" + next.drop { $0 != ":" }
        #expect(try fixture.ask(["SNAPSHOT", "", String(otherRun)]).body["error"]?.stringValue?.contains("earlier run") == true)
        for prefix in ["zm.monitor.1", "zm.monitor.2"] { _ = try fixture.ask(["SNAPSHOT", prefix]) }
        let expired = try fixture.ask(["SNAPSHOT", "", next]).body
        #expect(expired["code"]?.stringValue == "expired", "\(expired.rendered())")
    }

    @Test("the same SNAPSHOT at the same gseq, or HEALTH in the same poll, is sent from the cache, not rendered again")
    func repeatedRequestsHitTheCache() throws {
        let fixture = try Fixture(context, limits: small())
        fixture.retain(3, bodyBytes: 10)
        let first = try fixture.ask(["SNAPSHOT", "zm."])
        let second = try fixture.ask(["SNAPSHOT", "zm."])
        #expect(first.body == second.body)
        #expect(fixture.server.counters.cacheHits == 1)
        _ = try fixture.ask(["HEALTH"])
        _ = try fixture.ask(["HEALTH"])
        #expect(fixture.server.counters.cacheHits == 2)
        fixture.publisher.publish("agent.heartbeat", .int(1), source: "agent", retain: false)
        #expect(try fixture.ask(["SNAPSHOT", "zm."]).body["gseq"] != first.body["gseq"], "a new gseq is a new snapshot")
        #expect(fixture.server.counters.cacheHits == 2)
    }

    @Test("past the render budget requests other than PING get ERR busy with a retry time, until the budget refills")
    func renderBudget() throws {
        var limits = small()
        limits.renderedBytesPerSecond = 10_000
        let fixture = try Fixture(context, limits: limits)
        fixture.healthBody = .string(String(repeating: "h", count: 6000))
        var statuses: [String] = []
        for key in 1...3 {
            fixture.healthKey = UInt64(key)  // a new poll each time: nothing cached
            statuses.append(try fixture.ask(["HEALTH"]).status)
        }
        #expect(statuses == ["OK", "OK", "ERR"])
        let busy = try fixture.ask(["HEALTH"]).body
        #expect(busy["code"]?.stringValue == "busy" && (busy["retry_ms"]?.uint64Value ?? 0) > 0, "\(busy.rendered())")
        #expect(try fixture.ask(["PING"]).status == "OK")
        fixture.now += 1
        #expect(try fixture.ask(["HEALTH"]).status == "OK")
        #expect(fixture.server.counters.busy == 2)
    }

    @Test("past the reply bytes held for all clients, requests get ERR busy; a reply over the maximum gets ERR too_large")
    func heldBytesAndReplySize() throws {
        var limits = small()
        limits.maximumReplyBytesHeld = 100_000
        let fixture = try Fixture(context, limits: limits)
        try withExtendedLifetime(ZMQSharedBuffer(Array(repeating: 0, count: 100_000), ledger: fixture.server.ledger)) {
            let busy = try fixture.ask(["HEALTH"]).body
            #expect(busy["code"]?.stringValue == "busy" && busy["error"]?.stringValue?.contains("100000") == true, "\(busy.rendered())")
        }
        fixture.healthBody = .string(String(repeating: "h", count: 9000))
        let tooLarge = try fixture.ask(["HEALTH"]).body
        #expect(tooLarge["code"]?.stringValue == "too_large" && tooLarge["error"]?.stringValue?.contains("8192") == true, "\(tooLarge.rendered())")
    }

    @Test("a client that sends and never reads: its replies stop at the per-client queue, the rest are dropped and counted")
    func neverReadingClient() throws {
        var limits = ControlLimits()
        limits.sendHighWaterMark = 2
        let fixture = try Fixture(context, limits: limits)
        try fixture.client.setOption(ZMQ_RCVHWM, Int32(1))
        fixture.retain(200, bodyBytes: 300)  // pages of 64 KiB
        let requests = 300
        for _ in 0..<requests { try fixture.client.send([[], Array("SNAPSHOT".utf8)]) }
        var answered: UInt64 = 0
        for _ in 0..<10_000 where answered < UInt64(requests) {
            _ = try fixture.server.pollSocket.waitReadable(timeoutMilliseconds: 10)
            fixture.server.servePending(clock: { fixture.now }, fixture.handle)
            answered = fixture.server.counters.served + fixture.server.counters.rejected
        }
        #expect(answered == UInt64(requests))
        #expect(fixture.server.counters.repliesDropped > 0)
        #expect(fixture.server.ledger.bytes <= limits.maximumReplyBytesHeld)
        #expect(fixture.server.counters.cacheHits > 0)
    }
}
