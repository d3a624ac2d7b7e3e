import Foundation
import Testing

/// A `lookout run` child process on private endpoints, for tests that talk to it over the bus.
final class AgentProcess {
    let directory: TemporaryDirectory
    let pub: String
    let control: String
    let process = Process()
    let stderr = Pipe()

    /// - Parameters:
    ///   - toml: extra configuration file text (the endpoints are added by this helper).
    ///   - arguments: extra `lookout run` flags, e.g. `["--demo"]`.
    ///   - executable: the `lookout` to start (another copy, e.g. one without `lookout-agent` beside it).
    init(toml: String = "", arguments: [String] = ["--demo"], environment: [String: String] = [:], directory: TemporaryDirectory = TemporaryDirectory(), executable: String = Peer.lookout) throws {
        self.directory = directory
        pub = "ipc://\(directory.path)/state.pub"
        control = "ipc://\(directory.path)/control"
        let config = "\(directory.path)/lookout.toml"
        // Each agent gets its own zmlog socket: agents of parallel tests must not take over each other's.
        let logSection = toml.contains("[log]") ? "" : "\n[log]\nsocket = \"\(directory.path)/log.sock\"\n"
        try (toml + logSection).write(toFile: config, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", "--config", config, "--pub", pub, "--control", control] + arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until the control socket answers PING; returns the agent's epoch.
    func waitReady(timeout: Double = 20) throws -> String {
        var epoch: String?
        _ = Peer.waitUntil(timeout: timeout, every: 0.1) {
            guard process.isRunning else { return true }
            if let reply = try? BusClient.request(control, ["PING"]), reply.first == "OK",
               let object = BusClient.object(reply[1]) { epoch = object["epoch"] as? String }
            return epoch != nil
        }
        guard let epoch else {
            Issue.record("agent not ready: \(stopAndReadErrors())")
            throw AgentNotReady()
        }
        return epoch
    }

    struct AgentNotReady: Error {}

    /// SIGTERM, wait, and return the exit status.
    @discardableResult
    func terminate() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func stopAndReadErrors() -> String {
        terminate()
        return String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }
}

/// Runs `Tests/python/bus_client.py` (pyzmq): an independent subscriber in another process.
enum BusClient {
    static let script = Peer.packageRoot + "/Tests/python/bus_client.py"

    static func run(_ arguments: [String]) throws -> Peer.Output {
        try Peer.run("/usr/bin/env", ["python3", script] + arguments)
    }

    static func request(_ control: String, _ frames: [String]) throws -> [String] {
        let output = try run(["request", "--control", control] + frames)
        return (try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String]) ?? []
    }

    static func collect(_ agent: AgentProcess, _ arguments: [String]) throws -> [String: Any] {
        let output = try run(["collect", "--pub", agent.pub, "--control", agent.control] + arguments)
        guard output.status == 0, let summary = object(output.stdout) else {
            Issue.record("collector failed (\(output.status)): \(output.stderr)")
            return [:]
        }
        return summary
    }

    static func object(_ text: String) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    static func live(_ summary: [String: Any]) -> [(topic: String, header: [String: Any], body: [String: Any])] {
        (summary["live"] as? [[String: Any]] ?? []).compactMap { message in
            guard let topic = message["topic"] as? String, let header = message["header"] as? [String: Any],
                  let body = message["body"] as? [String: Any] else { return nil }
            return (topic, header, body)
        }
    }
}
