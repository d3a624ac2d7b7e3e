import Agent
import ArgumentParser
import Glibc
import LookoutHealth
import LookoutJSON
import LookoutVersion

/// `lookout serve`: HTTP probes and metrics in a process of its own (lookout-http.service), so the agent keeps its
/// resident-set budget. Every answer comes from one HEALTH request to the agent's control socket.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve /livez, /readyz, /metrics, /api/health and /api/monitors over HTTP, from the agent's HEALTH.",
        discussion: """
            Listens on [http] listen of the configuration file, or --listen. An address other than loopback needs \
            [http] allow_remote = true (or --allow-remote). There is no authentication. docs/health.md.
            Examples:
              lookout serve --listen 127.0.0.1:9781
              curl -s 127.0.0.1:9781/metrics
            """)

    @Option(help: "TOML configuration file (default: /etc/lookout/lookout.toml when present).") var config: String?
    @Option(help: "ADDRESS:PORT to listen on (http.listen), e.g. 127.0.0.1:9781.") var listen: String?
    @Flag(help: "Allow an address other than loopback (http.allow_remote).") var allowRemote = false
    @Option(help: "The agent's control endpoint (default: bus.control of the configuration).") var control: String?
    @Option(help: "Seconds to wait for the agent's HEALTH.") var timeout: Double = 2
    @Option(help: ArgumentHelp("Exit when this process is gone (set by `lookout run --http`).", visibility: .hidden))
    var agentPid: Int32?

    func run() throws {
        let file: AgentConfiguration
        do {
            file = try AgentConfiguration.load(path: config ?? AgentConfiguration.defaultPath, required: config != nil)
        } catch {
            throw CLIError("\(error)")
        }
        let text = listen ?? file.http.listen
        guard !text.isEmpty else { throw CLIError("nothing to listen on: give --listen ADDRESS:PORT or set [http] listen") }
        guard let address = HTTPListenAddress(text) else { throw CLIError("'\(text)' is not ADDRESS:PORT with an IPv4 address") }
        guard address.isLoopback || allowRemote || file.http.allowRemote else {
            throw CLIError("\(address) is not loopback; set [http] allow_remote = true or pass --allow-remote to serve beyond this host")
        }
        let endpoint = control ?? (config == nil && file.bus.control == AgentConfiguration.Bus.defaultControl ? AgentEndpoints.control : file.bus.control)
        let responder = try HTTPResponder(address: address)
        let stop = InterruptFlag()
        writeStandardError("lookout serve: listening on http://\(address) for the agent at \(endpoint)\n")
        var cache = HealthCache(endpoint: endpoint, timeout: timeout)
        let agentPid = agentPid
        // Started by the agent's process (exec keeps its pid): when it exits, this process is re-parented at once,
        // even while the agent is still an unreaped zombie.
        responder.run(stop: { stop.isSet || agentPid.map { getppid() != $0 } == true }) { _, path in
            Self.route(path, cache: &cache)
        }
    }

    /// One HEALTH answers every request for 0.1 s (the agent renders it once per poll anyway), and a failure for 1 s:
    /// requests are served one at a time, so a silent agent must not cost every waiting scrape the whole timeout.
    struct HealthCache {
        let endpoint: String
        let timeout: Double
        private var last: (at: Double, result: Result<JSONValue, HealthClient.Failure>)?
        /// /metrics rendered from `last`, so requests within its 0.1 s share one rendering.
        private var metrics: String?

        init(endpoint: String, timeout: Double) {
            self.endpoint = endpoint
            self.timeout = timeout
        }

        mutating func get() -> Result<JSONValue, HealthClient.Failure> {
            let now = MonotonicSeconds.now
            if let last {
                let keep: Double
                switch last.result {
                case .success: keep = 0.1
                case .failure: keep = 1
                }
                if now - last.at < keep { return last.result }
            }
            let result = HealthClient.request(endpoint: endpoint, timeout: timeout)
            last = (MonotonicSeconds.now, result)
            metrics = nil
            return result
        }

        mutating func metricsText() -> String {
            let health = try? get().get()
            if let metrics { return metrics }
            let text = PrometheusText.render(health: health, version: LookoutVersion.current)
            metrics = text
            return text
        }
    }

    static func route(_ path: String, cache: inout HealthCache) -> HTTPResponder.Response {
        let known = ["/livez", "/readyz", "/metrics", "/api/health", "/api/monitors"]
        guard known.contains(path) else {
            return .init(status: 404, contentType: "text/plain; charset=utf-8", body: "not found; try \(known.joined(separator: ", "))\n")
        }
        let health: JSONValue?
        let failure: String
        switch cache.get() {
        case let .success(body):
            health = body
            failure = ""
        case let .failure(error):
            health = nil
            failure = "\(error)"
        }
        switch path {
        case "/livez", "/readyz":
            let answer = path == "/livez" ? Probes.livez(health, failure: failure) : Probes.readyz(health, failure: failure)
            return .init(status: answer.status, contentType: "text/plain; charset=utf-8", body: answer.body)
        case "/metrics":
            // 200 even without an agent: Prometheus records lookout_up 0 instead of a failed scrape.
            return .init(status: 200, contentType: PrometheusText.contentType, body: cache.metricsText())
        default:
            guard let health else {
                return .init(status: 503, contentType: "application/json", body: JSONValue.object([("error", .string(failure))]).rendered() + "\n")
            }
            let body = path == "/api/health" ? health : JSONValue.object([("monitors", health["monitors"] ?? .array([]))])
            return .init(status: 200, contentType: "application/json", body: body.rendered() + "\n")
        }
    }
}

enum MonotonicSeconds {
    static var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }
}
