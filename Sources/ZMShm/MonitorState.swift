/// A monitor's analysis state as ZoneMinder names it (`Monitor::State`).
public enum ZMMonitorState: String, Sendable, CaseIterable, Codable {
    case unknown = "UNKNOWN"
    case idle = "IDLE"
    case prealarm = "PREALARM"
    case alarm = "ALARM"
    case alert = "ALERT"
    case tape = "TAPE"

    /// ALARM and ALERT are the states in which an event is open.
    public var isAlarmed: Bool { self == .alarm || self == .alert }
}

/// How the raw `state` number maps to names. ZoneMinder renumbered it at 1.36.16 without changing
/// the segment size, so a 760-byte segment needs the ZoneMinder version to be read correctly.
public enum StateNumbering: String, Sendable, Codable {
    /// ZoneMinder ≤ 1.36.15: IDLE 0, PREALARM 1, ALARM 2, ALERT 3, TAPE 4.
    case idleIsZero = "IDLE=0 (ZoneMinder <= 1.36.15)"
    /// ZoneMinder ≥ 1.36.16: UNKNOWN 0, IDLE 1, PREALARM 2, ALARM 3, ALERT 4, TAPE 5 (TAPE only up to 1.36).
    case idleIsOne = "IDLE=1 (ZoneMinder >= 1.36.16)"

    /// Called for every monitor on every poll, so it is a switch, not a table (an array literal would allocate).
    public func state(_ raw: UInt32, layout: SharedDataLayout) -> ZMMonitorState? {
        switch (self, raw) {
        case (.idleIsZero, 0): .idle
        case (.idleIsZero, 1): .prealarm
        case (.idleIsZero, 2): .alarm
        case (.idleIsZero, 3): .alert
        case (.idleIsZero, 4): .tape
        case (.idleIsOne, 0): .unknown
        case (.idleIsOne, 1): .idle
        case (.idleIsOne, 2): .prealarm
        case (.idleIsOne, 3): .alarm
        case (.idleIsOne, 4): .alert
        case (.idleIsOne, 5) where layout.hasTapeState: .tape
        default: nil
        }
    }

    public func raw(_ state: ZMMonitorState) -> UInt32? {
        switch (self, state) {
        case (.idleIsZero, .unknown): nil
        case (.idleIsZero, .idle): 0
        case (.idleIsZero, .prealarm): 1
        case (.idleIsZero, .alarm): 2
        case (.idleIsZero, .alert): 3
        case (.idleIsZero, .tape): 4
        case (.idleIsOne, .unknown): 0
        case (.idleIsOne, .idle): 1
        case (.idleIsOne, .prealarm): 2
        case (.idleIsOne, .alarm): 3
        case (.idleIsOne, .alert): 4
        case (.idleIsOne, .tape): 5
        }
    }
}

/// The state numbering chosen for a segment and why, so output can say which one was used.
public struct StateNumberingChoice: Sendable, Equatable {
    public let numbering: StateNumbering
    /// The ZoneMinder version the choice rests on, if any.
    public let version: ZMVersion?
    /// Where the choice came from, for people ("layout 872", "--zm-version 1.36.10", "dpkg …", "assumed …").
    public let reason: String

    /// Picks the numbering for a layout. Only the 760-byte layout is ambiguous; for it the version decides,
    /// and without one the common case (1.36.16–1.36.33, e.g. Debian bookworm) is assumed and said so.
    public static func resolve(layout: SharedDataLayout, version: ZMVersion?, versionSource: String?) -> Self {
        switch layout {
        case .zm134:
            return .init(numbering: .idleIsZero, version: version, reason: "layout 600 is ZoneMinder 1.34")
        case .zm13634, .zm137, .zm138, .master:
            return .init(numbering: .idleIsOne, version: version, reason: "layout \(layout.rawValue) is ZoneMinder \(layout.versions)")
        case .zm136:
            guard let version else {
                return .init(
                    numbering: .idleIsOne, version: nil,
                    reason: "assumed: ZoneMinder version unknown, set --zm-version (760 covers 1.36.0-1.36.33)")
            }
            let numbering: StateNumbering = version < ZMVersion(1, 36, 16) ? .idleIsZero : .idleIsOne
            return .init(numbering: numbering, version: version, reason: "ZoneMinder \(version) from \(versionSource ?? "caller")")
        }
    }
}

/// `TriggerData.trigger_state` (`TRIGGER_CANCEL`, `TRIGGER_ON`, `TRIGGER_OFF`).
public enum ZMTriggerState: UInt32, Sendable, CaseIterable {
    case cancel = 0
    case on = 1
    case off = 2

    public var name: String {
        switch self {
        case .cancel: "CANCEL"
        case .on: "ON"
        case .off: "OFF"
        }
    }
}

/// Command bits of `SharedData.action`, cleared by zmc when handled.
public struct ZMAction: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let getSettings = ZMAction(rawValue: 0x01)
    public static let setSettings = ZMAction(rawValue: 0x02)
    public static let reload = ZMAction(rawValue: 0x04)
    public static let suspend = ZMAction(rawValue: 0x10)
    public static let resume = ZMAction(rawValue: 0x20)
    /// Every bit ZoneMinder defines.
    public static let known: ZMAction = [.getSettings, .setSettings, .reload, .suspend, .resume]

    public var names: [String] {
        var names: [String] = []
        if contains(.getSettings) { names.append("GET_SETTINGS") }
        if contains(.setSettings) { names.append("SET_SETTINGS") }
        if contains(.reload) { names.append("RELOAD") }
        if contains(.suspend) { names.append("SUSPEND") }
        if contains(.resume) { names.append("RESUME") }
        let unknown = rawValue & ~0x37
        if unknown != 0 { names.append("0x" + String(unknown, radix: 16)) }
        return names
    }
}
