import LookoutJSON
import ArgumentParser
import FoundationEssentials
import Glibc
import ZMShm
import ZMSite

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show every monitor found: state, event, fps, heartbeat, signal.",
        discussion: """
            Exit status 0 when at least one monitor's segment was read; 1, with the reason on stderr, when no monitor \
            was found (empty map directory, none running in the database) or none could be read (e.g. every segment \
            permission denied). For verdicts and thresholds use `lookout check`.
            """)

    @OptionGroup var segments: SegmentOptions
    @Flag(help: "One JSON object instead of a table.") var json = false
    @Option(name: .customLong("sfb-dir"), help: "Directory of TS channels' sfb_data_ch<N> files (shown beside the monitors).")
    var sfbDir = "/dev/shm"

    func run() throws {
        let context = ZoneMinderContext.resolve(segments.contextOptions())
        let ids = try context.discoverMonitorIDs()
        let now = Date().timeIntervalSince1970
        let rows = ids.map { StatusRow.read(monitorID: $0, context: context, now: now) }
        let channels = ChannelStatusRow.all(in: sfbDir)
        if json {
            let members = (StatusRow.json(rows, context: context).objectMembers ?? []) + [("channels", ChannelStatusRow.json(channels, now: now))]
            print(JSONValue.object(members).rendered(pretty: true))
        } else {
            print(StatusRow.table(rows, context: context))
            if !channels.isEmpty { print(ChannelStatusRow.table(channels, now: now)) }
        }
        // TS channels alone are something to show: only a listing with neither is a failure.
        if !(rows.isEmpty && channels.contains { $0.header != nil }), let problem = Self.problem(rows, context: context) {
            throw CLIError(problem)
        }
    }

    /// Why the listing shows nothing usable, or nil when some monitor was read.
    static func problem(_ rows: [StatusRow], context: ZoneMinderContext) -> String? {
        if rows.isEmpty {
            return "no monitor found: no zm.mmap.<id> in \(context.mapDirectory) (\(context.mapDirectorySource)) and none running in ZoneMinder's database"
        }
        guard rows.allSatisfy({ $0.status == nil }) else { return nil }
        let errors = rows.compactMap(\.error)
        if !errors.isEmpty, errors.allSatisfy({ $0.code == .permissionDenied }) {
            return "every monitor's segment is unreadable: permission denied (\(errors[0].message))"
        }
        let first = errors.first.map { ": \($0.message)" } ?? ""
        return "no monitor's segment could be read (\(rows.count) found)\(first)"
    }
}
