import Agent
import ArgumentParser
import Glibc

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the agent: follow every monitor, publish changes on the ZeroMQ bus, answer the control socket.",
        discussion: """
            Configuration: defaults < the TOML file < these flags. Without --config, /etc/lookout/lookout.toml is read \
            if it exists. --demo simulates three ZoneMinder 1.36 monitors in a private directory and follows those.
            Examples:
              lookout run --demo
              lookout run --config /etc/lookout/lookout.toml
              lookout run --map-dir /dev/shm --poll-hz 20 --pub tcp://127.0.0.1:5680
              lookout run --sfb-dir /dev/shm --relay 1@5    follow TS channels, relay channel 1's frames at 5 fps
              lookout run --demo --http 127.0.0.1:9781    also serve /livez /readyz /metrics (a `lookout serve` beside it)
            """)

    @Option(help: "TOML configuration file (default: /etc/lookout/lookout.toml when present).") var config: String?
    @Flag(help: "Simulate ZoneMinder monitors (IDLE→ALARM cycles, a restarting zmc) and follow them.") var demo = false
    @Option(help: "Directory holding zm.mmap.<id> (zoneminder.map_dir).") var mapDir: String?
    @Option(help: "ZoneMinder version that writes the segments, e.g. 1.36.33 (zoneminder.version).") var zmVersion: String?
    @Option(help: "Polls per second (agent.poll_hz).") var pollHz: Double?
    @Option(help: "PUB endpoint (bus.pub).") var pub: String?
    @Option(help: "Control (ROUTER) endpoint (bus.control).") var control: String?
    @Option(help: "Directory of TS channels' sfb_data_ch<N> files (ts.dir; default /dev/shm).") var sfbDir: String?
    @Option(help: "Relay TS channel N's frames on ts.channel.<N>.frame, at FPS (default relay.default_fps); repeatable.")
    var relay: [String] = []
    @Option(help: "Mirror the bus to this MQTT broker, mqtt://HOST:PORT or mqtts://HOST:PORT ([mqtt] url; docs/mqtt.md).") var mqtt: String?
    @Option(help: "Also serve HTTP probes and metrics on ADDRESS:PORT: a `lookout serve` process beside the agent, ended with it (docs/health.md).")
    var http: String?

    func validate() throws {
        for request in relay where RelayRequest(request) == nil {
            throw ValidationError("--relay '\(request)' is not N or N@FPS (FPS 0.01–10000)")
        }
        if let http, HTTPListenAddress(http) == nil {
            throw ValidationError("--http '\(http)' is not ADDRESS:PORT with an IPv4 address, e.g. 127.0.0.1:9781")
        }
    }

    func run() async throws {
        var overrides = LookoutAgent.Overrides()
        overrides.configPath = config
        overrides.demo = demo
        overrides.mapDirectory = mapDir
        overrides.zmVersion = zmVersion
        overrides.pollHz = pollHz
        overrides.publish = pub
        overrides.control = control
        overrides.sfbDirectory = sfbDir
        overrides.relay = relay.compactMap(RelayRequest.init)
        overrides.mqtt = mqtt
        if let http { try ServeBeside.start(listen: http, config: config, control: control) }
        AgentExecutable.replaceThisProcess(with: overrides)
        let status = await LookoutAgent.main(overrides)
        if status != 0 { throw ExitCode(status) }
    }
}
