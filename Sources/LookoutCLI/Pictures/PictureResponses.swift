import Pictures

/// HTTP answers made of pictures: run on a worker, never on the poll thread.
enum PictureResponses {
    struct Refusal: Error {
        let response: HTTPResponse
        init(status: Int, text: String) { response = HTTPResponse(status: status, text: text) }
    }

    /// `h`, `quality` and `timestamp` of a query, or the reason they are refused.
    static func request(from query: [String: String]) -> Result<PictureRequest, Refusal> {
        var request = PictureRequest()
        if let text = query["h"] {
            guard let height = Int(text), (1...Frame.maximumSide).contains(height) else {
                return .failure(Refusal(status: 400, text: "h must be a height in pixels, 1 to \(Frame.maximumSide)\n"))
            }
            request.height = height
        }
        if let text = query["quality"] {
            guard let quality = Int(text), (1...100).contains(quality) else {
                return .failure(Refusal(status: 400, text: "quality must be 1 to 100\n"))
            }
            request.quality = quality
        }
        if let text = query["timestamp"] { request.timestamp = text == "1" || text == "true" }
        return .success(request)
    }

    static func latest(_ encoder: SharedEncoder, _ request: PictureRequest, ifNoneMatch: [String], ifModifiedSince: Int64?) -> HTTPResponse {
        do {
            switch try encoder.picture(request, ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince) {
            case let .picture(picture):
                return HTTPResponse(status: 200, contentType: "image/jpeg", body: picture.jpeg,
                                    headers: validators(tag: picture.entityTag, micros: picture.frameMicros)
                                        + [("X-Frame-Size", "\(picture.width)x\(picture.height)")]
                                        + (picture.frameNumber.map { [("X-Frame", "\($0)")] } ?? []))
            case let .notModified(tag, micros):
                return HTTPResponse(status: 304, contentType: "image/jpeg", body: [], headers: validators(tag: tag, micros: micros))
            }
        } catch {
            return failure(error)
        }
    }

    /// Every source's newest picture tiled with its name (`/api/grid.jpg`); a source without one gets a grey tile.
    static func grid(_ sources: [any PictureSource], tileHeight: Int, quality: Int) -> HTTPResponse {
        let tiles = sources.map { source in (name: source.name, frame: try? source.latestFrame()) }
        guard let canvas = Grid.compose(tiles, tileHeight: tileHeight) else {
            return HTTPResponse(status: 500, text: "grid too large\n")
        }
        do {
            return HTTPResponse(status: 200, contentType: "image/jpeg", body: try JPEGEncoder().encode(canvas, quality: quality),
                                headers: [("X-Frame-Size", "\(canvas.width)x\(canvas.height)")])
        } catch {
            return failure(error)
        }
    }

    static func validators(tag: String, micros: Int64) -> [(String, String)] {
        [("ETag", tag), ("Last-Modified", HTTPResponse.httpDate(micros / 1_000_000)), ("X-Frame-Time", "\(micros)"),
         ("Cache-Control", "no-cache")]
    }

    static func failure(_ error: PictureError) -> HTTPResponse {
        switch error.kind {
        case .noImageYet: HTTPResponse(status: 503, text: "no image yet\n", headers: [("Retry-After", "1")])
        case .unavailable, .invalidFrame: HTTPResponse(status: 503, text: "\(error.message)\n")
        case .encoder: HTTPResponse(status: 500, text: "\(error.message)\n")
        }
    }
}
