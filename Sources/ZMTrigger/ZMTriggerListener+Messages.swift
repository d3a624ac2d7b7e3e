import Logging
import LookoutJSON
import ZeroMQ

/// What to log (and do next) when the agent answers a request; zmtrigger.pl logs after its write, so do we.
struct PendingRequest {
    enum Kind {
        case on(cause: String), off, cancel, show(String), cancelAfterOff, monitorState(String)
        /// A page of `SNAPSHOT zm.monitor.`: every monitor's state as it stands, as zmtrigger.pl loads it at start.
        case snapshot
        /// A line refused here while earlier ones still wait for the agent: logged in turn, so the log keeps the order
        /// of the lines, as zmtrigger.pl's does.
        case warning(String), error(String)
    }
    let kind: Kind
    let monitor: Int
    let message: TriggerMessage
}

extension ZMTriggerListener {
    /// zmtrigger.pl's `handleMessage`, its log lines included.
    func handleMessage(_ message: TriggerMessage, connection: Int) {
        guard let id = Self.monitorID(message.id), notices.function(id).map(StateNotices.triggerableFunctions.contains) ?? true else {
            warning("Can't find monitor '\(message.id)' for message '\(message.line)'", message)
            return
        }
        var options: [(String, JSONValue)] = []
        if let showtext = message.showtext { options.append(("showtext", .string(Self.fit(showtext, bytes: 255)))) }
        switch message.action {
        case let .enable(delay), let .disable(delay):
            let enable = if case .enable = message.action { true } else { false }
            send(["ACTION", "\(id)", enable ? "resume" : "suspend"], .monitorState(enable ? "enable" : "disable"), id, message)
            if let delay { schedule("\(id)|\(enable ? "disable" : "enable")", after: delay, connection: connection) }
        case let .on(delay):
            guard message.score > 0 else {
                warning("Triggering on with invalid score will have no result.", message)
                return
            }
            let cause = Self.fit(message.cause, bytes: 31)
            options = [("score", .uint(UInt64(min(message.score, Double(UInt32.max))))), ("cause", .string(cause)),
                       ("text", .string(Self.fit(message.text, bytes: 255)))] + options
            send(["TRIGGER", "\(id)", "on", JSONValue.object(options).rendered()], .on(cause: cause), id, message)
            if let delay { schedule("\(id)|cancel", after: delay, connection: connection) }
        case let .off(delay):
            if let delay {
                schedule("\(id)|off|0|\(message.cause)|\(message.text)", after: delay, connection: connection)
            } else {
                send(["TRIGGER", "\(id)", "off"] + (options.isEmpty ? [] : [JSONValue.object(options).rendered()]), .off, id, message)
            }
        case .cancel:
            send(["TRIGGER", "\(id)", "cancel"] + (options.isEmpty ? [] : [JSONValue.object(options).rendered()]), .cancel, id, message)
        case .show:
            let showtext = Self.fit(message.showtext ?? "", bytes: 255)
            send(["TRIGGER", "\(id)", "show", JSONValue.object([("showtext", .string(showtext))]).rendered()], .show(showtext), id, message)
        case .unrecognised:
            if pending.isEmpty {
                logger.error("Unrecognised action '\(message.actionText)' in message '\(message.line)'")
            } else {
                enqueue(PendingRequest(kind: .error("Unrecognised action '\(message.actionText)' in message '\(message.line)'"), monitor: 0, message: message))
            }
        }
    }

    private func warning(_ text: String, _ message: TriggerMessage) {
        if pending.isEmpty { logger.warning("\(text)") } else { enqueue(PendingRequest(kind: .warning(text), monitor: 0, message: message)) }
    }

    private func enqueue(_ entry: PendingRequest) {
        guard pending.count < settings.maximumPendingRequests else {
            logger.error("zmtrigger: \(pending.count) requests wait for the agent, the limit; '\(entry.message.line)' dropped")
            return
        }
        pending.append(entry)
    }

    /// Logs the refusals queued at the head, up to the next request that waits for a reply.
    private func flushQueuedLogs() {
        while let head = pending.first {
            switch head.kind {
            case let .warning(text): logger.warning("\(text)")
            case let .error(text): logger.error("\(text)")
            default: return
            }
            pending.removeFirst()
        }
    }

    func send(_ frames: [String], _ kind: PendingRequest.Kind, _ monitor: Int, _ message: TriggerMessage) {
        guard pending.count < settings.maximumPendingRequests else {
            logger.error("zmtrigger: \(pending.count) requests wait for the agent, the limit; '\(message.line)' dropped")
            return
        }
        // An empty first frame makes the DEALER look like REQ to the ROUTER; replies come back in order.
        guard (try? control.send([""] + frames)) == .sent else {
            logger.error("zmtrigger: the agent's control socket does not take requests; '\(message.line)' dropped")
            return
        }
        pending.append(PendingRequest(kind: kind, monitor: monitor, message: message))
    }

    func readReplies() {
        while let frames = try? control.receive(timeoutMilliseconds: 0) {
            let reply = frames.drop { $0.isEmpty }.map { String(decoding: $0, as: UTF8.self) }
            flushQueuedLogs()
            guard !pending.isEmpty else { continue }
            let request = pending.removeFirst()
            if case .snapshot = request.kind {
                if reply.first == "OK" { seed(JSONValue.parseObject(reply.dropFirst().first ?? "")) }
            } else if reply.first == "OK" {
                succeeded(request)
            } else {
                failed(request, JSONValue.parseObject(reply.dropFirst().first ?? ""))
            }
            flushQueuedLogs()
        }
    }

    private func succeeded(_ request: PendingRequest) {
        switch request.kind {
        case let .on(cause):
            logger.info("Trigger 'on' '\(cause)'")
        case .off:
            logger.info("Trigger 'off'")
            // zmtrigger.pl: "Wait til it's finished", then cancel. Here the wait is on the bus, not a sleep loop.
            // A monitor not seen on the bus yet (just after start) is given 2 s to show its state before the cancel.
            let known = notices.inAlarm(request.monitor) != nil
            offWaits[request.monitor] = (notices.lastEvent(request.monitor), clock.now + (known ? settings.offWaitSeconds : 2))
            checkOffWaits()
        case .cancel:
            logger.info("Cancelled event")
        case let .show(text):
            logger.info("Updated show text to '\(text)'")
        case let .monitorState(state):
            logger.info("Set monitor to \(state)")
        case .cancelAfterOff, .warning, .error, .snapshot:
            break
        }
    }

    private func failed(_ request: PendingRequest, _ error: [(String, JSONValue)]) {
        let code = error.first { $0.0 == "code" }?.1.stringValue ?? ""
        let reason = error.first { $0.0 == "error" }?.1.stringValue ?? "no reply body"
        let message = request.message
        switch code {
        case "unknown_monitor": logger.warning("Can't find monitor '\(message.id)' for message '\(message.line)'")
        case "failed": logger.warning("Can't verify monitor '\(message.id)' for message '\(message.line)': \(reason)")
        default: logger.error("zmtrigger: '\(message.line)' refused by the agent (\(code)): \(reason)")
        }
    }

    /// Asks for every monitor's retained state once at start (the bus's first messages may pass before the SUB joins).
    func requestSnapshot(cursor: String? = nil) {
        send(["SNAPSHOT", "zm.monitor."] + (cursor.map { [$0] } ?? []), .snapshot, 0, TriggerMessage("SNAPSHOT"))
    }

    /// The state items of a snapshot page seed monitors not seen yet (a live message already seen is newer); the next
    /// page is asked for. A refused page (busy) is not retried: the periodic re-publish fills in within seconds.
    private func seed(_ page: [(String, JSONValue)]) {
        let items = page.first { $0.0 == "items" }?.1
        if case let .array(entries)? = items {
            for entry in entries {
                guard let topic = entry["topic"]?.stringValue, let id = Self.stateTopicMonitor(Array(topic.utf8)),
                      let body = entry["body"], let state = body["state"]?.stringValue else { continue }
                notices.seed(monitor: id, StateNotices.Observation(
                    state: state, previous: nil, lastEvent: body["last_event_id"]?.uint64Value ?? 0,
                    function: body["function"]?.stringValue, refresh: true))
            }
        }
        if let next = page.first(where: { $0.0 == "next" })?.1.stringValue { requestSnapshot(cursor: next) }
    }

    /// Sends the `cancel` that ends an `off` once the monitor left ALARM/ALERT or its event changed (or the wait ran out).
    func checkOffWaits() {
        let now = clock.now
        for (id, wait) in offWaits {
            if wait.event == nil, notices.inAlarm(id) == true {
                // First seen in alarm after the off: wait for the end of that event.
                offWaits[id] = (notices.lastEvent(id), now + settings.offWaitSeconds)
                continue
            }
            let alarmed = notices.inAlarm(id)
            let over = alarmed == false || (alarmed == true && notices.lastEvent(id) != wait.event) || now >= wait.deadline
            guard over else { continue }
            offWaits[id] = nil
            send(["TRIGGER", "\(id)", "cancel"], .cancelAfterOff, id, TriggerMessage("\(id)|cancel"))
        }
    }

    /// A monitor id as zmtrigger's `%monitors` keys match it: the decimal `Id`, no sign or leading zeros.
    static func monitorID(_ text: String) -> Int? {
        guard let first = text.utf8.first, first != UInt8(ascii: "0"), text.utf8.count <= 9,
              text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int(text)
    }

    /// ZoneMinder's fields are `char[32]` and `char[256]`; zmtrigger's `pack('Z32', …)` cuts longer text, so do
    /// we (at a character boundary, and at a NUL, where ZoneMinder would stop reading).
    static func fit(_ text: String, bytes limit: Int) -> String {
        var result = ""
        var used = 0
        for character in text {
            guard !character.unicodeScalars.contains("\0") else { break }
            let size = character.utf8.count
            guard used + size <= limit else { break }
            result.append(character)
            used += size
        }
        return result
    }
}

extension JSONValue {
    static func parseObject(_ text: String) -> [(String, JSONValue)] {
        (try? JSONValue.parse(text))?.objectMembers ?? []
    }
}
