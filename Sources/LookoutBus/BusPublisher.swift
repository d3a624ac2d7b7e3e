import CZeroMQ
import LookoutJSON
import ZeroMQ

/// Publishes on the bus's XPUB socket: numbers every message, keeps the last message of each retained topic
/// (for snapshots and periodic re-publish) and counts subscriptions.
///
/// Not thread-safe: the agent's loop thread owns it, as libzmq requires for the socket.
public final class BusPublisher {
    public let epoch: String
    public private(set) var globalSequence: UInt64 = 0
    public private(set) var counters = BusCounters()
    private var records = TopicRecords()
    /// The positions of the retained topics in topic byte order, so a snapshot under a prefix costs a binary search
    /// plus its own items. Kept up to date incrementally: topics that appeared wait in `addedPositions` and are
    /// sorted and merged in at the next look-up (one sort of the newcomers plus one linear merge, however many
    /// appeared); topics forgotten stay here, skipped, until a snapshot compacts them in one linear pass.
    /// Discovering or removing n monitors thus costs O(n log n) in all, not a full sort per monitor.
    private var sortedPositions: [Int32] = []
    private var addedPositions: [Int32] = []
    /// `sortedPositions` holds topics no longer retained.
    private var holdsForgotten = false
    /// The re-publish cycle under way (`beginRefreshCycle`): its topics and the next one to send.
    private var refreshPositions: [Int32] = []
    private var refreshNext = 0
    /// Every message's header is rendered here, then copied into its ZeroMQ frame.
    private let headerBuffer: UnsafeMutableBufferPointer<UInt8>
    private let epochBytes: UnsafeMutableBufferPointer<UInt8>
    /// Longer sources (there are three short ones) take the general path.
    private static let plainSourceLimit = 32
    /// Topics sorted, merged or compacted so far: tests assert that discovery and removal stay linear.
    public private(set) var topicIndexWork = 0
    private let socket: ZMQSocket
    private let epochIsPlain: Bool
    private let clock: @Sendable () -> Double

    /// - Parameters:
    ///   - sendHighWaterMark: messages queued per subscriber before libzmq drops for that subscriber only.
    ///   - clock: Unix time in seconds (tests pass their own).
    public init(
        context: ZMQContext, endpoints: [String], sendHighWaterMark: Int32, epoch: String,
        clock: @escaping @Sendable () -> Double
    ) throws(ZMQError) {
        socket = try ZMQSocket(context, .xpub)
        try socket.setOption(ZMQ_SNDHWM, sendHighWaterMark)
        // Every subscribe and unsubscribe reaches us, so the subscription count stays exact.
        try socket.setOption(ZMQ_XPUB_VERBOSER, Int32(1))
        for endpoint in endpoints { try socket.bind(endpoint) }
        self.epoch = epoch
        epochIsPlain = BusHeader.isPlain(epoch)
        self.clock = clock
        headerBuffer = .allocate(capacity: BusHeader.plainCapacity(epoch: epoch.utf8.count, source: Self.plainSourceLimit))
        epochBytes = .allocate(capacity: epoch.utf8.count)
        _ = epochBytes.initialize(from: epoch.utf8)
    }

    deinit {
        headerBuffer.deallocate()
        epochBytes.deallocate()
    }

    /// The bound endpoints as libzmq resolved them (`tcp://127.0.0.1:*` gets its port).
    public var lastEndpoint: String { socket.lastEndpoint }

    /// The socket to include in the loop's wait, so subscription messages are read promptly.
    public var pollSocket: ZMQSocket { socket }

    public func publish(_ topic: String, _ body: JSONValue, source: String, retain: Bool) {
        publish(topic, rendered: body.rendered(), source: source, retain: retain)
    }

    /// `body`: JSON text rendered by the caller (`JSONWriter`).
    public func publish(_ topic: String, rendered body: String, source: String, retain: Bool) {
        publish(handle(topic), rendered: body, source: source, retain: retain)
    }

    /// A topic registered once and then published by handle: no topic string is built or looked up per message
    /// (the agent keeps one per monitor topic). Registering does not publish; a handle is this publisher's only.
    public struct TopicHandle: Sendable, Equatable {
        fileprivate let position: Int32
    }

    public func handle(_ topic: String) -> TopicHandle { TopicHandle(position: Int32(records.positionAdding(topic))) }

    public func publish(_ topic: TopicHandle, rendered body: String, source: String, retain: Bool) {
        globalSequence += 1
        let timestamp = now()
        let sent = records.record(
            at: Int(topic.position), body: body, retain: retain, globalSequence: globalSequence,
            timestampMilliseconds: timestamp, source: source)
        if sent.newlyRetained { addedPositions.append(topic.position) }
        transmit(topic: sent.topic, sequence: sent.sequence, timestampMilliseconds: timestamp, source: source, refresh: false, body: body)
    }

    /// Re-sends every retained topic at once with fresh sequence numbers, so a subscriber that missed a change
    /// heals. The agent paces the same work with `beginRefreshCycle()` and `continueRefresh(limit:)`.
    public func republishRetained() {
        beginRefreshCycle()
        continueRefresh(limit: .max)
    }

    /// Starts a re-publish cycle: every topic retained now is re-sent once by the `continueRefresh(limit:)` calls
    /// that follow, in topic order (a topic forgotten meanwhile is skipped; one that appears meanwhile waits for the
    /// next cycle, having just been published). What a cycle still under way had left is sent first, so no topic
    /// goes a whole interval without a re-publish. Returns the number of topics in the cycle.
    @discardableResult
    public func beginRefreshCycle() -> Int {
        continueRefresh(limit: .max)
        refreshPositions = Array(positions(under: ""))
        refreshNext = 0
        return refreshPositions.count
    }

    /// Re-sends up to `limit` topics of the cycle under way; returns how many are left.
    @discardableResult
    public func continueRefresh(limit: Int) -> Int {
        var sent = 0
        while sent < limit, refreshNext < refreshPositions.count {
            let position = Int(refreshPositions[refreshNext])
            refreshNext += 1
            let timestamp = now()
            guard let record = records.refresh(position, globalSequence: globalSequence + 1, timestampMilliseconds: timestamp),
                  let body = record.body
            else { continue }
            globalSequence += 1
            transmit(
                topic: record.topic, sequence: record.sequence, timestampMilliseconds: timestamp,
                source: records.sources[Int(record.source)], refresh: true, body: body)
            counters.refreshed += 1
            sent += 1
        }
        if refreshNext == refreshPositions.count, !refreshPositions.isEmpty {
            refreshPositions = []
            refreshNext = 0
        }
        return refreshPositions.count - refreshNext
    }

    /// Topics of the re-publish cycle under way not yet re-sent.
    public var refreshPending: Int { refreshPositions.count - refreshNext }

    /// Drops retained topics under `prefix` (a removed monitor): snapshots stop listing them.
    public func forget(prefix: String) {
        for position in positions(under: prefix, compacting: false) where records.isRetained(Int(position)) {
            records[Int(position)].body = nil
            holdsForgotten = true
        }
    }

    /// The last message of every retained topic under `prefix` (bytes, as ZeroMQ's subscriptions match), in
    /// topic order, and the global sequence they are current as of: apply live messages with a larger `gseq` on
    /// top (the clone pattern).
    public func snapshot(prefix: String) -> (messages: [BusMessage], globalSequence: UInt64) {
        (positions(under: prefix).compactMap { records.message(at: Int($0), epoch: epoch) }, globalSequence)
    }

    public func retainedMessage(_ topic: String) -> BusMessage? {
        records.position(of: topic).flatMap { records.message(at: $0, epoch: epoch) }
    }

    /// The positions of the retained topics under `prefix`, in topic byte order; without `compacting`, forgotten
    /// topics may be among them.
    private func positions(under prefix: String, compacting: Bool = true) -> ArraySlice<Int32> {
        updateTopicIndex(compacting: compacting)
        let sorted = sortedPositions
        // Every topic (a re-publish cycle, a whole snapshot): no comparisons.
        if prefix.isEmpty { return sorted[...] }
        let first = lowerBound(sorted[...]) { Self.precedes($0, prefix) }
        // Topics with the prefix are contiguous from `first`: the end is the first one after them that lacks it.
        let end = first + lowerBound(sorted[first...]) { Self.hasBytePrefix($0, prefix) }
        return sorted[first..<end]
    }

    /// The first index in `sorted` where `before` (of the topic) turns false (it must be true, then false).
    private func lowerBound(_ sorted: ArraySlice<Int32>, _ before: (String) -> Bool) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if before(records[Int(sorted[sorted.startIndex + middle])].topic) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Byte prefix, as ZeroMQ subscriptions match (not `hasPrefix`, which compares characters).
    private static func hasBytePrefix(_ topic: String, _ prefix: String) -> Bool {
        topic.utf8.count >= prefix.utf8.count && topic.utf8.prefix(prefix.utf8.count).elementsEqual(prefix.utf8)
    }

    private static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    private func precedes(_ a: Int32, _ b: Int32) -> Bool { Self.precedes(records[Int(a)].topic, records[Int(b)].topic) }

    /// Merges the topics that appeared since the last look-up into `sortedPositions` (dropping forgotten ones on
    /// the way) or, with `compacting` and nothing new, drops the forgotten ones.
    private func updateTopicIndex(compacting: Bool) {
        if !addedPositions.isEmpty {
            var added = addedPositions
            addedPositions = []
            added.sort(by: precedes)
            var merged: [Int32] = []
            merged.reserveCapacity(sortedPositions.count + added.count)
            var old = 0, new = 0
            while old < sortedPositions.count || new < added.count {
                let next: Int32
                if new == added.count || (old < sortedPositions.count && precedes(sortedPositions[old], added[new])) {
                    next = sortedPositions[old]
                    old += 1
                } else {
                    next = added[new]
                    new += 1
                }
                // A topic forgotten and retained again is in both lists; a forgotten one is not retained.
                guard records.isRetained(Int(next)), merged.last != next else { continue }
                merged.append(next)
            }
            topicIndexWork += sortedPositions.count + added.count
            sortedPositions = merged
            holdsForgotten = false
        } else if compacting, holdsForgotten {
            topicIndexWork += sortedPositions.count
            sortedPositions.removeAll { !records.isRetained(Int($0)) }
            holdsForgotten = false
        }
    }

    /// Reads pending subscription messages (byte 1 = subscribe, 0 = unsubscribe, then the prefix).
    public func drainSubscriptions() {
        while let frames = try? socket.receive(timeoutMilliseconds: 0), let first = frames.first?.first {
            if first == 1 { counters.subscriptions += 1 } else if first == 0 { counters.subscriptions = max(0, counters.subscriptions - 1) }
        }
    }

    public func close() { socket.close() }

    /// A message that is not retained with a fourth frame of bytes libzmq sends from `attachment` without copying
    /// (frame relay). Never blocks: `.wouldBlock` when a subscriber's queue is full (nothing sent to it).
    public func publish(_ topic: String, _ body: JSONValue, source: String, attachment: ZMQSharedBuffer) -> ZMQSocket.SendResult {
        globalSequence += 1
        let position = records.positionAdding(topic)
        records[position].sequence += 1
        let header = BusHeader(
            sequence: records[position].sequence, globalSequence: globalSequence, epoch: epoch,
            timestampMilliseconds: now(), source: source, refresh: false)
        let frames: [ZMQFrame] = [.bytes(Array(topic.utf8)), .bytes(Array(header.rendered.utf8)), .bytes(Array(body.rendered().utf8)), .shared(attachment)]
        let result = (try? socket.send(frames)) ?? .wouldBlock
        if result == .sent { counters.published += 1 } else { counters.sendFailures += 1 }
        return result
    }

    private func now() -> Int64 { Int64((clock() * 1000).rounded()) }

    /// Sends topic, header and body as one message. The header is rendered into `headerBuffer` and every frame is
    /// copied straight from its string's bytes: no string, array or message value is built per message.
    private func transmit(topic: String, sequence: UInt64, timestampMilliseconds: Int64, source: String, refresh: Bool, body: String) {
        var topic = topic, body = body, source = source
        let first = topic.withUTF8 { try? socket.send(part: UnsafeRawBufferPointer($0), more: true) }
        guard first == .sent else {
            counters.sendFailures += 1
            return
        }
        source.withUTF8 { sourceBytes in
            if epochIsPlain, sourceBytes.count <= Self.plainSourceLimit, BusHeader.isPlain(sourceBytes) {
                let length = BusHeader.writePlain(
                    sequence: sequence, globalSequence: globalSequence, epoch: UnsafeBufferPointer(epochBytes),
                    timestampMilliseconds: timestampMilliseconds, source: sourceBytes, refresh: refresh, into: headerBuffer)
                _ = try? socket.send(part: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(headerBuffer)[..<length]), more: true)
            } else {
                let header = BusHeader(
                    sequence: sequence, globalSequence: globalSequence, epoch: epoch,
                    timestampMilliseconds: timestampMilliseconds, source: String(decoding: sourceBytes, as: UTF8.self), refresh: refresh)
                _ = Array(header.json.rendered().utf8).withUnsafeBytes { try? socket.send(part: $0, more: true) }
            }
        }
        _ = body.withUTF8 { try? socket.send(part: UnsafeRawBufferPointer($0), more: false) }
        counters.published += 1
    }
}
