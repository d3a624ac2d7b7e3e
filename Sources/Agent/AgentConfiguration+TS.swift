import LookoutTOML
import TSFrameBuffer

extension AgentConfiguration {
    /// TS shared frame buffers (docs/ts-frame-buffers.md): channels named in the file and found in `dir`.
    public struct TS: Sendable, Equatable {
        /// Where `sfb_data_ch<N>` files are (POSIX shared memory).
        public var directory = "/dev/shm"
        /// Follow every `sfb_data_ch*` found in `directory`, not only the configured channels.
        public var discover = true
        /// No frame captured (or no heartbeat) for this long: the channel is stalled.
        public var stallSeconds = 5.0
        public var channels: [Channel] = []
    }

    /// One `[[ts.channel]]`: the names TS-API returns for a channel's shared frame buffer.
    public struct Channel: Sendable, Equatable {
        public var channel: Int
        /// `sfb_data_ch<N>` (a leading `/`, as POSIX shm names are written, is dropped).
        public var data: String
        public var event: String
        /// Relay this channel's frames on `ts.channel.<N>.frame` at this rate; nil: not relayed.
        public var relayFPS: Double?

        public init(channel: Int, data: String? = nil, event: String? = nil, relayFPS: Double? = nil) {
            self.channel = channel
            self.data = data ?? SFB1Layout.dataName(channel: channel)
            self.event = event ?? SFB1Layout.eventName(channel: channel)
            self.relayFPS = relayFPS
        }
    }

    /// Frame relay on the bus (docs/ts-frame-buffers.md, "Frame relay").
    public struct Relay: Sendable, Equatable {
        /// Bytes of relayed frames alive at once (queued in libzmq for any subscriber): a frame that would exceed
        /// it is dropped and counted, so slow subscribers never make the agent queue without bound.
        public var maxBytesInFlight = 64 << 20
        /// The rate for `--relay N` without `@FPS` and for monitors listed without one.
        public var defaultFPS = 5.0
        /// ZoneMinder monitors whose newest image is relayed on `zm.monitor.<id>.frame`, with their rates.
        public var monitors: [Int: Double] = [:]
        /// Channels relayed by `--relay N[@FPS]` beside those with `relay_fps` in their `[[ts.channel]]`.
        public var channels: [Int: Double] = [:]
    }

    /// The relay rate of channel `n`, from `--relay` or its `[[ts.channel]]`.
    public func relayFPS(channel n: Int) -> Double? {
        relay.channels[n] ?? ts.channels.first { $0.channel == n }?.relayFPS
    }
}

extension TOMLReader {
    func ts(_ section: TOMLTable, into configuration: inout AgentConfiguration) throws(AgentConfigurationError) {
        try keys(section, in: "ts", known: ["dir", "discover", "stall_seconds", "channel"])
        configuration.ts.directory = try nonEmptyString(section, "ts.dir") ?? configuration.ts.directory
        configuration.ts.discover = try bool(section, "ts.discover") ?? true
        configuration.ts.stallSeconds = try positive(section, "ts.stall_seconds") ?? configuration.ts.stallSeconds
        guard let value = section["channel"] else { return }
        guard let entries = value.array, entries.allSatisfy({ $0.table != nil }) else {
            throw fail("ts.channel", "must be tables: write each channel as [[ts.channel]] with data = \"sfb_data_chN\"")
        }
        for (index, entry) in entries.enumerated() {
            let table = entry.table!
            let key = "ts.channel[\(index)]"
            try keys(table, in: key, known: ["channel", "data", "event", "relay_fps"])
            let data = try nonEmptyString(table, "\(key).data").map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }
            if let data, data.contains("/") || data == "." || data == ".." {
                throw fail("\(key).data", "'\(data)' must be a shared-memory name like sfb_data_ch1, not a path")
            }
            let channelNumber = try integer(table, "\(key).channel", range: 0...999_999_999) ?? data.flatMap(SFB1Layout.channel(inDataName:))
            guard let channelNumber else {
                throw fail("\(key).channel", "cannot tell the channel number: set channel = N, or data = \"sfb_data_chN\"")
            }
            guard !configuration.ts.channels.contains(where: { $0.channel == channelNumber }) else {
                throw fail("\(key).channel", "channel \(channelNumber) is listed twice")
            }
            let event = try nonEmptyString(table, "\(key).event")
            let relay = try number(table, "\(key).relay_fps", range: 0.01...10000)
            configuration.ts.channels.append(AgentConfiguration.Channel(channel: channelNumber, data: data, event: event, relayFPS: relay))
        }
    }

    func relay(_ section: TOMLTable, into configuration: inout AgentConfiguration) throws(AgentConfigurationError) {
        try keys(section, in: "relay", known: ["max_bytes_in_flight", "default_fps", "monitors"])
        configuration.relay.maxBytesInFlight =
            try integer(section, "relay.max_bytes_in_flight", range: 1 << 20...4 << 30) ?? configuration.relay.maxBytesInFlight
        configuration.relay.defaultFPS = try number(section, "relay.default_fps", range: 0.01...120) ?? configuration.relay.defaultFPS
        for id in try monitorIDs(section, "relay.monitors") { configuration.relay.monitors[id] = configuration.relay.defaultFPS }
    }
}

/// `--relay N[@FPS]`: a channel number and an optional rate.
public struct RelayRequest: Sendable, Equatable {
    public var channel: Int
    public var fps: Double?

    public init?(_ text: String) {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count <= 2, let channel = Int(parts[0]), channel >= 0 else { return nil }
        self.channel = channel
        if parts.count == 2 {
            guard let fps = Double(parts[1]), fps >= 0.01, fps <= 10000 else { return nil }
            self.fps = fps
        }
    }
}
