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

    public func rendered(pretty: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(256)
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(to out: inout String, pretty: Bool, indent: Int) {
        switch self {
        case .null: out += "null"
        case let .bool(value): out += value ? "true" : "false"
        case let .int(value): out += String(value)
        case let .uint(value): out += String(value)
        case let .double(value): out += value.isFinite ? String(value) : "null"
        case let .string(value): Self.writeString(value, to: &out)
        case let .raw(text): out += text
        case let .array(items):
            writeContainer(items.count, open: "[", close: "]", to: &out, pretty: pretty, indent: indent) { index, out in
                items[index].write(to: &out, pretty: pretty, indent: indent + 2)
            }
        case let .object(members):
            writeContainer(members.count, open: "{", close: "}", to: &out, pretty: pretty, indent: indent) { index, out in
                Self.writeString(members[index].0, to: &out)
                out += pretty ? ": " : ":"
                members[index].1.write(to: &out, pretty: pretty, indent: indent + 2)
            }
        }
    }

    /// Rendered on every publish: no intermediate arrays, and indentation strings only when pretty.
    private func writeContainer(
        _ count: Int, open: String, close: String, to out: inout String, pretty: Bool, indent: Int,
        item: (Int, inout String) -> Void
    ) {
        out += open
        guard count > 0 else { out += close; return }
        for index in 0..<count {
            if index > 0 { out += "," }
            if pretty { out += "\n" + String(repeating: " ", count: indent + 2) }
            item(index, &out)
        }
        if pretty { out += "\n" + String(repeating: " ", count: indent) }
        out += close
    }

    private static func writeString(_ value: String, to out: inout String) {
        out += "\""
        // Most strings (topics, names, states) need no escaping: append them whole.
        if !value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += value
            out += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
