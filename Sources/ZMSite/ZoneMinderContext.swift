import Glibc
import MariaDB
import ZMConfig
import ZMShm

/// Everything Lookout learns about the local ZoneMinder before touching a segment:
/// where the segments are, which version wrote them, the watch delay, and the Monitors rows.
/// Each piece says where it came from; none is required (the database in particular may be down).
public struct ZoneMinderContext: Sendable {
    /// What the caller fixes by hand; everything else is found.
    public struct Options: Sendable {
        public var mapDirectory: String?
        public var zmVersion: String?
        public var configDirectory: String
        public var useDatabase: Bool
        /// Look for the ZoneMinder version when `zmVersion` is not given (reading the package database costs tens of
        /// milliseconds); callers that never decode states (pictures) turn it off.
        public var detectVersion: Bool

        public init(mapDirectory: String? = nil, zmVersion: String? = nil, configDirectory: String = "/etc/zm", useDatabase: Bool = true,
                    detectVersion: Bool = true) {
            self.mapDirectory = mapDirectory
            self.zmVersion = zmVersion
            self.configDirectory = configDirectory
            self.useDatabase = useDatabase
            self.detectVersion = detectVersion
        }
    }

    public var mapDirectory: String
    public var mapDirectorySource: String
    public var version: ZMVersion?
    public var versionSource: String?
    public var maxDelay: Double
    public var maxDelaySource: String
    public var monitorRows: [Int: ZMMonitorRow]
    /// Who a segment file may belong to: root, this process's user and ZoneMinder's (`ZM_WEB_USER`, else www-data).
    public var segmentOwners: SegmentOwners
    /// zm.conf as read, kept so a long-running caller can reconnect to the database later.
    public var conf: ZMConfFile?
    /// Why a source was not used (zm.conf missing, database down): for people, not for logic.
    public var notes: [String]

    public static let defaultMaxDelay = 45.0

    /// - Parameter mapDirectorySource: how to name the map directory's origin when it was given explicitly.
    public static func resolve(_ options: Options, mapDirectorySource: String = "--map-dir") -> ZoneMinderContext {
        var notes: [String] = []
        var conf: ZMConfFile?
        do {
            conf = try ZMConfFile.load(directory: options.configDirectory)
        } catch {
            notes.append("zm.conf not used: \(error)")
        }
        var database: ZMDatabase?
        if options.useDatabase, let conf {
            do {
                database = try ZMDatabase.connect(conf)
            } catch {
                notes.append("ZoneMinder database not used: \(error)")
            }
        }
        let mapDirectory = options.mapDirectory ?? conf?.pathMap ?? "/dev/shm"
        let mapSource = options.mapDirectory != nil
            ? mapDirectorySource : (conf != nil ? "ZM_PATH_MAP in \(options.configDirectory)" : "default")

        var version: ZMVersion?
        var versionSource: String?
        if let flag = options.zmVersion {
            version = ZMVersion(parsing: flag)
            versionSource = "--zm-version"
        } else if options.detectVersion, let detected = ZMVersionDetector.detect(conf: conf, database: database) {
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
            maxDelay: maxDelay, maxDelaySource: maxDelaySource, monitorRows: rows,
            segmentOwners: segmentOwners(conf: conf), conf: conf, notes: notes)
    }

    public func segmentPath(_ monitorID: Int) -> String { "\(mapDirectory)/zm.mmap.\(monitorID)" }

    /// Opens a monitor's segment, refusing files that are not regular or not owned by `segmentOwners`.
    public func openSegment(_ monitorID: Int, writable: Bool = false, extent: ZMSegment.Extent = .whole) throws(SegmentError) -> ZMSegment {
        try ZMSegment(path: segmentPath(monitorID), writable: writable, extent: extent, owners: segmentOwners)
    }

    /// A follower for a monitor's segment with this site's owner rule.
    public func follower(_ monitorID: Int) -> SegmentFollower {
        SegmentFollower(path: segmentPath(monitorID), owners: segmentOwners)
    }

    static func segmentOwners(conf: ZMConfFile?) -> SegmentOwners {
        let user = conf?["ZM_WEB_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? SegmentOwners.defaultZoneMinderUser
        return user == SegmentOwners.defaultZoneMinderUser ? .standard : SegmentOwners(zoneMinderUser: user)
    }

    public func numbering(for layout: SharedDataLayout) -> StateNumberingChoice {
        StateNumberingChoice.resolve(layout: layout, version: version, versionSource: versionSource)
    }

    public func frameSize(_ monitorID: Int) -> (width: Int, height: Int)? {
        monitorRows[monitorID].map { ($0.width, $0.height) }
    }

    /// Monitor ids with a segment in the map directory, plus enabled monitors the database expects to run.
    public func discoverMonitorIDs() throws(ZMSiteError) -> [Int] {
        var ids = Set(try Self.segmentIDs(in: mapDirectory, source: mapDirectorySource))
        for row in monitorRows.values where row.enabled && row.function != "None" { ids.insert(row.id) }
        return ids.sorted()
    }

    /// The ids of the `zm.mmap.<id>` files in `directory`, in directory order.
    public static func segmentIDs(in directory: String, source: String) throws(ZMSiteError) -> [Int] {
        guard let stream = opendir(directory) else {
            throw ZMSiteError("cannot list \(directory) (\(source)): \(String(cString: strerror(errno)))")
        }
        defer { closedir(stream) }
        // Read from the entry's bytes, without a String per name: the agent lists the directory every discovery
        // (2 s), and at 4 096 monitors the Strings were most of that.
        var ids: [Int] = []
        while let entry = readdir(stream) {
            if let id = withUnsafeBytes(of: entry.pointee.d_name, { segmentID(fileName: $0) }) { ids.append(id) }
        }
        return ids
    }

    /// `monitorID` of a `zm.mmap.<id>` file name given as NUL-terminated bytes; nil for any other name.
    static func segmentID(fileName bytes: UnsafeRawBufferPointer) -> Int? {
        let prefix: StaticString = "zm.mmap."
        let prefixLength = prefix.utf8CodeUnitCount
        guard bytes.count > prefixLength else { return nil }
        for index in 0..<prefixLength where bytes[index] != prefix.utf8Start[index] { return nil }
        var id = 0
        var digits = 0
        for byte in bytes[prefixLength...] {
            if byte == 0 { break }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 9, digits > 0 || byte != UInt8(ascii: "0") else { return nil }
            id = id * 10 + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return digits > 0 ? id : nil
    }

    /// A monitor id written as zmc writes it: decimal digits, no sign, no leading zero, above 0. `zm.mmap.011` and
    /// `zm.mmap.+11` are not monitor 11's segment (its path is `zm.mmap.11`).
    public static func monitorID(_ text: Substring) -> Int? {
        guard let first = text.utf8.first, first != UInt8(ascii: "0"), text.utf8.count <= 9,
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(text)
    }
}

public struct ZMSiteError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
