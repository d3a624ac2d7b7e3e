import Foundation
import LookoutBus
import LookoutJSON
import Testing
import ZeroMQ

/// A reply rendered on another thread: requests answered `.pending` wait, then all get the same bytes at once.
@Suite("control server pending replies")
struct ControlPendingTests {
    let context = ZMQContext()

    @Test("clients asking while HEALTH is being rendered all get the one rendering, counted once; the next is cached")
    func pendingRepliesShareOneRendering() throws {
        let path = NSTemporaryDirectory() + "lookout-pending-\(UUID().uuidString).control"
        let server = try ControlServer(context: context, endpoint: "ipc://\(path)")
        defer { server.close() }
        var handled = 0
        let handle: (ControlRequest) -> Result<ControlReply, ControlError> = { request in
            handled += 1
            if let cached = server.cachedReply("HEALTH", key: 7) { return .success(cached) }
            return .success(.pending("HEALTH"))
        }
        let clients = try (0..<3).map { _ in
            let client = try ZMQSocket(context, .dealer)
            try client.connect("ipc://\(path)")
            try client.send([[], Array("HEALTH".utf8)])
            return client
        }
        for _ in 0..<600 where handled < 3 {
            _ = try ZMQPoll.readable([server.pollSocket], timeoutMilliseconds: 100)
            server.servePending(clock: { 0 }, handle)
        }
        #expect(handled == 3)
        #expect(server.isPending("HEALTH"))
        for client in clients { #expect(try client.receive(timeoutMilliseconds: 0) == nil, "answered before it was rendered") }

        server.finishPending(name: "HEALTH", key: 7, text: #"{"status":"ok"}"#)
        #expect(!server.isPending("HEALTH"))
        for client in clients {
            let reply = try #require(try client.receive(timeoutMilliseconds: 5000))
            #expect(reply.drop { $0.isEmpty }.map { String(decoding: $0, as: UTF8.self) } == ["OK", #"{"status":"ok"}"#])
        }
        #expect(server.counters.served == 3)
        #expect(server.counters.cacheHits == 2, "the rendering counts against the budget once")

        try clients[0].send([[], Array("HEALTH".utf8)])
        var reply: [[UInt8]]?
        for _ in 0..<600 where reply == nil {
            _ = try ZMQPoll.readable([server.pollSocket], timeoutMilliseconds: 100)
            server.servePending(clock: { 0 }, handle)
            reply = try clients[0].receive(timeoutMilliseconds: 10)
        }
        #expect(reply.map { String(decoding: $0.last ?? [], as: UTF8.self) } == #"{"status":"ok"}"#, "from the cache")
        #expect(server.counters.cacheHits == 3)
    }
}
