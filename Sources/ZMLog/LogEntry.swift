/// One message rendered for every output, from a single clock read.
public struct LogEntry: Sendable, Equatable {
    public let level: LogLevel
    /// The log file line, ending in `\n`; the terminal shows the same text.
    public let fileLine: String
    /// The syslog message after glibc's `ident[pid]: ` header: `CODE [id] [msg]` (C++) or `CODE [msg]` (Perl).
    public let syslogMessage: String
    public let row: LogsRow
}
