@testable import Agent
import Testing

/// `lookout run` hands its flags to `lookout-agent` as `Overrides.arguments`; `lookout-agent` reads them back.
@Suite("lookout-agent command line")
struct AgentCommandLineTests {
    /// Every field set, with values that a naive parser could trip on (spaces, `=`, a leading `-`).
    static var everyField: LookoutAgent.Overrides {
        var overrides = LookoutAgent.Overrides()
        overrides.configPath = "/etc/lookout/my lookout.toml"
        overrides.demo = true
        overrides.mapDirectory = "/dev/shm/a=b"
        overrides.zmVersion = "1.36.33"
        overrides.pollHz = 12.5
        overrides.publish = "tcp://127.0.0.1:5680"
        overrides.control = "ipc:///run/lookout/control"
        return overrides
    }

    static func expectSame(
        _ actual: LookoutAgent.Overrides, _ expected: LookoutAgent.Overrides,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(actual.configPath == expected.configPath, sourceLocation: sourceLocation)
        #expect(actual.demo == expected.demo, sourceLocation: sourceLocation)
        #expect(actual.mapDirectory == expected.mapDirectory, sourceLocation: sourceLocation)
        #expect(actual.zmVersion == expected.zmVersion, sourceLocation: sourceLocation)
        #expect(actual.pollHz == expected.pollHz, sourceLocation: sourceLocation)
        #expect(actual.publish == expected.publish, sourceLocation: sourceLocation)
        #expect(actual.control == expected.control, sourceLocation: sourceLocation)
    }

    static func usageError(_ arguments: [String]) -> String? {
        do {
            _ = try LookoutAgent.Overrides(arguments: arguments)
            return nil
        } catch {
            return error.description
        }
    }

    @Test("no flags: no arguments, and no arguments give the defaults")
    func empty() throws {
        #expect(LookoutAgent.Overrides().arguments == [])
        Self.expectSame(try LookoutAgent.Overrides(arguments: []), LookoutAgent.Overrides())
    }

    @Test("every field survives Overrides → arguments → Overrides")
    func roundTripEveryField() throws {
        let overrides = Self.everyField
        #expect(overrides.arguments == [
            "--config", "/etc/lookout/my lookout.toml", "--demo", "--map-dir", "/dev/shm/a=b",
            "--zm-version", "1.36.33", "--poll-hz", "12.5", "--pub", "tcp://127.0.0.1:5680",
            "--control", "ipc:///run/lookout/control",
        ])
        Self.expectSame(try LookoutAgent.Overrides(arguments: overrides.arguments), overrides)
    }

    @Test("each field alone survives the round trip and sets nothing else", arguments: 0..<7)
    func roundTripOneField(field: Int) throws {
        let all = Self.everyField
        var overrides = LookoutAgent.Overrides()
        switch field {
        case 0: overrides.configPath = all.configPath
        case 1: overrides.demo = all.demo
        case 2: overrides.mapDirectory = all.mapDirectory
        case 3: overrides.zmVersion = all.zmVersion
        case 4: overrides.pollHz = all.pollHz
        case 5: overrides.publish = all.publish
        default: overrides.control = all.control
        }
        #expect(overrides.arguments.count == (field == 1 ? 1 : 2))
        Self.expectSame(try LookoutAgent.Overrides(arguments: overrides.arguments), overrides)
    }

    @Test("--poll-hz keeps the exact value", arguments: [0.1, 1.0 / 3.0, 12.5, 20, 1e-5, 2500.75])
    func pollHzRoundTrip(hz: Double) throws {
        var overrides = LookoutAgent.Overrides()
        overrides.pollHz = hz
        let parsed = try LookoutAgent.Overrides(arguments: overrides.arguments)
        #expect(parsed.pollHz == hz)
    }

    @Test("--flag=value is read like --flag value")
    func equalsForm() throws {
        let parsed = try LookoutAgent.Overrides(arguments: [
            "--config=/etc/lookout/my lookout.toml", "--demo", "--map-dir=/dev/shm/a=b", "--zm-version=1.36.33",
            "--poll-hz=12.5", "--pub=tcp://127.0.0.1:5680", "--control=ipc:///run/lookout/control",
        ])
        Self.expectSame(parsed, Self.everyField)
    }

    @Test("--flag= gives an empty value; a value may start with --")
    func edgeValues() throws {
        let parsed = try LookoutAgent.Overrides(arguments: ["--config=", "--map-dir", "--demo"])
        #expect(parsed.configPath == "")
        #expect(parsed.mapDirectory == "--demo")
        #expect(parsed.demo == false)
    }

    @Test("--help or -h in a flag's place asks for the usage", arguments: [
        ["--help"], ["-h"], ["--demo", "--help"], ["--config", "/etc/x.toml", "-h"],
    ])
    func helpRequested(arguments: [String]) {
        #expect(throws: AgentUsageError.helpRequested) { try LookoutAgent.Overrides(arguments: arguments) }
    }

    @Test("--help or -h as a flag's value is the value, not a request for the usage")
    func helpAsValue() throws {
        let parsed = try LookoutAgent.Overrides(arguments: ["--map-dir", "-h", "--zm-version=--help", "--pub", "--help"])
        #expect(parsed.mapDirectory == "-h")
        #expect(parsed.zmVersion == "--help")
        #expect(parsed.publish == "--help")
    }

    @Test("a later flag wins over an earlier one")
    func lastWins() throws {
        let parsed = try LookoutAgent.Overrides(arguments: ["--poll-hz", "5", "--poll-hz=7.5"])
        #expect(parsed.pollHz == 7.5)
    }

    @Test("errors name the offending argument", arguments: [
        (["--bogus"], "unknown argument \"--bogus\""),
        (["--demo", "--bogus=1"], "unknown argument \"--bogus=1\""),
        (["demo"], "unknown argument \"demo\""),
        (["--config"], "--config needs a value"),
        (["--demo", "--map-dir"], "--map-dir needs a value"),
        (["--zm-version"], "--zm-version needs a value"),
        (["--pub"], "--pub needs a value"),
        (["--control"], "--control needs a value"),
        (["--poll-hz"], "--poll-hz needs a value"),
        (["--poll-hz", "fast"], "--poll-hz wants a number, not \"fast\""),
        (["--poll-hz=10hz"], "--poll-hz wants a number, not \"10hz\""),
        (["--poll-hz="], "--poll-hz wants a number, not \"\""),
        (["--demo=1"], "unknown argument \"--demo=1\""),
        (["--demo=true"], "unknown argument \"--demo=true\""),
    ])
    func errors(arguments: [String], message: String) {
        #expect(Self.usageError(arguments) == message)
    }

    @Test("the usage line names the executable and every flag")
    func usage() {
        let usage = LookoutAgent.Overrides.usage
        #expect(usage.hasPrefix("usage: lookout-agent"))
        for flag in ["--config", "--demo", "--map-dir", "--zm-version", "--poll-hz", "--pub", "--control"] {
            #expect(usage.contains(flag), "usage lacks \(flag)")
        }
    }
}

@Suite("agent epoch")
struct AgentEpochTests {
    /// 8-4-4-4-12 lowercase hex digits, version nibble 4, variant 8, 9, a or b.
    static func isVersion4UUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        let hex = Set("0123456789abcdef")
        guard groups.allSatisfy({ $0.allSatisfy(hex.contains) }) else { return false }
        return groups[2].first == "4" && groups[3].first.map("89ab".contains) == true
    }

    @Test("a lowercase version 4 UUID")
    func shape() {
        for _ in 0..<100 {
            let epoch = AgentEpoch.random()
            #expect(epoch.count == 36)
            #expect(Self.isVersion4UUID(epoch), "not a lowercase v4 UUID: \(epoch)")
        }
    }

    @Test("the shape check rejects near misses", arguments: [
        "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b".uppercased(), "6f1c2a3b-4d5e-3f60-8a7b-9c0d1e2f3a4b",
        "6f1c2a3b-4d5e-4f60-ca7b-9c0d1e2f3a4b", "6f1c2a3b4d5e4f608a7b9c0d1e2f3a4b", "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4g",
    ])
    func checkerRejects(text: String) {
        #expect(!Self.isVersion4UUID(text))
        #expect(Self.isVersion4UUID("6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"))
    }

    @Test("two calls differ")
    func distinct() {
        #expect(AgentEpoch.random() != AgentEpoch.random())
        let many = (0..<1000).map { _ in AgentEpoch.random() }
        #expect(Set(many).count == many.count)
    }
}

@Suite("lookout-agent command line: --mqtt")
struct AgentMQTTCommandLineTests {
    @Test("--mqtt survives the round trip, turns the bridge on with that broker, and a URL that is not MQTT names the flag")
    func mqttFlag() throws {
        var overrides = LookoutAgent.Overrides()
        overrides.mqtt = "mqtt://broker.lan:1884"
        overrides.configPath = "/nonexistent/lookout.toml"
        #expect(overrides.arguments.suffix(2) == ["--mqtt", "mqtt://broker.lan:1884"])
        #expect(try LookoutAgent.Overrides(arguments: overrides.arguments).mqtt == "mqtt://broker.lan:1884")
        #expect(LookoutAgent.Overrides.usage.contains("--mqtt"))
        overrides.configPath = nil
        let configuration = try LookoutAgent.configuration(overrides)
        #expect(configuration.mqtt.enabled && configuration.mqtt.host == "broker.lan" && configuration.mqtt.port == 1884)
        overrides.mqtt = "http://broker.lan"
        #expect(throws: AgentConfigurationError.self) { try LookoutAgent.configuration(overrides) }
        do {
            _ = try LookoutAgent.configuration(overrides)
        } catch {
            #expect(error.key == "--mqtt")
        }
    }
}
