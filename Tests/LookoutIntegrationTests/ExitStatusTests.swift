import Foundation
import Testing

/// `lookout status` and `lookout sub` exit non-zero, with the reason on stderr, when what they were asked for did not
/// happen: nothing to show, nothing readable, no agent, too few messages, a socket this user may not open.
@Suite("exit statuses of status and sub", .serialized)
struct ExitStatusTests {
    static func lookout(_ arguments: [String], asNobody: Bool = false) throws -> Peer.Output {
        if asNobody {
            return try Peer.run("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", Peer.lookout] + arguments)
        }
        return try Peer.run(Peer.lookout, arguments)
    }

    @Test("status: an empty map directory and segments all permission denied are errors; a readable one is not")
    func status() throws {
        try Peer.require()
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        chmod(directory.path, 0o755)
        let empty = try Self.lookout(["status", "--no-database", "--map-dir", directory.path])
        #expect(empty.status == 1)
        #expect(empty.stderr.contains("no monitor found: no zm.mmap.<id> in \(directory.path)"), "\(empty.stderr)")

        for id in [1, 3] {
            try Peer.freeze(id, into: directory.path)
            chmod(directory.path + "/zm.mmap.\(id)", 0o600)
        }
        let denied = try Self.lookout(["status", "--no-database", "--map-dir", directory.path], asNobody: true)
        #expect(denied.status == 1, "\(denied.stdout)")
        #expect(denied.stderr.contains("every monitor's segment is unreadable: permission denied"), "\(denied.stderr)")
        let root = try Self.lookout(["status", "--no-database", "--map-dir", directory.path])
        #expect(root.status == 0, "\(root.stderr)")
    }

    @Test("sub: no agent is exit 2 after --heartbeat-timeout")
    func subNoAgent() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        let output = try Self.lookout(["sub", "--endpoint", "ipc://\(directory.path)/none.pub", "--heartbeat-timeout", "1", "--count", "1", "--for", "30"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("no message from ipc://\(directory.path)/none.pub within 1 s, not even a heartbeat"), "\(output.stderr)")
    }

    @Test("sub: --count reached is 0; not reached within --for is 1 (heartbeats alone do not count); permission denied is 3")
    func subWithAgent() throws {
        let agent = try AgentProcess()
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        let reached = try Self.lookout(["sub", "--endpoint", agent.pub, "--count", "2", "--for", "20"])
        #expect(reached.status == 0, "\(reached.stderr)")
        #expect(reached.stdout.split(separator: "\n").count == 2)
        let missed = try Self.lookout(["sub", "zm.monitor.999.", "--endpoint", agent.pub, "--count", "1", "--for", "2"])
        #expect(missed.status == 1)
        #expect(missed.stderr.contains("0 of 1 message(s) within 2 s"), "\(missed.stderr)")
        #expect(missed.stdout.isEmpty, "heartbeats are received to tell a quiet bus from no agent, not printed: \(missed.stdout)")
        let denied = try Self.lookout(["sub", "--endpoint", agent.pub, "--count", "1", "--for", "5"], asNobody: true)
        #expect(denied.status == 3)
        #expect(denied.stderr.contains("permission denied on \(agent.pub.dropFirst("ipc://".count))"), "\(denied.stderr)")
    }
}
