import LookoutJSON

/// `lookout/<node>/monitor/<id>/trigger/set` with `{"state":"on"|"off"|"cancel", "score":…, "cause":…, "text":…,
/// "showtext":…}`: the control socket's TRIGGER, whose checks decide (the bridge only splits the payload into its frames).
enum MQTTCommand {
    static let maximumPayload = 8 * 1024

    /// The monitor id level of a command topic, or nil when `topic` is not one.
    static func monitorID(ofCommandTopic topic: String, prefix: String) -> String? {
        let head = "\(prefix)/monitor/"
        let tail = "/trigger/set"
        guard topic.hasPrefix(head), topic.hasSuffix(tail), topic.utf8.count > head.utf8.count + tail.utf8.count else { return nil }
        let id = topic.dropFirst(head.count).dropLast(tail.count)
        return id.contains("/") ? nil : String(id)
    }

    /// The TRIGGER frames (without the DEALER's empty delimiter), or the reason the payload cannot be one.
    static func triggerFrames(monitorID: String, payload: [UInt8]) -> Result<(state: String, frames: [String]), MQTTCommandError> {
        guard payload.count <= maximumPayload else {
            return .failure(.init("bad_request", "the payload is \(payload.count) bytes; at most \(maximumPayload)"))
        }
        let parsed: JSONValue
        do {
            parsed = try JSONValue.parse(payload)
        } catch {
            return .failure(.init("bad_request", "the payload is not JSON: \(error)"))
        }
        guard let members = parsed.objectMembers else {
            return .failure(.init("bad_request", #"the payload must be a JSON object like {"state":"on"}, got "# + parsed.kindName))
        }
        guard let state = members.first(where: { $0.0 == "state" })?.1.stringValue else {
            return .failure(.init("bad_request", #"the payload needs "state": "on", "off" or "cancel""#))
        }
        let options = members.filter { $0.0 != "state" }
        let frames = ["TRIGGER", monitorID, state.lowercased()] + (options.isEmpty ? [] : [JSONValue.object(options).rendered()])
        return .success((state.lowercased(), frames))
    }

    /// The body published on `.../trigger/result`.
    static func result(monitorID: String, state: String?, status: String, reply: JSONValue) -> [UInt8] {
        Array(JSONValue.object([
            ("monitor_id", .string(monitorID)), ("state", .from(state)), ("status", .string(status)), ("reply", reply),
        ]).rendered().utf8)
    }
}

struct MQTTCommandError: Error {
    let code: String
    let message: String
    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    var json: JSONValue { .object([("code", .string(code)), ("error", .string(message))]) }
}
