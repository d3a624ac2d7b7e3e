/// What waits for the broker. Retained topics are kept as last values (a newer value replaces one not yet sent, and
/// all of them are marked to send again on every connect); events wait in a FIFO bounded in bytes, past which new
/// events are dropped and counted. Nothing here grows without a bound in bytes.
struct MQTTOutbox {
    struct Message: Equatable {
        let topic: String
        let payload: [UInt8]
        let retained: Bool
        var bytes: Int { topic.utf8.count + payload.count }
    }

    let eventLimit: Int
    let retainedLimit: Int
    private(set) var retained: [String: [UInt8]] = [:]
    private(set) var retainedBytes = 0
    /// Retained topics to send, in the order they changed; `dirtySet` keeps each once.
    private var dirty: [String] = []
    private var dirtyHead = 0
    private var dirtySet: Set<String> = []
    private var events: [Message] = []
    private var eventHead = 0
    private(set) var eventBytes = 0
    private(set) var dropped: UInt64 = 0
    private(set) var retainedRefused: UInt64 = 0

    init(eventLimit: Int, retainedLimit: Int) {
        self.eventLimit = eventLimit
        self.retainedLimit = retainedLimit
    }

    var retainedCount: Int { retained.count }
    var queuedEvents: Int { events.count - eventHead }
    var pendingRetained: Int { dirtySet.count }

    /// A new value for a retained topic; false when it is the value already kept (a bus re-publish: nothing to send).
    @discardableResult
    mutating func setRetained(_ topic: String, _ payload: [UInt8]) -> Bool {
        let old = retained[topic]
        if old == payload { return false }
        let growth = topic.utf8.count + payload.count - (old.map { topic.utf8.count + $0.count } ?? 0)
        guard retainedBytes + growth <= retainedLimit else {
            retainedRefused += 1
            return false
        }
        retained[topic] = payload
        retainedBytes += growth
        markDirty(topic)
        return true
    }

    /// Forgets a retained topic and queues its removal from the broker (an empty retained payload).
    mutating func removeRetained(_ topic: String) {
        guard let old = retained.removeValue(forKey: topic) else { return }
        retainedBytes -= topic.utf8.count + old.count
        markDirty(topic)
    }

    /// Every kept topic is sent again: the broker may have restarted without persistence, or lost what it had.
    mutating func markAllRetainedDirty() {
        for topic in retained.keys.sorted() { markDirty(topic) }
    }

    private mutating func markDirty(_ topic: String) {
        guard dirtySet.insert(topic).inserted else { return }
        dirty.append(topic)
    }

    /// Queues a non-retained message; false (and counted) when the queue's byte bound has no room for it.
    @discardableResult
    mutating func enqueue(_ message: Message) -> Bool {
        guard eventBytes + message.bytes <= eventLimit else {
            dropped += 1
            return false
        }
        events.append(message)
        eventBytes += message.bytes
        return true
    }

    /// Puts messages that were in flight when the connection broke back in front, so they go first again.
    mutating func requeueFront(_ messages: [Message]) {
        guard !messages.isEmpty else { return }
        var kept: [Message] = []
        var bytes = 0
        for message in messages where bytes + message.bytes <= eventLimit {
            kept.append(message)
            bytes += message.bytes
        }
        dropped += UInt64(messages.count - kept.count)
        var rest = Array(events[eventHead...])
        var restBytes = eventBytes
        while !rest.isEmpty, bytes + restBytes > eventLimit {
            restBytes -= rest.removeLast().bytes
            dropped += 1
        }
        events = kept + rest
        eventHead = 0
        eventBytes = bytes + restBytes
    }

    /// The next message to hand to the client: events first (they are news), then changed retained topics.
    mutating func next() -> Message? {
        if eventHead < events.count {
            let message = events[eventHead]
            eventHead += 1
            eventBytes -= message.bytes
            if eventHead > 256, eventHead * 2 > events.count {
                events.removeFirst(eventHead)
                eventHead = 0
            }
            return message
        }
        while dirtyHead < dirty.count {
            let topic = dirty[dirtyHead]
            dirtyHead += 1
            if dirtyHead > 256, dirtyHead * 2 > dirty.count {
                dirty.removeFirst(dirtyHead)
                dirtyHead = 0
            }
            dirtySet.remove(topic)
            return Message(topic: topic, payload: retained[topic] ?? [], retained: true)
        }
        return nil
    }
}
