import Logging
import LookoutMQTT
import LookoutVersion

extension LookoutAgent {
    /// `lookout-agent ARGUMENTS`: `--help` prints the usage, `--version` the version (exit 0), a bad argument is named on stderr with the
    /// usage (exit 64, EX_USAGE); otherwise `main(_:)` below.
    public static func main(arguments: [String]) async -> Int32 {
        let overrides: Overrides
        do {
            overrides = try Overrides(arguments: arguments)
        } catch .helpRequested {
            print(Overrides.usage)
            return 0
        } catch .versionRequested {
            print(LookoutVersion.current)
            return 0
        } catch {
            AgentLogging.writeStandardError("lookout-agent: \(error)\n\(Overrides.usage)\n")
            return 64
        }
        return await main(overrides)
    }

    /// `lookout run` and `lookout-agent`: configuration (exit 78, EX_CONFIG, naming the file and key), the log
    /// system, then the agent until SIGTERM/SIGINT (exit 0) or a start-up failure (exit 1).
    public static func main(_ overrides: Overrides) async -> Int32 {
        var configuration: AgentConfiguration
        do {
            configuration = try LookoutAgent.configuration(overrides)
        } catch {
            AgentLogging.writeStandardError("lookout: configuration error: \(error)\n")
            return 78
        }
        // The demo keeps to itself: its log file lives in its own directory, removed at exit, and it writes no rows
        // into a ZoneMinder database or syslog.
        var createdDemoDirectory: String?
        if overrides.demo, configuration.demo.directory == nil {
            do {
                configuration.demo.directory = try LookoutAgent.makeDemoDirectory()
                createdDemoDirectory = configuration.demo.directory
            } catch {
                AgentLogging.writeStandardError("lookout: \(error)\n")
                return 1
            }
        }
        defer { if let createdDemoDirectory { LookoutAgent.removeDemoDirectory(createdDemoDirectory) } }
        // Before the logger can load MariaDB Connector/C: it would claim OpenSSL's set-up without the algorithms a TLS
        // connection to the broker verifies with (CMosquittoLoader).
        if configuration.mqtt.enabled, configuration.mqtt.tls { MQTTBridge.prepareTLS() }
        let logging = AgentLogging.start(configuration, privateDirectory: overrides.demo ? configuration.demo.directory : nil)
        defer { logging.close() }
        let logger = Logger(label: "lookout")
        do {
            try await LookoutAgent.run(configuration, demo: overrides.demo, logger: logger, logging: logging)
            return 0
        } catch {
            logger.error("cannot run: \(error)")
            AgentLogging.writeStandardError("lookout: \(error)\n")
            return 1
        }
    }
}
