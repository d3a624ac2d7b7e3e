import FrameSource
import LookoutBus
import LookoutJSON
import Logging
import PosixThread
import TSFrameBuffer
import ZMShm
import ZMSite
import ZeroMQ

/// TS shared frame buffers and frame relay, beside the monitors: discovered and polled on the loop thread.
extension AgentLoop {
    static func channelPrefix(_ n: Int) -> String { "ts.channel.\(n)." }

    /// Channels from `[[ts.channel]]` and, with `ts.discover`, every `sfb_data_ch<N>` in `ts.dir`. A discovered
    /// channel whose file is gone is dropped after `forgetGrace`; a configured one is kept and reported unavailable.
    /// `ts.directory`'s channels. When it is the map directory (both /dev/shm on a ZoneMinder box) and inotify
    /// watches it, listed again only after a file other than a segment came, went or changed there.
    private func channelsInDirectory() -> [Int] {
        let watched = mapWatch?.isWatching == true && Self.sameDirectory(configuration.ts.directory, context.mapDirectory)
        return channelListing.ids(watched: watched) { SFBDirectory.channels(in: configuration.ts.directory) }
    }

    static func sameDirectory(_ a: String, _ b: String) -> Bool {
        func trimmed(_ path: String) -> Substring {
            var path = Substring(path)
            while path.count > 1, path.hasSuffix("/") { path = path.dropLast() }
            return path
        }
        return trimmed(a) == trimmed(b)
    }

    func discoverChannels(now: Double) {
        let ts = configuration.ts
        let found = ts.discover ? Set(channelsInDirectory()) : []
        var wanted: [Int: AgentConfiguration.Channel?] = [:]
        for channel in ts.channels { wanted[channel.channel] = channel }
        for n in found where wanted[n] == nil { wanted[n] = .some(nil) }
        for (n, configured) in wanted.sorted(by: { $0.key < $1.key }) where channelSet.channels[n] == nil {
            let name = configured?.data ?? SFB1Layout.dataName(channel: n)
            let tracked = TrackedChannel(
                channel: n, path: ts.directory + "/" + name, configured: configured, stallSeconds: ts.stallSeconds,
                owners: context.segmentOwners, relayFPS: configuration.relayFPS(channel: n), wake: channelSet.relayWake)
            channelSet.channels[n] = tracked
            channelSet.orderIsCurrent = false
            logger.info("TS channel followed", metadata: ["channel": "\(n)", "path": "\(tracked.follower.path)"])
        }
        for (n, channel) in channelSet.channels where channel.configured == nil && !found.contains(n) {
            let since = channel.missingSince ?? now
            channel.missingSince = since
            guard now - since >= forgetGrace else { continue }
            publisher.publish(Self.channelPrefix(n) + "state", ChannelBodies.removed(channel, time: now), source: "ts", retain: false)
            publisher.forget(prefix: Self.channelPrefix(n))
            channel.relay?.waiter?.stop()  // its thread ends by itself, the loop does not wait for it
            channelSet.channels[n] = nil
            channelSet.orderIsCurrent = false
            logger.info("TS channel removed", metadata: ["channel": "\(n)", "reason": "no sfb_data_ch\(n) file"])
        }
        for id in configuration.relay.monitors.keys where channelSet.monitorRelays[id] == nil {
            let fps = configuration.relay.monitors[id] ?? configuration.relay.defaultFPS
            channelSet.monitorRelays[id] = (FrameRelay(topic: BusTopic.monitorPrefix(id) + "frame", fps: fps), nil)
        }
    }

    /// One poll of every channel: publishes `ts.channel.<N>.state` when it changed, then relays frames due.
    func pollChannels(now: Double) {
        guard !channelSet.channels.isEmpty else { return }
        let monotonic = MonotonicClock().now
        let realtime = Int64(now * 1_000_000_000)
        for channel in channelSet.sortedChannels {
            let reading = channel.follower.poll(monotonic: monotonic, realtimeNanoseconds: realtime)
            let previous = channel.reading
            channel.reading = reading
            if reading.header != nil { channel.missingSince = nil }
            if reading.error?.message != channel.loggedError { logChannelError(reading.error, channel: channel) }
            let key = ChannelStateKey(channel)
            if key != channel.publishedKey {
                channel.reason = Self.changeReason(reading, previous: previous, published: channel.publishedKey)
                publishChannelState(channel, now: now)
            }
        }
    }

    /// Sends every polled relay's frame that is due (ZoneMinder monitors; a channel relay without a waiter); runs on
    /// every wake-up of the loop. Returns when the next one is due (monotonic seconds; infinity without polled relays):
    /// a channel relay with a waiter adds no deadline, its waiter wakes the loop (`relayWoken`).
    func relayFrames(now: Double) -> Double {
        channelSet.loopWakeups += 1
        guard channelSet.hasRelays else { return .infinity }
        let monotonic = MonotonicClock().now
        var next = Double.infinity
        for channel in channelSet.sortedChannels {
            guard let relay = channel.relay, relay.waiter == nil else { continue }
            relay.tick(
                monotonic: monotonic, source: channel.follower.reader, publisher: publisher, ledger: channelSet.ledger,
                maxBytesInFlight: configuration.relay.maxBytesInFlight
            ) { frame in FrameRelay.body(frame, head: ChannelBodies.head(channel, time: now)) }
            next = min(next, relay.nextDue)
        }
        if channelSet.monitorRelays.isEmpty { return next }
        relayMonitors(now: now, monotonic: monotonic)
        for entry in channelSet.monitorRelays.values { next = min(next, entry.relay.nextDue) }
        return next
    }

    /// `channelSet.relayWake` turned readable: relays, at once, the newest frame of every channel whose waiter
    /// signalled (the waiter keeps the rate; the loop only copies and sends).
    func relayWoken(now: Double) {
        channelSet.relayWake.drain()
        for channel in channelSet.sortedChannels {
            guard let relay = channel.relay, let waiter = relay.waiter, waiter.takeSignal() else { continue }
            relay.woken(
                source: channel.follower.reader, publisher: publisher, ledger: channelSet.ledger,
                maxBytesInFlight: configuration.relay.maxBytesInFlight
            ) { frame in FrameRelay.body(frame, head: ChannelBodies.head(channel, time: now)) }
        }
    }

    private func relayMonitors(now: Double, monotonic: Double) {
        for (id, entry) in channelSet.monitorRelays.sorted(by: { $0.key < $1.key }) where monotonic >= entry.relay.nextDue {
            var source = entry.source
            if source?.checkProducer() != nil { source = nil }
            if source == nil { source = try? ZMImageSource(path: context.segmentPath(id), frameSize: context.frameSize(id), owners: context.segmentOwners) }
            channelSet.monitorRelays[id] = (entry.relay, source)
            let head: [(String, JSONValue)] = [("monitor_id", .from(id)), ("time", .double(MessageBodies.milliseconds(now)))]
            entry.relay.tick(
                monotonic: monotonic, source: source, publisher: publisher, ledger: channelSet.ledger,
                maxBytesInFlight: configuration.relay.maxBytesInFlight
            ) { frame in FrameRelay.body(frame, head: head) }
        }
    }

    /// Every `fps_seconds`: each channel's state again with its current fps.
    func publishChannelFPS(now: Double) {
        for channel in channelSet.sortedChannels where channel.available { publishChannelState(channel, now: now) }
    }

    private func publishChannelState(_ channel: TrackedChannel, now: Double) {
        channel.publishedKey = ChannelStateKey(channel)
        publisher.publish(Self.channelPrefix(channel.channel) + "state", ChannelBodies.state(channel, time: now), source: "ts", retain: true)
    }

    /// Why the state changed, most significant first.
    static func changeReason(_ reading: SFBChannelFollower.Reading, previous: SFBChannelFollower.Reading?, published: ChannelStateKey?) -> String {
        if let header = reading.header, header.runState != .running { return header.runState?.name ?? "not_running" }
        if let restart = reading.reopened, restart != .notRunning { return "producer_restarted:\(restart.rawValue)" }
        if let error = reading.error { return error.code.rawValue }
        guard published != nil, let before = previous else { return "appeared" }
        if before.header == nil { return "recovered" }
        if reading.stalled != before.stalled { return reading.stalled ? "stalled" : "resumed" }
        return "changed"
    }

    private func logChannelError(_ error: FrameSourceError?, channel: TrackedChannel) {
        channel.loggedError = error?.message
        guard let error else { return }
        let metadata: Logger.Metadata = ["channel": "\(channel.channel)", "code": "\(error.code.rawValue)"]
        switch error.code {
        case .notFound, .notInitialised, .shrunk, .torn: logger.info("TS channel unavailable: \(error.message)", metadata: metadata)
        default: logger.warning("TS channel refused: \(error.message)", metadata: metadata)
        }
    }

    /// HEALTH's `channels` and `relay` members.
    func channelsHealth(now: Double) -> [(String, JSONValue)] {
        let relays = channelSet.monitorRelays.sorted { $0.key < $1.key }.map { id, entry in
            JSONValue.object([("monitor_id", .from(id))] + (entry.relay.json.objectMembers ?? []))
        }
        let dropped = channelSet.channels.values.compactMap(\.relay).reduce(UInt64(0)) { $0 + $1.counters.droppedInFlight }
            + channelSet.monitorRelays.values.reduce(UInt64(0)) { $0 + $1.relay.counters.droppedInFlight }
        return [
            ("ts_dir", .string(configuration.ts.directory)),
            ("channels", .array(channelSet.sortedChannels.map { ChannelBodies.health($0, now: now) })),
            ("relay", .object([
                ("bytes_in_flight", .from(channelSet.ledger.bytes)), ("max_bytes_in_flight", .from(configuration.relay.maxBytesInFlight)),
                ("dropped_in_flight", .uint(dropped)), ("loop_wakeups", .uint(channelSet.loopWakeups)), ("monitors", .array(relays)),
            ])),
        ]
    }
}
