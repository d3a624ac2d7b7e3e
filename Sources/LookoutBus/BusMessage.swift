import LookoutJSON

/// One published message: the three frames topic, header, body (JSON text).
public struct BusMessage: Sendable {
    public let topic: String
    public let header: BusHeader
    public let body: String

    /// The message as one JSON object (`{"topic":…,"header":{…},"body":{…}}`), as snapshots carry it.
    public var json: JSONValue { .object([("topic", .string(topic)), ("header", header.json), ("body", .raw(body))]) }

    /// `json` rendered, written straight into bytes (snapshot pages).
    public var itemText: String {
        var json = JSONWriter(capacity: 64 + topic.utf8.count + body.utf8.count + 128)
        json.member("topic", topic)
        json.member("header", raw: header.rendered)
        json.member("body", raw: body)
        return json.finished()
    }
}
