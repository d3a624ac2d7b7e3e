/// A ZoneMinder log level: `PNC` −4, `FAT` −3, `ERR` −2, `WAR` −1, `INF` 0, `DB1`…`DB9` 1…9, and `OFF` −5 for an
/// output that is switched off (never a message level). Lower is more severe; a message reaches an output when
/// `message.value <= output.value`. There is no `DBG` code: debug level n is written `DB<n>` everywhere.
public struct LogLevel: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// −5…9, clamped like ZoneMinder's `limit()`.
    public let value: Int

    public static let off = LogLevel(clamping: -5)
    public static let panic = LogLevel(clamping: -4)
    public static let fatal = LogLevel(clamping: -3)
    public static let error = LogLevel(clamping: -2)
    public static let warning = LogLevel(clamping: -1)
    public static let info = LogLevel(clamping: 0)
    public static func debug(_ n: Int) -> LogLevel { LogLevel(clamping: max(1, n)) }

    public init(clamping value: Int) {
        self.value = min(max(value, -5), 9)
    }

    /// Parses a code (`INF`, `war`, `DB3`, `OFF`) or a number from −5 to 9. Nil for anything else, including `DBG`
    /// and out-of-range numbers, so a caller can say what is wrong instead of guessing.
    public init?(parsing text: String) {
        let upper = String(text.uppercased())
        if let number = Int(upper) {
            guard (-5...9).contains(number) else { return nil }
            self.init(clamping: number)
            return
        }
        switch upper {
        case "OFF": self = .off
        case "PNC": self = .panic
        case "FAT": self = .fatal
        case "ERR": self = .error
        case "WAR": self = .warning
        case "INF": self = .info
        default:
            guard upper.count == 3, upper.hasPrefix("DB"), let n = Int(upper.dropFirst(2)), (1...9).contains(n) else {
                return nil
            }
            self.init(clamping: n)
        }
    }

    /// `OFF`, `PNC`, `FAT`, `ERR`, `WAR`, `INF`, `DB1`…`DB9` (the `Logs.Code` column and the line's code).
    public var code: String {
        switch value {
        case ...(-5): "OFF"
        case -4: "PNC"
        case -3: "FAT"
        case -2: "ERR"
        case -1: "WAR"
        case 0: "INF"
        default: "DB\(value)"
        }
    }

    public var isDebug: Bool { value >= 1 }

    /// syslog severity as ZoneMinder maps it: `LOG_ERR` 3 for PNC/FAT/ERR, `LOG_WARNING` 4, `LOG_INFO` 6,
    /// `LOG_DEBUG` 7. (Perl 1.36.33 has no priority for DB2–DB9 and fails to send them; 1.38 sends `debug`, as here.)
    public var syslogSeverity: Int32 {
        switch value {
        case ...(-2): 3
        case -1: 4
        case 0: 6
        default: 7
        }
    }

    public var description: String { code }

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.value < b.value }
}
