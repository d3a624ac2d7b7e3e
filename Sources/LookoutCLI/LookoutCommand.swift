import ArgumentParser

public struct LookoutCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "lookout")
    public init() {}
}
