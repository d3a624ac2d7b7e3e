/// One row of ZoneMinder's `Logs` table, every column as ZoneMinder fills it (`Id` is AUTO_INCREMENT).
public struct LogsRow: Hashable, Sendable {
    public var timestamp: LogTimestamp
    /// The logger id, ≤ 32 characters.
    public var component: String
    /// C++ writes `ZM_SERVER_ID` or 0; Perl `ZM_SERVER_ID` or NULL (nil).
    public var serverId: Int64?
    /// C++: the thread id; Perl: the process id.
    public var pid: Int32
    /// −4…9.
    public var level: Int8
    /// `PNC`, `FAT`, `ERR`, `WAR`, `INF`, `DB1`…`DB9`.
    public var code: String
    /// The message alone, no prefix or brackets.
    public var message: String
    /// Source basename (C++) or script basename (Perl); ≤ 255.
    public var file: String?
    /// C++: the source line; Perl 1.36: NULL. 0…65535.
    public var line: UInt16?

    public init(
        timestamp: LogTimestamp, component: String, serverId: Int64?, pid: Int32, level: Int8, code: String,
        message: String, file: String?, line: UInt16?
    ) {
        self.timestamp = timestamp
        self.component = component
        self.serverId = serverId
        self.pid = pid
        self.level = level
        self.code = code
        self.message = message
        self.file = file
        self.line = line
    }
}
