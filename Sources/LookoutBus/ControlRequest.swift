import LookoutJSON

/// A request on the control socket. Frames: a verb, then its arguments (see docs/protocol.md).
public enum ControlRequest: Sendable, Equatable {
    case ping
    case health
    case snapshot(prefix: String)
    case trigger(monitorID: Int, command: TriggerCommand, options: TriggerOptions)
    case action(monitorID: Int, action: String)

    public enum TriggerCommand: String, Sendable, CaseIterable { case on, off, cancel }

    public struct TriggerOptions: Sendable, Equatable {
        public var score: UInt32?
        public var cause: String?
        public var text: String?
        public var showtext: String?

        public init(score: UInt32? = nil, cause: String? = nil, text: String? = nil, showtext: String? = nil) {
            self.score = score
            self.cause = cause
            self.text = text
            self.showtext = showtext
        }
    }

    public static let actions = ["suspend", "resume", "reload"]

    /// Parses the frames after the routing envelope; every failure says what was wrong and how a good request looks.
    public static func parse(_ frames: [[UInt8]]) -> Result<ControlRequest, ControlError> {
        guard let verbBytes = frames.first, !verbBytes.isEmpty else {
            return .failure(ControlError(.badRequest, "empty request: send a verb frame (PING, HEALTH, SNAPSHOT, TRIGGER, ACTION)"))
        }
        guard let verb = String(validating: verbBytes, as: UTF8.self) else {
            return .failure(ControlError(.badRequest, "the verb frame is not UTF-8 text"))
        }
        let arguments = frames.dropFirst().map { String(decoding: $0, as: UTF8.self) }
        switch verb {
        case "PING":
            return arguments.isEmpty ? .success(.ping) : .failure(ControlError(.badRequest, "PING takes no arguments"))
        case "HEALTH":
            return arguments.isEmpty ? .success(.health) : .failure(ControlError(.badRequest, "HEALTH takes no arguments"))
        case "SNAPSHOT":
            guard arguments.count <= 1 else { return .failure(ControlError(.badRequest, "usage: SNAPSHOT [PREFIX]")) }
            return .success(.snapshot(prefix: arguments.first ?? ""))
        case "TRIGGER":
            return parseTrigger(arguments)
        case "ACTION":
            guard arguments.count == 2 else {
                return .failure(ControlError(.badRequest, "usage: ACTION <monitor-id> suspend|resume|reload"))
            }
            guard let id = monitorID(arguments[0]) else { return .failure(badMonitorID(arguments[0])) }
            guard actions.contains(arguments[1]) else {
                return .failure(ControlError(.badRequest, "unknown action '\(arguments[1])': use suspend, resume or reload"))
            }
            return .success(.action(monitorID: id, action: arguments[1]))
        default:
            return .failure(ControlError(.unknownVerb, "unknown verb '\(verb.prefix(40))': use PING, HEALTH, SNAPSHOT, TRIGGER or ACTION"))
        }
    }

    private static func parseTrigger(_ arguments: [String]) -> Result<ControlRequest, ControlError> {
        guard arguments.count == 2 || arguments.count == 3 else {
            return .failure(ControlError(.badRequest, #"usage: TRIGGER <monitor-id> on|off|cancel [{"score":N,"cause":"…","text":"…","showtext":"…"}]"#))
        }
        guard let id = monitorID(arguments[0]) else { return .failure(badMonitorID(arguments[0])) }
        guard let command = TriggerCommand(rawValue: arguments[1]) else {
            return .failure(ControlError(.badRequest, "unknown trigger command '\(arguments[1])': use on, off or cancel"))
        }
        var options = TriggerOptions()
        if arguments.count == 3 {
            guard let members = (try? JSONValue.parse(arguments[2]))?.objectMembers else {
                return .failure(ControlError(.badRequest, "the options frame is not a JSON object"))
            }
            for (key, value) in members {
                switch key {
                case "score":
                    guard let number = Self.wholeNumber(value), number <= UInt64(UInt32.max) else {
                        return .failure(ControlError(.badRequest, "score must be a non-negative integer"))
                    }
                    options.score = UInt32(number)
                case "cause", "text", "showtext":
                    guard let text = value.stringValue else { return .failure(ControlError(.badRequest, "\(key) must be a string")) }
                    switch key {
                    case "cause": options.cause = text
                    case "text": options.text = text
                    default: options.showtext = text
                    }
                default:
                    return .failure(ControlError(.badRequest, "unknown trigger option '\(key)': use score, cause, text, showtext"))
                }
            }
        }
        return .success(.trigger(monitorID: id, command: command, options: options))
    }

    private static func monitorID(_ text: String) -> Int? { Int(text).flatMap { $0 > 0 ? $0 : nil } }

    private static func badMonitorID(_ text: String) -> ControlError {
        ControlError(.badRequest, "'\(text.prefix(40))' is not a monitor id (a positive integer)")
    }
}

extension ControlRequest {
    /// JSON has one number type: a client that sends 50.0 (Python's json, JavaScript) means the score 50.
    static func wholeNumber(_ value: JSONValue) -> UInt64? {
        switch value {
        case let .uint(number): number
        case let .int(number) where number >= 0: UInt64(number)
        case let .double(number) where number >= 0 && number <= 1e18 && number.rounded(.towardZero) == number: UInt64(number)
        default: nil
        }
    }
}
