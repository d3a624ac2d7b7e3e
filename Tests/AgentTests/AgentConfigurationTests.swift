import Agent
import Foundation
import Testing

@Suite("agent configuration")
struct AgentConfigurationTests {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("etc/lookout.toml").path

    @Test("no file at the default path means every default")
    func missingDefault() throws {
        let configuration = try AgentConfiguration.load(path: "/nonexistent/lookout.toml", required: false)
        #expect(configuration == AgentConfiguration())
        #expect(configuration.agent.pollHz == 10)
        #expect(configuration.bus.publish == "ipc:///run/lookout/state.pub")
        #expect(configuration.control.allowCommands == false)
    }

    @Test("a missing file given with --config is an error naming it")
    func missingRequired() {
        #expect(throws: AgentConfigurationError(file: "/nonexistent/x.toml", key: nil, "no such file")) {
            try AgentConfiguration.load(path: "/nonexistent/x.toml", required: true)
        }
    }

    @Test("etc/lookout.toml documents every key with its default value")
    func exampleFileIsTheDefaults() throws {
        let configuration = try AgentConfiguration.load(path: Self.example, required: true)
        #expect(configuration == AgentConfiguration())
    }

    @Test("values are read")
    func values() throws {
        let configuration = try AgentConfiguration.parse("""
            [agent]
            poll_hz = 50
            heartbeat_seconds = 2
            [zoneminder]
            map_dir = "/dev/shm"
            version = "1.36.33"
            monitors = [1, 7]
            [bus]
            tcp = "tcp://127.0.0.1:5680"
            send_hwm = 50
            runtime_dir_mode = "0755"
            [control]
            allow_commands = true
            [log]
            id = "lookout_2"
            socket = ""
            [health]
            max_delay = 5
            capture_fps_floor = 2.5
            log_spool_warning_rows = 10
            """, file: "t.toml")
        #expect(configuration.health.maxDelay == 5)
        #expect(configuration.health.captureFPSFloor == 2.5)
        #expect(configuration.health.logSpoolWarningRows == 10)
        #expect(configuration.agent.pollHz == 50)
        #expect(configuration.agent.heartbeatSeconds == 2)
        #expect(configuration.zoneMinder.mapDirectory == "/dev/shm")
        #expect(configuration.zoneMinder.version == "1.36.33")
        #expect(configuration.zoneMinder.monitors == [1, 7])
        #expect(configuration.bus.tcp == "tcp://127.0.0.1:5680")
        #expect(configuration.bus.sendHighWaterMark == 50)
        #expect(configuration.bus.runtimeDirectoryMode == 0o755)
        #expect(configuration.control.allowCommands)
        #expect(configuration.log.id == "lookout_2")
        #expect(configuration.log.socket == "")
    }

    @Test("errors name the file and the key", arguments: [
        ("[agent]\npoll_hz = \"fast\"\n", "agent.poll_hz"),
        ("[agent]\npoll_hz = 0\n", "agent.poll_hz"),
        ("[agent]\npol_hz = 10\n", "agent.pol_hz"),
        ("[agentt]\n", "agentt"),
        ("agent = 3\n", "agent"),
        ("[zoneminder]\nversion = \"latest\"\n", "zoneminder.version"),
        ("[zoneminder]\nmonitors = [1, \"two\"]\n", "zoneminder.monitors"),
        ("[bus]\npub = \"http://x\"\n", "bus.pub"),
        ("[bus]\ntcp = \"tcp://0.0.0.0:5680\"\n", "bus.tcp"),
        ("[bus]\nsocket_mode = \"rw\"\n", "bus.socket_mode"),
        ("[bus]\nsend_hwm = 0\n", "bus.send_hwm"),
        ("[control]\nallow_commands = \"yes\"\n", "control.allow_commands"),
        ("[log]\nid = \"../etc/passwd\"\n", "log.id"),
        ("[log]\nid = \"\"\n", "log.id"),
        ("[log]\nsocket = \"log.sock\"\n", "log.socket"),
        ("[log]\nlevel = \"DB9\"\n", "log.level"),
    ])
    func errors(text: String, key: String) {
        do {
            _ = try AgentConfiguration.parse(text, file: "/etc/lookout/lookout.toml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.key == key)
            #expect(error.file == "/etc/lookout/lookout.toml")
            #expect(error.description.hasPrefix("/etc/lookout/lookout.toml: \(key): "))
        }
    }

    @Test("a TOML syntax error gives the line")
    func syntax() {
        do {
            _ = try AgentConfiguration.parse("[agent]\npoll_hz = \n", file: "f.toml")
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("line 2"), "\(error)")
        }
    }

    @Test("remote tcp is allowed only when the configuration says so")
    func remoteTCP() throws {
        let configuration = try AgentConfiguration.parse("[bus]\ntcp = \"tcp://0.0.0.0:5680\"\nallow_remote_tcp = true\n", file: "f")
        #expect(configuration.bus.tcp == "tcp://0.0.0.0:5680")
    }
}

@Suite("agent configuration: [mqtt]")
struct AgentMQTTConfigurationTests {
    @Test("[mqtt] url, node, credentials file, TLS paths and bounds are read; the bridge is on only with a broker")
    func values() throws {
        #expect(AgentConfiguration().mqtt.enabled == false)
        let configuration = try AgentConfiguration.parse("""
            [mqtt]
            url = "mqtts://broker.example:8884"
            node = "nvr-7"
            username = "lookout"
            password_file = "/etc/lookout/mqtt.password"
            tls_ca = "/etc/ssl/ca.pem"
            keepalive = 10
            discovery = true
            allow_commands = true
            queue_bytes = 65536
            """, file: "t.toml")
        let mqtt = configuration.mqtt
        #expect(mqtt.enabled)
        #expect(mqtt.host == "broker.example" && mqtt.port == 8884 && mqtt.tls)
        #expect(mqtt.node == "nvr-7" && mqtt.username == "lookout" && mqtt.passwordFile == "/etc/lookout/mqtt.password")
        #expect(mqtt.caFile == "/etc/ssl/ca.pem" && mqtt.keepalive == 10 && mqtt.discovery && mqtt.allowCommands && mqtt.queueBytes == 65536)
        var plain = AgentConfiguration.MQTT()
        #expect(plain.apply(url: "mqtt://[::1]:1884") == nil)
        #expect(plain.host == "::1" && plain.port == 1884 && !plain.tls)
    }

    @Test("mistakes name the key: a URL that is not MQTT or carries credentials, a node that is not a topic level, both password kinds")
    func mistakes() {
        for (text, key) in [
            ("url = \"http://x\"", "mqtt.url"), ("url = \"mqtt://user:pw@host\"", "mqtt.url"), ("url = \"mqtt://h:70000\"", "mqtt.url"),
            ("host = \"h\"\nnode = \"a/b\"", "mqtt.node"), ("host = \"h\"\nnode = \"+\"", "mqtt.node"),
            ("host = \"h\"\npassword = \"p\"\npassword_file = \"/f\"", "mqtt.password_file"),
            ("host = \"h\"\ntls_cert = \"/c\"", "mqtt.tls_key"), ("host = \"h\"\nkeepalive = 1", "mqtt.keepalive"),
            ("host = \"h\"\nbroker = \"b\"", "mqtt.broker"),
        ] {
            do {
                _ = try AgentConfiguration.parse("[mqtt]\n\(text)\n", file: "t.toml")
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.key == key, "\(text): \(error)")
            }
        }
    }
}
