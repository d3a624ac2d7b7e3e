/// What the bridge needs to know: the broker, who it is there, and the agent's own bus endpoints to follow.
public struct MQTTSettings: Sendable, Equatable {
    public var host = "localhost"
    public var port = 1883
    /// The topic level under `lookout/`: `[A-Za-z0-9_-]`, as Home Assistant wants node ids.
    public var node = "lookout"
    public var username: String?
    public var password: String?
    /// TLS when `tls` is set: the CA file (nil: the system's CA directory), client certificate and key.
    public var tls = false
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?
    /// Seconds; the broker declares the bridge gone (and publishes its will, `offline`) after 1.5 × this.
    public var keepalive = 30
    public var discovery = false
    public var discoveryPrefix = "homeassistant"
    public var allowCommands = false
    /// Bytes of events waiting while the broker is away or slow; past it new events are dropped and counted.
    public var queueBytes = 1 << 20
    /// Bytes of retained payloads kept to re-publish on every (re)connect; topics past it are not kept (counted).
    public var retainedBytes = 16 << 20
    /// The agent's publish and control endpoints (the bridge is a subscriber and a client of its own agent).
    public var busPublish = ""
    public var busControl = ""
    /// For the device block of Home Assistant discovery.
    public var version = ""

    public init() {}

    public var topicPrefix: String { "lookout/\(node)" }
    public var availabilityTopic: String { "\(topicPrefix)/availability" }
    public var clientID: String { "lookout-\(node)" }

    /// A node name Home Assistant and MQTT topics accept: anything else in a host name becomes `-`.
    public static func nodeName(fromHostName name: String) -> String {
        let mapped = String(name.map { isNodeCharacter($0) ? $0 : "-" })
        return mapped.isEmpty ? "lookout" : mapped
    }

    public static func isValidNode(_ node: String) -> Bool { !node.isEmpty && node.utf8.count <= 64 && node.allSatisfy(isNodeCharacter) }

    static func isNodeCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "-")
    }
}
