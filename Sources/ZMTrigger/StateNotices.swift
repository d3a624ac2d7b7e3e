/// What zmtrigger.pl writes to every connection when a monitor's alarm starts or ends: `<id>|on|<time>|<event>`
/// when ALARM or ALERT comes with a new event, `<id>|off|<time>|<event>` when the monitor returns to IDLE (or TAPE),
/// and both when a whole event passed unseen. zmtrigger samples shared memory every 0.25 s; here the same rules
/// run on each `zm.monitor.<id>.state` message of the bus, which carries every change.
public struct StateNotices: Sendable {
    public struct Observation: Sendable, Equatable {
        public var state: String
        public var previous: String?
        public var lastEvent: UInt64
        public var function: String?
        /// A periodic re-publish (`"refresh": true`): nothing changed.
        public var refresh: Bool

        public init(state: String, previous: String?, lastEvent: UInt64, function: String?, refresh: Bool) {
            self.state = state
            self.previous = previous
            self.lastEvent = lastEvent
            self.function = function
            self.refresh = refresh
        }
    }

    struct Known: Sendable {
        var state: String
        var lastEvent: UInt64?
        var function: String?
    }

    /// zmtrigger loads only monitors with these functions; the others get no notices and no triggers.
    public static let triggerableFunctions: Set<String> = ["Modect", "Mocord", "Nodect", "Record"]

    private var known: [Int: Known] = [:]

    public init() {}

    /// Records `observation` and returns the lines zmtrigger would write for it.
    public mutating func observe(monitor id: Int, _ observation: Observation, time: Int) -> [String] {
        guard var monitor = known[id] else {
            // First sight: a re-publish is the state as it stands (zmtrigger's loadMonitors); a change knows what it left.
            known[id] = Known(state: observation.refresh ? observation.state : observation.previous ?? observation.state,
                              lastEvent: observation.refresh ? observation.lastEvent : nil, function: observation.function)
            return observation.refresh ? [] : observe(monitor: id, observation, time: time)
        }
        monitor.function = observation.function ?? monitor.function
        defer {
            monitor.state = observation.state
            monitor.lastEvent = observation.lastEvent
            known[id] = monitor
        }
        guard monitor.function.map(Self.triggerableFunctions.contains) ?? true else { return [] }
        let event = observation.lastEvent
        let on = "\(id)|on|\(time)|\(event)", off = "\(id)|off|\(time)|\(event)"
        if Self.alarmed(observation.state) {
            return monitor.lastEvent == event ? [] : [on]
        }
        for resting in ["IDLE", "TAPE"] where observation.state == resting && monitor.state != resting { return [off] }
        if let last = monitor.lastEvent, last != event { return [on, off] }
        return []
    }

    /// Records a monitor's state as it stands, unless it is known already (from a newer live message).
    public mutating func seed(monitor id: Int, _ observation: Observation) {
        guard known[id] == nil else { return }
        known[id] = Known(state: observation.state, lastEvent: observation.lastEvent, function: observation.function)
    }

    static func alarmed(_ state: String) -> Bool { state == "ALARM" || state == "ALERT" }

    /// Whether the monitor was last seen in ALARM or ALERT (nil: never seen).
    public func inAlarm(_ id: Int) -> Bool? { known[id].map { Self.alarmed($0.state) } }

    public func lastEvent(_ id: Int) -> UInt64? { known[id]?.lastEvent }

    /// The monitor's function when known; zmtrigger refuses triggers for functions it does not load.
    public func function(_ id: Int) -> String? { known[id]?.function }

    public mutating func forget(_ id: Int) { known[id] = nil }
}
