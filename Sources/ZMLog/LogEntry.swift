/// One message rendered for every output, from a single clock read.
public struct LogEntry: Sendable, Equatable {
    /// Which renderings to build; a logger asks only for those its enabled outputs use.
    public struct Parts: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// The file/terminal line.
        public static let line = Parts(rawValue: 1)
        public static let syslog = Parts(rawValue: 2)
        public static let row = Parts(rawValue: 4)
        public static let all: Parts = [.line, .syslog, .row]
    }

    public let level: LogLevel
    /// The log file line, ending in `\n`; the terminal shows the same text. Empty when not asked for.
    public let fileLine: String
    /// The syslog message after glibc's `ident[pid]: ` header: `CODE [id] [msg]` (C++) or `CODE [msg]` (Perl).
    public let syslogMessage: String
    /// The `Logs` row; nil when not asked for.
    public let row: LogsRow?
}
