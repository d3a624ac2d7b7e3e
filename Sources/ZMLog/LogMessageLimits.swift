/// Cuts text to a byte budget without splitting a UTF-8 character, so every output (and the utf8mb4 `Logs`
/// table) receives the same valid text.
enum LogMessageLimits {
    /// libzm builds the whole file line in a 4096-byte buffer: a line longer than 4095 bytes is cut at byte 4093
    /// and `]\n` appended.
    static let cppLineBytes = 4095
    /// `Logs.Message` is TEXT: 65535 bytes; strict mode rejects more.
    static let messageColumnBytes = 65535
    /// `Logs.File` is varchar(255).
    static let fileColumnCharacters = 255

    static func prefix(_ text: String, maxBytes: Int) -> String {
        let utf8 = text.utf8
        guard utf8.count > maxBytes else { return text }
        var end = utf8.index(utf8.startIndex, offsetBy: maxBytes)
        // Step back over continuation bytes (10xxxxxx) to the start of the character that did not fit.
        while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 {
            end = utf8.index(before: end)
        }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }

    static func prefix(_ text: String, maxCharacters: Int) -> String {
        text.count > maxCharacters ? String(text.prefix(maxCharacters)) : text
    }
}

extension LogFlavour {
    /// The most of one message any output can keep, so a reader (zmlog's stdin) need not hold more: C++ cuts the
    /// whole file line at 4095 bytes, so no longer message survives; the Perl flavour keeps up to the `Logs.Message`
    /// column's 65535 bytes (Perl itself has no limit on its file line; ours is cut there too).
    public var keptMessageBytes: Int {
        switch self {
        case .cpp: LogMessageLimits.cppLineBytes
        case .perl: LogMessageLimits.messageColumnBytes
        }
    }
}
