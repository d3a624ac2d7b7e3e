/// What the publisher has done since start; reported in heartbeats, health replies and metrics.
public struct BusCounters: Sendable, Equatable {
    public var published: UInt64 = 0
    public var refreshed: UInt64 = 0
    /// Sends libzmq refused (would block or failed). PUB drops per subscriber at its high-water mark without telling
    /// the sender; subscribers see those drops as gaps in `seq`.
    public var sendFailures: UInt64 = 0
    /// Live subscriptions (one per subscriber per prefix), as the XPUB socket reports them.
    public var subscriptions: Int = 0

    public init() {}
}
