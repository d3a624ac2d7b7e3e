import ArgumentParser
import FoundationEssentials
import Glibc
import PosixThread
import ZMShm
import ZMSite

struct Action: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask zmc to suspend or resume motion detection, or reload the monitor's settings.")

    enum Request: String, ExpressibleByArgument, CaseIterable {
        case suspend, resume, reload
        var bit: ZMAction {
            switch self {
            case .suspend: .suspend
            case .resume: .resume
            case .reload: .reload
            }
        }
    }

    @Argument(help: "Monitor id.") var monitor: MonitorID
    @Argument(help: "suspend, resume or reload.") var request: Request
    @Option(help: "Seconds to wait for zmc to acknowledge (clear the bit); 0 to not wait.") var timeout: Double = 5
    @OptionGroup var segments: SegmentOptions

    func run() throws {
        let context = ZoneMinderContext.resolve(segments.contextOptions(database: false))
        let acknowledged: Bool
        do {
            acknowledged = try perform(context)
        } catch {
            throw CLIError("monitor \(monitor.value): \(error.message)")
        }
        if !acknowledged {
            throw CLIError("monitor \(monitor.value): zmc did not acknowledge \(request.rawValue) within \(format(timeout)) s; is zmc running for it?")
        }
    }

    private func perform(_ context: ZoneMinderContext) throws(SegmentError) -> Bool {
        let segment = try context.openSegment(monitor.value, writable: true, extent: .header)
        let pending = try segment.requestAction(request.bit)
        if pending.contains(request.bit) { print("monitor \(monitor.value): \(request.rawValue) was already pending") }
        guard timeout > 0 else {
            print("monitor \(monitor.value): \(request.rawValue) requested")
            return true
        }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try segment.status().action & request.bit.rawValue == 0 {
                print("monitor \(monitor.value): \(request.rawValue) acknowledged by zmc")
                return true
            }
            PosixThread.sleep(0.02)
        }
        return false
    }
}
