/// The flags of `lookout run` as `lookout-agent` takes them. `lookout run` documents and checks them with
/// swift-argument-parser, then execs `lookout-agent` with `arguments`, so the daemon does not carry the CLI's code.
extension LookoutAgent.Overrides {
    public static let usage = """
        usage: lookout-agent [--config FILE] [--demo] [--map-dir DIR] [--zm-version X.Y.Z] [--poll-hz N]
                             [--pub ENDPOINT] [--control ENDPOINT] [--sfb-dir DIR] [--relay N[@FPS]]...
                             [--mqtt mqtt://HOST:PORT] | --version
        The Lookout agent; `lookout run --help` explains every flag.
        """

    /// The command line that gives back these overrides.
    public var arguments: [String] {
        var arguments: [String] = []
        if let configPath { arguments += ["--config", configPath] }
        if demo { arguments.append("--demo") }
        if let mapDirectory { arguments += ["--map-dir", mapDirectory] }
        if let zmVersion { arguments += ["--zm-version", zmVersion] }
        if let pollHz { arguments += ["--poll-hz", "\(pollHz)"] }
        if let publish { arguments += ["--pub", publish] }
        if let control { arguments += ["--control", control] }
        if let sfbDirectory { arguments += ["--sfb-dir", sfbDirectory] }
        for request in relay { arguments += ["--relay", request.fps.map { "\(request.channel)@\($0)" } ?? "\(request.channel)"] }
        if let mqtt { arguments += ["--mqtt", mqtt] }
        return arguments
    }

    /// Parses `--flag value` and `--flag=value`; anything else is an `AgentUsageError` naming the argument.
    /// `--help` or `-h` in a flag's place (not as a flag's value) throws `AgentUsageError.helpRequested`.
    public init(arguments: [String]) throws(AgentUsageError) {
        self.init()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            func value() throws(AgentUsageError) -> String {
                if let inlineValue { return inlineValue }
                guard let next = remaining.popFirst() else { throw AgentUsageError("\(name) needs a value") }
                return next
            }
            switch name {
            case "--help" where inlineValue == nil, "-h": throw .helpRequested
            case "--version" where inlineValue == nil: throw .versionRequested
            case "--config": configPath = try value()
            case "--demo" where inlineValue == nil: demo = true
            case "--map-dir": mapDirectory = try value()
            case "--zm-version": zmVersion = try value()
            case "--poll-hz":
                let text = try value()
                guard let hz = Double(text) else { throw AgentUsageError("--poll-hz wants a number, not \"\(text)\"") }
                pollHz = hz
            case "--pub": publish = try value()
            case "--control": control = try value()
            case "--sfb-dir": sfbDirectory = try value()
            case "--relay":
                let text = try value()
                guard let request = RelayRequest(text) else { throw AgentUsageError("--relay wants N or N@FPS (FPS 0.01–10000), not \"\(text)\"") }
                relay.append(request)
            case "--mqtt": mqtt = try value()
            default: throw AgentUsageError("unknown argument \"\(argument)\"")
            }
        }
    }
}

public struct AgentUsageError: Error, CustomStringConvertible, Equatable {
    public let description: String
    init(_ description: String) { self.description = description }

    /// Not a mistake: the caller prints the usage and exits 0.
    public static let helpRequested = AgentUsageError("help requested")
    /// Not a mistake either: the caller prints the version and exits 0.
    public static let versionRequested = AgentUsageError("version requested")
}
