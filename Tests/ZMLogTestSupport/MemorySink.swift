import Synchronization
import ZMLog

/// A `LogRowSink` that keeps rows in memory.
public final class MemorySink: LogRowSink {
    private let stored = Mutex<[LogsRow]>([])
    public init() {}
    public var rows: [LogsRow] { stored.withLock { $0 } }
    public func enqueue(_ row: LogsRow) { stored.withLock { $0.append(row) } }
    public func close(drainTimeout: Double) {}
}
