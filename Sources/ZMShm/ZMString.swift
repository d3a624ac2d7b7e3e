/// A fixed-size `char[N]` field read up to its first NUL.
///
/// ZoneMinder stores bytes, not text: a writer may leave invalid UTF-8 behind. The text is then shown with
/// U+FFFD replacements and `isValidUTF8` is false, so a caller can tell a damaged field from a real one.
public struct ZMString: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]
    public let text: String
    public let isValidUTF8: Bool

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        if let valid = String(validating: bytes, as: UTF8.self) {
            text = valid
            isValidUTF8 = true
        } else {
            text = String(decoding: bytes, as: UTF8.self)
            isValidUTF8 = false
        }
    }

    public init(_ text: String) { self.init(bytes: Array(text.utf8)) }

    public var description: String { text }
    public var isEmpty: Bool { bytes.isEmpty }
}
