import Foundation
import Glibc
import MariaDB
import Testing
import ZMConfig

/// The zmtrigger-compatible listener (`[zmtrigger] listen`) against the real ZoneMinder peer: a panel's line
/// opens a real event in ZoneMinder's Events table, the timed cancel closes it, and the connection gets the
/// notices zmtrigger.pl writes. Monitor 3 (Nodect) alarms only when triggered.
extension PeerMonitorThree {
@Suite("zmtrigger listener against the real ZoneMinder peer", .serialized)
struct ZMTriggerPeerTests {
    /// An agent on private endpoints with the listener on a free loopback port, logging under its own component.
    final class ListeningAgent {
        let agent: AgentProcess
        let port: Int
        let component: String

        init(extra: String = "") throws {
            try PeerMonitorThree.awaitIdle()
            port = try freeLoopbackPort()
            component = "lookout_zmt_" + UUID().uuidString.prefix(8).lowercased()
            let directory = TemporaryDirectory()
            agent = try AgentProcess(toml: """
                [control]
                allow_commands = true
                [zmtrigger]
                listen = "127.0.0.1:\(port)"
                \(extra)
                [log]
                id = "\(component)"
                socket = "\(directory.path)/log.sock"

                """, arguments: ["--map-dir", Peer.mapDirectory], directory: directory)
            _ = try agent.waitReady()
        }

        deinit {
            agent.terminate()
            agent.directory.cleanup()
        }

        func send(_ lines: [String], until: String? = nil, seconds: Double = 5) throws -> (notices: [String], closed: Bool) {
            let output = try Peer.run("/usr/bin/env", ["python3", Peer.packageRoot + "/Tests/python/zmtrigger_client.py", "send", "--port", "\(port)",
                                                       "--seconds", "\(seconds)"] + lines.flatMap { ["--line", $0] } + (until.map { ["--until", $0] } ?? []))
            let object = BusClient.object(output.stdout) ?? [:]
            #expect(output.status == 0, "client: \(output.stderr)")
            return (object["notices"] as? [String] ?? [], object["closed_by_server"] as? Bool ?? false)
        }

        /// Waits for the agent's `Logs` rows (written by its database writer a moment later) to include `wanted`.
        func awaitLogs(_ wanted: [String], timeout: Double = 30) throws -> [String] {
            var messages: [String] = []
            _ = try Peer.waitUntil(timeout: timeout, every: 0.25) {
                messages = try Peer.database().connection.query(
                    "SELECT Message FROM Logs WHERE Component = ? ORDER BY Id", [.text(component)]).map { $0[0] ?? "" }
                return wanted.allSatisfy { line in messages.contains { $0.hasPrefix(line) } }
            }
            return messages
        }
    }

    @Test("3|on+5|255|door|front door| opens a real event on monitor 3 with cause 'door', which ends after the 5 s cancel; the panel reads zmtrigger's on and off notices and the log says what zmtrigger.pl says")
    func timedTriggerOpensAndClosesAnEvent() throws {
        try Peer.require()
        let database = try Peer.database()
        let before = UInt64(try database.connection.query("SELECT COALESCE(MAX(Id), 0) FROM Events").first?[0] ?? "0") ?? 0
        let listening = try ListeningAgent()

        let reply = try listening.send(["3|on+5|255|door|front door|"], until: #"^3\|off\|"#, seconds: 90)
        let rows = try database.connection.query(
            "SELECT Id, Cause, Notes, EndDateTime FROM Events WHERE MonitorId = 3 AND Id > ? AND Cause = 'door' ORDER BY Id", [.text("\(before)")])
        let row = try #require(rows.first, "no event with cause 'door' on monitor 3 after event \(before)")
        let eventID = try #require(row[0])
        #expect(row[2]?.contains("front door") == true, "Notes: \(row[2] ?? "NULL")")

        // zmtrigger.pl's notices: "<id>|on|<time>|<event>" when the alarm starts, "<id>|off|<time>|<event>" when it ends.
        let on = try #require(reply.notices.first { $0.hasPrefix("3|on|") }, "notices: \(reply.notices)")
        let off = try #require(reply.notices.first { $0.hasPrefix("3|off|") }, "notices: \(reply.notices)")
        #expect(on.split(separator: "|").last.map(String.init) == eventID)
        #expect(off.split(separator: "|").last.map(String.init) == eventID)
        #expect(reply.closed == false)

        let ended = try Peer.waitUntil(timeout: 60, every: 0.5) {
            try database.connection.query("SELECT EndDateTime FROM Events WHERE Id = ?", [.text(eventID)]).first?[0] != nil
        }
        #expect(ended, "event \(eventID) still has no EndDateTime")
        let logs = try listening.awaitLogs(["Trigger 'on' 'door'", "Found action '3|cancel'", "Cancelled event"])
        #expect(logs.contains("Trigger 'on' 'door'"), "logs: \(logs)")
        #expect(logs.contains("Found action '3|cancel'"))
        #expect(logs.contains("Cancelled event"))
    }

    @Test("bad lines are logged as zmtrigger.pl logs them and write nothing; an over-long line is dropped and the connection still works; show sets the showtext")
    func badLines() throws {
        try Peer.require()
        let listening = try ListeningAgent()
        let long = "3|on|5|" + String(repeating: "x", count: 3000)
        let reply = try listening.send(["99|on|5|x", "abc|on|5|x", "3|on|0|nothing", "3|dance|1", long, "3|show||||panel 42"], seconds: 1)
        #expect(reply.closed == false)
        let logs = try listening.awaitLogs([
            "Can't find monitor '99' for message '99|on|5|x'", "Can't find monitor 'abc' for message 'abc|on|5|x'",
            "Triggering on with invalid score will have no result.", "Unrecognised action 'dance' in message '3|dance|1'",
            "zmtrigger: a line from 127.0.0.1:", "Updated show text to 'panel 42'",
        ])
        #expect(logs.contains("Can't find monitor '99' for message '99|on|5|x'"), "logs: \(logs)")
        #expect(logs.contains("Can't find monitor 'abc' for message 'abc|on|5|x'"))
        #expect(logs.contains("Triggering on with invalid score will have no result."))
        #expect(logs.contains("Unrecognised action 'dance' in message '3|dance|1'"))
        #expect(logs.contains { $0.contains("is longer than 1024 bytes") })
        #expect(logs.contains("Updated show text to 'panel 42'"))
        #expect(!logs.contains { $0.hasPrefix("Trigger 'on'") }, "nothing was triggered: \(logs)")
        let dump = try Peer.run("/usr/bin/env", ["python3", Peer.shmDump, "3"]).stdout
        #expect(dump.contains("trigger_data.trigger_showtext = 'panel 42'"))
        // Other suites (MQTT, the status page) force alarms on monitor 3 in parallel: what this test must not have
        // written is a trigger with one of its bad lines' causes.
        for cause in ["x", "nothing", String(repeating: "x", count: 3000)] {
            #expect(!dump.contains("trigger_data.trigger_cause = '\(cause)'"), "a refused line was written: \(dump)")
        }
        _ = try listening.send(["3|show"], seconds: 0.5)
        #expect(try Peer.waitUntil(timeout: 10) {
            try Peer.run("/usr/bin/env", ["python3", Peer.shmDump, "3"]).stdout.contains("trigger_data.trigger_showtext = ''")
        })
    }

    @Test("on holds the alarm; off ends the event now and, once the alarm is over, cancels (trigger_state back to CANCEL), as zmtrigger.pl does")
    func onThenOff() throws {
        try Peer.require()
        let listening = try ListeningAgent()
        let on = try listening.send(["3|on|10|manual|held"], until: #"^3\|on\|"#, seconds: 60)
        let notice = try #require(on.notices.first { $0.hasPrefix("3|on|") }, "notices: \(on.notices)")
        let eventID = try #require(notice.split(separator: "|").last.map(String.init))
        let off = try listening.send(["3|off"], until: #"^3\|off\|"#, seconds: 60)
        #expect(off.notices.contains { $0.hasPrefix("3|off|") && $0.hasSuffix("|\(eventID)") }, "notices: \(off.notices)")
        #expect(try Peer.waitUntil(timeout: 30) {
            try Peer.run("/usr/bin/env", ["python3", Peer.shmDump, "3"]).stdout.contains("trigger_data.trigger_state = 0 (CANCEL)")
        }, "the cancel after off")
        let row = try Peer.database().connection.query("SELECT Cause, EndDateTime FROM Events WHERE Id = ?", [.text(eventID)]).first
        #expect(row?[0] == "manual")
        #expect(try Peer.waitUntil(timeout: 30) {
            try Peer.database().connection.query("SELECT EndDateTime FROM Events WHERE Id = ?", [.text(eventID)]).first?[0] != nil
        })
        let logs = try listening.awaitLogs(["Trigger 'on' 'manual'", "Trigger 'off'"])
        #expect(logs.contains("Trigger 'off'"), "logs: \(logs)")
    }

    @Test("disable+1 requests ZoneMinder's suspend, and a second later the timed enable its resume (Nodect: no detection to suspend)")
    func timedDisable() throws {
        try Peer.require()
        let listening = try ListeningAgent()
        _ = try listening.send(["3|disable+1"], seconds: 0.5)
        let logs = try listening.awaitLogs(["Set monitor to disable", "Found action '3|enable'", "Set monitor to enable"])
        #expect(logs.contains("Set monitor to disable"), "logs: \(logs)")
        #expect(logs.contains("Found action '3|enable'"))
        #expect(logs.contains("Set monitor to enable"))
        #expect(logs.contains { $0.hasPrefix("action requested") && $0.contains("action=suspend") })
        #expect(logs.contains { $0.hasPrefix("action requested") && $0.contains("action=resume") })
    }

    @Test("connections beyond max_connections are closed at once; a silent client is dropped after idle_seconds")
    func boundedConnections() throws {
        try Peer.require()
        let listening = try ListeningAgent(extra: "max_connections = 4\nidle_seconds = 2")
        let output = try Peer.run("/usr/bin/env", ["python3", Peer.packageRoot + "/Tests/python/zmtrigger_client.py", "flood",
                                                   "--port", "\(listening.port)", "--connections", "12", "--seconds", "1"])
        let flood = BusClient.object(output.stdout) ?? [:]
        #expect(flood["closed_by_server"] as? Int == 8, "\(output.stdout)\(output.stderr)")
        let idle = try listening.send([], seconds: 30)
        #expect(idle.closed, "a silent connection is closed after idle_seconds")
        let logs = try listening.awaitLogs(["zmtrigger: refused a connection from 127.0.0.1"])
        #expect(logs.contains { $0.hasPrefix("zmtrigger: refused a connection from 127.0.0.1") })
        #expect(try BusClient.request(listening.agent.control, ["PING"]).first == "OK", "the agent still answers")
    }
}
}

/// A loopback port nobody listens on now (bound to port 0, read back, closed).
func freeLoopbackPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr = in_addr(s_addr: UInt32(0x7f00_0001).bigEndian)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
    }
    guard bound else { throw Peer.PeerMissing() }
    return Int(UInt16(bigEndian: address.sin_port))
}
