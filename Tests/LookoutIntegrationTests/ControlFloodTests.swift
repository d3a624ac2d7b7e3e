import Foundation
import Testing

/// Hostile control clients against the real agent: DEALERs in another process (pyzmq) that send SNAPSHOT
/// 1 000 times each and never read their replies; the same prefix every time (answered from the cache), or a
/// different one each time (each rendered).
@Suite("control socket under a flood", .serialized)
struct ControlFloodTests {
    /// 200 demo monitors: a full snapshot is about 200 KB, so it comes in pages and an unbounded reply queue
    /// would grow by that much per request (docs/security.md has the figures).
    static let config = "[agent]\nheartbeat_seconds = 0.25\n[demo]\nmonitors = 200\n"
    /// `ControlLimits.maximumReplyBytesHeld` (16 MiB) plus receive queues and libzmq's own buffers.
    static let residentGrowthBound = 24 * 1024

    @Test("3 clients × 1 000 SNAPSHOTs never read: memory stays bounded, heartbeats and polls keep their rate, a fresh client still gets PING answered",
          arguments: [false, true])
    func snapshotFlood(varyPrefix: Bool) throws {
        let agent = try AgentProcess(toml: Self.config)
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        let output = try BusClient.run([
            "flood", "--pub", agent.pub, "--control", agent.control, "--pid", "\(agent.process.processIdentifier)",
            "--clients", "3", "--count", "1000", "--request", "SNAPSHOT", "--seconds", "6",
        ] + (varyPrefix ? ["--vary-prefix"] : []))
        let summary = try #require(BusClient.object(output.stdout), "flood client failed (\(output.status)): \(output.stderr)")
        #expect(agent.terminate() == 0)

        #expect(summary["sent"] as? Int == 3000)
        let before = try #require(summary["rss_before_kib"] as? Int)
        let peak = try #require(summary["rss_peak_kib"] as? Int)
        #expect(peak - before < Self.residentGrowthBound, "resident memory grew from \(before) KiB to \(peak) KiB")
        // Sanity, not performance: 4 heartbeats and 10 polls a second when nothing is in the way.
        let heartbeats = summary["heartbeats_per_second"] as? Double ?? 0
        let polls = summary["polls_per_second"] as? Double ?? 0
        #expect(heartbeats > 3 && heartbeats < 5, "heartbeats every 0.25 s must keep coming during the flood: \(summary)")
        #expect(polls > 8, "the poll loop must keep its 10 Hz during the flood: \(summary)")
        #expect((summary["ping"] as? [String])?.first == "OK", "a fresh client must still be answered: \(summary)")
        let control = try #require(summary["control"] as? [String: Any])
        #expect((control["served"] as? Int ?? 0) + (control["rejected"] as? Int ?? 0) >= 3000, "the agent read every request: \(control)")
        #expect((control["replies_dropped"] as? Int ?? 0) > 0, "replies to clients that never read are dropped and counted: \(control)")
        if !varyPrefix {
            #expect((control["cache_hits"] as? Int ?? 0) > 0, "a repeated SNAPSHOT at the same gseq is not rendered again: \(control)")
        }
    }
}
