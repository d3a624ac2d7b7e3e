import Glibc
import Logging
import LookoutJSON
import PosixThread
import Synchronization
import ZeroMQ

/// A zmtrigger.pl-compatible TCP listener (docs/zmtrigger.md). It runs on its own thread and owns no segment:
/// each line becomes a TRIGGER (or ACTION) request on the agent's control socket, through a DEALER, so the
/// validation and the write are those of every other client. The agent's bus feeds the notices zmtrigger writes
/// back (`<id>|on|<time>|<event>`), and the state `off` waits for before it cancels.
public final class ZMTriggerListener: @unchecked Sendable {
    public struct Settings: Sendable {
        /// Network byte order.
        public var address: in_addr_t
        public var port: UInt16
        public var maximumConnections = 32
        public var maximumLineBytes = 1024
        public var idleSeconds = 600.0
        /// Timed actions (`on+N`, `off+N`) held at once.
        public var maximumTimedActions = 1024
        /// Requests sent to the agent and not yet answered.
        public var maximumPendingRequests = 256
        /// How long `off` waits for the alarm to end before it cancels anyway (zmtrigger.pl waits forever).
        public var offWaitSeconds = 60.0
        public var controlEndpoint: String
        public var publishEndpoint: String

        public init(address: in_addr_t, port: UInt16, controlEndpoint: String, publishEndpoint: String) {
            self.address = address
            self.port = port
            self.controlEndpoint = controlEndpoint
            self.publishEndpoint = publishEndpoint
        }
    }

    let settings: Settings
    let logger: Logger
    let connections: TriggerConnections
    let control: ZMQSocket
    let states: ZMQSocket
    var notices = StateNotices()
    var timed: TimedActions
    var pending: [PendingRequest] = []
    /// `off` without a delay: the monitor's event when it was sent, until its alarm ends (then `cancel`).
    var offWaits: [Int: (event: UInt64?, deadline: Double)] = [:]
    let clock = MonotonicClock()
    private let stopRequested = Atomic<Bool>(false)

    /// Binds now (so a port in use fails the start with a clear error); serves after `start()`.
    public init(_ settings: Settings, zmq: ZMQContext, logger: Logger) throws(TriggerListenError) {
        self.settings = settings
        self.logger = logger
        timed = TimedActions(capacity: settings.maximumTimedActions)
        connections = try TriggerConnections(address: settings.address, port: settings.port, limits: .init(
            maximumConnections: settings.maximumConnections, maximumLineBytes: settings.maximumLineBytes, idleSeconds: settings.idleSeconds))
        do {
            control = try ZMQSocket(zmq, .dealer)
            try control.connect(settings.controlEndpoint)
            states = try ZMQSocket(zmq, .sub)
            try states.subscribe("zm.monitor.")
            try states.connect(settings.publishEndpoint)
        } catch {
            connections.closeAll()
            throw TriggerListenError("cannot reach the agent's bus: \(error)")
        }
    }

    /// The port listened on (the kernel's choice when the settings said 0).
    public var port: UInt16 { connections.port }

    public func start() {
        PosixThread.start(name: "lookout-zmtrig") { [self] in run() }
    }

    public func stop() { stopRequested.store(true, ordering: .releasing) }

    private func run() {
        requestSnapshot()
        while !stopRequested.load(ordering: .acquiring) {
            let now = clock.now
            let due = [timed.nextDue, connections.nextIdleDeadline, offWaits.values.map(\.deadline).min()].compactMap { $0 }.min()
            let wait = due.map { max(0, min(250, Int((($0 - now) * 1000).rounded(.up)))) } ?? 250
            let requests = connections.pollRequests
            guard let ready = try? ZMQPoll.wait([control, states], descriptors: requests, timeoutMilliseconds: wait) else {
                PosixThread.sleep(0.1)
                continue
            }
            if ready.sockets[0] { readReplies() }
            if ready.sockets[1] { readStates() }
            var events: [TriggerConnections.Event] = []
            for (request, state) in zip(requests, ready.descriptors) where state.readable || state.writable {
                if request.descriptor == connections.listening {
                    events += connections.acceptPending(now: clock.now)
                } else {
                    events += connections.service(request.descriptor, readable: state.readable, writable: state.writable, now: clock.now)
                }
            }
            events += connections.expireIdle(now: clock.now)
            for event in events { handleConnectionEvent(event) }
            runTimedActions()
            checkOffWaits()
        }
        control.close()
        states.close()
        connections.closeAll()
    }

    func handleConnectionEvent(_ event: TriggerConnections.Event) {
        switch event {
        case let .line(connection, line):
            guard !line.isEmpty else { return }
            handleMessage(TriggerMessage(line), connection: connection)
        case let .accepted(connection, peer, open):
            logger.debug("zmtrigger: added new spawned connection (\(connection)) from \(peer), \(open) spawned connections")
        case let .refused(peer, open):
            logger.warning("zmtrigger: refused a connection from \(peer): \(open) connections open, the limit")
        case let .closed(connection, peer, reason, open):
            logger.debug("zmtrigger: removed spawned connection (\(connection)) from \(peer): \(reason), \(open) spawned connections")
        case let .overlong(connection, peer):
            logger.error("zmtrigger: a line from \(peer) (connection \(connection)) is longer than \(settings.maximumLineBytes) bytes; ignored up to its end")
        case let .noticesDropped(connection, peer):
            logger.warning("zmtrigger: connection \(connection) from \(peer) does not read its notices; dropping them until it does")
        }
    }

    private func runTimedActions() {
        for entry in timed.takeDue(now: clock.now) {
            logger.info("Found action '\(entry.line)'")
            handleMessage(TriggerMessage(entry.line), connection: entry.connection)
        }
    }

    func schedule(_ line: String, after delay: Int, connection: Int) {
        switch timed.schedule(line, at: clock.now + Double(delay), connection: connection) {
        case let .added(replaced):
            if replaced > 0 { logger.info("Found duplicate action '\(line)', cancelling it") }
            logger.debug("Added timed event '\(line)', expires in \(delay) s")
        case .full:
            logger.error("zmtrigger: \(settings.maximumTimedActions) timed actions are waiting, the limit; '\(line)' not scheduled")
        }
    }
}

/// CLOCK_MONOTONIC in seconds: timed actions must not move when the wall clock is set.
struct MonotonicClock {
    var now: Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1_000_000_000
    }
}
