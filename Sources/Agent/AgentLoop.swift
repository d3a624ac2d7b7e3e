import PosixThread
import ZMConfig
import MonitorState
import Glibc
import Logging
import LookoutBus
import Synchronization
import ZMSite
import ZMShm
import LookoutHealth
import LookoutMQTT
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
    /// What inotify reported since the last poll tick, read as soon as the loop's wait saw it.
    var mapChanges = MapDirectoryWatch.Changes()
    /// The inotify descriptor in the wait set (-1: none): armed at each poll tick, taken out when it fires, so a
    /// neighbour writing to files in the map directory wakes the loop at most once per tick.
    var armedMapWatch: Int32 = -1
    /// The map directory's segment ids, and `ts.directory`'s channels when it is the same directory.
    var segmentListing = WatchedListing()
    var channelListing = WatchedListing()
    var directoryListings: Int { segmentListing.listings }
    var channelListings: Int { channelListing.listings }
    let notifier = SystemdNotifier()
    let logger: Logger
    let logging: AgentLogging?
    let demo: Bool
    /// Adding or removing a monitor only marks `pollOrder` out of date (the `didSet` does not read `oldValue`, so the
    /// dictionary is changed in place): discovering or removing n monitors at once costs one sort, not n.
    var monitors: [Int: TrackedMonitor] = [:] { didSet { pollOrderIsCurrent = false } }
    private var pollOrderIsCurrent = true
    private var sortedMonitors: [TrackedMonitor] = []
    /// Times `pollOrder` was rebuilt (one sort of every id each): tests assert that discovery costs one.
    private(set) var pollOrderRebuilds = 0
    /// `monitors` in id order, rebuilt only when the set changed since: a tick allocates nothing for it.
    /// A rebuild disarms every hot record (`hot`), so the next poll takes each monitor the full way once.
    var pollOrder: [TrackedMonitor] {
        if !pollOrderIsCurrent {
            sortedMonitors = monitors.values.sorted { $0.id < $1.id }
            pollOrderIsCurrent = true
            pollOrderRebuilds += 1
            hot.reset(count: sortedMonitors.count)
            positions = Dictionary(uniqueKeysWithValues: sortedMonitors.enumerated().map { ($1.id, $0) })
        }
        return sortedMonitors
    }
    /// The per-monitor hot state, indexed like `pollOrder` (see `pollAll`).
    let hot = HotSegmentTable()
    /// Monitor id → position in `pollOrder` and `hot`.
    private(set) var positions: [Int: Int] = [:]
    /// Monitor polls that took the full path (changed, not armed, or a path check): tests assert the rest skip it.
    var fullPathPolls: UInt64 = 0
    /// The poll count at the last `refreshObservations` (nil: never).
    var observationsRefreshedAt: UInt64?
    private var numberings: [SharedDataLayout: StateNumberingChoice] = [:]
    private var lastNumbering: (layout: SharedDataLayout, choice: StateNumberingChoice)?
    let startedAt = WallClock.seconds()
    var polls: UInt64 = 0
    var lastPollSeconds = 0.0
    var lastPollAt = 0.0
    /// Every poll's duration, in fixed buckets (HEALTH's `poll_duration`, `/metrics`' `lookout_poll_duration_seconds`).
    var pollDurations = PollHistogram()
    /// Poll ticks that started later than one whole interval after their due time.
    var overruns: UInt64 = 0
    var lastStatusLine = ""
    let verdictMemory = VerdictMemory()
    /// Renders HEALTH off this thread (AgentLoop+Control.swift).
    let healthRenderThread = HealthRenderThread()
    /// TS channels and frame relays (AgentLoop+Channels.swift).
    let channelSet = ChannelSet()
    /// The MQTT bridge's counters (HEALTH's `mqtt`); nil when the bridge is off. Set before `run()`.
    var mqttStatus: MQTTBridgeStatus?
    private let stopRequested = Atomic<Bool>(false)
    /// What `run()` waits on between ticks: the control and bus sockets, rendered HEALTH, relay wake-ups, inotify.
    let waitSet: ZMQWaitSet
    /// The wait set's descriptors, by index (its sockets are the control server's, then the publisher's).
    enum Waited {
        static let health = 0, relay = 1, mapWatch = 2
    }

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
            let monitorsAtStart = Self.monitorIDs(context: context, wanted: configuration.zoneMinder.monitors).count
            publisher = try BusPublisher(
                context: zmq, endpoints: endpoints,
                sendHighWaterMark: Self.sendHighWaterMark(configured: bus.sendHighWaterMark, monitors: monitorsAtStart), epoch: epoch,
                clock: { WallClock.seconds() })
            control = try ControlServer(context: zmq, endpoint: bus.control)
            waitSet = try ZMQWaitSet(
                sockets: [control.pollSocket, publisher.pollSocket],
                descriptors: [healthRenderThread.descriptor, channelSet.relayWakeDescriptor, -1])
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
        takeMapChanges()
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

    /// The send high-water mark: `bus.send_hwm` when set, else every topic retained for `monitors` (4 each, plus
    /// agent.info) and 1 000 more, so that all of them changing in one tick (a ZoneMinder restart) fits a reading
    /// subscriber's queue. libzmq takes it when the socket binds: monitors added later are not counted.
    static func sendHighWaterMark(configured: Int32?, monitors: Int) -> Int32 {
        if let configured { return configured }
        let retainedPerMonitor = MonitorTopic.allCases.filter(\.retained).count
        return Int32(clamping: retainedPerMonitor * monitors + 1 + 1000)
    }

    /// How many topics a re-publish cycle sends per poll tick: the cycle is spread over 80 % of the refresh interval
    /// (a tick or two late still finishes before the next cycle), at least one per tick.
    static func refreshPerTick(topics: Int, refreshSeconds: Double, pollHz: Double) -> Int {
        let ticks = max(1, Int((refreshSeconds * pollHz * 0.8).rounded(.down)))
        return max(1, (topics + ticks - 1) / ticks)
    }

    func requestStop() { stopRequested.store(true, ordering: .releasing) }

    /// Runs until `requestStop()`; call on the thread that will own the sockets.
    func run() {
        let agent = configuration.agent
        let pollInterval = 1 / agent.pollHz
        catalog?.start()
        var now = WallClock.seconds()
        discover(now: now)
        discoverChannels(now: now)
        pollAll(now: now)
        pollChannels(now: now)
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
        var refreshPerTick = 1
        var releaseStartupPagesAt = agent.releaseStartupPages ? clock.now + StartupPages.afterReadySeconds : .infinity
        while !stopRequested.load(ordering: .acquiring) {
            let tick = clock.now
            now = WallClock.seconds()
            if tick >= nextPoll {
                if tick - nextPoll > pollInterval { overruns += 1 }
                stallWhileTestAsks()
                pollAll(now: now)
                pollChannels(now: now)
                if publisher.refreshPending > 0 { publisher.continueRefresh(limit: refreshPerTick) }
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
                discoverChannels(now: now)
                nextDiscovery = Self.following(nextDiscovery, every: agent.discoverySeconds, after: tick)
            }
            if tick >= nextFPS {
                publishFPS(now: now)
                publishChannelFPS(now: now)
                nextFPS = Self.following(nextFPS, every: agent.fpsSeconds, after: tick)
            }
            if tick >= nextRefresh {
                // Paced: a burst of every retained topic at once overflows the send queue of a subscriber that
                // reads as fast as it can (5 408 messages in one tick at 4 096 monitors).
                let topics = publisher.beginRefreshCycle()
                refreshPerTick = Self.refreshPerTick(topics: topics, refreshSeconds: agent.refreshSeconds, pollHz: agent.pollHz)
                nextRefresh = Self.following(nextRefresh, every: agent.refreshSeconds, after: tick)
            }
            if tick >= nextHeartbeat {
                publishHeartbeat(now: now)
                nextHeartbeat = Self.following(nextHeartbeat, every: agent.heartbeatSeconds, after: tick)
            }
            if tick >= releaseStartupPagesAt {
                releaseStartupPagesAt = .infinity
                logger.debug("start-up pages released", metadata: ["mappings": "\(StartupPages.release())"])
            }
            if tick >= nextStatus {
                updateStatus()
                nextStatus = Self.following(nextStatus, every: 5, after: tick)
            }
            let timers = min(nextHeartbeat, nextRefresh, nextFPS, nextDiscovery, nextStatus)
            // A timer due less than a tick (at most 100 ms) before the next poll runs with it: one wake-up per tick,
            // not one more per timer (a wake-up of this loop costs about as much as polling 100 monitors).
            let due = timers < nextPoll - min(pollInterval, 0.1) ? timers : nextPoll
            // Frame relay (AgentLoop+Channels): a TS channel's waiter thread makes `relayWake` readable when a frame
            // is due; polled relays (ZoneMinder monitors) end the wait when their next frame is due, rounded up.
            let relayDue = relayFrames(now: now)
            let waitMilliseconds = max(0, Int(((min(due, relayDue) - clock.now) * 1000).rounded(.up)))
            let ready = waitSet.wait(timeoutMilliseconds: min(waitMilliseconds, 1000))
            if ready.descriptor(Waited.health) { collectRenderedHealth() }
            if ready.descriptor(Waited.relay) { relayWoken(now: WallClock.seconds()) }
            if ready.descriptor(Waited.mapWatch) { takeMapChanges() }
            if ready.socket(0) { control.servePending(clock: { clock.now }, handle) }
            if ready.socket(1) { publisher.drainSubscriptions() }
        }
        notifier.stopping()
        channelSet.stopRelayWaiters()
        catalog?.stop()
        publisher.close()
        control.close()
        logger.info("stopped", metadata: ["polls": "\(polls)", "published": "\(publisher.counters.published)"])
    }
}

extension AgentLoop {
    /// A periodic timer's next due time after it ran at `tick`: one period after it was due (a timer run late with
    /// a poll tick keeps its rate), or one period from now when it fell a whole period behind (a stall).
    static func following(_ due: Double, every period: Double, after tick: Double) -> Double {
        let next = due + period
        return next > tick ? next : tick + period
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
