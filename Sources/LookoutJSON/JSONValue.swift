/// A JSON value that keeps object keys in the order they were written, so output reads like ZoneMinder's structs.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// Already-rendered JSON text, embedded as is (e.g. a stored message body inside a snapshot).
    case raw(String)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }

    public static func from<T: BinaryInteger>(_ value: T?) -> JSONValue {
        guard let value else { return .null }
        return value < 0 ? .int(Int64(value)) : .uint(UInt64(value))
    }

    public static func from(_ value: Double?) -> JSONValue { value.map(JSONValue.double) ?? .null }
    public static func from(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    /// Rendered into bytes and made a `String` once: appending small pieces to a `String` one by one cost most of
    /// the agent's publishing time (each append goes through the string's storage checks).
    public func rendered(pretty: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, pretty: pretty, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private func write(to out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: Self.appendStatic("null", to: &out)
        case let .bool(value): Self.appendStatic(value ? "true" : "false", to: &out)
        case let .int(value):
            if value < 0 { out.append(UInt8(ascii: "-")) }
            Self.writeDecimal(value.magnitude, to: &out)
        case let .uint(value): Self.writeDecimal(value, to: &out)
        case let .double(value): Self.append(value.isFinite ? String(value) : "null", to: &out)
        case let .string(value): Self.writeString(value, to: &out)
        case let .raw(text): Self.append(text, to: &out)
        case let .array(items):
            writeContainer(items.count, open: UInt8(ascii: "["), close: UInt8(ascii: "]"), to: &out, pretty: pretty, indent: indent) { index, out in
                items[index].write(to: &out, pretty: pretty, indent: indent + 2)
            }
        case let .object(members):
            writeContainer(members.count, open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), to: &out, pretty: pretty, indent: indent) { index, out in
                Self.writeString(members[index].0, to: &out)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(UInt8(ascii: " ")) }
                members[index].1.write(to: &out, pretty: pretty, indent: indent + 2)
            }
        }
    }

    /// Rendered on every publish: no intermediate arrays, and indentation only when pretty.
    private func writeContainer(
        _ count: Int, open: UInt8, close: UInt8, to out: inout [UInt8], pretty: Bool, indent: Int,
        item: (Int, inout [UInt8]) -> Void
    ) {
        out.append(open)
        guard count > 0 else { out.append(close); return }
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if pretty { Self.newline(indent: indent + 2, to: &out) }
            item(index, &out)
        }
        if pretty { Self.newline(indent: indent, to: &out) }
        out.append(close)
    }

    private static func newline(indent: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
    }

    static func appendStatic(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    static func append(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    static func writeDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var value = value
            var start = 20
            while value > 0 {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Byte by byte: a byte below 0x20 is never part of a multi-byte UTF-8 sequence, so escaping bytes is escaping
    /// scalars.
    static func writeString(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { bytes in
            out.append(UInt8(ascii: "\""))
            // Most strings (topics, names, states) need no escaping: append them whole.
            if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                out.append(contentsOf: bytes)
                out.append(UInt8(ascii: "\""))
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): appendStatic("\\\"", to: &out)
                case UInt8(ascii: "\\"): appendStatic("\\\\", to: &out)
                case UInt8(ascii: "\n"): appendStatic("\\n", to: &out)
                case UInt8(ascii: "\r"): appendStatic("\\r", to: &out)
                case UInt8(ascii: "\t"): appendStatic("\\t", to: &out)
                case _ where byte < 0x20:
                    let hex: StaticString = "0123456789abcdef"
                    appendStatic("\\u00", to: &out)
                    out.append(hex.utf8Start[Int(byte >> 4)])
                    out.append(hex.utf8Start[Int(byte & 0xF)])
                default: out.append(byte)
                }
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}
