import LookoutHealth
import LookoutJSON
import Testing

@Suite("Prometheus text and probes from HEALTH")
struct ProbeTextTests {
    static let health: JSONValue = .object([
        ("epoch", .string("e1")), ("zm_version", .string("1.36.33")), ("polls", .uint(12)), ("last_poll_us", .uint(1500)),
        ("verdict", .object([("level", .string("critical")), ("code", .string("hung")), ("reason", .string("x"))])),
        ("agent", .array([.object([("check", .string("poll")), ("level", .string("ok")), ("code", .string("ok")), ("reason", .string("fine"))])])),
        ("monitors", .array([
            .object([
                ("monitor_id", .uint(1)), ("name", .string("Front \"door\"\\")), ("available", .bool(true)), ("state", .string("ALARM")),
                ("capture_fps", .double(9.5)), ("heartbeat_age", .double(0.25)), ("signal", .bool(true)),
                ("verdict", .object([("level", .string("ok")), ("code", .string("ok")), ("reason", .string("ok"))])),
            ]),
            .object([
                ("monitor_id", .uint(2)), ("name", .null), ("available", .bool(false)), ("state", .null), ("heartbeat_age", .double(80)),
                ("verdict", .object([("level", .string("critical")), ("code", .string("no_segment")), ("reason", .string("no segment"))])),
            ]),
        ])),
    ])

    @Test("samples, escaping, state set, levels")
    func metrics() {
        let text = PrometheusText.render(health: Self.health, version: "1.2.3")
        #expect(text.hasSuffix("\n"))
        #expect(text.contains("lookout_up 1\n"))
        #expect(text.contains("lookout_health_status 2\n"))
        #expect(text.contains("lookout_polls_total 12\n"))
        #expect(text.contains("lookout_last_poll_duration_seconds 0.0015\n"))
        #expect(text.contains("lookout_monitor_state{monitor=\"1\",name=\"Front \\\"door\\\"\\\\\",state=\"ALARM\"} 1\n"))
        #expect(text.contains("lookout_monitor_state{monitor=\"1\",name=\"Front \\\"door\\\"\\\\\",state=\"IDLE\"} 0\n"))
        #expect(text.contains("lookout_monitor_state{monitor=\"2\",name=\"\",state=\"IDLE\"} 0\n"))
        #expect(text.contains("lookout_monitor_status{monitor=\"2\",name=\"\"} 2\n"))
        #expect(text.contains("lookout_monitor_capture_fps{monitor=\"1\",name=\"Front \\\"door\\\"\\\\\"} 9.5\n"))
        #expect(text.contains("lookout_monitor_heartbeat_age_seconds{monitor=\"2\",name=\"\"} 80\n"))
        #expect(!text.contains("lookout_monitor_capture_fps{monitor=\"2\""))
        // Every sample's family is announced once, before it.
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(Set(types).count == types.count)
    }

    @Test("no agent: only the build and lookout_up 0")
    func down() {
        let text = PrometheusText.render(health: nil, version: "1")
        #expect(text == """
            # HELP lookout_build_info The build of the process serving these metrics.
            # TYPE lookout_build_info gauge
            lookout_build_info{version="1"} 1
            # HELP lookout_up 1 when the agent answered HEALTH on its control socket, else 0.
            # TYPE lookout_up gauge
            lookout_up 0

            """)
    }

    @Test("livez follows the poll check; readyz fails on CRITICAL or UNKNOWN and names each")
    func probes() {
        #expect(Probes.livez(Self.health, failure: "").status == 200)
        #expect(Probes.livez(nil, failure: "no agent at /run/lookout/control").body.hasPrefix("[-]agent no agent at"))
        let stuck: JSONValue = .object([("agent", .array([.object([
            ("check", .string("poll")), ("level", .string("critical")), ("reason", .string("the poll loop is stuck")),
        ])]))])
        #expect(Probes.livez(stuck, failure: "") == Probes.Answer(status: 503, body: "[-]poll the poll loop is stuck\nlivez check failed\n"))
        let ready = Probes.readyz(Self.health, failure: "")
        #expect(ready.status == 503)
        #expect(ready.body == "[+]poll ok\n[+]monitor 1 (Front \"door\"\\) ok\n[-]monitor 2 critical: no segment\nreadyz check failed\n")
    }
}
