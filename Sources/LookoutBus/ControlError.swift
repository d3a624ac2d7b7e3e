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
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var json: JSONValue { .object([("code", .string(code.rawValue)), ("error", .string(message))]) }
}
