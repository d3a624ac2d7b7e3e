import Foundation
import MariaDB
import ZMConfig
import ZMShm

/// Everything a command learns about the local ZoneMinder before touching a segment:
/// where the segments are, which version wrote them, the watch delay, and the Monitors rows.
/// Each piece says where it came from; none is required (the database in particular may be down).
struct ZoneMinderContext {
    var mapDirectory: String
    var mapDirectorySource: String
    var version: ZMVersion?
    var versionSource: String?
    var maxDelay: Double
    var maxDelaySource: String
    var monitorRows: [Int: ZMMonitorRow]
    var notes: [String]

    static let defaultMaxDelay = 45.0

    static func resolve(_ options: SegmentOptions, needDatabase: Bool = true) -> ZoneMinderContext {
        var notes: [String] = []
        var conf: ZMConfFile?
        do {
            conf = try ZMConfFile.load(directory: options.zmConfigDir)
        } catch {
            notes.append("zm.conf not used: \(error)")
        }
        var database: ZMDatabase?
        if needDatabase && !options.noDatabase, let conf {
            do {
                database = try ZMDatabase.connect(conf)
            } catch {
                notes.append("ZoneMinder database not used: \(error)")
            }
        }
        let mapDirectory = options.mapDir ?? conf?.pathMap ?? "/dev/shm"
        let mapSource = options.mapDir != nil ? "--map-dir" : (conf != nil ? "ZM_PATH_MAP in \(options.zmConfigDir)" : "default")

        var version: ZMVersion?
        var versionSource: String?
        if let flag = options.zmVersion {
            version = ZMVersion(parsing: flag)
            versionSource = "--zm-version"
        } else if let detected = ZMVersionDetector.detect(conf: conf, database: database) {
            version = ZMVersion(parsing: detected.version)
            versionSource = detected.source
        }

        var maxDelay = defaultMaxDelay
        var maxDelaySource = "ZoneMinder's default"
        if let database, let value = try? database.configValue("ZM_WATCH_MAX_DELAY"), let seconds = Double(value), seconds > 0 {
            maxDelay = seconds
            maxDelaySource = "Config table"
        }
        var rows: [Int: ZMMonitorRow] = [:]
        if let database, let monitors = try? database.monitors() {
            for row in monitors { rows[row.id] = row }
        }
        return ZoneMinderContext(
            mapDirectory: mapDirectory, mapDirectorySource: mapSource, version: version, versionSource: versionSource,
            maxDelay: maxDelay, maxDelaySource: maxDelaySource, monitorRows: rows, notes: notes)
    }

    func segmentPath(_ monitorID: Int) -> String { "\(mapDirectory)/zm.mmap.\(monitorID)" }

    func numbering(for layout: SharedDataLayout) -> StateNumberingChoice {
        StateNumberingChoice.resolve(layout: layout, version: version, versionSource: versionSource)
    }

    func frameSize(_ monitorID: Int) -> (width: Int, height: Int)? {
        monitorRows[monitorID].map { ($0.width, $0.height) }
    }

    /// Monitor ids with a segment in the map directory, plus enabled monitors the database expects to run.
    func discoverMonitorIDs() throws -> [Int] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: mapDirectory)
        } catch {
            throw CLIError("cannot list \(mapDirectory) (\(mapDirectorySource)): \(error.localizedDescription)")
        }
        var ids = Set(names.compactMap { name -> Int? in
            guard name.hasPrefix("zm.mmap.") else { return nil }
            return Int(name.dropFirst("zm.mmap.".count))
        })
        for row in monitorRows.values where row.enabled && row.function != "None" { ids.insert(row.id) }
        return ids.sorted()
    }
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
