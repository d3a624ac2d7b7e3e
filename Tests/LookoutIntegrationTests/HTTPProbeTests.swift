import Foundation
import Testing

/// `lookout serve` in front of an agent following the peer: a real Prometheus (Debian's package) scrapes /metrics and
/// its query API returns lookout_monitor_state for the peer's monitors; promtool accepts the exposition; /readyz
/// names a monitor with no segment; with the agent gone /livez fails and /metrics says lookout_up 0.
@Suite("HTTP probes and metrics", .serialized)
struct HTTPProbeTests {
    static func get(_ url: String) throws -> (status: Int, body: String) {
        let output = try Peer.run("/usr/bin/curl", ["-s", "-m", "10", "-w", "\n%{http_code}", url])
        let text = output.stdout
        let split = text.range(of: "\n", options: .backwards)
        let status = split.map { Int(text[$0.upperBound...]) ?? 0 } ?? 0
        return (status, split.map { String(text[..<$0.lowerBound]) } ?? text)
    }

    @Test("Prometheus scrapes lookout serve; promtool accepts /metrics; /readyz and /livez follow the faults")
    func prometheusScrapes() throws {
        try Peer.require()
        for tool in ["/usr/bin/prometheus", "/usr/bin/promtool"] {
            try #require(FileManager.default.isExecutableFile(atPath: tool), "\(tool) missing: scripts/setup.sh installs Debian's prometheus package")
        }
        let agent = try AgentProcess(toml: "[zoneminder]\nmonitors = [1, 2, 3, 9]\n", arguments: ["--map-dir", Peer.mapDirectory])
        defer {
            agent.terminate()
            agent.directory.cleanup()
        }
        _ = try agent.waitReady()
        let port = ClosedPort().number
        let base = "http://127.0.0.1:\(port)"
        let serve = Process()
        serve.executableURL = URL(fileURLWithPath: Peer.lookout)
        serve.arguments = ["serve", "--config", agent.directory.path + "/lookout.toml", "--listen", "127.0.0.1:\(port)", "--control", agent.control]
        serve.standardError = FileHandle.nullDevice
        try serve.run()
        defer {
            serve.terminate()
            serve.waitUntilExit()
        }
        #expect(Peer.waitUntil(timeout: 10, every: 0.1) { (try? Self.get(base + "/livez"))?.status == 200 })

        let ready = try Self.get(base + "/readyz")
        #expect(ready.status == 503)
        #expect(ready.body.contains("[-]monitor 9 critical: no segment: zmc is not running"), "\(ready.body)")
        #expect(ready.body.contains("[+]monitor 1 (peer-modect) ok"), "\(ready.body)")
        #expect(ready.body.hasSuffix("readyz check failed\n"))

        let metrics = try Self.get(base + "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.body.contains("lookout_up 1\n"))
        #expect(metrics.body.contains("lookout_monitor_status{monitor=\"9\",name=\"\"} 2\n"), "\(metrics.body)")
        #expect(metrics.body.contains("lookout_monitor_state{monitor=\"1\",name=\"peer-modect\",state=\"IDLE\"}"))
        let file = agent.directory.path + "/metrics.txt"
        try metrics.body.write(toFile: file, atomically: true, encoding: .utf8)
        let lint = try Peer.run("/bin/sh", ["-c", "/usr/bin/promtool check metrics < '\(file)'"])
        #expect(lint.status == 0, "promtool: \(lint.stdout) \(lint.stderr)")

        // A real Prometheus, private port, config and storage, scraping every second.
        let prometheusPort = ClosedPort().number
        let storage = agent.directory.path + "/prometheus"
        let config = agent.directory.path + "/prometheus.yml"
        try """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: lookout
                static_configs:
                  - targets: ["127.0.0.1:\(port)"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let prometheus = Process()
        prometheus.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        prometheus.arguments = [
            "--config.file=\(config)", "--storage.tsdb.path=\(storage)", "--web.listen-address=127.0.0.1:\(prometheusPort)",
            "--log.level=warn",
        ]
        prometheus.standardOutput = FileHandle.nullDevice
        prometheus.standardError = FileHandle.nullDevice
        try prometheus.run()
        defer {
            prometheus.terminate()
            prometheus.waitUntilExit()
        }
        var monitors: Set<String> = []
        let query = "http://127.0.0.1:\(prometheusPort)/api/v1/query?query=lookout_monitor_state%7Bstate%3D%22IDLE%22%7D"
        let scraped = Peer.waitUntil(timeout: 60, every: 0.5) {
            guard let answer = try? Self.get(query), answer.status == 200,
                  let object = BusClient.object(answer.body), let data = object["data"] as? [String: Any],
                  let result = data["result"] as? [[String: Any]] else { return false }
            monitors = Set(result.compactMap { ($0["metric"] as? [String: Any])?["monitor"] as? String })
            return monitors.isSuperset(of: ["1", "2", "3"])
        }
        #expect(scraped, "Prometheus returned lookout_monitor_state for \(monitors)")
        let names = try Self.get("http://127.0.0.1:\(prometheusPort)/api/v1/query?query=lookout_monitor_state%7Bmonitor%3D%221%22%2Cstate%3D%22IDLE%22%7D")
        #expect(names.body.contains("\"name\":\"peer-modect\""), "\(names.body)")

        let api = try Self.get(base + "/api/monitors")
        #expect(api.status == 200 && api.body.hasPrefix("{\"monitors\":[{\"monitor_id\":1"), "\(api.body.prefix(200))")
        prometheus.terminate()
        prometheus.waitUntilExit()

        #expect(agent.terminate() == 0)
        // HEALTH is kept 0.1 s: the next answers say the agent is gone.
        var live = (status: 0, body: "")
        #expect(Peer.waitUntil(timeout: 5, every: 0.05) {
            live = (try? Self.get(base + "/livez")) ?? live
            return live.status == 503
        })
        #expect(live.body.hasPrefix("[-]agent "), "\(live.body)")
        let down = try Self.get(base + "/metrics")
        #expect(down.status == 200 && down.body.contains("lookout_up 0\n"))
        #expect(try Self.get(base + "/api/health").status == 503)
        #expect(try Self.get(base + "/nothing").status == 404)
    }

    @Test("lookout run --http starts lookout serve beside the agent, and it ends with the agent")
    func runWithHTTP() throws {
        let port = ClosedPort().number
        let agent = try AgentProcess(arguments: ["--demo", "--http", "127.0.0.1:\(port)"])
        defer { agent.directory.cleanup() }
        _ = try agent.waitReady()
        var answer: (status: Int, body: String)?
        #expect(Peer.waitUntil(timeout: 10, every: 0.1) {
            answer = try? Self.get("http://127.0.0.1:\(port)/livez")
            return answer?.status == 200
        }, "\(String(describing: answer))")
        let metrics = try Self.get("http://127.0.0.1:\(port)/metrics")
        #expect(metrics.body.contains("lookout_monitor_state{monitor=\"1\""), "\(metrics.body.prefix(300))")
        #expect(agent.terminate() == 0)
        // serve checks the agent's pid at least once a second; then nothing listens on the port.
        #expect(Peer.waitUntil(timeout: 10, every: 0.2) { (try? Self.get("http://127.0.0.1:\(port)/livez"))?.status == 0 })
    }
}
