import Foundation
import Testing

/// `lookout run` execs `lookout-agent`, installed next to it; `lookout-agent` reads the flags `lookout run` passed.
@Suite("lookout run execs lookout-agent", .serialized)
struct AgentExecutableTests {
    static let lookoutAgent = Peer.packageRoot + "/.build/debug/lookout-agent"

    /// The target of the symbolic link `path` (such as `/proc/<pid>/exe`), or nil.
    static func readLink(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink(path, &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` with every symbolic link resolved (`.build/debug` is one).
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The `PPid:` line of `/proc/<pid>/status`.
    static func parentPid(of pid: Int32) -> Int32? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let line = status.split(separator: "\n").first { $0.hasPrefix("PPid:") }
        return line.flatMap { Int32($0.dropFirst("PPid:".count).trimmingCharacters(in: .whitespaces)) }
    }

    /// `/proc/<pid>/cmdline`: the arguments the process was last exec'd with.
    static func commandLine(of pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    @Test("the started lookout process becomes lookout-agent: same pid, /proc/<pid>/exe is lookout-agent, the flags passed on")
    func runExecsTheAgent() throws {
        let agent = try AgentProcess(arguments: ["--demo", "--poll-hz", "12.5"])
        defer { agent.directory.cleanup() }
        let pid = agent.process.processIdentifier
        _ = try agent.waitReady()
        #expect(agent.process.isRunning)

        let exe = try #require(Self.readLink("/proc/\(pid)/exe"), "no /proc/\(pid)/exe")
        #expect(exe.hasSuffix("/lookout-agent"), "/proc/\(pid)/exe is \(exe)")
        #expect(exe == Self.realPath(Self.lookoutAgent), "not the lookout-agent next to \(Peer.lookout)")
        // The very process Process started (our child), not a grandchild that lookout spawned.
        #expect(Self.parentPid(of: pid) == getpid())
        // lookout run runs on a Dispatch worker, which blocks signals; the agent must not inherit that mask.
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        #expect(status.contains("SigBlk:\t0000000000000000"), "main thread's mask: \(status.split(separator: "\n").filter { $0.hasPrefix("Sig") })")
        let config = agent.directory.path + "/lookout.toml"
        #expect(Self.commandLine(of: pid) == [
            exe, "--config", config, "--demo", "--poll-hz", "12.5", "--pub", agent.pub, "--control", agent.control,
        ])

        // The process answering on the control socket is that pid, and it took the flags.
        let reply = try BusClient.request(agent.control, ["SNAPSHOT", "agent.info"])
        #expect(reply.first == "OK", "SNAPSHOT agent.info: \(reply)")
        let snapshot = try #require(reply.count > 1 ? BusClient.object(reply[1]) : nil)
        let items = snapshot["items"] as? [[String: Any]] ?? []
        let info = try #require(items.first { $0["topic"] as? String == "agent.info" }?["body"] as? [String: Any])
        #expect(info["pid"] as? Int == Int(pid))
        #expect(info["demo"] as? Bool == true)
        #expect(info["poll_hz"] as? Double == 12.5)
        #expect(info["control"] as? String == agent.control)

        #expect(agent.terminate() == 0, "SIGTERM must stop lookout-agent cleanly")
    }

    @Test("a lookout without lookout-agent beside it runs the agent in its own process")
    func runWithoutTheAgentExecutable() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let lonely = directory.path + "/bin/lookout"
        try FileManager.default.createDirectory(atPath: directory.path + "/bin", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Peer.lookout, toPath: lonely)
        let agent = try AgentProcess(directory: directory, executable: lonely)
        let pid = agent.process.processIdentifier
        _ = try agent.waitReady()
        #expect(Self.readLink("/proc/\(pid)/exe") == Self.realPath(lonely))
        #expect(Self.commandLine(of: pid)?.dropFirst().first == "run")
        let errors = agent.stopAndReadErrors()
        #expect(errors.contains("lookout: cannot run \(directory.path)/bin/lookout-agent (No such file or directory); running the agent in this process"), "stderr: \(errors)")
    }

    @Test("lookout-agent --bogus: exit 64, the argument named on stderr with the usage")
    func agentRejectsUnknownArgument() throws {
        let output = try Peer.run(Self.lookoutAgent, ["--bogus"])
        #expect(output.status == 64)
        #expect(output.stderr.contains("unknown argument \"--bogus\""), "stderr: \(output.stderr)")
        #expect(output.stderr.contains("usage: lookout-agent"), "stderr: \(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test("lookout-agent with a bad value: exit 64, the flag named on stderr", arguments: [
        (["--poll-hz", "fast"], "--poll-hz wants a number"),
        (["--config"], "--config needs a value"),
        (["--demo=1"], "unknown argument \"--demo=1\""),
    ])
    func agentRejectsBadValues(arguments: [String], message: String) throws {
        let output = try Peer.run(Self.lookoutAgent, arguments)
        #expect(output.status == 64)
        #expect(output.stderr.hasPrefix("lookout-agent: \(message)"), "stderr: \(output.stderr)")
    }

    @Test("lookout-agent --help: exit 0, the usage on stdout")
    func agentHelp() throws {
        let output = try Peer.run(Self.lookoutAgent, ["--help"])
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix("usage: lookout-agent"), "stdout: \(output.stdout)")
        #expect(output.stderr.isEmpty, "stderr: \(output.stderr)")
    }

    @Test("lookout run --bogus is refused by lookout itself (exit 64), before any exec")
    func runRejectsUnknownFlag() throws {
        let output = try Peer.run(Peer.lookout, ["run", "--bogus"])
        #expect(output.status == 64)
        #expect(output.stderr.contains("--bogus"), "stderr: \(output.stderr)")
    }

    @Test("lookout-agent links neither swift-argument-parser, Foundation, FoundationEssentials nor the Regex engine")
    func agentCarriesNoCLICode() throws {
        let symbols = try Peer.run("/usr/bin/nm", ["--defined-only", Self.lookoutAgent])
        try #require(symbols.status == 0, "nm: \(symbols.stderr)")
        #expect(symbols.stdout.contains("$s5Agent"), "nm listed no Agent symbols: the check would prove nothing")
        // Each costs the resident agent memory: about 1 MiB of code for the Regex engine alone (docs/performance.md).
        for module in ["$s14ArgumentParser", "$s10Foundation", "$s20FoundationEssentials", "$s17_StringProcessing", "$s12_RegexParser"] {
            #expect(!symbols.stdout.contains(module), "lookout-agent links \(module)")
        }
    }
}
