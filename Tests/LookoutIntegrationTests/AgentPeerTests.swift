import Foundation
import Testing
import ZMConfig

/// `lookout run` against the real ZoneMinder 1.36.33 peer (three zmc, MariaDB), with a pyzmq subscriber.
@Suite("agent against the real ZoneMinder peer", .serialized)
struct AgentPeerTests {
    @Test("monitor 1's alarm arrives as event start and end with the id ZoneMinder wrote in Events; monitor 2's re-creation is reported and followed")
    func peerEventsAndRestart() throws {
        try Peer.require()
        let agent = try AgentProcess(toml: "[agent]\nrefresh_seconds = 5\n", arguments: ["--map-dir", Peer.mapDirectory])
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        let summary = try BusClient.collect(agent, [
            "--seconds", "150", "--until-event-end", "1", "--until-reason", "recreated|recovered|reinitialised|shrunk", "2",
        ])
        let health = BusClient.object(try BusClient.request(agent.control, ["HEALTH"]).last ?? "") ?? [:]
        #expect(agent.terminate() == 0)
        #expect(summary["completed"] as? Bool == true, "within 150 s: an event on monitor 1 and a restart of monitor 2")
        #expect((summary["gaps"] as? [Any])?.isEmpty == true)
        #expect(summary["rebuilt_equals_snapshot2"] as? Bool == true, "mismatched: \(summary["mismatched_topics"] ?? "")")

        let live = BusClient.live(summary)
        let events = live.filter { $0.topic == "zm.monitor.1.event" }.map(\.body)
        // An alarm already running when the agent started ends without a start message here; take one seen whole.
        let starts = events.filter { $0["type"] as? String == "start" }
        let end = try #require(events.first { end in
            end["type"] as? String == "end" && starts.contains { $0["event_id"] as? Int == end["event_id"] as? Int }
        })
        let eventID = try #require(end["event_id"] as? Int)
        let start = try #require(starts.first { $0["event_id"] as? Int == eventID })
        #expect(start["cause"] as? String == "Motion")
        #expect(start["name"] as? String == "peer-modect")
        let row = try #require(try Peer.database().eventRow(id: UInt64(eventID)), "event \(eventID) is not in Events")
        #expect(row.monitorId == 1)
        #expect(row.cause == "Motion")

        let state = live.filter { $0.topic == "zm.monitor.1.state" }.map(\.body)
        #expect(state.contains { $0["state"] as? String == "ALARM" && $0["event_id"] as? Int == eventID && $0["function"] as? String == "Modect" })
        let reasons = live.filter { $0.topic == "zm.monitor.2.liveness" }.compactMap { $0.body["reason"] as? String }
        #expect(!Set(reasons).isDisjoint(with: ["recreated", "recovered", "reinitialised", "shrunk"]), "reasons: \(reasons)")
        #expect(health["zm_version"] as? String == "1.36.33")
        #expect(health["database"] as? String == "ok")
        let monitors = health["monitors"] as? [[String: Any]] ?? []
        #expect(Set(monitors.compactMap { $0["name"] as? String }) == ["peer-modect", "peer-mocord", "peer-nodect"])
    }
}
