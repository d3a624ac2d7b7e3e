import CZeroMQ
import LookoutJSON
import ZeroMQ

/// The ROUTER socket that answers snapshot, health and command requests. Works with REQ clients (which add an
/// empty delimiter frame) and DEALER clients (which need not); the reply goes back with the same envelope.
/// Everything a client can make it hold is bounded in bytes (`ControlLimits`), and it never waits for a client.
///
/// Not thread-safe: the agent's loop thread owns it.
public final class ControlServer {
    public let limits: ControlLimits
    /// Bytes of replies alive now: cached, or queued inside libzmq for clients.
    public let ledger = ZMQByteLedger()
    public private(set) var counters = ControlCounters()
    private let socket: ZMQSocket
    private var budget: RenderBudget
    private let pager: SnapshotPager
    private var cache: [String: (key: UInt64, buffer: ZMQSharedBuffer)] = [:]
    /// The envelopes of requests answered `.pending`, per reply name; at most `maximumPending` in all.
    private var pending: [String: [[ZMQFrame]]] = [:]
    private var pendingCount = 0
    /// A few dozen bytes each: requests beyond it are answered `ERR busy`.
    static let maximumPending = 1024
    /// When the requests being answered arrived, and when a SNAPSHOT last came (monotonic seconds).
    private var lastServedAt = 0.0
    private var lastSnapshotAt: Double?

    public init(context: ZMQContext, endpoint: String, limits: ControlLimits = ControlLimits()) throws(ZMQError) {
        self.limits = limits
        budget = RenderBudget(bytesPerSecond: limits.renderedBytesPerSecond)
        pager = SnapshotPager(limits: limits, ledger: ledger)
        socket = try ZMQSocket(context, .router)
        try socket.setOption(ZMQ_MAXMSGSIZE, Int64(limits.maximumRequestBytes))
        try socket.setOption(ZMQ_RCVHWM, limits.receiveHighWaterMark)
        try socket.setOption(ZMQ_SNDHWM, limits.sendHighWaterMark)
        // A client whose reply queue is full makes the send fail (EAGAIN) so it is counted, instead of vanishing.
        try socket.setOption(ZMQ_ROUTER_MANDATORY, Int32(1))
        try socket.bind(endpoint)
    }

    public var pollSocket: ZMQSocket { socket }

    /// The counters and the reply bytes held, as HEALTH reports them.
    public var healthJSON: JSONValue {
        let members = counters.json(replyBytesHeld: ledger.bytes).objectMembers ?? []
        return .object(members + [("snapshot_item_bytes", .from(pager.itemBytes))])
    }

    /// Answers the requests waiting now, at most `limits.requestsPerWakeUp` or `limits.secondsPerWakeUp`, so a
    /// flood cannot starve the poll loop. `clock`: monotonic seconds.
    public func servePending(clock: () -> Double, _ handle: (ControlRequest) -> Result<ControlReply, ControlError>) {
        let start = clock()
        var now = start
        lastServedAt = start
        for _ in 0..<limits.requestsPerWakeUp where now - start < limits.secondsPerWakeUp {
            defer { now = clock() }
            guard let frames = try? socket.receive(timeoutMilliseconds: 0) else { return }
            guard let identity = frames.first else { continue }
            var rest = frames.dropFirst()
            var envelope: [ZMQFrame] = [.bytes(identity)]
            if rest.first?.isEmpty == true {
                envelope.append(.bytes([]))
                rest = rest.dropFirst()
            }
            var outcome = ControlRequest.parse(Array(rest)).flatMap { request in
                admit(request, now: now).flatMap { handle(request) }
            }
            if case let .success(.pending(name)) = outcome {
                if pendingCount < Self.maximumPending {
                    pending[name, default: []].append(envelope)
                    pendingCount += 1
                    continue
                }
                outcome = .failure(ControlError(
                    .busy, "\(pendingCount) requests already wait for replies being rendered: retry later", retryMilliseconds: 100))
            }
            send(envelope, reply(outcome))
        }
    }

    /// Whether requests wait for the reply named `name` (`ControlReply.pending`).
    public func isPending(_ name: String) -> Bool { pending[name] != nil }

    /// Sends `text`, rendered elsewhere for the reply named `name` at `key`, to every request waiting for it, and
    /// keeps it as `cached(_:key:_:)` would: one rendering, counted once against the render budget.
    public func finishPending(name: String, key: UInt64, text: String) {
        let buffer = ZMQSharedBuffer(text, ledger: ledger)
        cache[name] = (key, buffer)
        let envelopes = pending.removeValue(forKey: name) ?? []
        pendingCount -= envelopes.count
        for (index, envelope) in envelopes.enumerated() {
            send(envelope, reply(.success(.rendered(buffer, fresh: index == 0))))
        }
    }

    /// The reply kept for `name` at `key` (`cached`, `finishPending`), if any.
    public func cachedReply(_ name: String, key: UInt64) -> ControlReply? {
        guard let entry = cache[name], entry.key == key else { return nil }
        return .rendered(entry.buffer, fresh: false)
    }

    private func send(_ envelope: [ZMQFrame], _ frames: [ZMQFrame]) {
        switch try? socket.send(envelope + frames) {
        case .sent?: break
        case .wouldBlock?, nil: counters.repliesDropped += 1
        case .unroutable?: counters.repliesUnroutable += 1
        }
    }

    /// SNAPSHOT pages (see `SnapshotPager`).
    public func snapshot(prefix: String, cursor: String?, of publisher: BusPublisher) -> Result<ControlReply, ControlError> {
        lastSnapshotAt = lastServedAt
        return pager.page(prefix: prefix, cursor: cursor, of: publisher)
    }

    /// Hands back the snapshot items and views kept for bursts (`SnapshotPager`) once no SNAPSHOT came for
    /// `idleSeconds`; the agent calls it now and then. A frozen view holds every message it froze, even those the
    /// publisher has replaced since. `now`: monotonic seconds, as `servePending`'s clock. True when it dropped any.
    @discardableResult
    public func trimIdleCaches(now: Double, idleSeconds: Double = 10) -> Bool {
        guard let last = lastSnapshotAt, now - last >= idleSeconds else { return false }
        pager.trim()
        lastSnapshotAt = nil
        return true
    }

    /// Bytes of snapshot items kept for later pages and clients.
    public var snapshotItemBytes: Int { pager.itemBytes }

    /// The reply rendered for `name` at `key`, or `body` rendered now and kept until the key changes.
    public func cached(_ name: String, key: UInt64, _ body: () -> JSONValue) -> ControlReply {
        if let cached = cachedReply(name, key: key) { return cached }
        let buffer = ZMQSharedBuffer(body().rendered(), ledger: ledger)
        cache[name] = (key, buffer)
        return .rendered(buffer, fresh: true)
    }

    public func close() { socket.close() }

    /// PING always passes: its reply is a few dozen bytes and tells a client the agent is alive.
    private func admit(_ request: ControlRequest, now: Double) -> Result<Void, ControlError> {
        guard request != .ping else { return .success(()) }
        if ledger.bytes >= limits.maximumReplyBytesHeld {
            return .failure(ControlError(
                .busy, "replies not yet read by their clients hold \(ledger.bytes) bytes, at the bound of \(limits.maximumReplyBytesHeld) for all clients: retry later",
                retryMilliseconds: 100))
        }
        if let wait = budget.waitMilliseconds(now: now) {
            return .failure(ControlError(
                .busy, "replies rendered in the last second reached the budget of \(limits.renderedBytesPerSecond) bytes: retry in \(wait) ms",
                retryMilliseconds: wait))
        }
        return .success(())
    }

    private func reply(_ outcome: Result<ControlReply, ControlError>) -> [ZMQFrame] {
        var outcome = outcome
        if case let .success(reply) = outcome {
            let buffer: ZMQSharedBuffer
            switch reply {
            case let .body(value):
                buffer = ZMQSharedBuffer(value.rendered(), ledger: ledger)
                budget.spend(buffer.count)
            case let .rendered(rendered, fresh):
                buffer = rendered
                if fresh { budget.spend(buffer.count) } else { counters.cacheHits += 1 }
            case let .assembled(assembled, renderedBytes):
                buffer = assembled
                budget.spend(renderedBytes)
            case .pending:
                return []  // servePending keeps these; never sent as such
            }
            if buffer.count <= limits.maximumReplyBytes {
                counters.served += 1
                return [.bytes(Array("OK".utf8)), .shared(buffer)]
            }
            counters.tooLarge += 1
            outcome = .failure(ControlError(.tooLarge, "the reply is \(buffer.count) bytes, over the limit of \(limits.maximumReplyBytes)"))
        }
        guard case let .failure(error) = outcome else { return [] }
        counters.rejected += 1
        if error.code == .busy { counters.busy += 1 }
        return [.bytes(Array("ERR".utf8)), .bytes(Array(error.json.rendered().utf8))]
    }
}
