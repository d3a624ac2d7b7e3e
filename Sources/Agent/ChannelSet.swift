import ZMShm
import ZeroMQ

/// Everything the loop keeps for TS channels and frame relays (one stored property of `AgentLoop`).
final class ChannelSet {
    var channels: [Int: TrackedChannel] = [:]
    /// ZoneMinder monitors relayed on `zm.monitor.<id>.frame`, with the image source each reads (whole mapping).
    var monitorRelays: [Int: (relay: FrameRelay, source: ZMImageSource?)] = [:]
    /// Bytes of relayed frames alive (queued in libzmq for any subscriber), every relay together.
    let ledger = ZMQByteLedger()
    var lastFPSMonotonic = 0.0

    /// Channels in number order, re-sorted only after the set changed (the relay walks it on every wake-up).
    var sortedChannels: [TrackedChannel] {
        if !orderIsCurrent {
            sorted = channels.values.sorted { $0.channel < $1.channel }
            orderIsCurrent = true
        }
        return sorted
    }
    var orderIsCurrent = true
    private var sorted: [TrackedChannel] = []

    var hasRelays: Bool { !monitorRelays.isEmpty || channels.values.contains { $0.relay != nil } }
}
