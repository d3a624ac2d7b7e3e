import Foundation
import Testing
import ZeroMQ

/// The relay's frame buffers go back to their pool once libzmq has sent them, so the next frame is copied into memory
/// already faulted in; the pool keeps at most its limit, frees the rest, and the byte ledger still counts each one.
@Suite("ZMQ buffer pool")
struct ZMQBufferPoolTests {
    let context = ZMQContext()

    @Test("buffers sent over a real socket come back to the pool (at most its limit idle), the ledger back to zero")
    func returnedAfterSend() throws {
        let address = "ipc://\(NSTemporaryDirectory())lookout-pool-\(UUID().uuidString)"
        let sender = try ZMQSocket(context, .dealer)
        try sender.bind(address)
        let receiver = try ZMQSocket(context, .dealer)
        try receiver.connect(address)
        let pool = ZMQBufferPool(capacity: 4096, limit: 2)
        let ledger = ZMQByteLedger()
        // Five alive at once (five allocations), all queued in libzmq before any is released.
        var buffers = try (0..<5).map { n in
            try #require(ZMQSharedBuffer(capacity: 4096, ledger: ledger, pool: pool) { bytes in
                bytes.initializeMemory(as: UInt8.self, repeating: UInt8(n))
                return 1000
            })
        }
        #expect(ledger.bytes == 5 * 4096 && pool.idleCount == 0)
        for buffer in buffers {
            // Non-blocking sends: the first waits for the connection to be up.
            var sent = false
            for _ in 0..<10_000 where !sent {
                sent = try sender.send([.shared(buffer)]) == .sent
                if !sent { usleep(1000) }
            }
            #expect(sent)
        }
        buffers.removeAll()
        for n in 0..<5 {
            let message = try #require(try receiver.receive(timeoutMilliseconds: 10_000))
            #expect(message == [[UInt8](repeating: UInt8(n), count: 1000)], "frame \(n) whole, in order")
        }
        let deadline = Date().addingTimeInterval(10)
        while (ledger.bytes != 0 || pool.idleCount != 2) && Date() < deadline { usleep(1000) }
        #expect(ledger.bytes == 0 && pool.idleCount == 2, "ledger \(ledger.bytes), idle \(pool.idleCount)")
        // The next buffer comes out of the pool; one of another size does not.
        var reused = ZMQSharedBuffer(capacity: 4096, ledger: ledger, pool: pool) { _ in 10 }
        #expect(pool.idleCount == 1)
        var other = ZMQSharedBuffer(capacity: 100, ledger: ledger, pool: pool) { _ in 10 }
        #expect(pool.idleCount == 1 && ledger.bytes == 4096 + 100)
        #expect(reused != nil && other != nil)
        reused = nil
        other = nil
        #expect(ZMQSharedBuffer(capacity: 4096, ledger: ledger, pool: pool) { _ in nil } == nil, "a refused fill")
        #expect(pool.idleCount == 2 && ledger.bytes == 0, "dropped and refused buffers go back to the pool, uncounted")
    }
}
