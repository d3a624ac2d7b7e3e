import Foundation
import Testing

/// Retained topics are re-published paced over the refresh interval: a subscriber that reads as fast as it can
/// sees no gap, even when all retained topics together are several times the send high-water mark.
@Suite("retained re-publish without gaps (demo source, pyzmq subscriber)", .serialized)
struct AgentRepublishTests {
    @Test("1 024 monitors (4 097 retained topics, 4× a 1 000-message HWM): two re-publish cycles, every topic re-sent, 0 gaps")
    func pacedRepublishHasNoGaps() throws {
        // send_hwm is pinned to the old default so that pacing alone is tested: sent at once, 4 097 messages overflow
        // a 1 000-message queue while a Python subscriber parses them (the issue's 442–1 129 lost per 20 s at 4 096).
        let agent = try AgentProcess(toml: """
            [agent]
            refresh_seconds = 2
            fps_seconds = 10
            [demo]
            monitors = 1024
            [bus]
            send_hwm = 1000
            """)
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady(timeout: 60)
        let summary = try BusClient.collect(agent, ["--seconds", "5", "--no-live"])
        #expect(agent.terminate() == 0)
        let retained = summary["snapshot_items"] as? Int ?? 0
        #expect(retained >= 4 * 1024, "1 024 monitors × 4 retained topics (state, trigger, liveness, fps)")
        // 5 s with a 2 s interval: at least two whole cycles re-sent every retained topic (seq and gseq advanced).
        #expect((summary["refreshed"] as? Int ?? 0) >= 2 * retained, "refreshed \(summary["refreshed"] ?? "") of \(retained) topics")
        #expect((summary["gaps"] as? [Any])?.isEmpty == true, "gaps: \(((summary["gaps"] as? [Any]) ?? []).prefix(5)) (\((summary["gaps"] as? [Any])?.count ?? -1) in all)")
        #expect(summary["duplicates"] as? Int == 0)
        #expect(summary["rebuilt_equals_snapshot2"] as? Bool == true, "mismatched: \(((summary["mismatched_topics"] as? [Any]) ?? []).prefix(5))")
    }
}
