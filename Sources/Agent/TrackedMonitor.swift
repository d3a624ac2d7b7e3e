import LookoutBus
import MonitorState
import ZMConfig
import ZMShm

/// One ZoneMinder monitor the agent follows: its segment, its change tracker, and what was last published.
/// Owned by the loop thread.
final class TrackedMonitor {
    let id: Int
    let follower: SegmentFollower
    var tracker: MonitorTracker
    /// Its Monitors row (nil without a database); out of line, 8 bytes here instead of 129 for every monitor.
    var row: ZMMonitorRow? {
        get { rowBox?.value }
        set { rowBox = newValue.map(OutOfLine.init) }
    }
    private var rowBox: OutOfLine<ZMMonitorRow>?
    var observation: MonitorObservation? {
        didSet {
            available = observation?.available ?? false
            stale = observation?.stale ?? true
            alarmed = observation?.state?.isAlarmed ?? false
        }
    }
    /// From `observation`, kept beside it: counting them over every monitor (each heartbeat) copies no observation.
    private(set) var available = false
    private(set) var stale = true
    private(set) var alarmed = false
    /// The event open now, if any; kept out of line (a box) because most monitors have none most of the time.
    var openEvent: OpenEvent? {
        get { openEventBox?.value }
        set { openEventBox = newValue.map(OutOfLine.init) }
    }
    private var openEventBox: OutOfLine<OpenEvent>?
    /// Why liveness last changed, as published.
    var livenessReason = "appeared"
    /// The segment error last logged, so a refused file is logged once per change, not once per poll.
    var loggedError: String?
    /// When discovery last found neither a segment file nor a Monitors row for this monitor (nil: it did).
    var missingSince: Double?
    /// Events seen starting (`.eventStarted`) since the agent started: HEALTH's `events_started`.
    var eventsStarted: UInt64 = 0

    struct OpenEvent {
        let id: UInt64
        let startedAt: Double
        let cause: String
        let score: UInt32?
        let triggerCause: String
        let triggerText: String
    }

    /// A value kept behind one pointer: what most monitors lack costs them 8 bytes instead of its size.
    private final class OutOfLine<Value> {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// Its bus topics, registered when it was found (20 bytes; publishing builds no topic string).
    let topics: MonitorTopics

    struct MonitorTopics {
        let state, event, trigger, liveness, fps: BusPublisher.TopicHandle

        init(_ id: Int, _ publisher: BusPublisher) {
            state = publisher.handle(BusTopic.monitor(id, .state))
            event = publisher.handle(BusTopic.monitor(id, .event))
            trigger = publisher.handle(BusTopic.monitor(id, .trigger))
            liveness = publisher.handle(BusTopic.monitor(id, .liveness))
            fps = publisher.handle(BusTopic.monitor(id, .fps))
        }
    }

    init(id: Int, follower: SegmentFollower, row: ZMMonitorRow?, topics: MonitorTopics) {
        self.id = id
        self.topics = topics
        self.follower = follower
        self.tracker = MonitorTracker(monitorID: id)
        self.row = row
    }

}
