import Agent
import ArgumentParser
import Glibc
import LookoutHealth
import LookoutJSON
import LookoutVersion
import ZMSite

/// `lookout serve`: HTTP probes and metrics in a process of its own (lookout-http.service), so the agent keeps its
/// resident-set budget. Every answer comes from one HEALTH request to the agent's control socket.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve probes, metrics, pictures (latest.jpg, MJPEG), events (SSE) and a status page over HTTP.",
        discussion: """
            Listens on [http] listen of the configuration file, or --listen. An address other than loopback needs \
            [http] allow_remote = true (or --allow-remote). Probes and metrics come from the agent's HEALTH \
            (docs/health.md); pictures are read from ZoneMinder's shared memory by this process, never the agent \
            (docs/pictures.md). [http] token or password guards pictures, events and the page (docs/security.md).
            Examples:
              lookout serve --listen 127.0.0.1:9781
              curl -s 127.0.0.1:9781/metrics
              curl -s -o m1.jpg '127.0.0.1:9781/api/monitors/1/latest.jpg?h=240&timestamp=1'
            """)

    @Option(help: "TOML configuration file (default: /etc/lookout/lookout.toml when present).") var config: String?
    @Option(help: "ADDRESS:PORT to listen on (http.listen), e.g. 127.0.0.1:9781.") var listen: String?
    @Flag(help: "Allow an address other than loopback (http.allow_remote).") var allowRemote = false
    @Option(help: "The agent's control endpoint (default: bus.control of the configuration).") var control: String?
    @Option(help: "Seconds to wait for the agent's HEALTH.") var timeout: Double = 2
    @Option(help: "The agent's publish endpoint for /api/events (default: bus.publish of the configuration).") var publish: String?
    @Option(help: "Threads that copy and encode pictures (default: the number of cores, at most 4).") var encoders: Int?
    @Option(name: .customLong("size"), help: ArgumentHelp(
        "ID=WIDTHxHEIGHT of a monitor's images, instead of its Monitors row (repeatable).",
        discussion: "For a site whose ZoneMinder database this process may not read."))
    var sizes: [String] = []
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
        let publishEndpoint = publish ?? (config == nil && file.bus.publish == AgentConfiguration.Bus.defaultPublish ? AgentEndpoints.publish : file.bus.publish)
        let server = try HTTPServer(address: address, limits: HTTPServer.Limits(connections: file.http.maxClients))
        let stop = InterruptFlag()
        var frameSizes: [Int: (width: Int, height: Int)] = [:]
        for text in sizes {
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let id = ZoneMinderContext.monitorID(parts[0]), let size = Snapshot.parseSize(String(parts[1])) else {
                throw CLIError("--size '\(text)' is not ID=WIDTHxHEIGHT, e.g. 1=1920x1080")
            }
            frameSizes[id] = size
        }
        let catalog = PictureCatalog.from(file.zoneMinder, ts: file.ts, frameSizes: frameSizes)
        catalog.refresh()
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let workers = WorkerPool(threads: encoders ?? min(max(cores, 1), 4), name: "lookout-jpeg")
        EventStream.startSubscriber(endpoint: publishEndpoint, mailbox: server.mailbox)
        let application = ServeApplication(
            health: HealthCache(endpoint: endpoint, timeout: timeout), catalog: catalog,
            access: AccessControl(token: file.http.token, password: file.http.password), workers: workers, now: MonotonicSeconds.now)
        writeStandardError("lookout serve: listening on http://\(address) for the agent at \(endpoint); \(catalog.all.count) picture source(s)\n")
        for note in catalog.notes { writeStandardError("lookout serve: \(note)\n") }
        let agentPid = agentPid
        // Started by the agent's process (exec keeps its pid): when it exits, this process is re-parented at once,
        // even while the agent is still an unreaped zombie.
        server.run(application, stop: { stop.isSet || agentPid.map { getppid() != $0 } == true })
    }

    static let healthRoutes = ["/livez", "/readyz", "/api/health", "/api/monitors"]

    /// One HEALTH answers every request for 0.1 s (the agent renders it once per poll anyway), and a failure for 1 s:
    /// HEALTH is asked on one thread, one at a time, so a silent agent must not cost every waiting scrape the whole timeout.
    struct HealthCache: Sendable {
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

    static func route(_ path: String, cache: inout HealthCache) -> HTTPResponse {
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
            return HTTPResponse(status: answer.status, text: answer.body)
        case "/metrics":
            // 200 even without an agent: Prometheus records lookout_up 0 instead of a failed scrape.
            return HTTPResponse(status: 200, contentType: PrometheusText.contentType, text: cache.metricsText())
        default:
            guard let health else {
                return HTTPResponse(status: 503, contentType: "application/json", text: JSONValue.object([("error", .string(failure))]).rendered() + "\n")
            }
            let body = path == "/api/health" ? health : JSONValue.object([("monitors", health["monitors"] ?? .array([]))])
            return HTTPResponse(status: 200, contentType: "application/json", text: body.rendered() + "\n")
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
