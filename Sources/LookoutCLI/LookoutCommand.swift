import ArgumentParser
import LookoutVersion

/// `lookout`: ZoneMinder and TS monitor agent and tools.
@available(macOS 10.15, macCatalyst 13, iOS 13, tvOS 13, watchOS 6, *)
public struct LookoutCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lookout",
        abstract: "ZoneMinder monitor agent: reads ZoneMinder's shared memory, publishes state on a ZeroMQ bus.",
        version: LookoutVersion.current,
        subcommands: [Run.self, Sub.self, Status.self, Check.self, Serve.self, Snapshot.self, Dump.self, Watch.self, Trigger.self, Action.self, Simulate.self, SFBProduce.self, DumpSFB.self, SFBVerify.self])

    public init() {}
}
