import LookoutJSON
import Synchronization

/// The bridge's counters, written by its thread and read by the agent's poll thread when it renders HEALTH.
public final class MQTTBridgeStatus: Sendable {
    public struct Values: Sendable, Equatable {
        public var broker = ""
        public var node = ""
        public var connected = false
        /// Successful connections (CONNACK accepted), the first one included.
        public var connects: UInt64 = 0
        /// Connections lost or refused, and connection attempts that failed.
        public var disconnects: UInt64 = 0
        public var published: UInt64 = 0
        /// Events dropped because the queue's byte bound was reached (the broker away or slow).
        public var dropped: UInt64 = 0
        public var queuedBytes = 0
        public var queuedEvents = 0
        public var inflight = 0
        public var retainedTopics = 0
        public var retainedRefused: UInt64 = 0
        /// Snapshots taken from the agent (at start, and after a gap in the bus's sequence).
        public var snapshots: UInt64 = 0
        public var commands: UInt64 = 0
        public var commandsRefused: UInt64 = 0
        public var lastError: String?
    }

    private let values = Mutex(Values())

    public init(broker: String, node: String) {
        values.withLock {
            $0.broker = broker
            $0.node = node
        }
    }

    public var current: Values { values.withLock { $0 } }

    func update(_ change: (inout Values) -> Void) { values.withLock { change(&$0) } }

    /// HEALTH's `mqtt` object.
    public var json: JSONValue {
        let v = current
        return .object([
            ("broker", .string(v.broker)), ("node", .string(v.node)), ("connected", .bool(v.connected)),
            ("connects", .uint(v.connects)), ("disconnects", .uint(v.disconnects)), ("published", .uint(v.published)),
            ("dropped", .uint(v.dropped)), ("queued_bytes", .from(v.queuedBytes)), ("queued_events", .from(v.queuedEvents)),
            ("inflight", .from(v.inflight)), ("retained_topics", .from(v.retainedTopics)),
            ("retained_refused", .uint(v.retainedRefused)), ("snapshots", .uint(v.snapshots)),
            ("commands", .uint(v.commands)), ("commands_refused", .uint(v.commandsRefused)),
            ("last_error", .from(v.lastError)),
        ])
    }
}
