/// Finds a quoted constant in Perl or PHP source, such as `use constant ZM_VERSION => '1.36.33';`, without
/// Swift's Regex (which would link the regex engine, about 1 MB of code, into the agent).
enum QuotedValueScanner {
    enum Step {
        /// These exact characters.
        case word(String)
        /// One or more spaces, tabs or line breaks (`\s+`).
        case spaces
        /// Zero or more (`\s*`).
        case optionalSpaces
        /// `'text'` or `"text"`, these exact characters inside.
        case quoted(String)
        /// `'value'` or `"value"` with a value of one or more characters: the result.
        case quotedValue
    }

    /// The value of the first place in `text` where every step matches in turn.
    static func firstValue(in text: String, _ steps: [Step]) -> Substring? {
        let bytes = Array(text.utf8)
        for start in bytes.indices {
            if let range = match(bytes, from: start, steps) {
                return Substring(String(decoding: bytes[range], as: UTF8.self))
            }
        }
        return nil
    }

    private static func match(_ bytes: [UInt8], from start: Int, _ steps: [Step]) -> Range<Int>? {
        var index = start
        var value: Range<Int>?
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        func isQuote(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") }
        func take(_ word: String) -> Bool {
            let word = Array(word.utf8)
            guard bytes.count - index >= word.count, bytes[index..<index + word.count].elementsEqual(word) else { return false }
            index += word.count
            return true
        }
        func quotedRange() -> Range<Int>? {
            guard index < bytes.count, isQuote(bytes[index]) else { return nil }
            let opening = index + 1
            var closing = opening
            while closing < bytes.count, !isQuote(bytes[closing]) { closing += 1 }
            guard closing < bytes.count else { return nil }
            index = closing + 1
            return opening..<closing
        }
        for step in steps {
            switch step {
            case let .word(word):
                guard take(word) else { return nil }
            case .spaces, .optionalSpaces:
                let before = index
                while index < bytes.count, isSpace(bytes[index]) { index += 1 }
                if case .spaces = step, index == before { return nil }
            case let .quoted(word):
                guard let range = quotedRange(), bytes[range].elementsEqual(word.utf8) else { return nil }
            case .quotedValue:
                guard let range = quotedRange(), !range.isEmpty else { return nil }
                value = range
            }
        }
        return value
    }
}
