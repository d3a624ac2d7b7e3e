import LookoutJSON

/// What the control socket has done since start; HEALTH reports it under `control`.
public struct ControlCounters: Sendable, Equatable {
    /// Requests answered `OK`.
    public var served: UInt64 = 0
    /// Requests answered `ERR` (every code, `busy` and `too_large` included).
    public var rejected: UInt64 = 0
    /// Of `rejected`: refused because a reply budget was spent (`ControlLimits`).
    public var busy: UInt64 = 0
    /// Of `rejected`: replies larger than `ControlLimits.maximumReplyBytes`.
    public var tooLarge: UInt64 = 0
    /// Replies dropped because the client's reply queue was full (it sends and does not read), or libzmq refused
    /// the send.
    public var repliesDropped: UInt64 = 0
    /// Replies to clients that had disconnected.
    public var repliesUnroutable: UInt64 = 0
    /// SNAPSHOT and HEALTH replies sent from the cache instead of rendered again.
    public var cacheHits: UInt64 = 0

    public init() {}

    public func json(replyBytesHeld: Int) -> JSONValue {
        .object([
            ("served", .uint(served)), ("rejected", .uint(rejected)), ("busy", .uint(busy)), ("too_large", .uint(tooLarge)),
            ("replies_dropped", .uint(repliesDropped)), ("replies_unroutable", .uint(repliesUnroutable)),
            ("cache_hits", .uint(cacheHits)), ("reply_bytes_held", .from(replyBytesHeld)),
        ])
    }
}
