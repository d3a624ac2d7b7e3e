import Foundation
import Testing

/// A `lookout serve` child on a free loopback port, for the picture tests.
final class ServeProcess {
    let process = Process()
    let base: String
    let port: Int

    /// - Parameters:
    ///   - config: a configuration file ([zoneminder], [http]); nil: none.
    ///   - control, publish: the agent's endpoints (an agent need not run: pictures do not use it).
    init(config: String? = nil, control: String = "ipc:///nonexistent/control", publish: String = "ipc:///nonexistent/state.pub",
         extraArguments: [String] = []) throws {
        port = ClosedPort().number
        base = "http://127.0.0.1:\(port)"
        process.executableURL = URL(fileURLWithPath: Peer.lookout)
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--control", control, "--publish", publish]
            + (config.map { ["--config", $0] } ?? []) + extraArguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        let listening = Peer.waitUntil(timeout: 15, every: 0.1) {
            (try? Peer.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-m", "2", base + "/livez"]))?.status == 0
        }
        try #require(listening, "lookout serve did not listen on \(base)")
    }

    deinit { stop() }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// Resident set size in KiB (VmRSS).
    var residentKiB: Int {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// Status, headers (lower-cased names) and body bytes of a GET.
    func get(_ path: String, headers: [String] = []) throws -> (status: Int, headers: [String: String], body: Data) {
        let directory = NSTemporaryDirectory() + "serve-get-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let arguments = ["-s", "-m", "10", "-D", directory + "/head", "-o", directory + "/body"] + headers.flatMap { ["-H", $0] } + [base + path]
        _ = try Peer.run("/usr/bin/curl", arguments)
        let head = (try? String(contentsOfFile: directory + "/head", encoding: .utf8)) ?? ""
        var fields: [String: String] = [:]
        var status = 0
        for line in head.split(separator: "\r\n") {
            if line.hasPrefix("HTTP/") { status = Int(line.split(separator: " ")[1]) ?? 0; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, fields, (try? Data(contentsOf: URL(fileURLWithPath: directory + "/body"))) ?? Data())
    }

    /// Runs one of Tests/python's scripts with Debian's python (Pillow) and parses its JSON line.
    static func python(_ script: String, _ arguments: [String]) throws -> [String: Any] {
        let output = try Peer.run("/usr/bin/python3", [Peer.packageRoot + "/Tests/python/" + script] + arguments)
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        return try #require(object, "\(script): \(output.stdout) \(output.stderr)")
    }
}
