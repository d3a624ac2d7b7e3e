import Glibc
import LookoutTOML

/// The TOML file (`/etc/lookout/lookout.toml`; `etc/lookout.toml` documents every key):
///
/// | key | type | default |
/// |---|---|---|
/// | `agent.poll_hz` | number, 0.1–1000 | 10 |
/// | `agent.heartbeat_seconds` | number > 0 | 1 |
/// | `agent.refresh_seconds` | number > 0 | 10 |
/// | `agent.fps_seconds` | number > 0 | 5 |
/// | `agent.discovery_seconds` | number > 0 | 2 |
/// | `agent.database_refresh_seconds` | number > 0 | 60 |
/// | `agent.forget_missing_seconds` | number > 0 | max(30, ZM_WATCH_MAX_DELAY) |
/// | `agent.release_startup_pages` | bool | true |
/// | `zoneminder.map_dir` | string | ZM_PATH_MAP, else /dev/shm |
/// | `zoneminder.version` | string like "1.36.33" | detected |
/// | `zoneminder.config_dir` | string | /etc/zm |
/// | `zoneminder.use_database` | bool | true |
/// | `zoneminder.monitors` | array of ids | [] (all) |
/// | `bus.pub` | endpoint | ipc:///run/lookout/state.pub |
/// | `bus.tcp` | endpoint | "" |
/// | `bus.allow_remote_tcp` | bool | false |
/// | `bus.control` | endpoint | ipc:///run/lookout/control |
/// | `bus.runtime_dir_mode`, `bus.socket_mode` | octal string | "0750", "0660" |
/// | `bus.group` | string | "" |
/// | `bus.send_hwm` | integer 1–1000000 | retained topics at start (4 per monitor + 1) + 1000 |
/// | `control.allow_commands` | bool | false |
/// | `demo.monitors` | integer 1–1024 | 3 |
/// | `demo.directory` | string | new dir under /tmp |
/// | `demo.restart_seconds` | number ≥ 0 (0: never) | 60 |
/// | `log.id` | string of letters, digits, `_`, `-`, `.` | lookout |
/// | `log.socket` | absolute path, or "" | /run/lookout/log.sock |
/// | `http.listen` | "ADDRESS:PORT" or "" | "" (`lookout serve` only) |
/// | `http.allow_remote` | bool | false |
/// | `zmtrigger.listen` | "ADDRESS:PORT" or "" | "" (no listener); needs `control.allow_commands` |
/// | `zmtrigger.allow_remote` | bool | false |
/// | `zmtrigger.max_connections` | integer 1–1024 | 32 |
/// | `zmtrigger.idle_seconds` | number ≥ 0 (0: never) | 600 |
/// | `zmtrigger.max_line_bytes` | integer 64–65536 | 1024 |
/// | `http.token` | string (bearer token for pictures, the status page and events), or "" | "" |
/// | `http.password` | string (basic-auth password, any user name), or "" | "" |
/// | `http.token_file`, `http.password_file` | path of a file holding the secret (trailing newline dropped) | none |
/// | `http.max_clients` | integer 1–4096 | 256 |
/// | `health.max_delay` | number > 0 | ZM_WATCH_MAX_DELAY |
/// | `health.capture_fps_floor` | number ≥ 0 (0: off) | 0 |
/// | `health.log_spool_warning_rows` | integer ≥ 1 | 1000 |
/// | `health.log_spool_warning_seconds` | number > 0 | 300 |
/// | `ts.dir` | string | /dev/shm |
/// | `ts.discover` | bool | true |
/// | `ts.stall_seconds` | number > 0 | 5 |
/// | `[[ts.channel]]` `channel`, `data`, `event`, `relay_fps` | see docs/ts-frame-buffers.md | none |
/// | `relay.max_bytes_in_flight` | integer, 1 MiB–4 GiB | 64 MiB |
/// | `relay.default_fps` | number 0.01–120 | 5 |
/// | `relay.monitors` | array of ids | [] |
/// | `mqtt.*` | see `AgentConfiguration.MQTT` | off |
extension AgentConfiguration {
    public static let defaultPath = "/etc/lookout/lookout.toml"

    /// Reads `path`. A missing file at the default path means "all defaults"; anywhere else it is an error.
    public static func load(path: String, required: Bool) throws(AgentConfigurationError) -> AgentConfiguration {
        guard access(path, F_OK) == 0 else {
            if required { throw AgentConfigurationError(file: path, key: nil, "no such file") }
            return AgentConfiguration()
        }
        switch TextFile.read(path) {
        case let .success(bytes): return try parse(bytes, file: path)
        case let .failure(error): throw AgentConfigurationError(file: path, key: nil, "cannot read: \(error)")
        }
    }

    public static func parse(_ text: String, file: String) throws(AgentConfigurationError) -> AgentConfiguration {
        try parse(Array(text.utf8), file: file)
    }

    /// A file that is not UTF-8 is refused with the line and column of the first bad byte, not read with
    /// replacement characters.
    public static func parse(_ bytes: [UInt8], file: String) throws(AgentConfigurationError) -> AgentConfiguration {
        let table: TOMLTable
        do {
            table = try TOMLTable(bytes: bytes)
        } catch {
            throw AgentConfigurationError(file: file, key: nil, "line \(error.line), column \(error.column): \(error.description)")
        }
        let reader = TOMLReader(file: file)
        var configuration = AgentConfiguration()
        try reader.sections(table, known: ["agent", "zoneminder", "bus", "control", "demo", "log", "health", "http", "ts", "relay", "mqtt", "zmtrigger"])
        if let ts = try reader.section(table, "ts") { try reader.ts(ts, into: &configuration) }
        if let relay = try reader.section(table, "relay") { try reader.relay(relay, into: &configuration) }
        if let agent = try reader.section(table, "agent") {
            try reader.keys(agent, in: "agent", known: [
                "poll_hz", "heartbeat_seconds", "refresh_seconds", "fps_seconds", "discovery_seconds", "database_refresh_seconds",
                "forget_missing_seconds", "release_startup_pages",
            ])
            let polling = configuration.agent
            configuration.agent.pollHz = try reader.number(agent, "agent.poll_hz", range: 0.1...1000) ?? polling.pollHz
            configuration.agent.heartbeatSeconds = try reader.positive(agent, "agent.heartbeat_seconds") ?? polling.heartbeatSeconds
            configuration.agent.refreshSeconds = try reader.positive(agent, "agent.refresh_seconds") ?? polling.refreshSeconds
            configuration.agent.fpsSeconds = try reader.positive(agent, "agent.fps_seconds") ?? polling.fpsSeconds
            configuration.agent.discoverySeconds = try reader.positive(agent, "agent.discovery_seconds") ?? polling.discoverySeconds
            configuration.agent.databaseRefreshSeconds =
                try reader.positive(agent, "agent.database_refresh_seconds") ?? polling.databaseRefreshSeconds
            configuration.agent.forgetMissingSeconds = try reader.positive(agent, "agent.forget_missing_seconds")
            configuration.agent.releaseStartupPages =
                try reader.bool(agent, "agent.release_startup_pages") ?? polling.releaseStartupPages
        }
        if let zm = try reader.section(table, "zoneminder") {
            try reader.keys(zm, in: "zoneminder", known: ["map_dir", "version", "config_dir", "use_database", "monitors"])
            configuration.zoneMinder.mapDirectory = try reader.nonEmptyString(zm, "zoneminder.map_dir")
            if let version = try reader.nonEmptyString(zm, "zoneminder.version") {
                let parts = version.split(separator: ".")
                guard parts.count >= 2, parts.count <= 3, parts.allSatisfy({ Int($0) != nil }) else {
                    throw AgentConfigurationError(file: file, key: "zoneminder.version", "'\(version)' is not a version like 1.36.33")
                }
                configuration.zoneMinder.version = version
            }
            configuration.zoneMinder.configDirectory = try reader.nonEmptyString(zm, "zoneminder.config_dir") ?? "/etc/zm"
            configuration.zoneMinder.useDatabase = try reader.bool(zm, "zoneminder.use_database") ?? true
            configuration.zoneMinder.monitors = try reader.monitorIDs(zm, "zoneminder.monitors")
        }
        if let bus = try reader.section(table, "bus") {
            try reader.keys(bus, in: "bus", known: [
                "pub", "tcp", "allow_remote_tcp", "control", "runtime_dir_mode", "socket_mode", "group", "send_hwm",
            ])
            configuration.bus.publish = try reader.nonEmptyString(bus, "bus.pub") ?? configuration.bus.publish
            configuration.bus.tcp = try reader.string(bus, "bus.tcp") ?? ""
            configuration.bus.allowRemoteTCP = try reader.bool(bus, "bus.allow_remote_tcp") ?? false
            configuration.bus.control = try reader.nonEmptyString(bus, "bus.control") ?? configuration.bus.control
            configuration.bus.runtimeDirectoryMode = try reader.mode(bus, "bus.runtime_dir_mode") ?? 0o750
            configuration.bus.socketMode = try reader.mode(bus, "bus.socket_mode") ?? 0o660
            configuration.bus.group = try reader.string(bus, "bus.group") ?? ""
            if let hwm = try reader.integer(bus, "bus.send_hwm", range: 1...1_000_000) { configuration.bus.sendHighWaterMark = Int32(hwm) }
        }
        if let control = try reader.section(table, "control") {
            try reader.keys(control, in: "control", known: ["allow_commands"])
            configuration.control.allowCommands = try reader.bool(control, "control.allow_commands") ?? false
        }
        if let demo = try reader.section(table, "demo") {
            try reader.keys(demo, in: "demo", known: ["monitors", "directory", "restart_seconds"])
            configuration.demo.monitors = try reader.integer(demo, "demo.monitors", range: 1...1024) ?? 3
            configuration.demo.directory = try reader.nonEmptyString(demo, "demo.directory")
            configuration.demo.restartSeconds = try reader.number(demo, "demo.restart_seconds", range: 0...86_400) ?? 60
        }
        if let log = try reader.section(table, "log") {
            try reader.keys(log, in: "log", known: ["id", "socket"])
            if let id = try reader.string(log, "log.id") {
                guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) }),
                      !id.hasPrefix(".") else {
                    throw AgentConfigurationError(file: file, key: "log.id", "'\(id)' must be letters, digits, _, - or . (it names the log file)")
                }
                configuration.log.id = id
            }
            if let socket = try reader.string(log, "log.socket") {
                guard socket.isEmpty || (socket.hasPrefix("/") && socket.utf8.count <= 107) else {
                    throw AgentConfigurationError(file: file, key: "log.socket", "'\(socket)' must be an absolute path of at most 107 bytes, or \"\" for none")
                }
                configuration.log.socket = socket
            }
        }
        if let health = try reader.section(table, "health") {
            try reader.keys(health, in: "health", known: ["max_delay", "capture_fps_floor", "log_spool_warning_rows", "log_spool_warning_seconds"])
            configuration.health.maxDelay = try reader.positive(health, "health.max_delay")
            configuration.health.captureFPSFloor = try reader.number(health, "health.capture_fps_floor", range: 0...1000) ?? 0
            configuration.health.logSpoolWarningRows =
                try reader.integer(health, "health.log_spool_warning_rows", range: 1...100_000_000) ?? configuration.health.logSpoolWarningRows
            configuration.health.logSpoolWarningSeconds =
                try reader.positive(health, "health.log_spool_warning_seconds") ?? configuration.health.logSpoolWarningSeconds
        }
        if let http = try reader.section(table, "http") {
            try reader.keys(http, in: "http", known: ["listen", "allow_remote", "token", "password", "token_file", "password_file", "max_clients"])
            configuration.http.listen = try reader.string(http, "http.listen") ?? ""
            configuration.http.allowRemote = try reader.bool(http, "http.allow_remote") ?? false
            configuration.http.token = try reader.secret(http, "http.token")
            configuration.http.password = try reader.secret(http, "http.password")
            configuration.http.maxClients = try reader.integer(http, "http.max_clients", range: 1...4096) ?? configuration.http.maxClients
            if !configuration.http.listen.isEmpty {
                guard let address = HTTPListenAddress(configuration.http.listen) else {
                    throw AgentConfigurationError(file: file, key: "http.listen", "'\(configuration.http.listen)' is not ADDRESS:PORT with an IPv4 address, e.g. 127.0.0.1:9781")
                }
                guard address.isLoopback || configuration.http.allowRemote else {
                    throw AgentConfigurationError(file: file, key: "http.listen", "'\(configuration.http.listen)' is not loopback; set http.allow_remote = true to serve beyond this host")
                }
            }
        }
        if let mqtt = try reader.section(table, "mqtt") { configuration.mqtt = try parseMQTT(mqtt, reader: reader) }
        if let zmtrigger = try reader.section(table, "zmtrigger") {
            try reader.keys(zmtrigger, in: "zmtrigger", known: ["listen", "allow_remote", "max_connections", "idle_seconds", "max_line_bytes"])
            var settings = configuration.zmtrigger
            settings.listen = try reader.string(zmtrigger, "zmtrigger.listen") ?? ""
            settings.allowRemote = try reader.bool(zmtrigger, "zmtrigger.allow_remote") ?? false
            settings.maxConnections = try reader.integer(zmtrigger, "zmtrigger.max_connections", range: 1...1024) ?? settings.maxConnections
            settings.idleSeconds = try reader.number(zmtrigger, "zmtrigger.idle_seconds", range: 0...86_400) ?? settings.idleSeconds
            settings.maxLineBytes = try reader.integer(zmtrigger, "zmtrigger.max_line_bytes", range: 64...65_536) ?? settings.maxLineBytes
            configuration.zmtrigger = settings
        }
        try configuration.validate(file: file)
        return configuration
    }

    /// Checks that hold whether a value came from the file or a flag.
    public func validate(file: String) throws(AgentConfigurationError) {
        for (key, endpoint) in [("bus.pub", bus.publish), ("bus.control", bus.control)] {
            guard endpoint.hasPrefix("ipc://") || endpoint.hasPrefix("tcp://") else {
                throw AgentConfigurationError(file: file, key: key, "'\(endpoint)' is not an ipc:// or tcp:// endpoint")
            }
            if endpoint.hasPrefix("ipc://") && endpoint.utf8.count > 113 {
                throw AgentConfigurationError(file: file, key: key, "ipc endpoints are limited to 113 characters by libzmq")
            }
            if endpoint.hasPrefix("tcp://") && !allowRemoteTCP(endpoint) {
                throw AgentConfigurationError(file: file, key: key, "'\(endpoint)' is not loopback; set bus.allow_remote_tcp = true to publish beyond this host")
            }
        }
        if !bus.tcp.isEmpty {
            guard bus.tcp.hasPrefix("tcp://") else {
                throw AgentConfigurationError(file: file, key: "bus.tcp", "'\(bus.tcp)' is not a tcp:// endpoint")
            }
            guard allowRemoteTCP(bus.tcp) else {
                throw AgentConfigurationError(
                    file: file, key: "bus.tcp", "'\(bus.tcp)' is not loopback; set bus.allow_remote_tcp = true to publish beyond this host")
            }
        }
        if !zmtrigger.listen.isEmpty {
            guard let address = HTTPListenAddress(zmtrigger.listen) else {
                throw AgentConfigurationError(file: file, key: "zmtrigger.listen", "'\(zmtrigger.listen)' is not ADDRESS:PORT with an IPv4 address, e.g. 127.0.0.1:6802")
            }
            guard address.isLoopback || zmtrigger.allowRemote else {
                throw AgentConfigurationError(file: file, key: "zmtrigger.listen", "'\(zmtrigger.listen)' is not loopback; set zmtrigger.allow_remote = true to take triggers from other hosts")
            }
            guard control.allowCommands else {
                throw AgentConfigurationError(file: file, key: "zmtrigger.listen", "the listener writes triggers through the control socket: set allow_commands = true under [control] too")
            }
        }
        guard agent.pollHz >= 0.1, agent.pollHz <= 1000 else {
            throw AgentConfigurationError(file: file, key: "agent.poll_hz", "\(agent.pollHz) is outside 0.1–1000")
        }
    }

    private func allowRemoteTCP(_ endpoint: String) -> Bool {
        if bus.allowRemoteTCP { return true }
        let host = endpoint.dropFirst("tcp://".count).split(separator: ":").dropLast().joined(separator: ":")
        return host == "127.0.0.1" || host == "localhost" || host == "[::1]" || host == "lo"
    }
}

/// Typed access to TOML values with errors that name the file and the key.
struct TOMLReader {
    let file: String

    /// `key` itself, or the content of the file `key_file` names (so the secret can live in a 0640 file instead of
    /// the conffile); not both. A file's trailing newline is not part of the secret; an empty file is refused.
    func secret(_ table: TOMLTable, _ key: String) throws(AgentConfigurationError) -> String {
        let inline = try string(table, key)
        guard let path = try nonEmptyString(table, key + "_file") else { return inline ?? "" }
        guard inline?.isEmpty ?? true else { throw fail(key + "_file", "set either \(key) or \(key)_file, not both") }
        switch TextFile.read(path) {
        case let .success(bytes):
            let text = TextFile.withoutTrailingNewlines(bytes)
            guard !text.isEmpty else { throw fail(key + "_file", "\(path) is empty") }
            return text
        case let .failure(error):
            throw fail(key + "_file", "\(path): \(error)")
        }
    }

    func fail(_ key: String, _ message: String) -> AgentConfigurationError {
        AgentConfigurationError(file: file, key: key, message)
    }

    func sections(_ table: TOMLTable, known: [String]) throws(AgentConfigurationError) {
        for key in table.keys where !known.contains(key) {
            throw fail(key, "unknown section or key (known sections: \(known.joined(separator: ", ")))")
        }
    }

    func section(_ table: TOMLTable, _ name: String) throws(AgentConfigurationError) -> TOMLTable? {
        guard let value = table[name] else { return nil }
        guard let section = value.table else { throw fail(name, "must be a table ([\(name)])") }
        return section
    }

    func keys(_ table: TOMLTable, in section: String, known: [String]) throws(AgentConfigurationError) {
        for key in table.keys where !known.contains(key) {
            throw fail("\(section).\(key)", "unknown key (known in [\(section)]: \(known.joined(separator: ", ")))")
        }
    }

    private func leaf(_ key: String) -> String { String(key.split(separator: ".").last ?? "") }

    func number(_ table: TOMLTable, _ key: String, range: ClosedRange<Double>) throws(AgentConfigurationError) -> Double? {
        guard let value = table[leaf(key)] else { return nil }
        guard let number = value.double ?? value.int.map(Double.init) else { throw fail(key, "must be a number") }
        guard range.contains(number) else { throw fail(key, "\(number) is outside \(range.lowerBound)–\(range.upperBound)") }
        return number
    }

    func positive(_ table: TOMLTable, _ key: String) throws(AgentConfigurationError) -> Double? {
        try number(table, key, range: 0.001...86_400)
    }

    func integer(_ table: TOMLTable, _ key: String, range: ClosedRange<Int>) throws(AgentConfigurationError) -> Int? {
        guard let value = table[leaf(key)] else { return nil }
        guard let integer = value.int else { throw fail(key, "must be an integer") }
        guard range.contains(integer) else { throw fail(key, "\(integer) is outside \(range.lowerBound)–\(range.upperBound)") }
        return integer
    }

    func bool(_ table: TOMLTable, _ key: String) throws(AgentConfigurationError) -> Bool? {
        guard let value = table[leaf(key)] else { return nil }
        guard let flag = value.bool else { throw fail(key, "must be true or false") }
        return flag
    }

    func string(_ table: TOMLTable, _ key: String) throws(AgentConfigurationError) -> String? {
        guard let value = table[leaf(key)] else { return nil }
        guard let text = value.string else { throw fail(key, "must be a string") }
        return text
    }

    func nonEmptyString(_ table: TOMLTable, _ key: String) throws(AgentConfigurationError) -> String? {
        guard let text = try string(table, key) else { return nil }
        return text.isEmpty ? nil : text
    }

    func mode(_ table: TOMLTable, _ key: String) throws(AgentConfigurationError) -> UInt32? {
        guard let text = try string(table, key) else { return nil }
        guard let mode = UInt32(text, radix: 8), mode <= 0o777 else { throw fail(key, "'\(text)' is not an octal mode like \"0750\"") }
        return mode
    }

    func monitorIDs(_ table: TOMLTable, _ key: String) throws(AgentConfigurationError) -> [Int] {
        guard let value = table[leaf(key)] else { return [] }
        guard let array = value.array else { throw fail(key, "must be an array of monitor ids, e.g. [1, 2]") }
        var ids: [Int] = []
        for element in array {
            guard let id = element.int, id > 0 else { throw fail(key, "must hold positive integers only") }
            ids.append(id)
        }
        return ids
    }
}
