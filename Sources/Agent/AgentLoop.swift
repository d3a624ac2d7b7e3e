import PosixThread
import ZMConfig
import MonitorState
import Glibc
import Logging
import LookoutBus
import Synchronization
import ZMSite
import ZMShm
import ZeroMQ

/// The agent's single-threaded core: polls every monitor at the configured rate, publishes what changed, and
/// answers the control socket in between. Every libzmq socket, segment and tracker lives on this one thread, so
/// nothing here takes a lock; only `requestStop()` is called from elsewhere.
final class AgentLoop: @unchecked Sendable {
    let configuration: AgentConfiguration
    var context: ZoneMinderContext
    let publisher: BusPublisher
    let control: ControlServer
    let catalog: MonitorCatalog?
    /// nil: inotify unavailable, each path is stat'ed once a second instead.
    var mapWatch: MapDirectoryWatch?
    let notifier = SystemdNotifier()
    let logger: Logger
    let logging: AgentLogging?
    let demo: Bool
    var monitors: [Int: TrackedMonitor] = [:] { didSet { pollOrder = monitors.keys.sorted().compactMap { monitors[$0] } } }
    /// `monitors` in id order, rebuilt only when the set changes: a tick allocates nothing for it.
    private(set) var pollOrder: [TrackedMonitor] = []
    private var numberings: [SharedDataLayout: StateNumberingChoice] = [:]
    private var lastNumbering: (layout: SharedDataLayout, choice: StateNumberingChoice)?
    let startedAt = WallClock.seconds()
    var polls: UInt64 = 0
    var lastPollSeconds = 0.0
    var lastPollAt = 0.0
    /// Poll ticks that started later than one whole interval after their due time.
    var overruns: UInt64 = 0
    var lastStatusLine = ""
    let verdictMemory = VerdictMemory()
    private let stopRequested = Atomic<Bool>(false)

    init(
        configuration: AgentConfiguration, context: ZoneMinderContext, zmq: ZMQContext, logger: Logger,
        logging: AgentLogging?, demo: Bool
    ) throws(AgentStartError) {
        self.configuration = configuration
        self.context = context
        self.logger = logger
        self.logging = logging
        self.demo = demo
        let bus = configuration.bus
        let epoch = AgentEpoch.random()
        do {
            for endpoint in [bus.publish, bus.control] {
                try RuntimeDirectory.prepare(for: endpoint, mode: bus.runtimeDirectoryMode, group: bus.group)
            }
            let endpoints = [bus.publish] + (bus.tcp.isEmpty ? [] : [bus.tcp])
            publisher = try BusPublisher(
                context: zmq, endpoints: endpoints, sendHighWaterMark: bus.sendHighWaterMark, epoch: epoch,
                clock: { WallClock.seconds() })
            control = try ControlServer(context: zmq, endpoint: bus.control)
            for endpoint in [bus.publish, bus.control] {
                try RuntimeDirectory.finish(endpoint, mode: bus.socketMode, group: bus.group)
            }
        } catch let error as AgentStartError {
            throw error
        } catch {
            throw AgentStartError("cannot open the bus: \(error)")
        }
        mapWatch = MapDirectoryWatch(directory: context.mapDirectory)
        if configuration.zoneMinder.useDatabase, !demo, let conf = context.conf {
            catalog = MonitorCatalog(conf: conf, interval: configuration.agent.databaseRefreshSeconds)
        } else {
            catalog = nil
        }
    }

    /// The state numbering per layout, resolved once (resolving builds a description string).
    /// Every monitor of one ZoneMinder has the same layout, so the last answer is checked before the dictionary.
    func numbering(for layout: SharedDataLayout) -> StateNumberingChoice {
        if let last = lastNumbering, last.layout == layout { return last.choice }
        let choice = numberings[layout] ?? context.numbering(for: layout)
        numberings[layout] = choice
        lastNumbering = (layout, choice)
        return choice
    }

    func requestStop() { stopRequested.store(true, ordering: .releasing) }

    /// Runs until `requestStop()`; call on the thread that will own the sockets.
    func run() {
        let agent = configuration.agent
        let pollInterval = 1 / agent.pollHz
        catalog?.start()
        var now = WallClock.seconds()
        discover(now: now)
        pollAll(now: now)
        publishAgentInfo()
        notifier.ready(status: statusLine())
        logger.info("ready", metadata: ["monitors": "\(monitors.count)", "epoch": "\(publisher.epoch)", "pub": "\(configuration.bus.publish)"])

        let clock = MonotonicClock()
        var nextPoll = clock.now + pollInterval
        var nextHeartbeat = clock.now
        var nextRefresh = clock.now + agent.refreshSeconds
        var nextFPS = clock.now + min(1, agent.fpsSeconds)
        var nextDiscovery = clock.now + agent.discoverySeconds
        var nextStatus = clock.now + 5
        var nextWatchdog = clock.now
        while !stopRequested.load(ordering: .acquiring) {
            let tick = clock.now
            now = WallClock.seconds()
            if tick >= nextPoll {
                if tick - nextPoll > pollInterval { overruns += 1 }
                stallWhileTestAsks()
                pollAll(now: now)
                nextPoll = max(nextPoll + pollInterval, tick + pollInterval / 2)
                // The keep-alive is earned by a poll that just completed, never sent from a timer or another thread:
                // a loop stuck anywhere (a read, a send, a stall) stops it and systemd's watchdog fires.
                if let interval = notifier.watchdogInterval, tick >= nextWatchdog {
                    notifier.watchdog()
                    nextWatchdog = tick + interval
                }
            }
            if tick >= nextDiscovery {
                applyCatalog()
                discover(now: now)
                nextDiscovery = tick + agent.discoverySeconds
            }
            if tick >= nextFPS {
                publishFPS(now: now)
                nextFPS = tick + agent.fpsSeconds
            }
            if tick >= nextRefresh {
                publisher.republishRetained()
                nextRefresh = tick + agent.refreshSeconds
            }
            if tick >= nextHeartbeat {
                publishHeartbeat(now: now)
                nextHeartbeat = tick + agent.heartbeatSeconds
            }
            if tick >= nextStatus {
                updateStatus()
                nextStatus = tick + 5
            }
            let due = min(nextPoll, nextHeartbeat, nextRefresh, nextFPS, nextDiscovery, nextStatus)
            let waitMilliseconds = max(0, Int(((due - clock.now) * 1000).rounded(.up)))
            let readable = (try? ZMQPoll.readable([control.pollSocket, publisher.pollSocket], timeoutMilliseconds: min(waitMilliseconds, 1000)))
                ?? [false, false]
            if readable[0] { control.servePending(clock: { clock.now }, handle) }
            if readable[1] { publisher.drainSubscriptions() }
        }
        notifier.stopping()
        catalog?.stop()
        publisher.close()
        control.close()
        logger.info("stopped", metadata: ["polls": "\(polls)", "published": "\(publisher.counters.published)"])
    }
}

/// CLOCK_MONOTONIC in seconds: schedules must not jump when the wall clock is set.
struct MonotonicClock {
    var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }
}
