import ArgumentParser
import FoundationEssentials
import Glibc
import LookoutBus
import ZeroMQ

struct Sub: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print what the bus carries, one line per message; report sequence gaps and agent restarts on stderr.",
        discussion: """
            Examples:
              lookout sub                         every topic
              lookout sub zm.monitor.7.           monitor 7 only (never 70)
              lookout sub --snapshot --json       current state first, then live changes without gaps or repeats
            """)

    @Argument(help: "Topic prefixes (default: everything).") var prefixes: [String] = []
    @Option(help: "PUB endpoint to connect to.") var endpoint = AgentEndpoints.publish
    @Option(help: "Control endpoint (for --snapshot).") var control = AgentEndpoints.control
    @Flag(help: "Start with a snapshot of all retained state, then continue live from its sequence (clone pattern).")
    var snapshot = false
    @Flag(help: "One JSON object per line: {\"topic\":…,\"header\":{…},\"body\":{…}}.") var json = false
    @Option(name: .customLong("for"), help: "Stop after this many seconds.") var duration: Double?
    @Option(help: "Stop after this many live messages.") var count: Int?

    func run() throws {
        let context = ZMQContext()
        let subscriber = try ZMQSocket(context, .sub)
        let filters = prefixes.isEmpty ? [""] : prefixes
        for prefix in filters { try subscriber.subscribe(prefix) }
        try subscriber.connect(endpoint)
        var printer = BusPrinter(json: json)
        var resumeAfter: UInt64 = 0
        var epoch: String?
        if snapshot {
            let reply = try SnapshotClient.request(context: context, endpoint: control)
            epoch = reply.epoch
            resumeAfter = reply.globalSequence
            for item in reply.items where filters.contains(where: { item.topic.hasPrefix($0) }) {
                printer.print(topic: item.topic, header: item.header, body: item.body, snapshot: true)
            }
        }
        let stop = InterruptFlag()
        let deadline = duration.map { Date().timeIntervalSince1970 + $0 }
        var received = 0
        while !stop.isSet {
            if let deadline, Date().timeIntervalSince1970 >= deadline { break }
            if let count, received >= count { break }
            guard let frames = try subscriber.receive(timeoutMilliseconds: 200) else { continue }
            guard frames.count == 3, let header = HeaderFields(frames[1]) else {
                writeStandardError("lookout sub: ignoring a message with \(frames.count) frames that is not topic/header/body\n")
                continue
            }
            if let known = epoch, known != header.epoch {
                writeStandardError("lookout sub: the agent restarted (epoch \(header.epoch)); sequences start over\n")
                resumeAfter = 0
            }
            epoch = header.epoch
            if header.gseq <= resumeAfter { continue }
            received += 1
            printer.print(topic: String(decoding: frames[0], as: UTF8.self), header: String(decoding: frames[1], as: UTF8.self),
                          body: String(decoding: frames[2], as: UTF8.self), snapshot: false, fields: header)
        }
        printer.summary()
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
