import Agent
import Testing

@Suite("TS channel and relay configuration")
struct TSConfigurationTests {
    @Test("[[ts.channel]] entries with TS-API's names become channels; numbers come from the data name")
    func channels() throws {
        let configuration = try AgentConfiguration.parse("""
            [ts]
            dir = "/run/ts"
            stall_seconds = 2

            [[ts.channel]]
            data = "sfb_data_ch1"
            event = "sfb_event_ch1"
            relay_fps = 5

            [[ts.channel]]
            data = "/sfb_data_ch12"
            event = "sfb_event_ch12"

            [[ts.channel]]
            channel = 40
            data = "camera_forty"
            event = "camera_forty_event"

            [relay]
            max_bytes_in_flight = 2097152
            monitors = [3]
            """, file: "t.toml")
        #expect(configuration.ts.directory == "/run/ts")
        #expect(configuration.ts.stallSeconds == 2)
        #expect(configuration.ts.channels.map(\.channel) == [1, 12, 40])
        #expect(configuration.ts.channels[1].data == "sfb_data_ch12", "a POSIX shm name's leading / is dropped")
        #expect(configuration.ts.channels[2].event == "camera_forty_event")
        #expect(configuration.relayFPS(channel: 1) == 5)
        #expect(configuration.relayFPS(channel: 12) == nil)
        #expect(configuration.relay.maxBytesInFlight == 2_097_152)
        #expect(configuration.relay.monitors == [3: 5])
    }

    @Test("mistakes are refused naming the key", arguments: [
        ("[[ts.channel]]\ndata = \"camera\"\n", "ts.channel[0].channel"),
        ("[[ts.channel]]\ndata = \"sfb_data_ch1\"\n[[ts.channel]]\ndata = \"sfb_data_ch1\"\n", "ts.channel[1].channel"),
        ("[[ts.channel]]\ndata = \"../etc/passwd\"\n", "ts.channel[0].data"),
        ("[[ts.channel]]\ndata = \"sfb_data_ch1\"\nrelay_fps = 0\n", "ts.channel[0].relay_fps"),
        ("[[ts.channel]]\ndata = \"sfb_data_ch1\"\ncolour = 1\n", "ts.channel[0].colour"),
        ("[ts]\nchannel = 3\n", "ts.channel"),
        ("[relay]\nmax_bytes_in_flight = 10\n", "relay.max_bytes_in_flight"),
    ])
    func refused(text: String, key: String) {
        let error = #expect(throws: AgentConfigurationError.self) { try AgentConfiguration.parse(text, file: "t.toml") }
        #expect(error?.key == key, "\(error.map { "\($0)" } ?? "parsed")")
    }

    @Test("--sfb-dir and --relay survive the trip through lookout-agent's command line and override the file")
    func flags() throws {
        var overrides = LookoutAgent.Overrides()
        overrides.sfbDirectory = "/tmp/ts"
        overrides.relay = [RelayRequest("2@7.5")!, RelayRequest("3")!]
        let parsed = try LookoutAgent.Overrides(arguments: overrides.arguments)
        #expect(parsed.sfbDirectory == "/tmp/ts")
        #expect(parsed.relay == overrides.relay)
        #expect(RelayRequest("x@1") == nil && RelayRequest("1@0") == nil && RelayRequest("1@20000") == nil && RelayRequest("1@2000")?.fps == 2000)
        #expect(throws: AgentUsageError.self) { try LookoutAgent.Overrides(arguments: ["--relay", "one"]) }
    }
}
