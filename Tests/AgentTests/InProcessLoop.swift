@testable import Agent
import DemoSimulator
import Logging
import LookoutBus
import ZMSite
import ZeroMQ

/// An `AgentLoop` driven by a test in this process (no thread, no `run()`): private bus endpoints in `directory`,
/// no database, segments read from `directory`. `configure` and `adjust` change the configuration and the context
/// before the loop is made. Close its sockets with `close(_:)`.
enum InProcessLoop {
    static func make(
        directory: String, configure: (inout AgentConfiguration) -> Void = { _ in }, adjust: (inout ZoneMinderContext) -> Void = { _ in }
    ) throws -> AgentLoop {
        var configuration = AgentConfiguration()
        configuration.bus.publish = "ipc://\(directory)/state.pub"
        configuration.bus.control = "ipc://\(directory)/control"
        configuration.bus.runtimeDirectoryMode = 0o700
        configuration.bus.group = ""
        configuration.zoneMinder.useDatabase = false
        configure(&configuration)
        let options = ZoneMinderContext.Options(
            mapDirectory: directory, zmVersion: DemoSimulator.zoneMinderVersion, configDirectory: "/nonexistent", useDatabase: false)
        var context = ZoneMinderContext.resolve(options, mapDirectorySource: "test")
        adjust(&context)
        return try AgentLoop(
            configuration: configuration, context: context, zmq: ZMQContext(),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, logging: nil, demo: true)
    }

    static func close(_ loop: AgentLoop) {
        loop.publisher.close()
        loop.control.close()
    }
}
