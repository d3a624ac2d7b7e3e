import LookoutJSON

/// One published message: the three frames topic, header, body (JSON text).
public struct BusMessage: Sendable {
    public let topic: String
    public let header: BusHeader
    public let body: String

    public var frames: [String] { [topic, header.json.rendered(), body] }

    /// The message as one JSON object (`{"topic":…,"header":{…},"body":{…}}`), as snapshots carry it.
    public var json: JSONValue { .object([("topic", .string(topic)), ("header", header.json), ("body", .raw(body))]) }
}
