/// Why a picture could not be made. `kind` picks the HTTP status; `message` is for people.
public struct PictureError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The source has written no image yet (ZoneMinder's `last_write_index` outside the ring): 503.
        case noImageYet
        /// The source is gone, unreadable or not understood (no segment, unknown size): 503.
        case unavailable
        /// The bytes do not describe a frame: 503, and a bug report if it was our own source.
        case invalidFrame
        /// The JPEG library refused: 500.
        case encoder
    }

    public let kind: Kind
    public let message: String
    public var description: String { message }

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
}
