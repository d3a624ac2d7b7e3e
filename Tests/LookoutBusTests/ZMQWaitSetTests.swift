import Foundation
import Glibc
import Testing
import ZeroMQ

/// The agent's loop waits with one poll(2) over the sockets' edge-triggered ZMQ_FD: a message must never sit unseen
/// because a receive took its descriptor's signal, and a descriptor from another thread must end the wait.
@Suite("ZMQ wait set")
struct ZMQWaitSetTests {
    let context = ZMQContext()

    @Test("two queued messages: after receiving the first, the next wait reports the second at once (its ZMQ_FD will not fire again)")
    func queuedMessageAfterReceive() throws {
        let (receiver, sender) = try connectedPair()
        let waitSet = try ZMQWaitSet(sockets: [receiver], descriptors: [])
        try sender.send(["one"])
        try sender.send(["two"])

        var ready = waitUntilReady(waitSet)
        #expect(ready.socket(0))
        // libzmq delivers both at once or the first alone; wait for both so the next step tests the edge.
        var received: [String] = []
        while received.count < 1, let frames = try receiver.receive(timeoutMilliseconds: 0) {
            received.append(String(decoding: frames[0], as: UTF8.self))
        }
        #expect(received == ["one"])
        // Waiting 60 s would mean the queued message was missed; it must be reported without blocking.
        ready = waitSet.wait(timeoutMilliseconds: 60_000)
        #expect(ready.socket(0), "the second message was not reported")
        #expect(try receiver.receive(timeoutMilliseconds: 0).map { String(decoding: $0[0], as: UTF8.self) } == "two")
        #expect(waitSet.wait(timeoutMilliseconds: 0).isEmpty, "nothing left, nothing reported")
    }

    @Test("a message sent while the loop is blocked ends the wait; a pipe written by another thread does too, and says which")
    func wakesOnSocketAndDescriptor() throws {
        let (receiver, sender) = try connectedPair()
        var pipeEnds: [Int32] = [0, 0]
        #expect(pipe(&pipeEnds) == 0)
        defer { close(pipeEnds[0]); close(pipeEnds[1]) }
        let waitSet = try ZMQWaitSet(sockets: [receiver], descriptors: [pipeEnds[0]])
        #expect(waitSet.wait(timeoutMilliseconds: 0).isEmpty)

        let writer = Thread { [pipeEnds] in
            var byte: UInt8 = 1
            _ = write(pipeEnds[1], &byte, 1)
        }
        writer.start()
        var ready = waitUntilReady(waitSet)
        #expect(ready.descriptor(0) && !ready.socket(0))
        var byte: UInt8 = 0
        #expect(read(pipeEnds[0], &byte, 1) == 1)

        try sender.send(["hello"])
        ready = waitUntilReady(waitSet)
        #expect(ready.socket(0) && !ready.descriptor(0))
        #expect(try receiver.receive(timeoutMilliseconds: 0)?.first == Array("hello".utf8))
    }

    private func connectedPair() throws -> (receiver: ZMQSocket, sender: ZMQSocket) {
        let address = "ipc://\(NSTemporaryDirectory())lookout-wait-\(UUID().uuidString)"
        let receiver = try ZMQSocket(context, .dealer)
        try receiver.bind(address)
        let sender = try ZMQSocket(context, .dealer)
        try sender.connect(address)
        return (receiver, sender)
    }

    /// A socket's descriptor also fires for libzmq's own commands (a peer connecting): such a wait reports nothing.
    private func waitUntilReady(_ waitSet: ZMQWaitSet) -> ZMQWaitSet.Ready {
        var ready = waitSet.wait(timeoutMilliseconds: 60_000)
        while ready.isEmpty { ready = waitSet.wait(timeoutMilliseconds: 60_000) }
        return ready
    }
}
