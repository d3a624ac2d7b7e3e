import ArgumentParser
import FoundationEssentials
import Glibc
import LookoutBus
import LookoutHealth
import ZeroMQ

struct Sub: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print what the bus carries, one line per message; report sequence gaps and agent restarts on stderr.",
        discussion: """
            Examples:
              lookout sub                         every topic
              lookout sub zm.monitor.7.           monitor 7 only (never 70)
              lookout sub --snapshot --json       current state first, then live changes without gaps or repeats
              lookout sub --count 1 --for 5       exit 0 once a message arrived, 1 if none within 5 s
            Exit status: 0; 1 when --count was not reached within --for; 2 when nothing (not even the agent's \
            heartbeat) arrived within --heartbeat-timeout: no agent; 3 when the socket may not be opened (permission).
            """)

    @Argument(help: "Topic prefixes (default: everything).") var prefixes: [String] = []
    @Option(help: "PUB endpoint to connect to.") var endpoint = AgentEndpoints.publish
    @Option(help: "Control endpoint (for --snapshot).") var control = AgentEndpoints.control
    @Flag(help: "Start with a snapshot of all retained state, then continue live from its sequence (clone pattern).")
    var snapshot = false
    @Flag(help: "One JSON object per line: {\"topic\":…,\"header\":{…},\"body\":{…}}.") var json = false
    @Option(name: .customLong("for"), help: "Stop after this many seconds.") var duration: Double?
    @Option(help: "Stop after this many live messages.") var count: Int?
    @Option(help: "Give up (exit 2) when nothing, not even the agent's heartbeat, arrives for this many seconds; 0: wait forever.")
    var heartbeatTimeout: Double = 5

    /// Exit statuses (also in docs/protocol.md).
    enum Status {
        static let countNotReached: Int32 = 1
        static let noAgent: Int32 = 2
        static let permissionDenied: Int32 = 3
    }

    func validate() throws {
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if let duration, duration <= 0 { throw ValidationError("--for must be more than 0 seconds") }
        guard heartbeatTimeout >= 0 else { throw ValidationError("--heartbeat-timeout must be 0 or more seconds") }
    }

    private func fail(_ status: Int32, _ message: String) -> ExitCode {
        writeStandardError("lookout sub: \(message)\n")
        return ExitCode(status)
    }

    func run() throws {
        for socket in [endpoint] + (snapshot ? [control] : []) {
            if case let .permissionDenied(path)? = HealthClient.socketProblem(socket) {
                throw fail(Status.permissionDenied, "permission denied on \(path): run as root or as a member of the socket's group (bus.group)")
            }
        }
        let context = ZMQContext()
        let subscriber = try ZMQSocket(context, .sub)
        let filters = prefixes.isEmpty ? [""] : prefixes
        for prefix in filters { try subscriber.subscribe(prefix) }
        // The heartbeat too, whatever the filters, to tell a quiet bus from no agent; printed only if a filter asks.
        try subscriber.subscribe(BusTopic.heartbeat)
        try subscriber.connect(endpoint)
        var printer = BusPrinter(json: json)
        var resumeAfter: UInt64 = 0
        var epoch: String?
        if snapshot {
            let reply: SnapshotClient.Reply
            do {
                reply = try SnapshotClient.request(context: context, endpoint: control)
            } catch {
                throw fail(Status.noAgent, "\(error)")
            }
            epoch = reply.epoch
            resumeAfter = reply.globalSequence
            for item in reply.items where filters.contains(where: { item.topic.hasPrefix($0) }) {
                printer.print(topic: item.topic, header: item.header, body: item.body, snapshot: true)
            }
        }
        let stop = InterruptFlag()
        let started = Date().timeIntervalSince1970
        let deadline = duration.map { started + $0 }
        var received = 0
        var lastHeard = started
        var heardAny = false
        while !stop.isSet {
            let now = Date().timeIntervalSince1970
            if let deadline, now >= deadline { break }
            if let count, received >= count { break }
            if heartbeatTimeout > 0, now - lastHeard >= heartbeatTimeout {
                printer.summary()
                let why = HealthClient.socketProblem(endpoint).map { " (\($0.short))" } ?? ""
                throw fail(Status.noAgent, heardAny
                    ? "nothing from \(endpoint) for \(number(heartbeatTimeout)) s, not even a heartbeat: the agent stopped?\(why)"
                    : "no message from \(endpoint) within \(number(heartbeatTimeout)) s, not even a heartbeat: is `lookout run` running?\(why)")
            }
            guard let frames = try subscriber.receive(timeoutMilliseconds: 200) else { continue }
            lastHeard = Date().timeIntervalSince1970
            heardAny = true
            // A relayed frame (`*.frame`) has a fourth frame of pixels; its body says what they are.
            guard frames.count == 3 || frames.count == 4, let header = HeaderFields(frames[1]) else {
                writeStandardError("lookout sub: ignoring a message with \(frames.count) frames that is not topic/header/body\n")
                continue
            }
            if let known = epoch, known != header.epoch {
                writeStandardError("lookout sub: the agent restarted (epoch \(header.epoch)); sequences start over\n")
                resumeAfter = 0
            }
            epoch = header.epoch
            if header.gseq <= resumeAfter { continue }
            let topic = String(decoding: frames[0], as: UTF8.self)
            guard filters.contains(where: { topic.hasPrefix($0) }) else { continue }
            received += 1
            printer.print(topic: topic, header: String(decoding: frames[1], as: UTF8.self),
                          body: String(decoding: frames[2], as: UTF8.self), snapshot: false, fields: header)
        }
        printer.summary()
        if let count, received < count, !stop.isSet {
            throw fail(Status.countNotReached, "\(received) of \(count) message(s) within \(number(duration ?? 0)) s")
        }
    }
}

/// The agent's default endpoints, or the per-user ones it falls back to when /run/lookout is not writable.
enum AgentEndpoints {
    static var publish: String { resolve("state.pub") }
    static var control: String { resolve("control") }

    private static func resolve(_ name: String) -> String {
        let system = "/run/lookout/\(name)"
        if FileManager.default.fileExists(atPath: system) { return "ipc://\(system)" }
        let user = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].map { "\($0)/lookout" } ?? "/tmp/lookout-\(getuid())"
        if FileManager.default.fileExists(atPath: "\(user)/\(name)") { return "ipc://\(user)/\(name)" }
        return "ipc://\(system)"
    }
}
