/// Topic names. Dots separate levels and every monitor prefix ends with a dot, so subscribing to
/// `zm.monitor.7.` selects monitor 7 and never monitor 70.
public enum BusTopic {
    public static let heartbeat = "agent.heartbeat"
    public static let agentInfo = "agent.info"

    public static func monitorPrefix(_ id: Int) -> String { "zm.monitor.\(id)." }
    /// Written into the string's storage at once: every change a poll publishes names its topic (three appends
    /// cost 1 200 instructions).
    public static func monitor(_ id: Int, _ kind: MonitorTopic) -> String {
        let prefix: StaticString = "zm.monitor."
        let suffix = kind.literal
        return String(unsafeUninitializedCapacity: prefix.utf8CodeUnitCount + 21 + suffix.utf8CodeUnitCount) { buffer in
            var count = prefix.utf8CodeUnitCount
            buffer.baseAddress!.update(from: prefix.utf8Start, count: count)
            if id < 0 {
                buffer[count] = UInt8(ascii: "-")
                count += 1
            }
            var digits = 1
            var rest = id.magnitude / 10
            while rest > 0 { digits += 1; rest /= 10 }
            var value = id.magnitude
            for index in stride(from: count + digits - 1, through: count, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
            count += digits
            buffer[count] = UInt8(ascii: ".")
            count += 1
            (buffer.baseAddress! + count).update(from: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
            return count + suffix.utf8CodeUnitCount
        }
    }
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

    /// `rawValue` as a literal (no string to build).
    var literal: StaticString {
        switch self {
        case .state: "state"
        case .event: "event"
        case .trigger: "trigger"
        case .liveness: "liveness"
        case .fps: "fps"
        }
    }
}
