import DemoSimulator
import ZMConfig
import UnixSignals
import ZMShm
import Glibc
import Logging
import ServiceLifecycle
import ZMSite
import ZeroMQ

/// `lookout run`: configuration, then the agent until SIGTERM/SIGINT.
public enum LookoutAgent {
    /// The flags that override the configuration file.
    public struct Overrides: Sendable {
        public var configPath: String?
        public var demo = false
        public var mapDirectory: String?
        public var zmVersion: String?
        public var pollHz: Double?
        public var publish: String?
        public var control: String?
        /// `--sfb-dir`: where TS channels' `sfb_data_ch<N>` files are (`ts.dir`).
        public var sfbDirectory: String?
        /// `--relay N[@FPS]`, repeatable: relay channel N's frames.
        public var relay: [RelayRequest] = []

        public init() {}
    }

    /// Defaults < file < flags. Errors name the file and the key.
    public static func configuration(_ overrides: Overrides) throws(AgentConfigurationError) -> AgentConfiguration {
        let path = overrides.configPath ?? AgentConfiguration.defaultPath
        var configuration = try AgentConfiguration.load(path: path, required: overrides.configPath != nil)
        if let value = overrides.mapDirectory { configuration.zoneMinder.mapDirectory = value }
        if let value = overrides.zmVersion { configuration.zoneMinder.version = value }
        if let value = overrides.pollHz { configuration.agent.pollHz = value }
        if let value = overrides.publish { configuration.bus.publish = value }
        if let value = overrides.control { configuration.bus.control = value }
        if let value = overrides.sfbDirectory { configuration.ts.directory = value }
        for request in overrides.relay { configuration.relay.channels[request.channel] = request.fps ?? configuration.relay.defaultFPS }
        try configuration.validate(file: overrides.configPath ?? "command line")
        return configuration
    }

    /// Runs until SIGTERM/SIGINT. `logging` (when given) is the process's log system: the agent also hosts its
    /// `zmlog` socket; the caller closes it after this returns.
    public static func run(
        _ configuration: AgentConfiguration, demo: Bool, logger: Logger, logging: AgentLogging? = nil
    ) async throws {
        var configuration = configuration
        var createdDemoDirectory: String?
        if demo, configuration.demo.directory == nil {
            configuration.demo.directory = try makeDemoDirectory()
            createdDemoDirectory = configuration.demo.directory
        }
        defer { if let createdDemoDirectory { removeDemoDirectory(createdDemoDirectory) } }
        try useUserRuntimeDirectoryIfNeeded(&configuration, logger: logger)
        let locks = try lockRuntimeDirectories(configuration)
        defer { withExtendedLifetime(locks) {} }
        var simulator: DemoSimulator?
        var demoChannels: DemoChannels?
        var options = ZoneMinderContext.Options(
            mapDirectory: configuration.zoneMinder.mapDirectory, zmVersion: configuration.zoneMinder.version,
            configDirectory: configuration.zoneMinder.configDirectory, useDatabase: configuration.zoneMinder.useDatabase)
        var mapSource = "zoneminder.map_dir / --map-dir"
        if demo {
            let directory = configuration.demo.directory ?? "/nonexistent"
            let restart = configuration.demo.restartSeconds
            let demoSimulator = DemoSimulator(.init(
                directory: directory, monitorCount: configuration.demo.monitors,
                restartingMonitors: restart > 0 ? [2] : [], restartEvery: max(restart, 1)))
            try demoSimulator.start()
            simulator = demoSimulator
            options = ZoneMinderContext.Options(
                mapDirectory: directory, zmVersion: DemoSimulator.zoneMinderVersion, configDirectory: "/nonexistent", useDatabase: false)
            mapSource = "--demo"
            logger.notice("demo: simulating \(configuration.demo.monitors) ZoneMinder \(DemoSimulator.zoneMinderVersion) monitors in \(directory)")
            demoChannels = DemoChannels.start(in: directory, configuration: &configuration, logger: logger)
        }
        var context = ZoneMinderContext.resolve(options, mapDirectorySource: mapSource)
        if demo { context.monitorRows = DemoMonitors.rows(count: configuration.demo.monitors) }
        for note in context.notes where !demo { logger.warning("\(note)") }
        logger.info("ZoneMinder segments in \(context.mapDirectory) (\(context.mapDirectorySource)); version \(context.version?.description ?? "unknown") (\(context.versionSource ?? "not detected"))")

        let loop: AgentLoop
        do {
            loop = try AgentLoop(
                configuration: configuration, context: context, zmq: ZMQContext(), logger: logger, logging: logging, demo: demo)
            if let logging, !configuration.log.socket.isEmpty { listenForZmlog(logging, configuration, logger: logger) }
        } catch {
            simulator?.stop()
            demoChannels?.stop()
            throw error
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let simulator {
            services.append(.init(service: DemoService(stopSimulator: { [demoChannels] in
                simulator.stop()
                demoChannels?.stop()
            })))
        }
        services.append(.init(service: AgentService(loop: loop)))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// A user who is not root cannot create /run/lookout; with the default endpoints, use a private directory
    /// instead and say so, rather than failing a quick try. A fallback directory someone else could write is refused.
    private static func useUserRuntimeDirectoryIfNeeded(
        _ configuration: inout AgentConfiguration, logger: Logger
    ) throws(AgentStartError) {
        typealias Bus = AgentConfiguration.Bus
        guard configuration.bus.publish == Bus.defaultPublish, configuration.bus.control == Bus.defaultControl,
              !RuntimeDirectory.usable(Bus.defaultPublish) else { return }
        let base = getenv("XDG_RUNTIME_DIR").map { "\(String(cString: $0))/lookout" } ?? "/tmp/lookout-\(getuid())"
        try RuntimeDirectory.makePrivate(base, uid: getuid())
        configuration.bus.publish = "ipc://\(base)/state.pub"
        configuration.bus.control = "ipc://\(base)/control"
        configuration.bus.runtimeDirectoryMode = 0o700
        configuration.bus.group = ""
        if configuration.log.socket == AgentConfiguration.Log.defaultSocket { configuration.log.socket = "\(base)/log.sock" }
        logger.warning("/run/lookout is not writable by this user; publishing on \(configuration.bus.publish) and answering on \(configuration.bus.control)")
    }

    /// The socket and its directory are made like the bus's (`bus.socket_mode`, `bus.runtime_dir_mode`, `bus.group`):
    /// who may connect may write `Logs` rows. A socket that cannot be opened is reported, not fatal: `zmlog` then
    /// writes the database itself.
    private static func listenForZmlog(_ logging: AgentLogging, _ configuration: AgentConfiguration, logger: Logger) {
        let path = configuration.log.socket
        let bus = configuration.bus
        do {
            try RuntimeDirectory.prepare(for: "ipc://\(path)", mode: bus.runtimeDirectoryMode, group: bus.group)
        } catch {
            logger.warning("zmlog hand-off off: \(error)")
            return
        }
        if let problem = logging.listen(path: path, mode: bus.socketMode, group: bus.group) {
            logger.warning("\(problem)")
        } else {
            logger.info("zmlog hands Logs rows to the agent on \(path)")
        }
    }

    /// Takes each ipc endpoint's directory before anything is bound there: libzmq unlinks a socket file it finds
    /// in its way, so a second agent that got as far as binding would take the first one's sockets.
    private static func lockRuntimeDirectories(_ configuration: AgentConfiguration) throws(AgentStartError) -> [RuntimeLock] {
        let bus = configuration.bus
        let endpoints = [bus.publish, bus.control]
        var directories: [String] = []
        for endpoint in endpoints {
            guard let path = RuntimeDirectory.socketPath(endpoint) else { continue }
            let directory = RuntimeDirectory.parent(of: path)
            guard !directories.contains(directory) else { continue }
            try RuntimeDirectory.prepare(for: endpoint, mode: bus.runtimeDirectoryMode, group: bus.group)
            directories.append(directory)
        }
        // The zmlog socket elsewhere is locked too when its directory can be made; if not, the hand-off is off anyway.
        let logSocket = "ipc://\(configuration.log.socket)"
        if !configuration.log.socket.isEmpty, let path = RuntimeDirectory.socketPath(logSocket),
           !directories.contains(RuntimeDirectory.parent(of: path)),
           (try? RuntimeDirectory.prepare(for: logSocket, mode: bus.runtimeDirectoryMode, group: bus.group)) != nil {
            directories.append(RuntimeDirectory.parent(of: path))
        }
        var locks: [RuntimeLock] = []
        for directory in directories { locks.append(try RuntimeLock(directory: directory)) }
        return locks
    }

    /// Removes a demo directory and what the demo wrote into it (segments, log file, spool), without following links.
    public static func removeDemoDirectory(_ directory: String) {
        if let stream = opendir(directory) {
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard name != ".", name != ".." else { continue }
                let path = directory + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                if info.st_mode & S_IFMT == S_IFDIR { removeDemoDirectory(path) } else { unlink(path) }
            }
            closedir(stream)
        }
        rmdir(directory)
    }

    /// `--demo` without `demo.directory`: a fresh private directory, removed again when the agent stops.
    public static func makeDemoDirectory() throws(AgentStartError) -> String {
        var template = Array("/tmp/lookout-demo.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw AgentStartError("cannot create a demo directory under /tmp: \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }
}
