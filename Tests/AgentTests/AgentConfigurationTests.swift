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
