import LookoutJSON

/// A request on the control socket. Frames: a verb, then its arguments (see docs/protocol.md).
public enum ControlRequest: Sendable, Equatable {
    case ping
    case health
    /// `HEALTH <id>`: one monitor's entry of HEALTH (protocol 1.1).
    case monitorHealth(monitorID: Int)
    /// `cursor`: the `next` of the previous page, to continue a snapshot that did not fit in one reply.
    case snapshot(prefix: String, cursor: String?)
    case trigger(monitorID: Int, command: TriggerCommand, options: TriggerOptions)
    case action(monitorID: Int, action: String)

    /// `show` sets only the showtext (zmtrigger's `show`), leaving the trigger state as it is.
    public enum TriggerCommand: String, Sendable, CaseIterable { case on, off, cancel, show }

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

    /// The protocol revision this agent speaks (docs/protocol.md, "Revisions"), in PING's reply.
    public static let protocolRevision = "1.1"

    /// Parses the frames after the routing envelope; every failure says what was wrong and how a good request looks.
    public static func parse(_ frames: [[UInt8]]) -> Result<ControlRequest, ControlError> {
        guard let verbBytes = frames.first, !verbBytes.isEmpty else {
            return .failure(ControlError(.badRequest, "empty request: the first frame must be a verb (PING, HEALTH, SNAPSHOT, TRIGGER, ACTION)"))
        }
        guard let verb = String(validating: verbBytes, as: UTF8.self) else {
            return .failure(ControlError(.badRequest, "the verb frame is not UTF-8 text"))
        }
        var arguments: [String] = []
        for (position, frame) in frames.dropFirst().enumerated() {
            guard let argument = String(validating: frame, as: UTF8.self) else {
                return .failure(ControlError(.badRequest, "argument \(position + 1) of \(verb.prefix(40)) is not UTF-8 text"))
            }
            arguments.append(argument)
        }
        switch verb {
        case "PING":
            return arguments.isEmpty ? .success(.ping) : .failure(ControlError(.badRequest, "PING takes no arguments, got \(arguments.count)"))
        case "HEALTH":
            switch arguments.count {
            case 0: return .success(.health)
            case 1:
                guard let id = monitorID(arguments[0]) else { return .failure(badMonitorID(arguments[0])) }
                return .success(.monitorHealth(monitorID: id))
            default:
                return .failure(ControlError(.badRequest, "HEALTH takes at most 1 argument, got \(arguments.count): usage: HEALTH [<monitor-id>]"))
            }
        case "SNAPSHOT":
            guard arguments.count <= 2 else {
                return .failure(ControlError(.badRequest, "SNAPSHOT takes at most 2 arguments, got \(arguments.count): usage: SNAPSHOT [PREFIX [CURSOR]]"))
            }
            return .success(.snapshot(prefix: arguments.first ?? "", cursor: arguments.count == 2 ? arguments[1] : nil))
        case "TRIGGER":
            return parseTrigger(arguments)
        case "ACTION":
            guard arguments.count == 2 else {
                return .failure(ControlError(.badRequest, "ACTION takes 2 arguments, got \(arguments.count): usage: ACTION <monitor-id> suspend|resume|reload"))
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
            return .failure(ControlError(.badRequest, "TRIGGER takes 2 or 3 arguments, got \(arguments.count): usage: " + #"TRIGGER <monitor-id> on|off|cancel|show [{"score":N,"cause":"…","text":"…","showtext":"…"}]"#))
        }
        guard let id = monitorID(arguments[0]) else { return .failure(badMonitorID(arguments[0])) }
        guard let command = TriggerCommand(rawValue: arguments[1]) else {
            return .failure(ControlError(.badRequest, "unknown trigger command '\(arguments[1])': use on, off, cancel or show"))
        }
        var options = TriggerOptions()
        if arguments.count == 3 {
            let parsed: JSONValue
            do {
                parsed = try JSONValue.parse(arguments[2])
            } catch {
                return .failure(ControlError(.badRequest, "the options frame is not JSON: \(error)"))
            }
            guard let members = parsed.objectMembers else {
                return .failure(ControlError(.badRequest, "the options frame must be a JSON object, got \(parsed.kindName)"))
            }
            for (key, value) in members {
                switch key {
                case "score":
                    guard let number = Self.wholeNumber(value), number <= UInt64(UInt32.max) else {
                        return .failure(ControlError(.badRequest, "score must be a whole number from 1 to \(UInt32.max), got \(value.rendered().prefix(40))"))
                    }
                    guard number > 0 || command != .on else {
                        return .failure(ControlError(.badRequest, "score 0 forces no alarm (ZoneMinder ignores it): use 1 to \(UInt32.max), or leave it out for \(TriggerDefaults.score)"))
                    }
                    options.score = UInt32(number)
                case "cause", "text", "showtext":
                    guard let text = value.stringValue else {
                        return .failure(ControlError(.badRequest, "\(key) must be a string, got \(value.kindName)"))
                    }
                    guard !text.utf8.contains(0) else {
                        return .failure(ControlError(.badRequest, "\(key) contains a NUL character (\\u0000), which would cut it short in ZoneMinder's memory"))
                    }
                    switch key {
                    case "cause": options.cause = text
                    case "text": options.text = text
                    default: options.showtext = text
                    }
                default:
                    return .failure(ControlError(.badRequest, "unknown trigger option '\(key.prefix(40))': use score, cause, text, showtext"))
                }
            }
        }
        return .success(.trigger(monitorID: id, command: command, options: options))
    }

    /// Canonical decimal only (`[1-9][0-9]*`): `+11`, `011` and ` 11` are refused, not read as 11.
    static func monitorID(_ text: String) -> Int? {
        let digits = text.utf8
        guard let first = digits.first, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(first),
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int(text)
    }

    private static func badMonitorID(_ text: String) -> ControlError {
        ControlError(.badRequest, "'\(text.prefix(40))' is not a monitor id: write a positive whole number in decimal, without sign or leading zeros")
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
