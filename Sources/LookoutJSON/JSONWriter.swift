/// Writes one JSON object straight into bytes, member by member: the same text `JSONValue.object(…).rendered()`
/// gives for the same members, without building the tree first (the agent's message bodies, on every change).
///
///     var json = JSONWriter()
///     json.member("monitor_id", 7)
///     json.member("state", "ALARM")
///     let text = json.finished()   // {"monitor_id":7,"state":"ALARM"}
///
/// Non-copyable, so it can own a plain buffer: a write is a store and a capacity check, not an array append with
/// its uniqueness check (appends were most of a message body's cost).
public struct JSONWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    private var members = 0

    public init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
        base[0] = UInt8(ascii: "{")
        count = 1
    }

    deinit { base.deallocate() }

    /// Keys are literals the caller writes: they must need no escaping.
    public mutating func member(_ name: StaticString, _ value: String?) {
        key(name)
        if let value { writeString(value) } else { write("null") }
    }

    public mutating func member(_ name: StaticString, _ value: Bool?) {
        key(name)
        write(value.map { $0 ? "true" : "false" } ?? "null")
    }

    // Integers: one overload per type the agent writes, not a generic: across modules a generic method is not
    // specialised and looks up its type's metadata on every call (a quarter of the publishing time).
    public mutating func member(_ name: StaticString, _ value: Int?) { signed(name, value.map(Int64.init)) }
    public mutating func member(_ name: StaticString, _ value: Int64?) { signed(name, value) }
    public mutating func member(_ name: StaticString, _ value: Int32?) { signed(name, value.map(Int64.init)) }
    public mutating func member(_ name: StaticString, _ value: UInt64?) { unsigned(name, value) }
    public mutating func member(_ name: StaticString, _ value: UInt32?) { unsigned(name, value.map(UInt64.init)) }

    public mutating func member(_ name: StaticString, _ value: Double?) {
        key(name)
        guard let value, value.isFinite else { return write("null") }
        write(String(value))
    }

    /// A value already rounded to thousandths (`(x * 1000).rounded() / 1000`: times and ages in milliseconds, rates
    /// in hundredths): the same text as `member(_:_: Double?)` (Swift's shortest round-trip digits, which for such a
    /// value are its decimal digits), without the general formatter, which was most of a message body's cost.
    public mutating func member(_ name: StaticString, thousandths value: Double?) {
        guard let value, value.isFinite, value.magnitude < 1e12 else { return member(name, value) }
        key(name)
        let scaled = Int64((value * 1000).rounded())
        reserve(24)
        if scaled < 0 { put(UInt8(ascii: "-")) }
        let whole = scaled.magnitude / 1000
        var fraction = scaled.magnitude % 1000
        writeDecimal(whole)
        put(UInt8(ascii: "."))
        var divisor: UInt64 = 100
        repeat {
            put(UInt8(ascii: "0") + UInt8(fraction / divisor))
            fraction %= divisor
            divisor /= 10
        } while fraction > 0 && divisor > 0
    }

    /// A value rendered before (`JSONValue.rendered()`, or another writer's text).
    public mutating func member(_ name: StaticString, raw: String) {
        key(name)
        write(raw)
    }

    /// Closes the object and returns its text; the writer is done.
    public consuming func finished() -> String {
        reserve(1)
        put(UInt8(ascii: "}"))
        return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }

    private mutating func key(_ name: StaticString) {
        reserve(name.utf8CodeUnitCount + 4)
        if members > 0 { put(UInt8(ascii: ",")) }
        members += 1
        put(UInt8(ascii: "\""))
        copy(name.utf8Start, name.utf8CodeUnitCount)
        put(UInt8(ascii: "\""))
        put(UInt8(ascii: ":"))
    }

    private mutating func signed(_ name: StaticString, _ value: Int64?) {
        key(name)
        guard let value else { return write("null") }
        reserve(21)
        if value < 0 { put(UInt8(ascii: "-")) }
        writeDecimal(value.magnitude)
    }

    private mutating func unsigned(_ name: StaticString, _ value: UInt64?) {
        key(name)
        guard let value else { return write("null") }
        reserve(20)
        writeDecimal(value)
    }

    /// Byte by byte: a byte below 0x20 is never part of a multi-byte UTF-8 sequence, so escaping bytes is escaping
    /// scalars. The same escapes as `JSONValue.writeString`.
    private mutating func writeString(_ value: String) {
        var value = value
        value.withUTF8 { bytes in
            reserve(bytes.count + 2)
            put(UInt8(ascii: "\""))
            // Most strings (names, states, causes) need no escaping: copied whole.
            if !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                if let source = bytes.baseAddress { copy(source, bytes.count) }
            } else {
                for byte in bytes {
                    reserve(7)
                    switch byte {
                    case UInt8(ascii: "\""): write("\\\"")
                    case UInt8(ascii: "\\"): write("\\\\")
                    case UInt8(ascii: "\n"): write("\\n")
                    case UInt8(ascii: "\r"): write("\\r")
                    case UInt8(ascii: "\t"): write("\\t")
                    case _ where byte < 0x20:
                        let hex: StaticString = "0123456789abcdef"
                        write("\\u00")
                        put(hex.utf8Start[Int(byte >> 4)])
                        put(hex.utf8Start[Int(byte & 0xF)])
                    default: put(byte)
                    }
                }
            }
            reserve(1)
            put(UInt8(ascii: "\""))
        }
    }

    /// Digits of `value`; the caller reserved 20 bytes.
    private mutating func writeDecimal(_ value: UInt64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 { digits += 1; rest /= 10 }
        var value = value
        var index = count + digits
        repeat {
            index -= 1
            base[index] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        } while index > count
        count += digits
    }

    private mutating func write(_ literal: StaticString) {
        reserve(literal.utf8CodeUnitCount)
        copy(literal.utf8Start, literal.utf8CodeUnitCount)
    }

    private mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            reserve(bytes.count)
            if let source = bytes.baseAddress { copy(source, bytes.count) }
        }
    }

    /// One byte; the caller reserved room for it.
    private mutating func put(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    private mutating func copy(_ source: UnsafePointer<UInt8>, _ length: Int) {
        (base + count).update(from: source, count: length)
        count += length
    }

    private mutating func reserve(_ more: Int) {
        guard count + more > capacity else { return }
        let grown = max(capacity * 2, count + more)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = grown
    }
}
