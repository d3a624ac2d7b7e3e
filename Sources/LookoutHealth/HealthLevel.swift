/// How bad something is, in the Monitoring Plugins' four states (exit codes 0–3).
///
/// Combining takes the worst by `severity`: ok < unknown < warning < critical. UNKNOWN ("could not tell", e.g. a
/// segment the reader may not open) outranks OK but not a known problem.
public enum HealthLevel: String, Sendable, Equatable, CaseIterable {
    case ok, warning, critical, unknown

    public var exitCode: Int32 {
        switch self {
        case .ok: 0
        case .warning: 1
        case .critical: 2
        case .unknown: 3
        }
    }

    /// OK, WARNING, CRITICAL, UNKNOWN: as a plugin's summary line spells them.
    public var label: String { rawValue.uppercased() }

    public var severity: Int {
        switch self {
        case .ok: 0
        case .unknown: 1
        case .warning: 2
        case .critical: 3
        }
    }

    public static func worst<S: Sequence>(_ levels: S) -> HealthLevel where S.Element == HealthLevel {
        levels.reduce(.ok) { $1.severity > $0.severity ? $1 : $0 }
    }
}

/// One judgement: a level, a short machine code (`stale`, `signal_lost`, …) and a sentence a person can act on.
public struct Verdict: Sendable, Equatable {
    public var level: HealthLevel
    public var code: String
    public var reason: String

    public init(_ level: HealthLevel, _ code: String, _ reason: String) {
        self.level = level
        self.code = code
        self.reason = reason
    }

    public static let fine = Verdict(.ok, "ok", "ok")
}
