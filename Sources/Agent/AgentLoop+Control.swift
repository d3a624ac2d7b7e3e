import PosixThread
import ZMConfig
import MonitorState
import Logging
import ZMSite
import Glibc
import LookoutBus
import LookoutJSON
import ZMShm

extension AgentLoop {
    /// Answers one control request. Runs on the loop thread between polls, so a snapshot and the live stream
    /// agree exactly on the global sequence.
    func handle(_ request: ControlRequest) -> Result<ControlReply, ControlError> {
        switch request {
        case .ping:
            return .success(.body(.object([
                ("pong", .bool(true)), ("epoch", .string(publisher.epoch)), ("gseq", .uint(publisher.globalSequence)),
                ("protocol", .string(ControlRequest.protocolRevision)),
            ])))
        case .health:
            // Rendered at most once per poll, on the render thread: the poll thread only gathers the facts, and a
            // flood of HEALTH waits for the one rendering under way (docs/architecture.md, "HEALTH off the poll thread").
            if let cached = control.cachedReply("HEALTH", key: polls) { return .success(cached) }
            healthRenderThread.render(key: polls) { healthReport(now: WallClock.seconds()) }
            return .success(.pending("HEALTH"))
        case let .monitorHealth(id):
            guard let monitor = monitors[id] else { return .failure(unknownMonitor(id)) }
            return .success(.body(monitorHealth(monitor, now: WallClock.seconds())))
        case let .snapshot(prefix, cursor):
            return control.snapshot(prefix: prefix, cursor: cursor, of: publisher)
        case let .trigger(id, command, options):
            return withWritableSegment(id) { segment throws(SegmentError) in
                let request: TriggerRequest
                switch command {
                case .show:
                    try segment.writeShowtext(options.showtext ?? "")
                    return .object([("monitor_id", .from(id)), ("trigger", .string(command.rawValue))])
                case .on: request = .on(score: options.score ?? TriggerDefaults.score, cause: options.cause ?? TriggerDefaults.cause, text: options.text ?? "")
                case .off: request = .off
                case .cancel: request = .cancel
                }
                try segment.writeTrigger(request, showtext: options.showtext)
                logger.notice("trigger written", metadata: ["monitor": "\(id)", "command": "\(command.rawValue)"])
                return .object([("monitor_id", .from(id)), ("trigger", .string(command.rawValue))])
            }
        case let .action(id, action):
            let bit: ZMAction = action == "suspend" ? .suspend : action == "resume" ? .resume : .reload
            return withWritableSegment(id) { segment throws(SegmentError) in
                _ = try segment.requestAction(bit)
                logger.notice("action requested", metadata: ["monitor": "\(id)", "action": "\(action)"])
                return .object([("monitor_id", .from(id)), ("action", .string(action)), ("requested", .bool(true))])
            }
        }
    }

    private func withWritableSegment(
        _ id: Int, _ body: (ZMSegment) throws(SegmentError) -> JSONValue
    ) -> Result<ControlReply, ControlError> {
        guard configuration.control.allowCommands else {
            return .failure(ControlError(.disabled, "commands are disabled: set allow_commands = true under [control] in the agent's configuration"))
        }
        guard let monitor = monitors[id] else { return .failure(unknownMonitor(id)) }
        do {
            let segment = try ZMSegment(path: monitor.follower.path, writable: true, extent: .header, owners: context.segmentOwners)
            return .success(.body(try body(segment)))
        } catch {
            return .failure(ControlError(.failed, "monitor \(id): \(error.message)"))
        }
    }
}

extension AgentLoop {
    /// Sends a HEALTH the render thread finished to every request waiting for it.
    func collectRenderedHealth() {
        guard let rendered = healthRenderThread.takeRendered() else { return }
        control.finishPending(name: "HEALTH", key: rendered.key, text: rendered.text)
    }
}

extension AgentLoop {
    /// Names at most 20 of the ids followed: at 4 096 monitors the whole list would be a 20 KB error.
    fileprivate func unknownMonitor(_ id: Int) -> ControlError {
        let ids = pollOrder.map(\.id)
        var known = ids.prefix(20).map(String.init).joined(separator: ", ")
        if ids.count > 20 { known += ", … (\(ids.count) in all)" }
        return ControlError(.unknownMonitor, "monitor \(id) is not followed (known: \(known.isEmpty ? "none" : known))")
    }
}

/// glibc's `malloc_trim(3)` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim")
func glibcMallocTrim(_ pad: Int) -> Int32
