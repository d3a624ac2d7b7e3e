/// Topic names. Dots separate levels and every monitor prefix ends with a dot, so subscribing to
/// `zm.monitor.7.` selects monitor 7 and never monitor 70.
public enum BusTopic {
    public static let heartbeat = "agent.heartbeat"
    public static let agentInfo = "agent.info"

    public static func monitorPrefix(_ id: Int) -> String { "zm.monitor.\(id)." }
    public static func monitor(_ id: Int, _ kind: MonitorTopic) -> String { monitorPrefix(id) + kind.rawValue }
}

public enum MonitorTopic: String, Sendable, CaseIterable {
    /// Retained: the monitor's ZoneMinder state (IDLE, ALARM…) and its open event.
    case state
    /// Event start and end; not retained.
    case event
    /// Retained: the external trigger (TriggerData) state.
    case trigger
    /// Retained: segment available, valid, heartbeat fresh, signal; why it last changed.
    case liveness
    /// Retained, periodic: capture and analysis frame rates.
    case fps

    public var retained: Bool { self != .event }
}
