import FrameSource
import LookoutBus
import LookoutJSON
import TSFrameBuffer
import ZeroMQ

/// Relays one frame source's newest frame on the bus at a set rate: topic, header, a JSON body and the pixels.
///
/// A TS channel's relay has a `waiter` (a thread futex-waiting on the channel's `notify_seq32`, which keeps the rate
/// itself): the loop relays when the waiter signals (`relayNewest`), never on a timer. A ZoneMinder monitor's image
/// ring has no such word: its relay is polled (`tick`), and the loop's wait ends when the next frame is due.
///
/// The pixels are copied once, out of the slot straight into a buffer libzmq sends from without copying
/// (`zmq_msg_init_data`). Every relayed buffer alive (queued for any subscriber) is counted in bytes by a
/// shared ledger: a frame the ledger cannot take is dropped and counted, so slow subscribers never make the
/// agent queue without bound, and the poll loop never waits. Not thread-safe: the loop thread owns it.
final class FrameRelay {
    let topic: String
    let interval: Double
    /// Wakes the loop when the channel publishes (TS channels); nil: polled.
    let waiter: SFBNotifyWaiter?
    private(set) var counters = Counters()
    /// Monotonic seconds when the next frame may be sent.
    private(set) var nextDue = -Double.infinity
    /// The frame relayed last: its number and capture time (a ZoneMinder ring may not number its images).
    private var lastFrame: (number: UInt64, capture: Int64)?
    /// Frame buffers of the source's slot size, reused once libzmq has sent them (a new pool when the size changes).
    private var pool: ZMQBufferPool?
    /// Idle frame buffers kept for reuse: two cover a subscriber that keeps up; beyond, the memory goes back.
    static let idleBuffers = 2

    struct Counters {
        var sent: UInt64 = 0
        var bytes: UInt64 = 0
        /// Frames not relayed because the bytes in flight would have passed `relay.max_bytes_in_flight`.
        var droppedInFlight: UInt64 = 0
        /// Frames libzmq refused to queue.
        var droppedSend: UInt64 = 0
        /// Reads that failed (no source, a torn slot, the file gone).
        var readFailures: UInt64 = 0
        /// Times the waiter woke the loop for this relay.
        var wakeups: UInt64 = 0
    }

    init(topic: String, fps: Double, waiter: SFBNotifyWaiter? = nil) {
        self.topic = topic
        interval = 1 / fps
        self.waiter = waiter
    }

    /// Polled relays: relays the newest frame if one is due and it is not the one relayed last.
    func tick(
        monotonic: Double, source: (any FrameSource)?, publisher: BusPublisher, ledger: ZMQByteLedger, maxBytesInFlight: Int,
        body: (FrameMetadata) -> JSONValue
    ) {
        guard monotonic >= nextDue else { return }
        nextDue = SFBNotifyWaiter.nextAllowed(after: nextDue, now: monotonic, interval: interval)
        relayNewest(source: source, publisher: publisher, ledger: ledger, maxBytesInFlight: maxBytesInFlight, body: body)
    }

    /// The loop was woken for this relay: relays the newest frame now, unless it is the one relayed last.
    func woken(source: (any FrameSource)?, publisher: BusPublisher, ledger: ZMQByteLedger, maxBytesInFlight: Int, body: (FrameMetadata) -> JSONValue) {
        counters.wakeups += 1
        relayNewest(source: source, publisher: publisher, ledger: ledger, maxBytesInFlight: maxBytesInFlight, body: body)
    }

    private func relayNewest(
        source: (any FrameSource)?, publisher: BusPublisher, ledger: ZMQByteLedger, maxBytesInFlight: Int, body: (FrameMetadata) -> JSONValue
    ) {
        guard let source else { return }
        guard let newest = try? source.newestFrame() else {
            counters.readFailures += 1
            return
        }
        if let last = lastFrame, last.number == newest.frameNumber, last.capture == newest.captureNanoseconds { return }
        let capacity = source.maximumFrameBytes
        guard ledger.bytes + capacity <= maxBytesInFlight else {
            counters.droppedInFlight += 1
            return
        }
        if pool?.capacity != max(1, capacity) { pool = ZMQBufferPool(capacity: capacity, limit: Self.idleBuffers) }
        var frame: FrameMetadata?
        let buffer = ZMQSharedBuffer(capacity: capacity, ledger: ledger, pool: pool) { pixels in
            frame = try? source.copyNewestFrame(into: pixels)
            return frame?.bytes
        }
        guard let buffer, let frame else {
            counters.readFailures += 1
            return
        }
        lastFrame = (frame.frameNumber, frame.captureNanoseconds)
        if publisher.publish(topic, body(frame), source: topic.hasPrefix("ts.") ? "ts" : "zm", attachment: buffer) == .sent {
            counters.sent += 1
            counters.bytes += UInt64(frame.bytes)
        } else {
            counters.droppedSend += 1
        }
    }

    var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("topic", .string(topic)), ("fps", .double((1 / interval * 100).rounded() / 100)), ("sent", .uint(counters.sent)),
            ("bytes", .uint(counters.bytes)), ("dropped_in_flight", .uint(counters.droppedInFlight)),
            ("dropped_send", .uint(counters.droppedSend)), ("read_failures", .uint(counters.readFailures)),
        ]
        if let waiter {
            let waiting = waiter.counters
            members += [
                ("wakeups", .uint(counters.wakeups)), ("waiter_signals", .uint(waiting.signals)), ("waiter_opens", .uint(waiting.opens)),
                ("waiter_failures", .uint(waiting.failures)),
            ]
        }
        return .object(members)
    }

    /// The body of a `.frame` message (docs/protocol.md).
    static func body(_ frame: FrameMetadata, head: [(String, JSONValue)]) -> JSONValue {
        .object(head + [
            ("frame", .uint(frame.frameNumber)), ("width", .from(frame.width)), ("height", .from(frame.height)),
            ("format", .string(frame.formatName)), ("strides", .array(frame.strides.map { .from($0) })),
            ("bytes", .from(frame.bytes)), ("capture_ns", .int(frame.captureNanoseconds)), ("pts_ns", .int(frame.ptsNanoseconds)),
            ("flags", .uint(UInt64(frame.flags))),
        ])
    }
}
