import Foundation
import Testing

/// The Python snapshot-then-live recipe of docs/protocol.md, run as printed (endpoints replaced): it must give up
/// with a message instead of hanging when no agent answers, and when the agent stops under it.
@Suite("docs/protocol.md Python recipe", .serialized)
struct RecipeTests {
    /// The `def snapshot` block and the clone-pattern block, in that order.
    static func recipe(pub: String, control: String) throws -> String {
        let text = try String(contentsOfFile: Peer.packageRoot + "/docs/protocol.md", encoding: .utf8)
        let blocks = text.components(separatedBy: "```python\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        let snapshot = try #require(blocks.first { $0.contains("def snapshot(") })
        let clone = try #require(blocks.first { $0.contains("sub.connect(") && $0.contains("while True:") })
        return (snapshot + "\n" + clone)
            .replacingOccurrences(of: "ipc:///run/lookout/state.pub", with: pub)
            .replacingOccurrences(of: "ipc:///run/lookout/control", with: control)
            // Marks that the snapshot was applied, so the test knows the live loop runs.
            .replacingOccurrences(of: "last_seq = {}\n", with: "last_seq = {}\nprint('snapshot', len(items), flush=True)\n")
    }

    static func start(_ script: String, in directory: TemporaryDirectory) throws -> (Process, out: String, err: String) {
        let path = directory.path + "/recipe.py", out = directory.path + "/out", err = directory.path + "/err"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        let process = Process()
        // `timeout` bounds the test even if the recipe regresses into hanging.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["60", "python3", path]
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try process.run()
        return (process, out, err)
    }

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    @Test("no agent: exits 1 with the reason instead of hanging")
    func noAgent() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let script = try Self.recipe(pub: "ipc://\(directory.path)/none.pub", control: "ipc://\(directory.path)/none.control")
        let (process, _, err) = try Self.start(script, in: directory)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "timeout(1) gives 124 when the recipe hangs")
        #expect(Self.read(err).contains("no answer from the agent within 5 s"), "\(Self.read(err))")
    }

    @Test("a demo agent: snapshot applied, live loop runs; the agent stops: exits 1 saying so")
    func agentStops() throws {
        let agent = try AgentProcess()
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let (process, out, err) = try Self.start(try Self.recipe(pub: agent.pub, control: agent.control), in: directory)
        #expect(Peer.waitUntil(timeout: 20, every: 0.1) { Self.read(out).contains("snapshot ") }, "\(Self.read(err))")
        #expect(process.isRunning)
        #expect(agent.terminate() == 0)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(Self.read(err).contains("nothing from the agent for 5 s, not even a heartbeat"), "\(Self.read(err))")
    }
}
