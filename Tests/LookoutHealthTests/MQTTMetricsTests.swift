import Glibc
import LookoutHealth
import LookoutJSON
import Testing

@Suite("Prometheus text: the MQTT bridge")
struct MQTTMetricsTests {
    static let health: JSONValue = .object([
        ("polls", .uint(3)), ("monitors", .array([])),
        ("mqtt", .object([
            ("broker", .string("mqtt://127.0.0.1:1883")), ("connected", .bool(false)), ("published", .uint(120)),
            ("dropped", .uint(7)), ("disconnects", .uint(2)), ("queued_bytes", .uint(4000)),
        ])),
    ])

    @Test("HEALTH's mqtt object becomes connected, published, dropped, disconnects and queued bytes; promtool accepts it")
    func metrics() {
        let text = PrometheusText.render(health: Self.health, version: "1")
        #expect(text.contains("lookout_mqtt_connected 0\n"))
        #expect(text.contains("# TYPE lookout_mqtt_published_total counter\nlookout_mqtt_published_total 120\n"))
        #expect(text.contains("lookout_mqtt_dropped_total 7\n"))
        #expect(text.contains("lookout_mqtt_disconnects_total 2\n"))
        #expect(text.contains("# TYPE lookout_mqtt_queued_bytes gauge\nlookout_mqtt_queued_bytes 4000\n"))
        let off = PrometheusText.render(health: .object([("polls", .uint(3)), ("mqtt", .null), ("monitors", .array([]))]), version: "1")
        #expect(!off.contains("lookout_mqtt_"), "no MQTT families with the bridge off")
        let tool = "/usr/bin/promtool"
        guard access(tool, X_OK) == 0 else { return }
        let path = "/tmp/lookout-mqtt-metrics-\(getpid()).prom"
        defer { unlink(path) }
        guard let file = fopen(path, "w") else { return }
        fputs(text, file)
        fclose(file)
        #expect(system("\(tool) check metrics < '\(path)'") == 0, "promtool rejects:\n\(text)")
    }
}
