import Agent
import Testing

@Suite("[zmtrigger] configuration")
struct ZMTriggerConfigurationTests {
    @Test("off by default; listen, bounds and allow_remote are read")
    func values() throws {
        #expect(AgentConfiguration().zmtrigger.listen == "")
        let configuration = try AgentConfiguration.parse("""
            [control]
            allow_commands = true
            [zmtrigger]
            listen = "0.0.0.0:6802"
            allow_remote = true
            max_connections = 4
            idle_seconds = 0
            max_line_bytes = 256
            """, file: "t.toml")
        #expect(configuration.zmtrigger.listen == "0.0.0.0:6802")
        #expect(configuration.zmtrigger.maxConnections == 4)
        #expect(configuration.zmtrigger.idleSeconds == 0)
        #expect(configuration.zmtrigger.maxLineBytes == 256)
    }

    @Test("another address than loopback needs allow_remote; the listener needs allow_commands; the address must parse")
    func refusals() {
        #expect(throws: AgentConfigurationError(file: "t.toml", key: "zmtrigger.listen", "'0.0.0.0:6802' is not loopback; set zmtrigger.allow_remote = true to take triggers from other hosts")) {
            try AgentConfiguration.parse("[control]\nallow_commands = true\n[zmtrigger]\nlisten = \"0.0.0.0:6802\"\n", file: "t.toml")
        }
        #expect(throws: AgentConfigurationError(file: "t.toml", key: "zmtrigger.listen", "the listener writes triggers through the control socket: set allow_commands = true under [control] too")) {
            try AgentConfiguration.parse("[zmtrigger]\nlisten = \"127.0.0.1:6802\"\n", file: "t.toml")
        }
        #expect(throws: AgentConfigurationError(file: "t.toml", key: "zmtrigger.listen", "'6802' is not ADDRESS:PORT with an IPv4 address, e.g. 127.0.0.1:6802")) {
            try AgentConfiguration.parse("[control]\nallow_commands = true\n[zmtrigger]\nlisten = \"6802\"\n", file: "t.toml")
        }
    }
}
