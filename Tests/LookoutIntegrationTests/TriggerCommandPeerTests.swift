import Testing
import ZMConfig
import ZMShm

extension PeerMonitorThree {
    /// `lookout trigger` on the peer: forces monitor 3, so it waits its turn with the other monitor-3 suites.
    @Suite("lookout trigger on the peer's monitor 3")
    struct TriggerCommandTests {
        @Test("lookout trigger 3 on opens a real event with our cause; cancel ends it")
        func triggerOpensEvent() throws {
            try Peer.require()
            try PeerMonitorThree.awaitIdle()
            let cause = "it-\(UInt32.random(in: 1000...9999))"
            let on = try Peer.run(Peer.lookout, ["trigger", "3", "on", "--score", "77", "--cause", cause, "--text", "integration text"])
            #expect(on.status == 0, "\(on.stderr)")
            let line = try #require(on.stdout.split(separator: "\n").first { $0.contains("alarm, event") }, "no event reported: \(on.stdout)")
            let eventID = try #require(UInt64(line.split(separator: " ").last!))
            let database = try Peer.database()
            let row = try #require(try database.eventRow(id: eventID))
            #expect(row.monitorId == 3)
            #expect(row.cause.contains(cause))
            #expect(row.notes.contains("integration text"))

            let cancel = try Peer.run(Peer.lookout, ["trigger", "3", "cancel"])
            #expect(cancel.status == 0)
            let closed = try Peer.waitUntil(timeout: 30, every: 0.2) { try database.eventRow(id: eventID)?.endDateTime != nil }
            #expect(closed, "event \(eventID) was not closed after cancel")
            let trigger = try ZMSegment(path: Peer.segmentPath(3)).status()
            #expect(trigger.triggerState == 0)
        }
    }
}
