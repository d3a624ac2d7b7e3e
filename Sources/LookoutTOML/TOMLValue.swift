/// A TOML value. Dates and times are not supported (the parser refuses them with a message that says so).
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    public var string: String? { if case let .string(value) = self { value } else { nil } }
    public var int: Int? { if case let .integer(value) = self { value } else { nil } }
    /// A float only; an integer is `int`.
    public var double: Double? { if case let .float(value) = self { value } else { nil } }
    public var bool: Bool? { if case let .boolean(value) = self { value } else { nil } }
    public var array: [TOMLValue]? { if case let .array(items) = self { items } else { nil } }
    public var table: TOMLTable? { if case let .table(table) = self { table } else { nil } }
}

/// A TOML table: keys in the order they were written.
public struct TOMLTable: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    public init() {}

    /// Parses a whole TOML document.
    public init(string: String) throws(TOMLParseError) {
        var parser = TOMLParser(string)
        self = try parser.document()
    }

    /// Parses a whole TOML document from a file's bytes, which TOML requires to be UTF-8.
    public init(bytes: [UInt8]) throws(TOMLParseError) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            var decoder = UTF8()
            var iterator = bytes.makeIterator()
            var offset = 0
            while case let .scalarValue(scalar) = decoder.decode(&iterator) { offset += UTF8.width(scalar) }
            throw TOMLParseError(at: offset, in: bytes, "the file is not UTF-8 text")
        }
        try self.init(string: text)
    }

    public subscript(key: String) -> TOMLValue? {
        get { values[key] }
        set {
            if values[key] == nil, newValue != nil { keys.append(key) }
            if newValue == nil { keys.removeAll { $0 == key } }
            values[key] = newValue
        }
    }
}

/// Where and why a document is not TOML (or uses a part of TOML this parser does not support).
public struct TOMLParseError: Error, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String

    public var description: String { message }
}
