import ArgumentParser
import FoundationEssentials
import Glibc
import PosixThread
import MonitorState
import ZMConfig
import ZMShm
import ZMSite

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print each change as it happens: state, event, trigger, liveness, segment re-creation.")

    @Argument(help: "Monitor ids (default: every monitor found, including ones that appear later).")
    var monitors: [MonitorID] = []
    @OptionGroup var segments: SegmentOptions
    @Option(help: "Seconds between polls.") var interval: Double = 0.1
    @Option(name: .customLong("for"), help: "Stop after this many seconds (default: run until interrupted).")
    var duration: Double?
    @Flag(help: "One JSON object per line.") var json = false

    func validate() throws {
        guard interval >= 0.001, interval <= 60 else { throw ValidationError("--interval must be between 0.001 and 60 seconds") }
    }

    func run() throws {
        let context = ZoneMinderContext.resolve(segments.contextOptions())
        let fixed = monitors.map(\.value)
        var watched: [Int: (follower: SegmentFollower, tracker: MonitorTracker)] = [:]
        let start = Date().timeIntervalSince1970
        var lastDiscovery = -Double.infinity
        let output = ChangeWriter(json: json, context: context)
        output.banner(fixed.isEmpty ? "all monitors in \(context.mapDirectory)" : fixed.map(String.init).joined(separator: ", "))

        while true {
            let now = Date().timeIntervalSince1970
            if let duration, now - start >= duration { return }
            if fixed.isEmpty, now - lastDiscovery >= 1 {
                lastDiscovery = now
                for id in (try? context.discoverMonitorIDs()) ?? [] where watched[id] == nil {
                    watched[id] = (context.follower(id), MonitorTracker(monitorID: id))
                }
            }
            for id in fixed where watched[id] == nil {
                watched[id] = (context.follower(id), MonitorTracker(monitorID: id))
            }
            for id in watched.keys.sorted() {
                guard var entry = watched[id] else { continue }
                let reading = entry.follower.poll()
                let layout = reading.status?.layout ?? entry.follower.segment?.layout ?? .zm136
                let numbering = context.numbering(for: layout).numbering
                let observation = MonitorObservation(monitorID: id, reading: reading, numbering: numbering, maxDelay: context.maxDelay, now: now)
                let changes = entry.tracker.observe(observation, at: now, reopened: reading.reopened)
                for change in changes {
                    output.write(change, monitorID: id, observation: observation, segment: entry.follower.segment, time: now)
                }
                watched[id] = entry
            }
            PosixThread.sleep(interval)
        }
    }
}
