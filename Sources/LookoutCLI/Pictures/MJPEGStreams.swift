import Pictures

/// MJPEG viewers (`stream.mjpeg?fps=F`), on the poll thread. Viewers of one source asking the same shape share one
/// stream: one encode per tick at the fastest viewer's rate (never more than `fps` encodes a second, and a frame
/// that did not change is not encoded again), and each viewer gets the newest JPEG when its own interval has passed
/// and it took the previous one: a slow viewer skips frames and never holds more than the one being sent.
final class MJPEGStreams {
    static let boundary = "lookoutframe"
    static let maximumFPS = 30.0

    final class Stream {
        let key: String
        let encoder: SharedEncoder
        let request: PictureRequest
        var viewers: [UInt64: Viewer] = [:]
        var inFlight = false
        var nextEncode = 0.0
        var failedUntil = 0.0

        init(key: String, encoder: SharedEncoder, request: PictureRequest) {
            self.key = key
            self.encoder = encoder
            self.request = request
        }

        var fastest: Double { viewers.values.map(\.fps).max() ?? 1 }
    }

    struct Viewer {
        let fps: Double
        var nextDue: Double
        var lastFrame: Int64 = .min
    }

    private var streams: [String: Stream] = [:]
    private var streamOfViewer: [UInt64: String] = [:]
    let workers: WorkerPool

    init(workers: WorkerPool) { self.workers = workers }

    static var head: [UInt8] {
        Array(("HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=\(boundary)\r\n"
            + "Cache-Control: no-store\r\nConnection: close\r\n\r\n").utf8)
    }

    func add(viewer: UInt64, encoder: SharedEncoder, request: PictureRequest, fps: Double, now: Double) {
        let key = "\(encoder.source.key)|\(request.height ?? 0)|\(request.quality)|\(request.timestamp)"
        let stream = streams[key] ?? Stream(key: key, encoder: encoder, request: request)
        streams[key] = stream
        stream.viewers[viewer] = Viewer(fps: min(max(fps, 0.1), Self.maximumFPS), nextDue: now)
        streamOfViewer[viewer] = key
    }

    func remove(viewer: UInt64) {
        guard let key = streamOfViewer.removeValue(forKey: viewer), let stream = streams[key] else { return }
        stream.viewers[viewer] = nil
        if stream.viewers.isEmpty && !stream.inFlight { streams[key] = nil }
    }

    var viewerCount: Int { streamOfViewer.count }

    /// Starts the encodes that are due.
    func tick(server: HTTPServer, now: Double) {
        for stream in streams.values where !stream.inFlight && !stream.viewers.isEmpty {
            guard now >= stream.nextEncode, now >= stream.failedUntil,
                  stream.viewers.values.contains(where: { $0.nextDue <= now }) else { continue }
            stream.inFlight = true
            stream.nextEncode = now + 1 / stream.fastest
            let key = stream.key, encoder = stream.encoder, request = stream.request
            let mailbox = server.mailbox
            workers.submit {
                let result: Result<Picture, PictureError>
                do {
                    switch try encoder.picture(request) {
                    case let .picture(picture): result = .success(picture)
                    case .notModified: result = .failure(PictureError(.unavailable, "unexpected 304"))
                    }
                } catch let error as PictureError {
                    result = .failure(error)
                } catch {
                    result = .failure(PictureError(.encoder, "\(error)"))
                }
                mailbox.post(.streamPicture(key: key, result))
            }
        }
    }

    func nextDeadline() -> Double? {
        streams.values.filter { !$0.inFlight && !$0.viewers.isEmpty }
            .map { max($0.nextEncode, $0.failedUntil, $0.viewers.values.map(\.nextDue).min() ?? 0) }.min()
    }

    func deliver(key: String, _ result: Result<Picture, PictureError>, server: HTTPServer, now: Double) {
        guard let stream = streams[key] else { return }
        stream.inFlight = false
        if stream.viewers.isEmpty {
            streams[key] = nil
            return
        }
        guard case let .success(picture) = result else {
            stream.failedUntil = now + 1
            return
        }
        let part = Array(("--\(Self.boundary)\r\nContent-Type: image/jpeg\r\nContent-Length: \(picture.jpeg.count)\r\n"
            + "X-Frame-Time: \(picture.frameMicros)\r\n\r\n").utf8)
        for (id, viewer) in stream.viewers where viewer.nextDue <= now && viewer.lastFrame != picture.frameMicros {
            switch server.push(id, [part, picture.jpeg, [13, 10]], skipIfBusy: true) {
            case .queued:
                stream.viewers[id]?.lastFrame = picture.frameMicros
                let next = viewer.nextDue + 1 / viewer.fps
                stream.viewers[id]?.nextDue = next < now ? now + 1 / viewer.fps : next
            case .skipped:
                break
            case .closed:
                remove(viewer: id)
            }
        }
    }
}
