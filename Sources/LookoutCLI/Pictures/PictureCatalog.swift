import Agent
import Pictures
import Synchronization
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
    /// Sizes given by hand (`lookout serve --size`), before the Monitors rows.
    let frameSizes: [Int: (width: Int, height: Int)]
    static let refreshSeconds = 60.0
    private let entries = Mutex<[String: Entry]>([:])
    private let problems = Mutex<[String]>([])

    init(options: ZoneMinderContext.Options, onlyMonitors: [Int], frameSizes: [Int: (width: Int, height: Int)] = [:]) {
        self.options = options
        self.onlyMonitors = onlyMonitors
        self.frameSizes = frameSizes
    }

    /// Finds the monitors again (blocking: the database is asked). Call from a worker, or once at start.
    func refresh() {
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
            for (key, entry) in entries where entry.kind != "monitor" { fresh[key] = entry }
            entries = fresh
        }
        problems.withLock { $0 = context.notes }
    }

    /// Adds a source that is not a ZoneMinder monitor (a TS frame-buffer channel).
    func add(_ source: any PictureSource, kind: String, id: Int) {
        entries.withLock { $0[source.key] = Entry(encoder: SharedEncoder(source: source), kind: kind, id: id, signature: source.key) }
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
    static func from(_ zoneMinder: AgentConfiguration.ZoneMinder, frameSizes: [Int: (width: Int, height: Int)] = [:]) -> PictureCatalog {
        PictureCatalog(
            options: ZoneMinderContext.Options(mapDirectory: zoneMinder.mapDirectory, zmVersion: zoneMinder.version,
                                               configDirectory: zoneMinder.configDirectory, useDatabase: zoneMinder.useDatabase),
            onlyMonitors: zoneMinder.monitors, frameSizes: frameSizes)
    }
}
