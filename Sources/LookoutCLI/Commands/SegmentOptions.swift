import ZMSite
import ArgumentParser

/// Where the segments are and how to read them; shared by every segment command.
struct SegmentOptions: ParsableArguments {
    @Option(help: "Directory holding zm.mmap.<id> (default: ZM_PATH_MAP from zm.conf, else /dev/shm).")
    var mapDir: String?

    @Option(help: ArgumentHelp(
        "ZoneMinder version that wrote the segments, e.g. 1.36.33.",
        discussion: "Decides the state numbering of 760-byte segments (IDLE=0 before 1.36.16, IDLE=1 after). Found automatically from the zoneminder package, ZoneMinder's Perl modules or its database when not given."))
    var zmVersion: String?

    @Option(help: "ZoneMinder's configuration directory (zm.conf and conf.d/).")
    var zmConfigDir: String = "/etc/zm"

    @Flag(help: "Do not connect to ZoneMinder's database (names, ZM_WATCH_MAX_DELAY, version).")
    var noDatabase = false

    func validate() throws {
        if let zmVersion, ZMVersionParsing.parse(zmVersion) == nil {
            throw ValidationError("--zm-version '\(zmVersion)' is not a version like 1.36.33")
        }
    }
}

struct MonitorID: ExpressibleByArgument {
    let value: Int
    init?(argument: String) {
        guard let value = ZoneMinderContext.monitorID(Substring(argument)) else { return nil }
        self.value = value
    }
}

extension SegmentOptions {
    func contextOptions(database: Bool = true) -> ZoneMinderContext.Options {
        ZoneMinderContext.Options(mapDirectory: mapDir, zmVersion: zmVersion, configDirectory: zmConfigDir, useDatabase: database && !noDatabase)
    }
}
