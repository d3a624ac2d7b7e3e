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

    /// `json` rendered, written straight into bytes: every message sent renders its header.
    public var rendered: String {
        var json = JSONWriter(capacity: 128)
        json.member("v", Self.protocolVersion)
        json.member("seq", sequence)
        json.member("gseq", globalSequence)
        json.member("epoch", epoch)
        json.member("ts", timestampMilliseconds)
        json.member("src", source)
        if refresh { json.member("refresh", true) }
        return json.finished()
    }
}
