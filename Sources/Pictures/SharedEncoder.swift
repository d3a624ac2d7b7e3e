import Synchronization

/// What a client asks of a picture: `h` (height, aspect kept), `quality` and `timestamp=1`.
public struct PictureRequest: Hashable, Sendable {
    public var height: Int?
    public var quality: Int
    public var timestamp: Bool

    public static let defaultQuality = 80

    public init(height: Int? = nil, quality: Int = PictureRequest.defaultQuality, timestamp: Bool = false) {
        self.height = height
        self.quality = min(max(quality, 1), 100)
        self.timestamp = timestamp
    }

    /// The entity tag of this request's picture of the frame captured at `micros`: the same frame asked the same way
    /// is the same JPEG, so a client holding it gets 304 without an encode.
    public func entityTag(frameMicros: Int64) -> String {
        "\"\(frameMicros)-\(height ?? 0)-\(quality)\(timestamp ? "-t" : "")\""
    }
}

/// One JPEG of one frame.
public struct Picture: Sendable {
    public let jpeg: [UInt8]
    public let frameMicros: Int64
    public let entityTag: String
    public let width: Int
    public let height: Int
    public let frameNumber: UInt64?
}

/// The one encoder of a source, shared by every viewer and request: it copies the newest frame and encodes it at
/// most once per frame and request shape (later askers get the cached JPEG). Calls are serialised by its lock, so a
/// source never costs more than one encode at a time however many clients watch.
public final class SharedEncoder: Sendable {
    public enum Outcome: Sendable {
        case picture(Picture)
        /// The client's `If-None-Match` already names the newest frame.
        case notModified(entityTag: String, frameMicros: Int64)
    }

    private struct State {
        var encoder: JPEGEncoder?
        var frameMicros: Int64 = .min
        var cache: [PictureRequest: Picture] = [:]
        var encodes = 0
    }

    public let source: any PictureSource
    private let state = Mutex(State())
    static let maximumCachedShapes = 8

    public init(source: any PictureSource) { self.source = source }

    /// JPEGs encoded so far (cache hits and 304s not counted): `lookout_picture_encodes_total`.
    public var encodeCount: Int { state.withLock { $0.encodes } }

    /// - Parameters:
    ///   - ifNoneMatch: entity tags the client holds (`If-None-Match`); `*` matches any.
    ///   - ifModifiedSince: Unix seconds of the client's copy (`If-Modified-Since`), used when it sent no entity tag.
    public func picture(_ request: PictureRequest, ifNoneMatch: [String] = [], ifModifiedSince: Int64? = nil) throws(PictureError) -> Outcome {
        let result: Result<Outcome, PictureError> = state.withLock { state in
            do {
                let frame = try source.latestFrame()
                let tag = request.entityTag(frameMicros: frame.timestampMicros)
                let unchangedSince = ifNoneMatch.isEmpty && ifModifiedSince.map { frame.timestampMicros / 1_000_000 <= $0 } == true
                if ifNoneMatch.contains(tag) || ifNoneMatch.contains("*") || unchangedSince {
                    return .success(.notModified(entityTag: tag, frameMicros: frame.timestampMicros))
                }
                if frame.timestampMicros != state.frameMicros {
                    state.cache.removeAll(keepingCapacity: true)
                    state.frameMicros = frame.timestampMicros
                }
                if let cached = state.cache[request] { return .success(.picture(cached)) }
                let encoder: JPEGEncoder
                if let existing = state.encoder { encoder = existing } else {
                    encoder = try JPEGEncoder()
                    state.encoder = encoder
                }
                var shaped = request.height.map { frame.scaled(toHeight: $0) } ?? frame
                if request.timestamp { shaped = shaped.withTimestamp() }
                let jpeg = try encoder.encode(shaped, quality: request.quality)
                state.encodes += 1
                let picture = Picture(jpeg: jpeg, frameMicros: frame.timestampMicros, entityTag: tag,
                                      width: shaped.width, height: shaped.height, frameNumber: frame.frameNumber)
                if state.cache.count >= Self.maximumCachedShapes { state.cache.removeAll(keepingCapacity: true) }
                state.cache[request] = picture
                return .success(.picture(picture))
            } catch let error as PictureError {
                return .failure(error)
            } catch {
                return .failure(PictureError(.encoder, "\(error)"))
            }
        }
        return try result.get()
    }
}
