import LookoutJSON

/// The second frame of every bus message.
public struct BusHeader: Sendable, Equatable {
    public static let protocolVersion = 1

    /// Per-topic sequence, from 1: a subscriber filtering by prefix still sees gaps in the topics it gets.
    public var sequence: UInt64
    /// Global sequence over every topic, from 1: resume point for snapshots.
    public var globalSequence: UInt64
    /// Changes each time the agent starts: sequences restart, so re-snapshot.
    public var epoch: String
    /// Unix time in milliseconds when the agent published it.
    public var timestampMilliseconds: Int64
    /// "zm", "ts" or "agent".
    public var source: String
    /// A periodic re-publish of unchanged retained state, not a change.
    public var refresh: Bool

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [
            ("v", .from(Self.protocolVersion)), ("seq", .uint(sequence)), ("gseq", .uint(globalSequence)),
            ("epoch", .string(epoch)), ("ts", .int(timestampMilliseconds)), ("src", .string(source)),
        ]
        if refresh { members.append(("refresh", .bool(true))) }
        return .object(members)
    }

    /// `json` rendered, written straight into the string's storage.
    public var rendered: String {
        guard Self.isPlain(epoch), Self.isPlain(source) else { return json.rendered() }
        var epoch = epoch, source = source
        return epoch.withUTF8 { epoch in
            source.withUTF8 { source in
                String(unsafeUninitializedCapacity: Self.plainCapacity(epoch: epoch.count, source: source.count)) {
                    Self.writePlain(
                        sequence: sequence, globalSequence: globalSequence, epoch: epoch,
                        timestampMilliseconds: timestampMilliseconds, source: source, refresh: refresh, into: $0)
                }
            }
        }
    }

    /// The most bytes `writePlain` writes for an epoch and a source of these lengths.
    static func plainCapacity(epoch: Int, source: Int) -> Int { 128 + epoch + source }

    /// Writes the header's JSON into `buffer` (at least `plainCapacity` bytes) and returns its length. `epoch` and
    /// `source` must be plain (`isPlain`). The publisher renders every message's header this way into one buffer.
    static func writePlain(
        sequence: UInt64, globalSequence: UInt64, epoch: UnsafeBufferPointer<UInt8>, timestampMilliseconds: Int64,
        source: UnsafeBufferPointer<UInt8>, refresh: Bool, into buffer: UnsafeMutableBufferPointer<UInt8>
    ) -> Int {
        var out = ByteCursor(buffer)
        out.write(#"{"v":"#)
        out.write(UInt64(protocolVersion))
        out.write(#","seq":"#)
        out.write(sequence)
        out.write(#","gseq":"#)
        out.write(globalSequence)
        out.write(#","epoch":""#)
        out.write(epoch)
        out.write(#"","ts":"#)
        if timestampMilliseconds < 0 { out.write("-") }
        out.write(timestampMilliseconds.magnitude)
        out.write(#","src":""#)
        out.write(source)
        out.write(refresh ? #"","refresh":true}"# : #""}"#)
        return out.count
    }

    /// Nothing to escape (epochs are UUIDs, sources short names).
    static func isPlain(_ text: String) -> Bool {
        // Over the contiguous bytes: `utf8.contains(where:)` walks the view index by index (1 400 instructions for
        // a 36-byte epoch).
        var text = text
        return text.withUTF8 { isPlain($0) }
    }

    static func isPlain(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
        return true
    }
}

/// Appends to a buffer sized by the caller (no bounds growth: `rendered` reserves the most a header can take).
private struct ByteCursor {
    let buffer: UnsafeMutableBufferPointer<UInt8>
    var count = 0

    init(_ buffer: UnsafeMutableBufferPointer<UInt8>) { self.buffer = buffer }

    mutating func write(_ literal: StaticString) {
        let length = literal.utf8CodeUnitCount
        (buffer.baseAddress! + count).update(from: literal.utf8Start, count: length)
        count += length
    }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (buffer.baseAddress! + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func write(_ value: UInt64) {
        var digits = 1
        var rest = value / 10
        while rest > 0 { digits += 1; rest /= 10 }
        var value = value
        for index in stride(from: count + digits - 1, through: count, by: -1) {
            buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
            value /= 10
        }
        count += digits
    }
}
