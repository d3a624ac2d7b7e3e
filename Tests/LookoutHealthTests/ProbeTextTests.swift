import Glibc
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

@Suite("Poll duration histogram and event counters in /metrics")
struct HistogramTextTests {
    static func health() -> JSONValue {
        var histogram = PollHistogram()
        for seconds in [0.000_01, 0.000_05, 0.000_3, 0.002, 0.002, 0.2] { histogram.record(seconds) }
        return .object([
            ("epoch", .string("e1")), ("polls", .uint(6)), ("poll_duration", histogram.json),
            ("verdict", .object([("level", .string("ok")), ("code", .string("ok")), ("reason", .string("ok"))])),
            ("monitors", .array([
                .object([
                    ("monitor_id", .uint(1)), ("name", .string("Front")), ("available", .bool(true)), ("events_started", .uint(3)),
                    ("verdict", .object([("level", .string("ok")), ("code", .string("ok")), ("reason", .string("ok"))])),
                ]),
                .object([
                    ("monitor_id", .uint(2)), ("name", .string("Back")), ("available", .bool(true)), ("events_started", .uint(0)),
                    ("verdict", .object([("level", .string("ok")), ("code", .string("ok")), ("reason", .string("ok"))])),
                ]),
            ])),
        ])
    }

    @Test("fixed buckets: a value on a bound counts in it; past the last only in count")
    func record() {
        var histogram = PollHistogram()
        for seconds in [0.000_01, 0.000_05, 0.000_3, 0.002, 0.002, 0.2, -1, .nan] { histogram.record(seconds) }
        #expect(histogram.count == 8)
        #expect(histogram.buckets.count == PollHistogram.bounds.count)
        #expect(histogram.cumulative == [4, 4, 4, 5, 5, 7, 7, 7, 7, 7, 7])
        #expect(abs(histogram.sum - 0.20436) < 1e-12)
    }

    @Test("buckets cumulative, +Inf equals _count, _sum in seconds, events per monitor")
    func rendering() {
        let text = PrometheusText.render(health: Self.health(), version: "1")
        #expect(text.contains("# HELP lookout_poll_duration_seconds How long each poll of every monitor took.\n# TYPE lookout_poll_duration_seconds histogram\n"))
        #expect(text.contains("lookout_poll_duration_seconds_bucket{le=\"5e-05\"} 2\n"))
        #expect(text.contains("lookout_poll_duration_seconds_bucket{le=\"0.0005\"} 3\n"))
        #expect(text.contains("lookout_poll_duration_seconds_bucket{le=\"0.0025\"} 5\n"))
        #expect(text.contains("lookout_poll_duration_seconds_bucket{le=\"0.1\"} 5\n"))
        #expect(text.contains("lookout_poll_duration_seconds_bucket{le=\"+Inf\"} 6\n"))
        #expect(text.contains("lookout_poll_duration_seconds_sum 0.20436"))
        #expect(text.contains("lookout_poll_duration_seconds_count 6\n"))
        let buckets = text.split(separator: "\n").filter { $0.hasPrefix("lookout_poll_duration_seconds_bucket") }
        #expect(buckets.count == PollHistogram.bounds.count + 1)
        let values = buckets.compactMap { Double($0.split(separator: " ").last ?? "") }
        #expect(values == values.sorted())
        #expect(text.contains("# TYPE lookout_events_total counter\n"))
        #expect(text.contains("lookout_events_total{monitor=\"1\",name=\"Front\"} 3\n"))
        #expect(text.contains("lookout_events_total{monitor=\"2\",name=\"Back\"} 0\n"))
    }

    @Test("promtool check metrics accepts the exposition (when promtool is installed)", arguments: [0, 1])
    func promtool(sample: Int) {
        let tool = "/usr/bin/promtool"
        guard access(tool, X_OK) == 0 else { return }
        let text = PrometheusText.render(health: sample == 0 ? Self.health() : ProbeTextTests.health, version: "1")
        let path = "/tmp/lookout-metrics-\(getpid())-\(sample).prom"
        defer { unlink(path) }
        guard let file = fopen(path, "w") else {
            Issue.record("cannot write \(path)")
            return
        }
        fputs(text, file)
        fclose(file)
        #expect(system("\(tool) check metrics < '\(path)'") == 0, "promtool rejects:\n\(text)")
    }
}
