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
            writeContainer(items.map { (nil, $0) }, open: "[", close: "]", to: &out, pretty: pretty, indent: indent)
        case let .object(members):
            writeContainer(members.map { ($0.0, $0.1) }, open: "{", close: "}", to: &out, pretty: pretty, indent: indent)
        }
    }

    private func writeContainer(_ items: [(String?, JSONValue)], open: String, close: String, to out: inout String, pretty: Bool, indent: Int) {
        out += open
        guard !items.isEmpty else { out += close; return }
        let inner = String(repeating: " ", count: indent + 2)
        for (index, (key, value)) in items.enumerated() {
            if index > 0 { out += "," }
            if pretty { out += "\n" + inner }
            if let key {
                Self.writeString(key, to: &out)
                out += pretty ? ": " : ":"
            }
            value.write(to: &out, pretty: pretty, indent: indent + 2)
        }
        if pretty { out += "\n" + String(repeating: " ", count: indent) }
        out += close
    }

    private static func writeString(_ value: String, to out: inout String) {
        out += "\""
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
