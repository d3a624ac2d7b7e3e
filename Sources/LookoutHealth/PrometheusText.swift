import LookoutJSON

/// HEALTH (the agent's control reply) as the Prometheus text exposition format, version 0.0.4: `# HELP`, `# TYPE`,
/// then samples; base units (seconds), counters ending in `_total`, labels `monitor` and `name` per monitor.
/// Levels are numbers: 0 ok, 1 warning, 2 critical, 3 unknown (the plugin's exit codes).
public enum PrometheusText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// - Parameter health: HEALTH's body, or nil when no agent answered: then only `lookout_up 0` and the build.
    public static func render(health: JSONValue?, version: String) -> String {
        var out = Writer()
        out.family("lookout_build_info", "gauge", "The build of the process serving these metrics.")
        out.sample("lookout_build_info", ["version": version], 1)
        out.family("lookout_up", "gauge", "1 when the agent answered HEALTH on its control socket, else 0.")
        out.sample("lookout_up", [:], health == nil ? 0 : 1)
        guard let health else { return out.text }

        out.family("lookout_agent_info", "gauge", "The running agent: epoch (changes at each start) and ZoneMinder version.")
        out.sample("lookout_agent_info", ["epoch": health["epoch"]?.stringValue ?? "", "zm_version": health["zm_version"]?.stringValue ?? ""], 1)
        out.family("lookout_health_status", "gauge", "The overall verdict: 0 ok, 1 warning, 2 critical, 3 unknown.")
        out.sample("lookout_health_status", [:], level(health["verdict"]))
        out.family("lookout_check_status", "gauge", "Each agent check's verdict: 0 ok, 1 warning, 2 critical, 3 unknown.")
        for check in health["agent"]?.arrayValue ?? [] {
            out.sample("lookout_check_status", ["check": check["check"]?.stringValue ?? ""], level(check))
        }
        let scalars: [(String, String, String, String)] = [
            ("lookout_agent_uptime_seconds", "gauge", "uptime", "Seconds since the agent started."),
            ("lookout_polls_total", "counter", "polls", "Polls of every monitor since the agent started."),
            ("lookout_poll_overruns_total", "counter", "overruns", "Poll ticks that started more than one interval late."),
            ("lookout_last_poll_age_seconds", "gauge", "last_poll_age", "Seconds since the last poll began."),
            ("lookout_bus_published_messages_total", "counter", "published", "Messages published on the bus."),
            ("lookout_bus_dropped_messages_total", "counter", "send_failures", "Messages libzmq refused to queue (dropped by the agent)."),
            ("lookout_bus_subscriptions", "gauge", "subscriptions", "Subscriptions the publisher has seen."),
            ("lookout_control_requests_total", "counter", "control_requests", "Control requests answered."),
            ("lookout_control_rejected_total", "counter", "control_rejected", "Control requests answered with ERR."),
            ("lookout_zm_max_delay_seconds", "gauge", "max_delay", "Staleness limit of the verdicts (ZM_WATCH_MAX_DELAY)."),
        ]
        for (name, type, key, help) in scalars {
            guard let value = health[key]?.number else { continue }
            out.family(name, type, help)
            out.sample(name, [:], value)
        }
        if let microseconds = health["last_poll_us"]?.number {
            out.family("lookout_last_poll_duration_seconds", "gauge", "How long the last poll of every monitor took.")
            out.sample("lookout_last_poll_duration_seconds", [:], microseconds / 1_000_000)
        }
        if let histogram = health["poll_duration"], let count = histogram["count"]?.number {
            let bounds = histogram["le"]?.arrayValue ?? []
            let counts = histogram["counts"]?.arrayValue ?? []
            out.family("lookout_poll_duration_seconds", "histogram", "How long each poll of every monitor took.")
            for (bound, cumulative) in zip(bounds, counts) {
                guard let bound = bound.number, let cumulative = cumulative.number else { continue }
                out.sample("lookout_poll_duration_seconds_bucket", ["le": out.format(bound)], cumulative)
            }
            out.sample("lookout_poll_duration_seconds_bucket", ["le": "+Inf"], count)
            out.sample("lookout_poll_duration_seconds_sum", [:], histogram["sum"]?.number ?? 0)
            out.sample("lookout_poll_duration_seconds_count", [:], count)
        }
        if let database = health["log"]?["database"] {
            out.family("lookout_log_database_connected", "gauge", "1 when the agent's log writer is connected to ZoneMinder's database.")
            out.sample("lookout_log_database_connected", [:], database["connected"]?.boolNumber ?? 0)
            out.family("lookout_log_spool_rows", "gauge", "Log rows waiting in the spool for the database.")
            out.sample("lookout_log_spool_rows", [:], database["spooled"]?.number ?? 0)
            out.family("lookout_log_rows_inserted_total", "counter", "Log rows written to the Logs table.")
            out.sample("lookout_log_rows_inserted_total", [:], database["inserted"]?.number ?? 0)
            out.family("lookout_log_rows_dropped_total", "counter", "Log rows dropped because the spool was full.")
            out.sample("lookout_log_rows_dropped_total", [:], database["dropped"]?.number ?? 0)
        }
        // The MQTT bridge (docs/mqtt.md), when it is on.
        if let mqtt = health["mqtt"], let connected = mqtt["connected"]?.boolNumber {
            out.family("lookout_mqtt_connected", "gauge", "1 when the MQTT bridge is connected to its broker.")
            out.sample("lookout_mqtt_connected", [:], connected)
            for (name, type, key, help) in [
                ("lookout_mqtt_published_total", "counter", "published", "Messages the MQTT broker acknowledged."),
                ("lookout_mqtt_dropped_total", "counter", "dropped", "Events dropped because the MQTT queue was full."),
                ("lookout_mqtt_disconnects_total", "counter", "disconnects", "MQTT connections lost, refused or failed."),
                ("lookout_mqtt_queued_bytes", "gauge", "queued_bytes", "Bytes of events waiting for the MQTT broker."),
            ] {
                out.family(name, type, help)
                out.sample(name, [:], mqtt[key]?.number ?? 0)
            }
        }

        let monitors = health["monitors"]?.arrayValue ?? []
        func labels(_ monitor: JSONValue) -> [String: String] {
            ["monitor": monitor["monitor_id"]?.number.map { String(Int($0)) } ?? "", "name": monitor["name"]?.stringValue ?? ""]
        }
        out.family("lookout_monitor_state", "gauge", "1 for the state the monitor is in (IDLE, PREALARM, ALARM, ALERT, TAPE), 0 for the others; all 0 while its segment is unreadable.")
        for monitor in monitors {
            let current = monitor["state"]?.stringValue
            for state in ["IDLE", "PREALARM", "ALARM", "ALERT", "TAPE"] {
                out.sample("lookout_monitor_state", labels(monitor).merging(["state": state]) { $1 }, current == state ? 1 : 0)
            }
        }
        out.family("lookout_monitor_status", "gauge", "The monitor's verdict: 0 ok, 1 warning, 2 critical, 3 unknown.")
        for monitor in monitors { out.sample("lookout_monitor_status", labels(monitor), level(monitor["verdict"])) }
        out.family("lookout_monitor_available", "gauge", "1 when the monitor's segment was read at the last poll.")
        for monitor in monitors { out.sample("lookout_monitor_available", labels(monitor), monitor["available"]?.boolNumber ?? 0) }
        let perMonitor: [(String, String, String, String)] = [
            ("lookout_monitor_capture_fps", "gauge", "capture_fps", "Frames per second zmc captures."),
            ("lookout_monitor_heartbeat_age_seconds", "gauge", "heartbeat_age", "Seconds since zmc's heartbeat (keeps growing while the segment is gone)."),
            ("lookout_monitor_last_write_age_seconds", "gauge", "last_write_age", "Seconds since zmc wrote the last image."),
            ("lookout_monitor_signal", "gauge", "signal", "1 when zmc has a signal from the camera."),
            ("lookout_monitor_segment_reopens_total", "counter", "reopen_count", "Times the segment was re-created or re-initialised (zmc restarts)."),
            ("lookout_events_total", "counter", "events_started", "Events the agent saw start on this monitor since it started."),
        ]
        for (name, type, key, help) in perMonitor {
            let present = monitors.filter { $0[key]?.number != nil || $0[key]?.boolNumber != nil }
            guard !present.isEmpty else { continue }
            out.family(name, type, help)
            for monitor in present {
                out.sample(name, labels(monitor), monitor[key]?.number ?? monitor[key]?.boolNumber ?? 0)
            }
        }
        return out.text
    }

    static func level(_ verdict: JSONValue?) -> Double {
        guard let text = verdict?["level"]?.stringValue, let level = HealthLevel(rawValue: text) else { return 3 }
        return Double(level.exitCode)
    }

    struct Writer {
        var text = ""

        mutating func family(_ name: String, _ type: String, _ help: String) {
            text += "# HELP \(name) \(escapeHelp(help))\n# TYPE \(name) \(type)\n"
        }

        mutating func sample(_ name: String, _ labels: [String: String], _ value: Double) {
            text += name
            if !labels.isEmpty {
                text += "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(escapeLabel($0.value))\"" }.joined(separator: ",") + "}"
            }
            text += " " + format(value) + "\n"
        }

        func escapeHelp(_ text: String) -> String {
            text.replacingAll("\\", "\\\\").replacingAll("\n", "\\n")
        }

        func escapeLabel(_ text: String) -> String {
            text.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n")
        }

        func format(_ value: Double) -> String {
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return String(value)
        }
    }
}

extension JSONValue {
    var number: Double? {
        switch self {
        case let .double(value): value
        case let .int(value): Double(value)
        case let .uint(value): Double(value)
        default: nil
        }
    }

    var boolNumber: Double? {
        if case let .bool(value) = self { return value ? 1 : 0 }
        return nil
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var result = ""
        result.reserveCapacity(count)
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
