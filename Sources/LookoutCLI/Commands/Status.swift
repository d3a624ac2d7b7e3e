import LookoutJSON
import ArgumentParser
import FoundationEssentials
import Glibc
import ZMShm
import ZMSite

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show every monitor found: state, event, fps, heartbeat, signal.")

    @OptionGroup var segments: SegmentOptions
    @Flag(help: "One JSON object instead of a table.") var json = false

    func run() throws {
        let context = ZoneMinderContext.resolve(segments.contextOptions())
        let ids = try context.discoverMonitorIDs()
        let now = Date().timeIntervalSince1970
        let rows = ids.map { StatusRow.read(monitorID: $0, context: context, now: now) }
        if json {
            print(StatusRow.json(rows, context: context).rendered(pretty: true))
        } else {
            print(StatusRow.table(rows, context: context))
        }
    }
}
