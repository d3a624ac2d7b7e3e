/// Bus topics to MQTT topics: `zm.monitor.<id>.<kind>` → `monitor/<id>/<kind>`, `ts.channel.<n>.<kind>` →
/// `channel/<n>/<kind>`, `agent.info` → `agent/info`, all under `lookout/<node>/`. Other bus topics (the heartbeat)
/// stay on the bus: a broker keeps every message it relays, and a beat a second per box is noise there.
public enum MQTTTopicMap {
    public struct Mapped: Sendable, Equatable {
        /// Below `lookout/<node>/`.
        public let path: String
        /// Retained on the broker (the bus's retained topics); events are not.
        public let retained: Bool
    }

    private static let prefixes: [(bus: String, mqtt: String)] = [("zm.monitor.", "monitor/"), ("ts.channel.", "channel/")]

    public static func map(_ busTopic: String) -> Mapped? {
        if busTopic == "agent.info" { return Mapped(path: "agent/info", retained: true) }
        for (bus, mqtt) in prefixes where busTopic.hasPrefix(bus) {
            let rest = busTopic.dropFirst(bus.count).split(separator: ".", omittingEmptySubsequences: false)
            guard rest.count == 2, isLevel(rest[0]), isLevel(rest[1]) else { return nil }
            return Mapped(path: "\(mqtt)\(rest[0])/\(rest[1])", retained: rest[1] != "event")
        }
        return nil
    }

    /// A topic level that cannot be a wildcard or split a level: letters, digits, `_`, `-`.
    private static func isLevel(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
