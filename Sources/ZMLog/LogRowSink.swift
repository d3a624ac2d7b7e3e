/// Where a logger's `Logs` rows go: `DatabaseWriter` (batches into MariaDB, spools when it is down) or
/// `LogSocketSender` (hands them to the Lookout agent, which owns the batching).
public protocol LogRowSink: AnyObject, Sendable {
    /// Queues the row and returns at once; never waits for the database.
    func enqueue(_ row: LogsRow)
    /// Stops accepting rows and tries for up to `drainTimeout` seconds to deliver the queued ones. Rows still
    /// undelivered stay in the on-disk spool, for the next writer with the same spool file.
    func close(drainTimeout: Double)
}
