import LookoutJSON

/// Home Assistant's MQTT discovery (`<prefix>/<component>/<node_id>/<object_id>/config`, retained): each monitor is a
/// device with an alarm binary sensor, a state sensor, a capture-fps sensor and, when commands are allowed, a
/// force-alarm switch. Every entity shares the bridge's availability topic, so a dead box greys them all out.
public enum HomeAssistantDiscovery {
    public struct Config: Sendable, Equatable {
        public let topic: String
        public let payload: String
    }

    /// The configs of one monitor. `name`: ZoneMinder's monitor name, when the agent knows it.
    public static func configs(monitorID: String, name: String?, settings: MQTTSettings) -> [Config] {
        let base = "\(settings.topicPrefix)/monitor/\(monitorID)"
        let deviceID = "lookout_\(settings.node)_monitor_\(monitorID)"
        let device: JSONValue = .object([
            ("identifiers", .array([.string(deviceID)])),
            ("name", .string("\(name ?? "Monitor \(monitorID)") (\(settings.node))")),
            ("manufacturer", .string("Lookout")), ("model", .string("ZoneMinder monitor \(monitorID)")),
            ("sw_version", .string(settings.version)),
        ])
        func config(_ component: String, _ object: String, _ members: [(String, JSONValue)]) -> Config {
            let uniqueID = "\(deviceID)_\(object)"
            let payload: JSONValue = .object(members + [
                ("unique_id", .string(uniqueID)),
                ("availability_topic", .string(settings.availabilityTopic)),
                ("payload_available", .string("online")), ("payload_not_available", .string("offline")),
                ("device", device), ("origin", .object([("name", .string("Lookout")), ("sw_version", .string(settings.version))])),
            ])
            return Config(
                topic: "\(settings.discoveryPrefix)/\(component)/lookout_\(settings.node)/monitor_\(monitorID)_\(object)/config",
                payload: payload.rendered())
        }
        var configs = [
            config("binary_sensor", "alarm", [
                ("name", .string("Alarm")), ("device_class", .string("motion")), ("state_topic", .string("\(base)/state")),
                ("value_template", .string("{{ 'ON' if value_json.state in ['ALARM', 'ALERT'] else 'OFF' }}")),
                ("payload_on", .string("ON")), ("payload_off", .string("OFF")),
            ]),
            config("sensor", "state", [
                ("name", .string("State")), ("state_topic", .string("\(base)/state")),
                ("value_template", .string("{{ value_json.state }}")),
            ]),
            config("sensor", "capture_fps", [
                ("name", .string("Capture fps")), ("state_topic", .string("\(base)/fps")),
                ("value_template", .string("{{ value_json.capture_fps }}")), ("unit_of_measurement", .string("fps")),
                ("state_class", .string("measurement")),
            ]),
        ]
        if settings.allowCommands {
            configs.append(config("switch", "force_alarm", [
                ("name", .string("Force alarm")), ("icon", .string("mdi:alarm-light")),
                ("command_topic", .string("\(base)/trigger/set")),
                ("payload_on", .string(#"{"state":"on","cause":"Home Assistant"}"#)),
                ("payload_off", .string(#"{"state":"cancel"}"#)),
                ("state_topic", .string("\(base)/trigger")),
                ("value_template", .string("{{ 'ON' if value_json.state == 'ON' else 'OFF' }}")),
                ("state_on", .string("ON")), ("state_off", .string("OFF")),
            ]))
        }
        return configs
    }
}
