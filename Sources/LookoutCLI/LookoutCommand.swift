import ArgumentParser

/// `lookout`: ZoneMinder and TS monitor agent and tools.
public struct LookoutCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lookout",
        abstract: "Reads ZoneMinder's per-monitor shared memory: status, dumps, live changes, triggers.",
        subcommands: [Status.self, Dump.self, Watch.self, Trigger.self, Action.self])

    public init() {}
}
