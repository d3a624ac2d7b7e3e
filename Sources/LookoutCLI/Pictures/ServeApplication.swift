import Agent
import Glibc
import LookoutJSON
import Pictures
import Synchronization

/// `lookout serve`'s routes on the poll thread: probes and metrics from the agent's HEALTH (answered at once),
/// pictures on workers, MJPEG and SSE as streams. docs/pictures.md, docs/health.md.
final class ServeApplication: HTTPApplication {
    /// HEALTH is asked on its own thread: a silent agent (up to `--timeout` per try) must not stall the poll loop
    /// that keeps MJPEG and SSE clients going. One thread, so one HEALTH request at a time; the rest wait for its
    /// answer and take it from the cache.
    let health: HealthAnswers
    let healthWorker = WorkerPool(threads: 1, name: "lookout-health")
    let catalog: PictureCatalog
    let access: AccessControl
    let workers: WorkerPool
    let streams: MJPEGStreams
    let events = EventStream()
    private var nextCatalogRefresh: Double

    init(health: Serve.HealthCache, catalog: PictureCatalog, access: AccessControl, workers: WorkerPool, now: Double) {
        self.health = HealthAnswers(health)
        self.catalog = catalog
        self.access = access
        self.workers = workers
        streams = MJPEGStreams(workers: workers)
        nextCatalogRefresh = now + PictureCatalog.refreshSeconds
    }

    func handle(_ request: HTTPRequest, connection: UInt64, server: HTTPServer) -> HTTPAction {
        let path = request.path
        if Serve.healthRoutes.contains(path) || path == "/metrics" {
            let extra = path == "/metrics" ? pictureMetrics() : ""
            let mailbox = server.mailbox, health = health
            healthWorker.submit {
                var response = health.route(path)
                response.body += Array(extra.utf8)
                mailbox.post(.response(connection, response))
            }
            return .wait
        }
        if let denied = access.check(request) { return .respond(denied) }
        switch path {
        case "/", "/index.html":
            return .respond(HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", text: StatusPage.html))
        case "/api/pictures":
            return .respond(HTTPResponse(status: 200, contentType: "application/json", text: sourcesJSON()))
        case "/api/events":
            events.add(connection)
            return .stream(head: EventStream.head)
        case "/api/grid.jpg":
            let tileHeight = request.query["h"].map { Int($0) ?? -1 } ?? 240
            let quality = request.query["quality"].map { Int($0) ?? -1 } ?? PictureRequest.defaultQuality
            guard (32...1080).contains(tileHeight), (1...100).contains(quality) else {
                return .respond(HTTPResponse(status: 400, text: "h (tile height) must be 32 to 1080 and quality 1 to 100\n"))
            }
            let sources = catalog.all.map { $0.encoder.source }
            let mailbox = server.mailbox
            workers.submit {
                mailbox.post(.response(connection, PictureResponses.grid(sources, tileHeight: tileHeight, quality: quality)))
            }
            return .wait
        default:
            break
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        // "", "api", "monitors"|"channels", id, file
        guard parts.count == 5, parts[1] == "api", parts[2] == "monitors" || parts[2] == "channels",
              let id = Int(parts[3]), id > 0 else {
            return .respond(HTTPResponse(status: 404, text: "not found; try /, /api/monitors/<id>/latest.jpg, /api/monitors/<id>/stream.mjpeg, /api/grid.jpg, /api/events, \(Serve.healthRoutes.joined(separator: ", ")), /metrics\n"))
        }
        let key = "\(parts[2])/\(id)", notFound = HTTPResponse(status: 404, text: "no \(parts[2].dropLast()) \(id)\n")
        let pictureRequest: PictureRequest
        switch PictureResponses.request(from: request.query) {
        case let .success(parsed): pictureRequest = parsed
        case let .failure(refusal): return .respond(refusal.response)
        }
        switch parts[4] {
        case "latest.jpg":
            let tags = request.ifNoneMatch
            let since = request.headers["if-modified-since"].flatMap(HTTPResponse.parseHTTPDate)
            let mailbox = server.mailbox, catalog = catalog
            workers.submit {
                // A source that appeared since the last look (a new channel file, a new monitor) is found now.
                if catalog.encoder(key) == nil { catalog.refresh(ifOlderThan: 5) }
                guard let encoder = catalog.encoder(key) else {
                    mailbox.post(.response(connection, notFound))
                    return
                }
                mailbox.post(.response(connection, PictureResponses.latest(encoder, pictureRequest, ifNoneMatch: tags, ifModifiedSince: since)))
            }
            return .wait
        case "stream.mjpeg":
            guard let encoder = catalog.encoder(key) else { return .respond(notFound) }
            let fps = request.query["fps"].map { Double($0) ?? -1 } ?? 5
            guard fps > 0, fps <= MJPEGStreams.maximumFPS else {
                return .respond(HTTPResponse(status: 400, text: "fps must be above 0 and at most \(Int(MJPEGStreams.maximumFPS))\n"))
            }
            streams.add(viewer: connection, encoder: encoder, request: pictureRequest, fps: fps, now: MonotonicSeconds.now)
            return .stream(head: MJPEGStreams.head)
        default:
            return .respond(HTTPResponse(status: 404, text: "try latest.jpg or stream.mjpeg\n"))
        }
    }

    func tick(server: HTTPServer, now: Double) {
        streams.tick(server: server, now: now)
        events.tick(server: server, now: now)
        if now >= nextCatalogRefresh {
            nextCatalogRefresh = now + PictureCatalog.refreshSeconds
            let catalog = catalog
            workers.submit { catalog.refresh() }
        }
    }

    func nextDeadline(now: Double) -> Double? { streams.nextDeadline() }

    func closed(_ connection: UInt64) {
        streams.remove(viewer: connection)
        events.remove(connection)
    }

    func deliver(_ message: WorkerMessage, server: HTTPServer) {
        switch message {
        case let .streamPicture(key, result): streams.deliver(key: key, result, server: server, now: MonotonicSeconds.now)
        case let .busEvent(bytes): events.broadcast(bytes, server: server)
        case .response: break
        }
    }

    func sourcesJSON() -> String {
        let sources: [JSONValue] = catalog.all.map { entry in
            .object([("key", .string(entry.encoder.source.key)), ("kind", .string(entry.kind)), ("id", .from(entry.id)),
                     ("name", .string(entry.encoder.source.name))])
        }
        return JSONValue.object([("sources", .array(sources))]).rendered() + "\n"
    }

    /// Encodes per source and viewers: how the one-encoder-per-source rule can be watched from Prometheus.
    func pictureMetrics() -> String {
        var text = "# HELP lookout_picture_encodes_total JPEG encodes by lookout serve, per source.\n"
        text += "# TYPE lookout_picture_encodes_total counter\n"
        for entry in catalog.all {
            text += "lookout_picture_encodes_total{source=\"\(entry.encoder.source.key)\"} \(entry.encoder.encodeCount)\n"
        }
        text += "# HELP lookout_picture_stream_viewers MJPEG viewers connected.\n# TYPE lookout_picture_stream_viewers gauge\n"
        text += "lookout_picture_stream_viewers \(streams.viewerCount)\n"
        text += "# HELP lookout_event_stream_clients Server-Sent Events clients connected.\n# TYPE lookout_event_stream_clients gauge\n"
        text += "lookout_event_stream_clients \(events.clients.count)\n"
        return text
    }
}

/// The HEALTH cache behind a lock, for the health thread.
final class HealthAnswers: Sendable {
    private let cache: Mutex<Serve.HealthCache>

    init(_ cache: Serve.HealthCache) { self.cache = Mutex(cache) }

    func route(_ path: String) -> HTTPResponse { cache.withLock { Serve.route(path, cache: &$0) } }
}
