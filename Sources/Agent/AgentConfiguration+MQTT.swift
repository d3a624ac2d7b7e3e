import Glibc
import LookoutMQTT
import LookoutTOML

extension AgentConfiguration {
    /// `[mqtt]` (docs/mqtt.md): the bridge to an MQTT broker, on when `url` or `host` is set (or `--mqtt`).
    ///
    /// | key | type | default |
    /// |---|---|---|
    /// | `mqtt.url` | `mqtt://HOST[:PORT]` or `mqtts://HOST[:PORT]` | "" (off) |
    /// | `mqtt.host`, `mqtt.port` | string, integer 1–65535 | "", 1883 (8883 with TLS) |
    /// | `mqtt.node` | `[A-Za-z0-9_-]`, at most 64 | the host name |
    /// | `mqtt.username`, `mqtt.password`, `mqtt.password_file` | strings | none |
    /// | `mqtt.tls` | bool | false (true for mqtts://) |
    /// | `mqtt.tls_ca`, `mqtt.tls_cert`, `mqtt.tls_key` | paths | system CAs, none, none |
    /// | `mqtt.keepalive` | integer seconds 5–3600 | 30 |
    /// | `mqtt.discovery` | bool | false |
    /// | `mqtt.discovery_prefix` | string | homeassistant |
    /// | `mqtt.allow_commands` | bool | false |
    /// | `mqtt.queue_bytes` | integer 4096–1073741824 | 1048576 |
    public struct MQTT: Sendable, Equatable {
        public var host = ""
        public var port: Int?
        public var node: String?
        public var username: String?
        public var password: String?
        public var passwordFile: String?
        public var tls = false
        public var caFile: String?
        public var certFile: String?
        public var keyFile: String?
        public var keepalive = 30
        public var discovery = false
        public var discoveryPrefix = "homeassistant"
        public var allowCommands = false
        public var queueBytes = 1 << 20

        public init() {}

        public var enabled: Bool { !host.isEmpty }

        /// Applies `mqtt://HOST[:PORT]` / `mqtts://HOST[:PORT]`; the reason when it is not one.
        public mutating func apply(url: String) -> String? {
            let secure: Bool
            let rest: Substring
            if url.hasPrefix("mqtt://") {
                secure = false
                rest = url.dropFirst("mqtt://".count)
            } else if url.hasPrefix("mqtts://") {
                secure = true
                rest = url.dropFirst("mqtts://".count)
            } else {
                return "'\(url)' is not mqtt://HOST[:PORT] or mqtts://HOST[:PORT]"
            }
            var hostPart = rest.hasSuffix("/") ? rest.dropLast() : rest
            var portNumber: Int?
            if let colon = hostPart.lastIndex(of: ":"), !hostPart[colon...].contains("]") {
                guard let number = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(number) else {
                    return "'\(url)' has no port from 1 to 65535 after the last ':'"
                }
                portNumber = number
                hostPart = hostPart[..<colon]
            }
            if hostPart.hasPrefix("["), hostPart.hasSuffix("]") { hostPart = hostPart.dropFirst().dropLast() }
            guard !hostPart.isEmpty, !hostPart.contains("/"), !hostPart.contains("@") else {
                return "'\(url)' has no host (credentials go in username and password_file, not the URL)"
            }
            host = String(hostPart)
            port = portNumber
            if secure { tls = true }
            return nil
        }

        /// What the bridge runs with: the node from the host name when not configured, the password file read.
        func settings(bus: Bus) throws(AgentStartError) -> MQTTSettings {
            var settings = MQTTSettings()
            settings.host = host
            settings.port = port ?? (tls ? 8883 : 1883)
            settings.node = node ?? MQTTSettings.nodeName(fromHostName: Self.hostName())
            settings.username = username
            settings.password = password
            if let passwordFile {
                switch TextFile.read(passwordFile) {
                case let .success(bytes):
                    settings.password = TextFile.withoutTrailingNewlines(bytes)
                case let .failure(error):
                    throw AgentStartError("mqtt.password_file \(passwordFile): \(error)")
                }
            }
            settings.tls = tls
            settings.caFile = caFile
            settings.certFile = certFile
            settings.keyFile = keyFile
            settings.keepalive = keepalive
            settings.discovery = discovery
            settings.discoveryPrefix = discoveryPrefix
            settings.allowCommands = allowCommands
            settings.queueBytes = queueBytes
            settings.busPublish = bus.publish
            settings.busControl = bus.control
            return settings
        }

        static func hostName() -> String {
            var buffer = [CChar](repeating: 0, count: 256)
            guard gethostname(&buffer, buffer.count - 1) == 0 else { return "lookout" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    static func parseMQTT(_ table: TOMLTable, reader: TOMLReader) throws(AgentConfigurationError) -> MQTT {
        try reader.keys(table, in: "mqtt", known: [
            "url", "host", "port", "node", "username", "password", "password_file", "tls", "tls_ca", "tls_cert", "tls_key",
            "keepalive", "discovery", "discovery_prefix", "allow_commands", "queue_bytes",
        ])
        var mqtt = MQTT()
        if let url = try reader.nonEmptyString(table, "mqtt.url"), let problem = mqtt.apply(url: url) {
            throw reader.fail("mqtt.url", problem)
        }
        if let host = try reader.nonEmptyString(table, "mqtt.host") {
            guard mqtt.host.isEmpty else { throw reader.fail("mqtt.host", "set either mqtt.url or mqtt.host, not both") }
            mqtt.host = host
        }
        if let port = try reader.integer(table, "mqtt.port", range: 1...65535) { mqtt.port = port }
        if let node = try reader.string(table, "mqtt.node") {
            guard MQTTSettings.isValidNode(node) else {
                throw reader.fail("mqtt.node", "'\(node)' must be 1–64 letters, digits, _ or - (it is an MQTT topic level and a Home Assistant node id)")
            }
            mqtt.node = node
        }
        mqtt.username = try reader.nonEmptyString(table, "mqtt.username")
        mqtt.password = try reader.string(table, "mqtt.password")
        mqtt.passwordFile = try reader.nonEmptyString(table, "mqtt.password_file")
        if mqtt.password != nil, mqtt.passwordFile != nil {
            throw reader.fail("mqtt.password_file", "set either mqtt.password or mqtt.password_file, not both")
        }
        if let tls = try reader.bool(table, "mqtt.tls") { mqtt.tls = tls || mqtt.tls }
        mqtt.caFile = try reader.nonEmptyString(table, "mqtt.tls_ca")
        mqtt.certFile = try reader.nonEmptyString(table, "mqtt.tls_cert")
        mqtt.keyFile = try reader.nonEmptyString(table, "mqtt.tls_key")
        if (mqtt.certFile == nil) != (mqtt.keyFile == nil) {
            throw reader.fail("mqtt.tls_key", "a client certificate needs both mqtt.tls_cert and mqtt.tls_key")
        }
        if mqtt.caFile != nil || mqtt.certFile != nil { mqtt.tls = true }
        mqtt.keepalive = try reader.integer(table, "mqtt.keepalive", range: 5...3600) ?? 30
        mqtt.discovery = try reader.bool(table, "mqtt.discovery") ?? false
        if let prefix = try reader.nonEmptyString(table, "mqtt.discovery_prefix") {
            guard !prefix.contains("+"), !prefix.contains("#"), !prefix.hasSuffix("/") else {
                throw reader.fail("mqtt.discovery_prefix", "'\(prefix)' must not hold + or # or end in /")
            }
            mqtt.discoveryPrefix = prefix
        }
        mqtt.allowCommands = try reader.bool(table, "mqtt.allow_commands") ?? false
        mqtt.queueBytes = try reader.integer(table, "mqtt.queue_bytes", range: 4096...(1 << 30)) ?? mqtt.queueBytes
        return mqtt
    }
}
