import Agent
import Glibc
import Pictures
import Synchronization
import TSFrameBuffer
import ZMConfig
import ZMSite

/// Every source `lookout serve` can picture, each with its one `SharedEncoder`. ZoneMinder monitors come from the
/// map directory and the Monitors rows (names, sizes), found again every `refreshSeconds` on a worker, so a monitor
/// added or resized in ZoneMinder appears without a restart; an unchanged monitor keeps its encoder and cache.
final class PictureCatalog: Sendable {
    struct Entry: Sendable {
        let encoder: SharedEncoder
        let kind: String
        let id: Int
        /// What the encoder's source was made from; a change makes a new source.
        let signature: String
    }

    let options: ZoneMinderContext.Options
    let onlyMonitors: [Int]
    /// TS frame-buffer channels: `[[ts.channel]]` and, with `ts.discover`, every `sfb_data_ch<N>` in `ts.dir`.
    let ts: AgentConfiguration.TS
    /// Sizes given by hand (`lookout serve --size`), before the Monitors rows.
    let frameSizes: [Int: (width: Int, height: Int)]
    static let refreshSeconds = 60.0
    private let entries = Mutex<[String: Entry]>([:])
    private let problems = Mutex<[String]>([])
    private let refreshedAt = Mutex(-Double.infinity)

    /// Refreshes unless that was done less than `seconds` ago: a request for an unknown source looks again, but a
    /// client asking for a source that does not exist cannot make it list the directory or ask the database more than
    /// once every `seconds`.
    func refresh(ifOlderThan seconds: Double) {
        let now = MonotonicSeconds.now
        let due = refreshedAt.withLock { last in
            guard now - last >= seconds else { return false }
            last = now
            return true
        }
        if due { refresh() }
    }

    init(options: ZoneMinderContext.Options, onlyMonitors: [Int], frameSizes: [Int: (width: Int, height: Int)] = [:],
         ts: AgentConfiguration.TS = AgentConfiguration().ts) {
        self.options = options
        self.ts = ts
        self.onlyMonitors = onlyMonitors
        self.frameSizes = frameSizes
    }

    /// Finds the monitors again (blocking: the database is asked). Call from a worker, or once at start.
    func refresh() {
        refreshedAt.withLock { $0 = MonotonicSeconds.now }
        let context = ZoneMinderContext.resolve(options)
        var ids = (try? context.discoverMonitorIDs()) ?? []
        if !onlyMonitors.isEmpty { ids = onlyMonitors }
        entries.withLock { entries in
            var fresh: [String: Entry] = [:]
            for id in ids {
                let key = "monitors/\(id)"
                let row = context.monitorRows[id]
                let size = frameSizes[id] ?? context.frameSize(id)
                let signature = "\(row?.name ?? "")|\(size.map { "\($0.width)x\($0.height)" } ?? "?")|\(context.segmentPath(id))"
                if let existing = entries[key], existing.signature == signature {
                    fresh[key] = existing
                    continue
                }
                let source = ZoneMinderSource(monitorID: id, name: row?.name ?? "Monitor \(id)", path: context.segmentPath(id),
                                              frameSize: size, owners: context.segmentOwners)
                fresh[key] = Entry(encoder: SharedEncoder(source: source), kind: "monitor", id: id, signature: signature)
            }
            for (channel, path) in channelPaths() {
                let key = "channels/\(channel)"
                if let existing = entries[key], existing.signature == path {
                    fresh[key] = existing
                } else {
                    fresh[key] = Entry(encoder: SharedEncoder(source: ChannelSource(channel: channel, path: path)), kind: "channel", id: channel, signature: path)
                }
            }
            entries = fresh
        }
        problems.withLock { $0 = context.notes }
    }

    /// Configured channels, and with `ts.discover` every `sfb_data_ch<N>` file in `ts.dir`.
    func channelPaths() -> [Int: String] {
        var paths: [Int: String] = [:]
        for channel in ts.channels { paths[channel.channel] = "\(ts.directory)/\(channel.data)" }
        guard ts.discover, let stream = opendir(ts.directory) else { return paths }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let channel = SFB1Layout.channel(inDataName: name), paths[channel] == nil { paths[channel] = "\(ts.directory)/\(name)" }
        }
        return paths
    }

    func encoder(_ key: String) -> SharedEncoder? { entries.withLock { $0[key]?.encoder } }

    /// Monitors by id, then channels by number.
    var all: [Entry] {
        entries.withLock { Array($0.values) }.sorted { ($0.kind, $0.id) < ($1.kind, $1.id) }
    }

    var notes: [String] { problems.withLock { $0 } }
}

extension PictureCatalog {
    /// The catalog for the configuration's `[zoneminder]` section (the same map directory and database as the agent).
    static func from(_ zoneMinder: AgentConfiguration.ZoneMinder, ts: AgentConfiguration.TS,
                     frameSizes: [Int: (width: Int, height: Int)] = [:]) -> PictureCatalog {
        PictureCatalog(
            options: ZoneMinderContext.Options(mapDirectory: zoneMinder.mapDirectory, zmVersion: zoneMinder.version,
                                               configDirectory: zoneMinder.configDirectory, useDatabase: zoneMinder.useDatabase,
                                               detectVersion: false),
            onlyMonitors: zoneMinder.monitors, frameSizes: frameSizes, ts: ts)
    }
}
