import LookoutJSON

/// An error reply on the control socket: `["ERR", {"code":…,"error":…}]`.
public struct ControlError: Error, Sendable, Equatable {
    public enum Code: String, Sendable {
        case badRequest = "bad_request"
        case unknownVerb = "unknown_verb"
        /// Commands that write to ZoneMinder are off unless `[control] allow_commands = true`.
        case disabled
        case unknownMonitor = "unknown_monitor"
        case failed
        /// The reply budget is spent for now (`ControlLimits`): retry after `retry_ms`.
        case busy
        /// The reply would exceed `ControlLimits.maximumReplyBytes`.
        case tooLarge = "too_large"
        /// A SNAPSHOT cursor into a view the agent no longer holds: start the snapshot again.
        case expired
    }

    public let code: Code
    public let message: String
    /// With `busy`: when the budget will have room again.
    public let retryMilliseconds: Int?

    public init(_ code: Code, _ message: String, retryMilliseconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryMilliseconds = retryMilliseconds
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("code", .string(code.rawValue)), ("error", .string(message))]
        if let retryMilliseconds { members.append(("retry_ms", .from(retryMilliseconds))) }
        return .object(members)
    }
}
