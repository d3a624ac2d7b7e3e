import Foundation
import MonitorState
import Testing
import ZMConfig
import ZMShm

/// Behaviour against the running zmc processes: alarms, restarts, triggers, permissions.
@Suite("Following real zmc processes")
struct LivePeerTests {
    /// Polls one monitor with a follower and tracker, handing every change to `until` until it returns true.
    private func follow(_ id: Int, every interval: Double, timeout: Double, until done: (MonitorChange, MonitorObservation) -> Bool) -> Bool {
        let follower = SegmentFollower(path: Peer.segmentPath(id))
        var tracker = MonitorTracker(monitorID: id)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let now = Date().timeIntervalSince1970
            let reading = follower.poll()
            let observation = MonitorObservation(monitorID: id, reading: reading, numbering: .idleIsOne, maxDelay: 45, now: now)
            for change in tracker.observe(observation, at: now, reopened: reading.reopened) where done(change, observation) { return true }
            Thread.sleep(forTimeInterval: interval)
        }
        return false
    }

    @Test("monitor 1 goes IDLE → PREALARM → ALARM → ALERT → IDLE with a new event id that is in Events")
    func modectCycle() throws {
        try Peer.require()
        var sequence: [ZMMonitorState] = []
        var eventID: UInt64?
        var sawIdleFirst = false
        let complete = follow(1, every: 0.02, timeout: 75) { change, observation in
            switch change {
            case .appeared:
                sawIdleFirst = observation.state == .idle
                if sawIdleFirst { sequence = [.idle] }
            case let .state(_, to?, _):
                if !sawIdleFirst { sawIdleFirst = to == .idle; sequence = sawIdleFirst ? [.idle] : [] ; return false }
                sequence.append(to)
                return to == .idle && sequence.contains(.alert)
            case let .eventStarted(id) where sawIdleFirst:
                eventID = id
            default: break
            }
            return false
        }
        #expect(complete, "no full cycle within 75 s; saw \(sequence)")
        #expect(sequence == [.idle, .prealarm, .alarm, .alert, .idle])
        let id = try #require(eventID)
        let row = try #require(try Peer.database().eventRow(id: id), "event \(id) not in Events")
        #expect(row.monitorId == 1)
        #expect(row.cause == "Motion")
    }

    @Test("monitor 2's restart (new inode every 60 s) is followed without restarting the reader")
    func mocordRestart() throws {
        try Peer.require()
        let follower = SegmentFollower(path: Peer.segmentPath(2))
        let firstInode = try #require({ _ = follower.poll(); return follower.segment?.mapping.inode }())
        var reopened: SegmentFollower.ReopenReason?
        var sawGap = false
        let followed = Peer.waitUntil(timeout: 75, every: 0.02) {
            let reading = follower.poll()
            if reading.error != nil { sawGap = true }
            if let reason = reading.reopened { reopened = reason }
            return reading.status?.valid == true && follower.segment.map { $0.mapping.inode != firstInode } == true
        }
        #expect(followed, "monitor 2 was not seen re-created within 75 s")
        #expect(sawGap || reopened == .recreated, "the re-creation was noticed (gap or new inode)")
        let age = try #require(follower.poll().status?.heartbeatAge(now: Date().timeIntervalSince1970))
        #expect(age < 5, "the new segment is live")
    }

    @Test("lookout watch --json prints monitor 1's alarm as it happens: state ALARM and the event start")
    func watchPrintsChanges() throws {
        try Peer.require()
        let result = try Peer.run(Peer.lookout, ["watch", "1", "--json", "--for", "35", "--interval", "0.05"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(lines.first?["change"] as? String == "appeared")
        #expect(lines.allSatisfy { $0["monitor_id"] as? Int == 1 && $0["name"] as? String == "peer-modect" })
        #expect(lines.contains { $0["change"] as? String == "state" && $0["to"] as? String == "ALARM" })
        let start = try #require(lines.first { $0["change"] as? String == "event_start" }, "\(result.stdout)")
        #expect(start["alarm_cause"] as? String == "Motion")
        let eventID = try #require(start["event_id"] as? Int)
        #expect(try Peer.database().eventRow(id: UInt64(eventID))?.monitorId == 1)
    }

    @Test("lookout action 3 reload is acknowledged by zmc")
    func actionAcknowledged() throws {
        try Peer.require()
        let result = try Peer.run(Peer.lookout, ["action", "3", "reload"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("acknowledged"))
    }

    @Test("status and dump on the live peer name the version and numbering used")
    func statusAndDump() throws {
        try Peer.require()
        let status = try Peer.run(Peer.lookout, ["status"])
        #expect(status.status == 0)
        #expect(status.stdout.contains("ZoneMinder 1.36.33"))
        #expect(status.stdout.contains("IDLE=1"))
        for name in ["peer-modect", "peer-mocord", "peer-nodect"] { #expect(status.stdout.contains(name)) }

        let dump = try Peer.run(Peer.lookout, ["dump", "3", "--json"])
        #expect(dump.status == 0, "\(dump.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        #expect(json["layout"] as? Int == 760)
        #expect(json["zm_version"] as? String == "1.36.33")
        #expect((json["state_numbering"] as? String)?.hasPrefix("IDLE=1") == true)
        let shared = try #require(json["shared_data"] as? [String: Any])
        #expect(shared["imagesize"] as? Int == 160 * 120)
        #expect(shared["last_event_id"] != nil && shared["heartbeat_time"] != nil && shared["state_name"] != nil)
        #expect((json["timestamps"] as? [Any])?.count == 8)
        #expect((json["trigger_data"] as? [String: Any])?["trigger_state_name"] != nil)
    }

    @Test("a user outside www-data gets an error naming the group it needs")
    func permissionDeniedNamesGroup() throws {
        try Peer.require()
        let result = try Peer.run("/usr/bin/setpriv", [
            "--reuid=nobody", "--regid=nogroup", "--clear-groups", Peer.lookout, "status", "--no-database", "--zm-version", "1.36.33",
        ])
        #expect(result.stdout.contains("permission denied"), "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("www-data"))
        let dump = try Peer.run("/usr/bin/setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", Peer.lookout, "dump", "1", "--json", "--no-database"])
        #expect(dump.status != 0)
        #expect(dump.stderr.contains("www-data"))
    }
}
