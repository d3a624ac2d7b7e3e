/// Writes one JSON object straight into bytes, member by member: the same text `JSONValue.object(…).rendered()`
/// gives for the same members, without building the tree first (the agent's message bodies, on every change).
///
///     var json = JSONWriter()
///     json.member("monitor_id", 7)
///     json.member("state", "ALARM")
///     let text = json.finished()   // {"monitor_id":7,"state":"ALARM"}
public struct JSONWriter {
    public private(set) var bytes: [UInt8]
    private var members = 0

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ name: StaticString) {
        if members > 0 { bytes.append(UInt8(ascii: ",")) }
        members += 1
        bytes.append(UInt8(ascii: "\""))
        JSONValue.appendStatic(name, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
    }

    /// Keys are literals the caller writes: they must need no escaping.
    public mutating func member(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { JSONValue.writeString(value, to: &bytes) } else { JSONValue.appendStatic("null", to: &bytes) }
    }

    public mutating func member(_ name: StaticString, _ value: Bool?) {
        key(name)
        JSONValue.appendStatic(value.map { $0 ? "true" : "false" } ?? "null", to: &bytes)
    }

    // Integers: one overload per type the agent writes, not a generic: across modules a generic method is not
    // specialised and looks up its type's metadata on every call (a quarter of the publishing time).
    public mutating func member(_ name: StaticString, _ value: Int?) { signed(name, value.map(Int64.init)) }
    public mutating func member(_ name: StaticString, _ value: Int64?) { signed(name, value) }
    public mutating func member(_ name: StaticString, _ value: Int32?) { signed(name, value.map(Int64.init)) }
    public mutating func member(_ name: StaticString, _ value: UInt64?) { unsigned(name, value) }
    public mutating func member(_ name: StaticString, _ value: UInt32?) { unsigned(name, value.map(UInt64.init)) }

    private mutating func signed(_ name: StaticString, _ value: Int64?) {
        key(name)
        guard let value else { return JSONValue.appendStatic("null", to: &bytes) }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        JSONValue.writeDecimal(value.magnitude, to: &bytes)
    }

    private mutating func unsigned(_ name: StaticString, _ value: UInt64?) {
        key(name)
        guard let value else { return JSONValue.appendStatic("null", to: &bytes) }
        JSONValue.writeDecimal(value, to: &bytes)
    }

    public mutating func member(_ name: StaticString, _ value: Double?) {
        key(name)
        guard let value, value.isFinite else { return JSONValue.appendStatic("null", to: &bytes) }
        JSONValue.append(String(value), to: &bytes)
    }

    /// A value already rounded to thousandths (`(x * 1000).rounded() / 1000`: times and ages in milliseconds, rates
    /// in hundredths): the same text as `member(_:_: Double?)` (Swift's shortest round-trip digits, which for such a
    /// value are its decimal digits), without the general formatter, which was most of a message body's cost.
    public mutating func member(_ name: StaticString, thousandths value: Double?) {
        guard let value, value.isFinite, value.magnitude < 1e12 else { return member(name, value) }
        key(name)
        let scaled = Int64((value * 1000).rounded())
        if scaled < 0 { bytes.append(UInt8(ascii: "-")) }
        let whole = scaled.magnitude / 1000
        var fraction = scaled.magnitude % 1000
        JSONValue.writeDecimal(whole, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        var divisor: UInt64 = 100
        repeat {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        } while fraction > 0 && divisor > 0
    }

    /// A value rendered before (`JSONValue.rendered()`, or another writer's text).
    public mutating func member(_ name: StaticString, raw: String) {
        key(name)
        JSONValue.append(raw, to: &bytes)
    }

    /// Closes the object and returns its text; the writer is done.
    public mutating func finished() -> String {
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
