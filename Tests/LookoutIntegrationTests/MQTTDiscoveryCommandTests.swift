import Foundation
import Testing

/// Home Assistant discovery payloads checked against the documented schema, and commands allowed or refused.
@Suite("MQTT discovery and commands against a real Mosquitto broker", .serialized)
struct MQTTDiscoveryCommandTests {
    /// Home Assistant's MQTT discovery: `<prefix>/<component>/[<node_id>/]<object_id>/config`, ids of
    /// `[a-zA-Z0-9_-]`, retained JSON naming the entity's topics; `unique_id` and `device.identifiers` let it group
    /// and keep them. The keys each component needs (state_topic; command_topic for a switch).
    static func validate(topic: String, payload: String, node: String, retained: [String: String]) -> [String] {
        var problems: [String] = []
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        let idCharacters = { (text: Substring) in !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") } }
        if levels.count != 5 || levels[0] != "homeassistant" || levels[4] != "config" || !idCharacters(levels[2]) || !idCharacters(levels[3]) {
            problems.append("\(topic): not homeassistant/<component>/<node_id>/<object_id>/config")
        }
        let component = levels.count > 1 ? String(levels[1]) : ""
        guard let config = BusClient.object(payload) else { return problems + ["\(topic): not a JSON object"] }
        for key in ["name", "unique_id", "state_topic", "availability_topic", "device"] where config[key] == nil {
            problems.append("\(topic): no \(key)")
        }
        if config["availability_topic"] as? String != "lookout/\(node)/availability" { problems.append("\(topic): availability_topic") }
        if let state = config["state_topic"] as? String, retained[state] == nil { problems.append("\(topic): \(state) is not retained") }
        let device = config["device"] as? [String: Any] ?? [:]
        if (device["identifiers"] as? [String])?.isEmpty != false || device["name"] == nil { problems.append("\(topic): device needs identifiers and name") }
        switch component {
        case "binary_sensor", "sensor": if config["command_topic"] != nil { problems.append("\(topic): a sensor with a command topic") }
        case "switch":
            if (config["command_topic"] as? String)?.hasSuffix("/trigger/set") != true { problems.append("\(topic): switch without command_topic") }
        default: problems.append("\(topic): component \(component)")
        }
        return problems
    }

    @Test("discovery: every demo monitor is a device with alarm, state and capture-fps entities (and a force-alarm switch when commands are allowed), valid against the schema")
    func discoveryPayloadsFollowTheSchema() throws {
        let broker = try MosquittoBroker()
        for allow in [false, true] {
            let node = allow ? "hacmd" : "haview"
            let agent = try AgentProcess(toml: "[control]\nallow_commands = true\n"
                + MQTTBridgeTests.toml(port: broker.port, node: node, "discovery = true\nallow_commands = \(allow)\n"))
            defer { agent.directory.cleanup() }
            _ = try agent.waitReady()
            let perMonitor = allow ? 4 : 3
            var held: [String: String] = [:]
            _ = try Peer.waitUntil(timeout: 30, every: 0.2) {
                held = try MQTTClient.retained(port: broker.port, ["homeassistant/+/lookout_\(node)/+/config", "lookout/\(node)/#"])
                return held.keys.filter { $0.hasPrefix("homeassistant/") }.count >= 3 * perMonitor
                    && (1...3).allSatisfy { held["lookout/\(node)/monitor/\($0)/fps"] != nil }
            }
            let configs = held.filter { $0.key.hasPrefix("homeassistant/") }
            #expect(configs.count == 3 * perMonitor, "\(configs.keys.sorted())")
            for (topic, payload) in configs {
                let problems = Self.validate(topic: topic, payload: payload, node: node, retained: held)
                #expect(problems.isEmpty, "\(problems)")
            }
            let uniqueIDs = configs.values.compactMap { BusClient.object($0)?["unique_id"] as? String }
            #expect(Set(uniqueIDs).count == configs.count, "unique_id is unique")
            #expect(configs.keys.contains { $0.hasPrefix("homeassistant/switch/") } == allow)
            let alarm = BusClient.object(configs["homeassistant/binary_sensor/lookout_\(node)/monitor_1_alarm/config"] ?? "") ?? [:]
            #expect((alarm["device"] as? [String: Any])?["name"] as? String == "Front door (\(node))")
            #expect(agent.terminate() == 0)
        }
    }

    @Test("commands: allowed, trigger/set forces the alarm and answers OK; bad payloads get the control socket's refusal; not allowed, the answer is disabled and nothing changes")
    func commandsAllowedAndRefused() throws {
        let broker = try MosquittoBroker()
        let allowed = try AgentProcess(toml: "[control]\nallow_commands = true\n"
            + MQTTBridgeTests.toml(port: broker.port, node: "cmd", "allow_commands = true\n"))
        defer { allowed.directory.cleanup() }
        _ = try allowed.waitReady()
        _ = try MQTTBridgeTests.awaitRetained(broker, node: "cmd", ["availability", "monitor/1/trigger"])
        let on = try MQTTClient.watch(
            port: broker.port, ["lookout/cmd/monitor/1/#"],
            until: ["lookout/cmd/monitor/1/trigger/result=\"OK\"", "lookout/cmd/monitor/1/trigger=\"ON\""],
            publish: ("lookout/cmd/monitor/1/trigger/set", #"{"state":"on","score":12,"cause":"mqtt test"}"#), skipRetained: true)
        #expect(on.completed, "\(on.messages.map { "\($0.topic) \($0.payload)" })")
        for (payload, expected) in [
            (#"{"state":"on","score":0}"#, "score 0"), ("not json", "not JSON"), (#"{"state":"sideways"}"#, "unknown trigger command"),
            (#"{"state":"on","colour":"red"}"#, "unknown trigger option"),
        ] {
            let refused = try MQTTClient.watch(
                port: broker.port, ["lookout/cmd/monitor/1/trigger/result"], until: ["lookout/cmd/monitor/1/trigger/result=\(expected)"],
                publish: ("lookout/cmd/monitor/1/trigger/set", payload), timeout: 20)
            #expect(refused.completed, "\(payload): \(refused.messages.map(\.payload))")
            #expect(refused.messages.last?.json["status"] as? String == "ERR")
        }
        _ = try MQTTClient.watch(
            port: broker.port, ["lookout/cmd/monitor/1/trigger/result"], until: ["lookout/cmd/monitor/1/trigger/result=\"OK\""],
            publish: ("lookout/cmd/monitor/1/trigger/set", #"{"state":"cancel"}"#), timeout: 20)
        let counted = allowed.mqttHealth()
        #expect((counted["commands"] as? Int ?? 0) >= 2 && (counted["commands_refused"] as? Int ?? 0) >= 4, "\(counted)")
        #expect(allowed.terminate() == 0)

        let refusing = try AgentProcess(toml: "[control]\nallow_commands = true\n" + MQTTBridgeTests.toml(port: broker.port, node: "nocmd"))
        defer { refusing.directory.cleanup() }
        _ = try refusing.waitReady()
        _ = try MQTTBridgeTests.awaitRetained(broker, node: "nocmd", ["availability", "monitor/1/trigger"])
        let disabled = try MQTTClient.watch(
            port: broker.port, ["lookout/nocmd/monitor/1/trigger/result"], until: ["lookout/nocmd/monitor/1/trigger/result=disabled"],
            publish: ("lookout/nocmd/monitor/1/trigger/set", #"{"state":"on"}"#), timeout: 20)
        #expect(disabled.completed, "\(disabled.messages.map(\.payload))")
        let monitors = refusing.health()["monitors"] as? [[String: Any]] ?? []
        #expect(monitors.first { $0["monitor_id"] as? Int == 1 }?["state"] as? String != "ALARM", "no alarm was forced")
        let trigger = BusClient.object(try BusClient.request(refusing.control, ["SNAPSHOT", "zm.monitor.1.trigger"]).last ?? "")
        let state = ((trigger?["items"] as? [[String: Any]])?.first?["body"] as? [String: Any])?["state"] as? String
        #expect(state == "CANCEL", "the trigger was not touched")
        #expect(refusing.terminate() == 0)
    }

    @Test("TLS with a CA file and a user name with a password file: the bridge connects; a wrong password is refused and named in HEALTH")
    func tlsAndPassword() throws {
        let broker = try MosquittoBroker(secure: true)
        let securePort = try #require(broker.securePort)
        let passwordFile = "\(broker.directory.path)/agent.password"
        try "\(broker.password)\n".write(toFile: passwordFile, atomically: true, encoding: .utf8)
        let secure = """
            [mqtt]
            url = "mqtts://127.0.0.1:\(securePort)"
            node = "tls"
            tls_ca = "\(broker.caFile)"
            username = "\(broker.username)"
            password_file = "\(passwordFile)"
            """
        let agent = try AgentProcess(toml: secure)
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        let held = try MQTTBridgeTests.awaitRetained(broker, node: "tls", ["availability", "monitor/1/state"])
        #expect(held["lookout/tls/availability"] == "online")
        #expect(agent.mqttHealth()["broker"] as? String == "mqtts://127.0.0.1:\(securePort)")
        #expect(agent.terminate() == 0)

        let wrong = try AgentProcess(toml: secure.replacingOccurrences(of: "password_file = \"\(passwordFile)\"", with: "password = \"wrong\"")
            .replacingOccurrences(of: "node = \"tls\"", with: "node = \"tlsbad\""))
        defer { wrong.directory.cleanup() }
        _ = try wrong.waitReady()
        var mqtt: [String: Any] = [:]
        let refused = Peer.waitUntil(timeout: 30, every: 0.2) {
            mqtt = wrong.mqttHealth()
            return (mqtt["last_error"] as? String)?.contains("refused") == true
        }
        #expect(refused, "\(mqtt)")
        #expect(mqtt["connected"] as? Bool == false && mqtt["connects"] as? Int == 0)
        #expect(try MQTTClient.retained(port: broker.port, ["lookout/tlsbad/#"]).isEmpty, "nothing published without the right password")
        #expect(wrong.terminate() == 0)
    }
}
