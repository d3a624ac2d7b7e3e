import FrameSource
import TSFrameBuffer
import ZMShm

/// One TS channel the agent follows: its follower, what it last published, and its relay.
final class TrackedChannel {
    let channel: Int
    let follower: SFBChannelFollower
    /// From `[[ts.channel]]` (kept when its file is missing); nil: discovered in `ts.dir`.
    let configured: AgentConfiguration.Channel?
    var reading: SFBChannelFollower.Reading?
    /// What the last `ts.channel.<N>.state` said, to publish again only on change.
    var publishedKey: ChannelStateKey?
    var reason = "appeared"
    var loggedError: String?
    var missingSince: Double?
    var relay: FrameRelay?

    /// - Parameters:
    ///   - relayFPS: relay this channel's frames (the file is then mapped whole, else its header only), with a waiter
    ///     thread that signals `wake` when a frame is due (polled like a ZoneMinder relay if the thread cannot start).
    init(
        channel: Int, path: String, configured: AgentConfiguration.Channel?, stallSeconds: Double, owners: SegmentOwners, relayFPS: Double?,
        wake: WakeDescriptor
    ) {
        self.channel = channel
        self.configured = configured
        follower = SFBChannelFollower(channel: channel, path: path, owners: owners, stallSeconds: stallSeconds, headerOnly: relayFPS == nil)
        relay = relayFPS.map { fps in
            let waiter = SFBNotifyWaiter(path: path, owners: owners, interval: 1 / fps, wake: wake, name: "lookout-ch\(channel)")
            return FrameRelay(topic: "ts.channel.\(channel).frame", fps: fps, waiter: waiter)
        }
    }

    var available: Bool { reading?.header != nil && reading?.error == nil }

    /// `running`, `initialising`, `stopping` (the producer's own word), or `unavailable` / `refused` when the file
    /// cannot be read.
    var state: String {
        if let header = reading?.header { return header.runState?.name ?? "unknown state \(header.state)" }
        switch reading?.error?.code {
        case .notFound?, .notInitialised?, .shrunk?, nil: return "unavailable"
        default: return "refused"
        }
    }
}

/// The fields whose change publishes `ts.channel.<N>.state` at once (fps alone waits for `fps_seconds`).
struct ChannelStateKey: Equatable {
    let state: String
    let stalled: Bool
    let width: UInt32?
    let height: UInt32?
    let fourcc: UInt32?
    let epoch: UInt64?
    let pid: UInt32?
    let error: String?

    init(_ channel: TrackedChannel) {
        let header = channel.reading?.header
        state = channel.state
        stalled = channel.reading?.stalled ?? true
        width = header?.width
        height = header?.height
        fourcc = header?.fourcc
        epoch = header?.producerEpoch
        pid = header?.producerPID
        error = channel.reading?.error?.code.rawValue
    }
}
