import LookoutJSON
import ArgumentParser
import FoundationEssentials
import Glibc
import ZMShm
import ZMSite

struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decode one monitor's segment completely.")

    @Argument(help: "Monitor id.") var monitor: MonitorID
    @OptionGroup var segments: SegmentOptions
    @Flag(help: "JSON output (the only format for now).") var json = false

    func run() throws {
        let context = ZoneMinderContext.resolve(segments.contextOptions())
        do {
            let snapshot = try context.openSegment(monitor.value).snapshot(frameSize: context.frameSize(monitor.value))
            let value = SnapshotJSON.render(monitorID: monitor.value, snapshot: snapshot, context: context, now: Date().timeIntervalSince1970)
            print(value.rendered(pretty: true))
        } catch {
            throw CLIError("monitor \(monitor.value): \(error.message)")
        }
    }
}
