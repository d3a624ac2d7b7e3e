import TSFrameBuffer
import ZMShm
import ZeroMQ

/// Everything the loop keeps for TS channels and frame relays (one stored property of `AgentLoop`).
final class ChannelSet {
    var channels: [Int: TrackedChannel] = [:]
    /// ZoneMinder monitors relayed on `zm.monitor.<id>.frame`, with the image source each reads (whole mapping).
    var monitorRelays: [Int: (relay: FrameRelay, source: ZMImageSource?)] = [:]
    /// Bytes of relayed frames alive (queued in libzmq for any subscriber), every relay together.
    let ledger = ZMQByteLedger()
    /// Readable when a channel relay's waiter thread asks the loop to relay (in the loop's poll set).
    let relayWake = WakeDescriptor()
    var relayWakeDescriptor: Int32 { relayWake.descriptor }
    /// Loop iterations (each calls `relayFrames` once): HEALTH's `relay.loop_wakeups`, to show relays wake it by frame,
    /// not on a timer.
    var loopWakeups: UInt64 = 0
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

    /// Stops every channel relay's waiter thread and waits for them (all asked first: they end together, within
    /// `SFBNotifyWaiter.waitSlice`). At agent stop, after the loop.
    func stopRelayWaiters() {
        let waiters = channels.values.compactMap(\.relay?.waiter)
        for waiter in waiters { waiter.stop() }
        for waiter in waiters { waiter.join() }
    }
}
