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
    private var topicRecords = TopicRecords()
    /// The retained topics in byte order, so a snapshot under a prefix costs a binary search plus its own items.
    /// Kept up to date incrementally: topics that appeared wait in `addedTopics` and are sorted and merged in at the
    /// next look-up (one sort of the newcomers plus one linear merge, however many appeared); topics forgotten stay
    /// here, skipped, until a snapshot compacts them in one linear pass. Discovering or removing n monitors thus
    /// costs O(n log n) in all, not a full sort per monitor.
    private var sortedTopics: [String] = []
    private var addedTopics: [String] = []
    /// `sortedTopics` holds topics no longer retained.
    private var holdsForgotten = false
    /// The re-publish cycle under way (`beginRefreshCycle`): its topics and the next one to send.
    private var refreshTopics: [String] = []
    private var refreshNext = 0
    /// Topics sorted, merged or compacted so far: tests assert that discovery and removal stay linear.
    public private(set) var topicIndexWork = 0
    private let socket: ZMQSocket
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
        self.clock = clock
    }

    /// The bound endpoints as libzmq resolved them (`tcp://127.0.0.1:*` gets its port).
    public var lastEndpoint: String { socket.lastEndpoint }

    /// The socket to include in the loop's `zmq_poll`, so subscription messages are read promptly.
    public var pollSocket: ZMQSocket { socket }

    @discardableResult
    public func publish(_ topic: String, _ body: JSONValue, source: String, retain: Bool) -> BusMessage {
        send(topic: topic, body: body.rendered(), source: source, retain: retain, refresh: false)
    }

    /// `body`: JSON text rendered by the caller (`JSONWriter`).
    @discardableResult
    public func publish(_ topic: String, rendered body: String, source: String, retain: Bool) -> BusMessage {
        send(topic: topic, body: body, source: source, retain: retain, refresh: false)
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
        refreshTopics = Array(topics(under: ""))
        refreshNext = 0
        return refreshTopics.count
    }

    /// Re-sends up to `limit` topics of the cycle under way; returns how many are left.
    @discardableResult
    public func continueRefresh(limit: Int) -> Int {
        var sent = 0
        while sent < limit, refreshNext < refreshTopics.count {
            let topic = refreshTopics[refreshNext]
            refreshNext += 1
            guard let message = topicRecords.message(topic, epoch: epoch) else { continue }
            send(topic: topic, body: message.body, source: message.header.source, retain: true, refresh: true)
            counters.refreshed += 1
            sent += 1
        }
        if refreshNext == refreshTopics.count, !refreshTopics.isEmpty {
            refreshTopics = []
            refreshNext = 0
        }
        return refreshTopics.count - refreshNext
    }

    /// Topics of the re-publish cycle under way not yet re-sent.
    public var refreshPending: Int { refreshTopics.count - refreshNext }

    /// Drops retained topics under `prefix` (a removed monitor): snapshots stop listing them.
    public func forget(prefix: String) {
        for topic in topics(under: prefix, compacting: false) where topicRecords.forget(topic) {
            holdsForgotten = true
        }
    }

    /// The last message of every retained topic under `prefix` (bytes, as ZeroMQ's subscriptions match), in
    /// topic order, and the global sequence they are current as of: apply live messages with a larger `gseq` on
    /// top (the clone pattern).
    public func snapshot(prefix: String) -> (messages: [BusMessage], globalSequence: UInt64) {
        (topics(under: prefix).compactMap { topicRecords.message($0, epoch: epoch) }, globalSequence)
    }

    /// The retained topics under `prefix` in byte order; without `compacting`, forgotten topics may be among them.
    private func topics(under prefix: String, compacting: Bool = true) -> ArraySlice<String> {
        updateTopicIndex(compacting: compacting)
        let sorted = sortedTopics
        // Every topic (a re-publish cycle, a whole snapshot): no comparisons. Generic `starts(with:)` on each of
        // 16 385 topics cost 4 000 instructions a topic, every cycle.
        if prefix.isEmpty { return sorted[...] }
        let first = Self.lowerBound(sorted) { Self.precedes($0, prefix) }
        // Topics with the prefix are contiguous from `first`: the end is the first one after them that lacks it.
        let end = first + Self.lowerBound(sorted[first...]) { Self.hasBytePrefix($0, prefix) }
        return sorted[first..<end]
    }

    /// The first index in `sorted` where `before` turns false (it must be true, then false).
    private static func lowerBound(_ sorted: ArraySlice<String>, _ before: (String) -> Bool) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if before(sorted[sorted.startIndex + middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func lowerBound(_ sorted: [String], _ before: (String) -> Bool) -> Int { lowerBound(sorted[...], before) }

    /// Byte prefix, as ZeroMQ subscriptions match (not `hasPrefix`, which compares characters).
    private static func hasBytePrefix(_ topic: String, _ prefix: String) -> Bool {
        topic.utf8.count >= prefix.utf8.count && topic.utf8.prefix(prefix.utf8.count).elementsEqual(prefix.utf8)
    }

    private static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// Merges the topics that appeared since the last look-up into `sortedTopics` (dropping forgotten ones on the
    /// way) or, with `compacting` and nothing new, drops the forgotten ones.
    private func updateTopicIndex(compacting: Bool) {
        if !addedTopics.isEmpty {
            addedTopics.sort(by: Self.precedes)
            var merged: [String] = []
            merged.reserveCapacity(sortedTopics.count + addedTopics.count)
            var old = 0, new = 0
            while old < sortedTopics.count || new < addedTopics.count {
                let next: String
                if new == addedTopics.count || (old < sortedTopics.count && Self.precedes(sortedTopics[old], addedTopics[new])) {
                    next = sortedTopics[old]
                    old += 1
                } else {
                    next = addedTopics[new]
                    new += 1
                }
                // A topic forgotten and retained again is in both lists; a forgotten one is not retained.
                guard topicRecords.isRetained(next), merged.last != next else { continue }
                merged.append(next)
            }
            topicIndexWork += sortedTopics.count + addedTopics.count
            sortedTopics = merged
            addedTopics.removeAll(keepingCapacity: false)
            holdsForgotten = false
        } else if compacting, holdsForgotten {
            topicIndexWork += sortedTopics.count
            sortedTopics.removeAll { !topicRecords.isRetained($0) }
            holdsForgotten = false
        }
    }

    public func retainedMessage(_ topic: String) -> BusMessage? { topicRecords.message(topic, epoch: epoch) }

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
        let sequence = topicRecords.nextSequence(topic).sequence
        let header = BusHeader(
            sequence: sequence, globalSequence: globalSequence, epoch: epoch,
            timestampMilliseconds: Int64((clock() * 1000).rounded()), source: source, refresh: false)
        let frames: [ZMQFrame] = [.bytes(Array(topic.utf8)), .bytes(Array(header.json.rendered().utf8)), .bytes(Array(body.rendered().utf8)), .shared(attachment)]
        let result = (try? socket.send(frames)) ?? .wouldBlock
        if result == .sent { counters.published += 1 } else { counters.sendFailures += 1 }
        return result
    }

    @discardableResult
    private func send(topic: String, body: String, source: String, retain: Bool, refresh: Bool) -> BusMessage {
        globalSequence += 1
        let (topic, sequence) = topicRecords.nextSequence(topic)
        let header = BusHeader(
            sequence: sequence, globalSequence: globalSequence, epoch: epoch,
            timestampMilliseconds: Int64((clock() * 1000).rounded()), source: source, refresh: refresh)
        let message = BusMessage(topic: topic, header: header, body: body)
        if retain {
            if topicRecords.retain(topic, header: header, body: body) { addedTopics.append(topic) }
        }
        do {
            if try socket.send(message.frames) != .sent { counters.sendFailures += 1 } else { counters.published += 1 }
        } catch {
            counters.sendFailures += 1
        }
        return message
    }
}
