/// TOML 1.0 for configuration files: tables, dotted keys, inline tables, arrays, basic and literal strings,
/// integers (decimal, hex, octal, binary), floats (inf, nan), booleans, arrays of tables (`[[name]]`).
/// Multi-line strings, dates and TOML 1.1's additions are refused with a message naming the unsupported part,
/// never misread.
/// Checked against toml-test (TOMLConformanceTests).
struct TOMLParser {
    private let bytes: [UInt8]
    private var index = 0

    /// Arrays and inline tables nested deeper than this are refused, so hostile input cannot exhaust the stack.
    static let maximumDepth = 64

    init(_ text: String) {
        bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // a UTF-8 byte order mark
    }

    mutating func document() throws(TOMLParseError) -> TOMLTable {
        var root = TOMLTable()
        // The table keys and values go to, as a concrete path: an element of an array of tables is the array's key
        // followed by `ArrayElement.marker(index)`.
        var current: [String] = []
        var definitions = TOMLTableDefinitions()
        var arrays = ArraysOfTables()
        while true {
            try skipBlankLines()
            guard let byte = peek() else { return root }
            if byte == UInt8(ascii: "[") {
                index += 1
                let isArray = peek() == UInt8(ascii: "[")
                if isArray { index += 1 }
                skipSpaces()
                let headerStart = index
                let path = try key()
                skipSpaces()
                try expect("]", "expected ']' after the table name")
                if isArray { try expect("]", "expected ']]' after the name of an array of tables") }
                let name = path.joined(separator: ".")
                let parent = arrays.resolve(path.dropLast())
                let concrete = parent + [path[path.count - 1]]
                if isArray {
                    if !arrays.isArray(concrete), let refusal = definitions.arrayHeader(concrete) { throw TOMLParseError(at: headerStart, in: bytes, refusal) }
                    let element = try Self.appendElement(
                        at: concrete, in: &root, arrays: &arrays,
                        error: TOMLParseError(at: headerStart, in: bytes, "'\(name)' is already a value, not an array of tables"))
                    current = concrete + [ArraysOfTables.marker(element)]
                    definitions.elementHeader(current)
                } else {
                    if arrays.isArray(concrete) {
                        throw TOMLParseError(at: headerStart, in: bytes, "'\(name)' is an array of tables ([[\(name)]]): [\(name)] cannot define it")
                    }
                    if let refusal = definitions.header(concrete) { throw TOMLParseError(at: headerStart, in: bytes, refusal) }
                    try Self.table(at: concrete, in: &root, error: error("'\(name)' is already a value, not a table"))
                    current = concrete
                }
            } else {
                let path = try key()
                skipSpaces()
                try expect("=", "expected '=' after the key")
                skipSpaces()
                let keyEnd = index
                let value = try value(depth: 0)
                if let refusal = definitions.value(at: current + path, dottedFrom: current.count, inline: value.table != nil) {
                    throw TOMLParseError(at: keyEnd, in: bytes, refusal)
                }
                let name = (current.filter { !ArraysOfTables.isMarker($0) } + path).joined(separator: ".")
                try Self.insert(value, at: current + path, in: &root, error: error("'\(name)' is defined twice"))
            }
            try endOfLine()
        }
    }

    // MARK: - tables

    /// Walks (creating) tables along a concrete path; a marker step enters that element of the array before it.
    private static func table(at path: [String], in table: inout TOMLTable, error: TOMLParseError) throws(TOMLParseError) {
        guard let first = path.first else { return }
        if path.count > 1, let element = ArraysOfTables.element(path[1]) {
            guard case var .array(items)? = table[first], element < items.count, case var .table(child) = items[element] else { throw error }
            try Self.table(at: Array(path.dropFirst(2)), in: &child, error: error)
            items[element] = .table(child)
            table[first] = .array(items)
            return
        }
        var child: TOMLTable
        switch table[first] {
        case nil: child = TOMLTable()
        case let .table(existing)?: child = existing
        default: throw error
        }
        try Self.table(at: Array(path.dropFirst()), in: &child, error: error)
        table[first] = .table(child)
    }

    private static func insert(_ value: TOMLValue, at path: [String], in table: inout TOMLTable, error: TOMLParseError) throws(TOMLParseError) {
        let first = path[0]
        if path.count == 1 {
            guard table[first] == nil else { throw error }
            table[first] = value
            return
        }
        if let element = ArraysOfTables.element(path[1]) {
            guard case var .array(items)? = table[first], element < items.count, case var .table(child) = items[element] else { throw error }
            try insert(value, at: Array(path.dropFirst(2)), in: &child, error: error)
            items[element] = .table(child)
            table[first] = .array(items)
            return
        }
        var child: TOMLTable
        switch table[first] {
        case nil: child = TOMLTable()
        case let .table(existing)?: child = existing
        default: throw error
        }
        try insert(value, at: Array(path.dropFirst()), in: &child, error: error)
        table[first] = .table(child)
    }

    /// `[[path]]`: appends an empty table to the array of tables at `path` (creating it), returns its index.
    /// A key that already holds anything else (a table, a value, a static array) is an error.
    private static func appendElement(
        at path: [String], in root: inout TOMLTable, arrays: inout ArraysOfTables, error: TOMLParseError
    ) throws(TOMLParseError) -> Int {
        let parent = Array(path.dropLast())
        let key = path[path.count - 1]
        let exists = try Self.lookup(parent, key: key, in: root, error: error)
        guard !exists || arrays.isArray(path) else { throw error }
        let element = arrays.append(path)
        try Self.table(at: parent, in: &root, error: error)
        try Self.update(parent, in: &root, error: error) { table throws(TOMLParseError) in
            var items = table[key]?.array ?? []
            items.append(.table(TOMLTable()))
            table[key] = .array(items)
        }
        return element
    }

    /// Whether `key` is set in the table at `path`.
    private static func lookup(_ path: [String], key: String, in table: TOMLTable, error: TOMLParseError) throws(TOMLParseError) -> Bool {
        guard let first = path.first else { return table[key] != nil }
        if path.count > 1, let element = ArraysOfTables.element(path[1]) {
            guard case let .array(items)? = table[first], element < items.count, case let .table(child) = items[element] else { throw error }
            return try lookup(Array(path.dropFirst(2)), key: key, in: child, error: error)
        }
        switch table[first] {
        case nil: return false
        case let .table(child)?: return try lookup(Array(path.dropFirst()), key: key, in: child, error: error)
        default: throw error
        }
    }

    /// Runs `body` on the table at a concrete path (which must exist).
    private static func update(
        _ path: [String], in table: inout TOMLTable, error: TOMLParseError, _ body: (inout TOMLTable) throws(TOMLParseError) -> Void
    ) throws(TOMLParseError) {
        guard let first = path.first else { return try body(&table) }
        if path.count > 1, let element = ArraysOfTables.element(path[1]) {
            guard case var .array(items)? = table[first], element < items.count, case var .table(child) = items[element] else { throw error }
            try update(Array(path.dropFirst(2)), in: &child, error: error, body)
            items[element] = .table(child)
            table[first] = .array(items)
            return
        }
        guard case var .table(child)? = table[first] else { throw error }
        try update(Array(path.dropFirst()), in: &child, error: error, body)
        table[first] = .table(child)
    }

    // MARK: - keys and values

    /// A dotted key: `a`, `a.b`, `"quoted key".c`.
    private mutating func key() throws(TOMLParseError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            switch peek() {
            case UInt8(ascii: "\"")?: parts.append(try basicString())
            case UInt8(ascii: "'")?: parts.append(try literalString())
            default:
                let start = index
                while let byte = peek(), Self.isBareKey(byte) { index += 1 }
                guard index > start else { throw error("expected a key") }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            }
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return parts }
            index += 1
        }
    }

    private mutating func value(depth: Int) throws(TOMLParseError) -> TOMLValue {
        switch peek() {
        case UInt8(ascii: "\"")?: return .string(try basicString())
        case UInt8(ascii: "'")?: return .string(try literalString())
        case UInt8(ascii: "[")?, UInt8(ascii: "{")?:
            guard depth < Self.maximumDepth else {
                throw error("arrays and inline tables nested deeper than \(Self.maximumDepth) are not accepted")
            }
            return peek() == UInt8(ascii: "[") ? try array(depth: depth + 1) : try inlineTable(depth: depth + 1)
        case UInt8(ascii: "t")?, UInt8(ascii: "f")?:
            if consume("true") { return .boolean(true) }
            if consume("false") { return .boolean(false) }
            throw error("expected a value")
        case nil: throw error("expected a value")
        default: return try number()
        }
    }

    private mutating func array(depth: Int) throws(TOMLParseError) -> TOMLValue {
        index += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlankLines()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return .array(items)
            }
            items.append(try value(depth: depth))
            try skipBlankLines()
            if peek() == UInt8(ascii: ",") {
                index += 1
            } else {
                try skipBlankLines()
                try expect("]", "expected ',' or ']' in the array")
                return .array(items)
            }
        }
    }

    /// `{ a = 1, b.c = 2 }` on one line, without a trailing comma (TOML 1.0).
    private mutating func inlineTable(depth: Int) throws(TOMLParseError) -> TOMLValue {
        index += 1
        var table = TOMLTable()
        var definitions = TOMLTableDefinitions()
        try skipInlineSpaces()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .table(table)
        }
        while true {
            let path = try key()
            skipSpaces()
            try expect("=", "expected '=' after the key")
            skipSpaces()
            let keyEnd = index
            let value = try value(depth: depth)
            if let refusal = definitions.value(at: path, dottedFrom: 0, inline: value.table != nil) {
                throw TOMLParseError(at: keyEnd, in: bytes, refusal)
            }
            try Self.insert(value, at: path, in: &table, error: error("'\(path.joined(separator: "."))' is defined twice"))
            try skipInlineSpaces()
            if peek() == UInt8(ascii: ",") {
                index += 1
                try skipInlineSpaces()
                if peek() == UInt8(ascii: "}") { throw error("a trailing comma in an inline table is TOML 1.1, not supported") }
                continue
            }
            try expect("}", "expected ',' or '}' in the inline table")
            return .table(table)
        }
    }

    private mutating func skipInlineSpaces() throws(TOMLParseError) {
        skipSpaces()
        if peek() == UInt8(ascii: "#") || peek() == 0x0A || peek() == 0x0D {
            throw error("line breaks and comments inside an inline table are TOML 1.1, not supported")
        }
    }

    private mutating func number() throws(TOMLParseError) -> TOMLValue {
        let start = index
        while let byte = peek(), Self.isNumberCharacter(byte) { index += 1 }
        let token = String(decoding: bytes[start..<index], as: UTF8.self)
        guard !token.isEmpty else { throw error("expected a value") }
        if token.contains(":") || (token.utf8.count >= 10 && Array(token.utf8)[4] == UInt8(ascii: "-")) {
            throw TOMLParseError(at: start, in: bytes, "dates and times are not supported")
        }
        let invalid = TOMLParseError(at: start, in: bytes, "'\(token)' is not a number")
        var body = Substring(token)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        switch body {
        case "inf": return .float(negative ? -.infinity : .infinity)
        case "nan": return .float(.nan)
        default: break
        }
        for radix in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(radix.0) {
            guard token.first != "+", token.first != "-", let digits = Self.digits(body.dropFirst(2), radix: radix.1),
                  let value = Int(digits, radix: radix.1) else { throw invalid }
            return .integer(value)
        }
        guard let digits = Self.digits(body, radix: 10) else { throw invalid }
        let isFloat = digits.contains { $0 == "." || $0 == "e" || $0 == "E" }
        let integerPart = digits.prefix { $0.isNumber }
        guard !integerPart.isEmpty, integerPart == "0" || integerPart.first != "0" else { throw invalid }
        if isFloat {
            // TOML wants digits on both sides of the point.
            if let point = digits.firstIndex(of: ".") {
                let after = digits[digits.index(after: point)...]
                guard after.first?.isNumber == true else { throw invalid }
            }
            guard let value = Double(digits) else { throw invalid }
            return .float(negative ? -value : value)
        }
        guard digits.allSatisfy(\.isNumber), let value = Int((negative ? "-" : "") + digits) else {
            throw TOMLParseError(at: start, in: bytes, "'\(token)' does not fit in 64 bits")
        }
        return .integer(value)
    }

    /// The text with TOML's underscores removed; `nil` when an underscore is not between two digits of `radix`,
    /// or (radix 2, 8, 16) a character is not a digit.
    private static func digits(_ text: Substring, radix: Int) -> String? {
        func isDigit(_ character: Character?) -> Bool {
            guard let character else { return false }
            return radix == 16 ? character.isHexDigit : character.wholeNumberValue.map { $0 < radix } ?? false
        }
        var result = ""
        var previous: Character?
        for (offset, character) in text.enumerated() {
            if character == "_" {
                guard isDigit(previous), isDigit(text.dropFirst(offset + 1).first) else { return nil }
            } else {
                if radix != 10, !isDigit(character) { return nil }
                result.append(character)
            }
            previous = character
        }
        return result
    }

    // MARK: - strings

    private mutating func basicString() throws(TOMLParseError) -> String {
        if consume("\"\"\"") { throw error("multi-line strings (\"\"\") are not supported") }
        index += 1
        var scalars = String.UnicodeScalarView()
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                index += 1
                scalars.append(try escape())
            case 0x0A, 0x0D: throw error("unterminated string")
            default:
                let start = index
                while let next = peek(), next != UInt8(ascii: "\""), next != UInt8(ascii: "\\"), next != 0x0A, next != 0x0D {
                    if Self.isControl(next) { throw controlCharacter(next, in: "a string (escape it)") }
                    index += 1
                }
                scalars.append(contentsOf: String(decoding: bytes[start..<index], as: UTF8.self).unicodeScalars)
            }
        }
        throw error("unterminated string")
    }

    private mutating func escape() throws(TOMLParseError) -> Unicode.Scalar {
        guard let byte = peek() else { throw error("unterminated string") }
        index += 1
        switch byte {
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "e"), UInt8(ascii: "x"):
            index -= 1
            throw error("the escape '\\\(Character(Unicode.Scalar(byte)))' is TOML 1.1, not supported")
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            guard bytes.count - index >= count,
                  bytes[index..<index + count].allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
                  let code = UInt32(String(decoding: bytes[index..<index + count], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(code) else { throw error("bad unicode escape") }
            index += count
            return scalar
        default:
            index -= 1
            throw error("unknown escape '\\\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func literalString() throws(TOMLParseError) -> String {
        if consume("'''") { throw error("multi-line strings (''') are not supported") }
        index += 1
        let start = index
        while let byte = peek(), byte != UInt8(ascii: "'") {
            if byte == 0x0A || byte == 0x0D { throw error("unterminated string") }
            if Self.isControl(byte) { throw controlCharacter(byte, in: "a literal string") }
            index += 1
        }
        guard peek() != nil else { throw error("unterminated string") }
        index += 1
        return String(decoding: bytes[start..<index - 1], as: UTF8.self)
    }

    // MARK: - whitespace, comments, lines

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func consume(_ text: String) -> Bool {
        let expected = Array(text.utf8)
        guard bytes.count - index >= expected.count, bytes[index..<index + expected.count].elementsEqual(expected) else {
            return false
        }
        index += expected.count
        return true
    }

    private mutating func expect(_ text: String, _ message: String) throws(TOMLParseError) {
        guard consume(text) else { throw error(message) }
    }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 { index += 1 }
    }

    private mutating func skipComment() throws(TOMLParseError) {
        guard peek() == UInt8(ascii: "#") else { return }
        while let byte = peek(), byte != 0x0A, !isLineEnd() {
            if Self.isControl(byte) { throw controlCharacter(byte, in: "a comment") }
            index += 1
        }
    }

    /// Spaces, comments and newlines.
    private mutating func skipBlankLines() throws(TOMLParseError) {
        while true {
            skipSpaces()
            try skipComment()
            guard isLineEnd() else { return }
            try newline()
        }
    }

    private mutating func endOfLine() throws(TOMLParseError) {
        skipSpaces()
        try skipComment()
        guard peek() != nil else { return }
        guard isLineEnd() else { throw error("expected the end of the line") }
        try newline()
    }

    private func isLineEnd() -> Bool { peek() == 0x0A || (peek() == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) }

    /// LF or CR LF; a CR alone is refused.
    private mutating func newline() throws(TOMLParseError) {
        if peek() == 0x0D { index += 1 }
        guard peek() == 0x0A else { throw error("a carriage return must be followed by a line feed") }
        index += 1
    }

    /// Control characters other than tab (and DEL), which TOML allows in no comment or string.
    private static func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != 0x09) || byte == 0x7F }

    private func controlCharacter(_ byte: UInt8, in place: String) -> TOMLParseError {
        let hex = String(byte, radix: 16, uppercase: true)
        return error("control character U+\(String(repeating: "0", count: 4 - hex.count))\(hex) in \(place)")
    }

    private func error(_ message: String) -> TOMLParseError { TOMLParseError(at: index, in: bytes, message) }

    private static func isBareKey(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private static func isNumberCharacter(_ byte: UInt8) -> Bool {
        isBareKey(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }
}

extension TOMLParseError {
    /// Line and column (from 1) of byte `offset`.
    init(at offset: Int, in bytes: [UInt8], _ message: String) {
        let before = bytes[..<min(offset, bytes.count)]
        let line = before.count(where: { $0 == 0x0A }) + 1
        let lineStart = before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        self.init(line: line, column: offset - lineStart + 1, message: message)
    }
}
