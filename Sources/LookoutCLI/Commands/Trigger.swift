import ArgumentParser
import FoundationEssentials
import Glibc
import LookoutBus
import PosixThread
import ZMShm
import ZMSite

struct Trigger: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Force an alarm on or off, or cancel the override (like zmu -a/-n/-c and zmtrigger).",
        discussion: """
            on      force an alarm: zmc opens an event with --cause as its cause and --text as its notes
            off     force no alarm: detection is skipped and any event is closed
            cancel  return to normal detection
            With --for N, 'on' or 'off' is cancelled after N seconds (zmtrigger's on+N); Ctrl-C cancels early.
            """)

    enum Request: String, ExpressibleByArgument, CaseIterable { case on, off, cancel }

    @Argument(help: "Monitor id.") var monitor: MonitorID
    @Argument(help: "on, off or cancel.") var request: Request
    @Option(help: "Score added to every analysed frame while on (1-4294967295).") var score: UInt32 = TriggerDefaults.score
    @Option(help: "Event cause, at most 31 bytes.") var cause: String = TriggerDefaults.cause
    @Option(help: "Event notes, at most 255 bytes.") var text: String = ""
    @Option(help: "Text for %Q in the monitor's timestamp label, at most 255 bytes.") var showtext: String?
    @Option(name: .customLong("for"), help: "Cancel after this many seconds.") var seconds: Double?
    @Flag(help: "Do not wait for zmc to open the event after 'on'.") var noWait = false
    @OptionGroup var segments: SegmentOptions

    func validate() throws {
        if cause.utf8.count > 31 { throw ValidationError("--cause is \(cause.utf8.count) bytes; ZoneMinder keeps at most 31") }
        if text.utf8.count > 255 { throw ValidationError("--text is \(text.utf8.count) bytes; ZoneMinder keeps at most 255") }
        if let showtext, showtext.utf8.count > 255 { throw ValidationError("--showtext is longer than 255 bytes") }
        if score == 0 && request == .on { throw ValidationError("--score must be above 0 for 'on'") }
        if seconds != nil && request == .cancel { throw ValidationError("--for goes with 'on' or 'off'") }
    }

    func run() throws {
        let context = ZoneMinderContext.resolve(segments.contextOptions(database: segments.zmVersion == nil))
        do {
            try perform(context)
        } catch {
            throw CLIError("monitor \(monitor.value): \(error.message)")
        }
    }

    private func perform(_ context: ZoneMinderContext) throws(SegmentError) {
        let segment = try context.openSegment(monitor.value, writable: true, extent: .header)
        let before = try segment.status()
        switch request {
        case .on: try segment.writeTrigger(.on(score: score, cause: cause, text: text), showtext: showtext)
        case .off: try segment.writeTrigger(.off, showtext: showtext)
        case .cancel: try segment.writeTrigger(.cancel, showtext: showtext)
        }
        print("monitor \(monitor.value): trigger \(request.rawValue.uppercased())" + (request == .on ? " (score \(score), cause \"\(cause)\")" : ""))
        if request == .on && !noWait { reportEvent(segment, previousEvent: before.lastEventID, context: context) }
        if let seconds {
            if SignalWait.sleepUnlessInterrupted(seconds) { print("interrupted: cancelling") }
            try segment.writeTrigger(.cancel)
            print("monitor \(monitor.value): trigger CANCEL")
        }
    }

    /// Like zmu -a: wait up to 10 s for the alarm and say which event it opened.
    private func reportEvent(_ segment: ZMSegment, previousEvent: UInt64, context: ZoneMinderContext) {
        let numbering = context.numbering(for: segment.layout).numbering
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let status = try? segment.status(), status.state(numbering)?.isAlarmed == true, status.lastEventID != previousEvent {
                print("monitor \(monitor.value): alarm, event \(status.lastEventID)")
                return
            }
            PosixThread.sleep(0.05)
        }
        print("monitor \(monitor.value): no alarm within 10 s (is analysis running? Function must be Modect, Mocord or Nodect)")
    }
}
