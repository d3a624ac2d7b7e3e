import Foundation
import Testing
import ZMConfig

/// The MQTT bridge (`[mqtt]`) against a real Mosquitto broker started here, checked by an independent paho-mqtt client.
extension PeerMonitorThree {
@Suite("MQTT bridge against a real Mosquitto broker", .serialized)
struct MQTTBridgeTests {
    static func toml(port: Int, node: String, _ extra: String = "") -> String {
        "[mqtt]\nurl = \"mqtt://127.0.0.1:\(port)\"\nnode = \"\(node)\"\n\(extra)"
    }

    /// Waits until the broker holds `topics` retained under `lookout/<node>/`; returns what it holds.
    static func awaitRetained(_ broker: MosquittoBroker, node: String, _ topics: [String], patterns: [String]? = nil) throws -> [String: String] {
        var held: [String: String] = [:]
        _ = try Peer.waitUntil(timeout: 30, every: 0.2) {
            held = try MQTTClient.retained(port: broker.port, patterns ?? ["lookout/\(node)/#"])
            return topics.allSatisfy { held["lookout/\(node)/\($0)"] != nil }
        }
        return held
    }

    static let demoTopics = ["availability", "agent/info"]
        + (1...3).flatMap { id in ["state", "trigger", "liveness", "fps"].map { "monitor/\(id)/\($0)" } }

    @Test("a subscriber that comes late finds availability, agent info and every monitor's state retained, bodies as on the bus")
    func lateSubscriberFindsRetainedState() throws {
        let broker = try MosquittoBroker()
        let agent = try AgentProcess(toml: Self.toml(port: broker.port, node: "late"))
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        let held = try Self.awaitRetained(broker, node: "late", Self.demoTopics)
        for topic in Self.demoTopics { #expect(held["lookout/late/\(topic)"] != nil, "missing \(topic)") }
        #expect(held["lookout/late/availability"] == "online")
        #expect(held.keys.allSatisfy { !$0.hasSuffix("/event") }, "events are not retained")
        let snapshot = BusClient.object(try BusClient.request(agent.control, ["SNAPSHOT", "agent.info"]).last ?? "") ?? [:]
        let info = (snapshot["items"] as? [[String: Any]])?.first?["body"] as? [String: Any]
        let mqttInfo = BusClient.object(held["lookout/late/agent/info"] ?? "") ?? [:]
        #expect(mqttInfo["epoch"] as? String == info?["epoch"] as? String && info != nil, "agent/info is the bus's agent.info body")
        let mqtt = agent.mqttHealth()
        #expect(mqtt["connected"] as? Bool == true)
        #expect(mqtt["node"] as? String == "late")
        #expect(agent.terminate() == 0)
        let after = try MQTTClient.retained(port: broker.port, ["lookout/late/availability"])
        #expect(after["lookout/late/availability"] == "offline", "a stopping agent says offline itself")
    }

    @Test("an alarm forced on the real ZoneMinder peer from MQTT (trigger/set) opens an event in ZoneMinder that arrives as an MQTT event; the result is OK")
    func peerAlarmArrivesAsEvent() throws {
        try Peer.require()
        let broker = try MosquittoBroker()
        let agent = try AgentProcess(
            toml: "[control]\nallow_commands = true\n" + Self.toml(port: broker.port, node: "peer", "allow_commands = true\n"),
            arguments: ["--map-dir", Peer.mapDirectory])
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        _ = try Self.awaitRetained(broker, node: "peer", ["availability", "monitor/3/state"])
        // The peer is shared (LivePeerTests force monitor 3 too): start from a monitor without an open event, or our
        // trigger would extend someone else's event instead of opening one.
        let idle = try MQTTClient.watch(
            port: broker.port, ["lookout/peer/monitor/3/state"], until: [#"lookout/peer/monitor/3/state="event_id":null"#], timeout: 90)
        #expect(idle.completed, "monitor 3 stayed in an event: \(idle.messages.last?.payload ?? "")")
        let cause = "mqtt-\(UInt32.random(in: 1000...9999))"
        let watched = try MQTTClient.watch(
            port: broker.port, ["lookout/peer/monitor/3/#"],
            until: [#"lookout/peer/monitor/3/event="type":"start""#, "lookout/peer/monitor/3/trigger/result=\"OK\""],
            publish: ("lookout/peer/monitor/3/trigger/set", #"{"state":"on","score":66,"cause":"\#(cause)","text":"from MQTT"}"#),
            skipRetained: true, timeout: 60)
        _ = try MQTTClient.watch(
            port: broker.port, ["lookout/peer/monitor/3/trigger/result"], until: ["lookout/peer/monitor/3/trigger/result=cancel"],
            publish: ("lookout/peer/monitor/3/trigger/set", #"{"state":"cancel"}"#), skipRetained: true, timeout: 30)
        #expect(watched.completed, "no event start: \(watched.messages.map(\.topic))")
        let start = try #require(watched.messages.first { $0.topic == "lookout/peer/monitor/3/event" && $0.json["type"] as? String == "start" })
        #expect(start.json["name"] as? String == "peer-nodect")
        #expect(!start.retain, "events are not retained")
        let eventID = try #require(start.json["event_id"] as? Int)
        let row = try #require(try Peer.database().eventRow(id: UInt64(eventID)), "event \(eventID) is not in Events")
        #expect(row.monitorId == 3)
        // Ours unless another client forced monitor 3 in the same moment.
        if start.payload.contains(cause) {
            #expect(start.json["score"] as? Int == 66)
            #expect(row.cause.contains(cause))
        }
        #expect(agent.terminate() == 0)
    }

    @Test("kill -9 of the agent turns availability offline (the broker's last will); a frozen agent turns offline within the keepalive")
    func deadAgentTurnsOffline() throws {
        let broker = try MosquittoBroker()
        for (node, freeze) in [("killed", false), ("frozen", true)] {
            let agent = try AgentProcess(toml: Self.toml(port: broker.port, node: node, "keepalive = 5\n"))
            defer { agent.directory.cleanup() }
            _ = try agent.waitReady()
            _ = try Self.awaitRetained(broker, node: node, ["availability"])
            #expect(try MQTTClient.retained(port: broker.port, ["lookout/\(node)/availability"]).values.first == "online")
            if freeze { kill(agent.process.processIdentifier, SIGSTOP) } else { agent.kill9() }
            // The broker declares a silent client gone after 1.5 × keepalive (7.5 s); the watch gives it twice that.
            let watched = try MQTTClient.watch(
                port: broker.port, ["lookout/\(node)/availability"], until: ["lookout/\(node)/availability=offline"], timeout: 15)
            #expect(watched.completed, "\(node): still \(watched.messages.map(\.payload))")
            if freeze {
                kill(agent.process.processIdentifier, SIGCONT)
                _ = agent.terminate()
            }
            let late = try MQTTClient.retained(port: broker.port, ["lookout/\(node)/availability"])
            #expect(late["lookout/\(node)/availability"] == "offline", "\(node): a dashboard that subscribes later sees it too")
        }
    }

    @Test("the broker restarted without persistence: the bridge reconnects and the retained state is complete again, with a change made meanwhile")
    func brokerRestartHeals() throws {
        let broker = try MosquittoBroker()
        let agent = try AgentProcess(toml: "[control]\nallow_commands = true\n" + Self.toml(port: broker.port, node: "heal", "keepalive = 5\n"))
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        _ = try Self.awaitRetained(broker, node: "heal", Self.demoTopics)
        broker.stop()
        #expect(Peer.waitUntil(timeout: 20, every: 0.1) { agent.mqttHealth()["connected"] as? Bool == false })
        // While the broker is away: force monitor 2 on through the control socket.
        let reply = try BusClient.request(agent.control, ["TRIGGER", "2", "on", #"{"cause":"while away"}"#])
        #expect(reply.first == "OK", "\(reply)")
        try broker.start()
        #expect(Peer.waitUntil(timeout: 30, every: 0.2) { (agent.mqttHealth()["connects"] as? Int ?? 0) >= 2 }, "no reconnect")
        let held = try Self.awaitRetained(broker, node: "heal", Self.demoTopics)
        for topic in Self.demoTopics { #expect(held["lookout/heal/\(topic)"] != nil, "missing \(topic) after the restart") }
        let trigger = BusClient.object(held["lookout/heal/monitor/2/trigger"] ?? "") ?? [:]
        #expect(trigger["state"] as? String == "ON", "the change made while the broker was away is there")
        #expect(held["lookout/heal/availability"] == "online")
        let mqtt = agent.mqttHealth()
        #expect((mqtt["disconnects"] as? Int ?? 0) >= 1)
        _ = try BusClient.request(agent.control, ["TRIGGER", "2", "cancel"])
        #expect(agent.terminate() == 0)
    }

    @Test("a broker that accepts and never answers does not slow the poll loop; events queue to the byte bound and drops are counted in HEALTH")
    func silentBrokerDoesNotSlowPolls() throws {
        let listener = SilentBroker()
        let agent = try AgentProcess(toml: "[control]\nallow_commands = true\n"
            + Self.toml(port: listener.port, node: "silent", "keepalive = 5\nqueue_bytes = 4096\n"))
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        let first = agent.health()
        // Alarms on and off make event messages that can only pile up: 4 KiB holds a dozen or so.
        var dropped = 0
        _ = try Peer.waitUntil(timeout: 60, every: 0.05) {
            for command in ["on", "cancel"] {
                _ = try BusClient.request(agent.control, ["TRIGGER", "1", command])
                _ = Peer.waitUntil(timeout: 5, every: 0.05) {
                    let state = agent.health()["monitors"] as? [[String: Any]] ?? []
                    let want = command == "on" ? "ALARM" : "IDLE"
                    return state.first { $0["monitor_id"] as? Int == 1 }?["state"] as? String == want
                }
            }
            dropped = agent.mqttHealth()["dropped"] as? Int ?? 0
            return dropped > 0
        }
        let last = agent.health()
        let mqtt = last["mqtt"] as? [String: Any] ?? [:]
        #expect(dropped > 0, "the queue's byte bound was never reached: \(mqtt)")
        #expect(mqtt["connected"] as? Bool == false)
        #expect((mqtt["queued_bytes"] as? Int ?? .max) <= 4096)
        // Polls kept their pace: at 10 Hz, at least 80 % of the polls the agent's own uptime allows.
        let polls = (last["polls"] as? Int ?? 0) - (first["polls"] as? Int ?? 0)
        let seconds = ((last["uptime"] as? Double ?? 0) - (first["uptime"] as? Double ?? 0))
        #expect(Double(polls) >= 0.8 * 10 * seconds, "\(polls) polls in \(seconds) s")
        #expect(last["poll_late"] as? Bool == false)
        #expect(agent.terminate() == 0)
        withExtendedLifetime(listener) {}
    }

    @Test("a stopped broker (SIGSTOP) does not slow the poll loop; events made meanwhile wait and arrive after SIGCONT")
    func stoppedBrokerThenResumed() throws {
        let broker = try MosquittoBroker()
        let agent = try AgentProcess(toml: "[control]\nallow_commands = true\n" + Self.toml(port: broker.port, node: "paused", "keepalive = 5\n"))
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        _ = try Self.awaitRetained(broker, node: "paused", Self.demoTopics)
        let first = agent.health()
        broker.signal(SIGSTOP)
        // Each round trip waits for the agent's own poll to see the alarm start and end: events exist on the bus.
        for command in ["on", "cancel", "on", "cancel"] {
            _ = try BusClient.request(agent.control, ["TRIGGER", "1", command])
            let want = command == "on" ? "ALARM" : "IDLE"
            _ = Peer.waitUntil(timeout: 10, every: 0.05) {
                (agent.health()["monitors"] as? [[String: Any]] ?? []).first { $0["monitor_id"] as? Int == 1 }?["state"] as? String == want
            }
        }
        #expect(Peer.waitUntil(timeout: 30, every: 0.2) { agent.mqttHealth()["connected"] as? Bool == false }, "keepalive noticed the silence")
        let stopped = agent.health()
        let waiting = (stopped["mqtt"] as? [String: Any])?["queued_events"] as? Int ?? 0
        #expect(waiting >= 2, "the events wait: \(stopped["mqtt"] ?? "")")
        let polls = (stopped["polls"] as? Int ?? 0) - (first["polls"] as? Int ?? 0)
        let seconds = (stopped["uptime"] as? Double ?? 0) - (first["uptime"] as? Double ?? 0)
        #expect(Double(polls) >= 0.8 * 10 * seconds, "\(polls) polls in \(seconds) s")
        broker.signal(SIGCONT)
        #expect(Peer.waitUntil(timeout: 60, every: 0.2) {
            let mqtt = agent.mqttHealth()
            return mqtt["connected"] as? Bool == true && mqtt["queued_events"] as? Int == 0
        }, "reconnected and the queue drained: \(agent.mqttHealth())")
        #expect(agent.mqttHealth()["dropped"] as? Int == 0)
        #expect(agent.terminate() == 0)
    }

    @Test("three agents (demo sources, private runtime directories) share one broker under three node names")
    func threeAgentsOneBroker() throws {
        let broker = try MosquittoBroker()
        let nodes = ["nvr-a", "nvr-b", "nvr-c"]
        let agents = try nodes.map { try AgentProcess(toml: Self.toml(port: broker.port, node: $0)) }
        defer { for agent in agents { agent.directory.cleanup() } }
        var epochs: [String] = []
        for agent in agents { epochs.append(try agent.waitReady()) }
        var held: [String: String] = [:]
        _ = try Peer.waitUntil(timeout: 30, every: 0.2) {
            held = try MQTTClient.retained(port: broker.port, ["lookout/+/availability", "lookout/+/agent/info", "lookout/+/monitor/+/state"])
            return held.count >= nodes.count * 5
        }
        for (node, epoch) in zip(nodes, epochs) {
            #expect(held["lookout/\(node)/availability"] == "online")
            #expect(BusClient.object(held["lookout/\(node)/agent/info"] ?? "")?["epoch"] as? String == epoch, "\(node)'s own agent")
            for id in 1...3 { #expect(held["lookout/\(node)/monitor/\(id)/state"] != nil, "\(node) monitor \(id)") }
        }
        for agent in agents { #expect(agent.terminate() == 0) }
        let after = try MQTTClient.retained(port: broker.port, ["lookout/+/availability"])
        #expect(after.count == 3 && after.values.allSatisfy { $0 == "offline" }, "\(after)")
    }
}
}
