import Dispatch
internal import Glibc
public import MariaDB
internal import PosixThread
import Synchronization

/// The database output: rows go into a `LogSpool` (the caller's only cost, no database call on its thread) and one
/// background thread moves them into `Logs` with multi-row prepared INSERTs, oldest first. While MariaDB is down or
/// failing, rows stay in the spool and the thread reconnects with back-off; when it is back they are replayed in
/// order. Problems are reported once per change of state through `report` (the logger puts them on its other
/// outputs), never per row, and always from the writer thread (a caller may hold its logger's lock).
///
/// A batch whose INSERT fails for a data reason (a row MariaDB refuses) is retried row by row; a refused row is
/// dropped, counted and reported, so one bad row cannot block the queue.
public final class DatabaseWriter: LogRowSink {
    public struct Options: Sendable {
        public var settings: MariaDBSettings
        /// Spool files to try, in order (see `DatabaseWriter.spoolCandidates`); empty for an in-memory spool.
        public var spoolPaths: [String]
        public var spoolLimitBytes: Int
        /// Rows the spool file refuses (full disk) wait in memory up to this many bytes; beyond it they are dropped.
        public var memoryLimitBytes: Int
        public var batchRows: Int
        public var batchBytes: Int
        /// First reconnect delay, doubled per failure up to `maximumRetryDelay` (seconds).
        public var retryDelay: Double
        public var maximumRetryDelay: Double

        public init(
            settings: MariaDBSettings, spoolPaths: [String] = [], spoolLimitBytes: Int = 64 << 20,
            memoryLimitBytes: Int = 8 << 20, batchRows: Int = 500, batchBytes: Int = 1 << 20, retryDelay: Double = 0.25, maximumRetryDelay: Double = 10
        ) {
            self.settings = settings
            self.spoolPaths = spoolPaths
            self.spoolLimitBytes = spoolLimitBytes
            self.memoryLimitBytes = memoryLimitBytes
            self.batchRows = batchRows
            self.batchBytes = batchBytes
            self.retryDelay = retryDelay
            self.maximumRetryDelay = maximumRetryDelay
        }
    }

    public struct Statistics: Sendable, Equatable {
        public var insertedRows: Int
        /// Rows MariaDB refused individually (data errors), dropped.
        public var rejectedRows: Int
        public var connected: Bool
        public var spool: LogSpool.Statistics
        /// The connection's TLS cipher; nil while not connected or when the connection is not encrypted.
        public var tlsCipher: String? = nil
    }

    /// `<directory>/<id>.spool`, then `<directory>/<id>.<pid>.spool` for a second process with the same id.
    public static func spoolCandidates(directory: String, id: String, pid: Int32) -> [String] {
        [joinPath(directory, "\(id).spool"), joinPath(directory, "\(id).\(pid).spool")]
    }

    public let options: Options
    public let spool: LogSpool
    private let report: @Sendable (String) -> Void
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let sleeping = Atomic<Bool>(false)
    private let control = Mutex(Control())

    private struct Control {
        /// Reports made on a caller's thread (which may hold its logger's lock) are delivered by the writer thread.
        var pendingReports: [String] = []
        var closing = false
        var deadline: Double = .infinity
        var inserted = 0
        var rejected = 0
        var connected = false
        var tlsCipher: String?
    }

    public init(options: Options, report: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.report = report
        spool = LogSpool(
            candidates: options.spoolPaths, limitBytes: options.spoolLimitBytes, memoryLimitBytes: options.memoryLimitBytes)
        if !options.spoolPaths.isEmpty, spool.path == nil {
            control.withLock {
                $0.pendingReports.append(
                    "cannot open a log spool file (\(options.spoolPaths.joined(separator: ", "))); database rows wait "
                        + "in memory (limit \(options.spoolLimitBytes) bytes) and are lost if the process exits before the database takes them")
            }
        }
        for orphan in spool.adoptOrphans() {
            control.withLock {
                $0.pendingReports.append("took over \(orphan.rows) log row(s) left unsent in \(orphan.path) by an exited process")
            }
        }
        PosixThread.start(name: "zmlog-database") { [self] in run() }
    }

    public var statistics: Statistics {
        control.withLock {
            Statistics(
                insertedRows: $0.inserted, rejectedRows: $0.rejected, connected: $0.connected, spool: spool.statistics, tlsCipher: $0.tlsCipher)
        }
    }

    public func enqueue(_ row: LogsRow) {
        if let problem = Self.problem(spool.append(row), spool) {
            control.withLock { $0.pendingReports.append(problem) }
            wake.signal()
        }
        if sleeping.exchange(false, ordering: .acquiringAndReleasing) { wake.signal() }
    }

    /// What to report about an append: only the first refusal or drop of an episode.
    private static func problem(_ result: LogSpool.AppendResult, _ spool: LogSpool) -> String? {
        let name = spool.path ?? "(memory)"
        switch result {
        case .queued, .queuedInMemory(report: nil), .dropped(report: false):
            return nil
        case .queuedInMemory(report: let refusal?):
            return "log spool \(name) cannot take rows (\(refusal)): database rows wait in memory (limit "
                + "\(spool.memoryLimitBytes) bytes), in order, and are sent from there"
        case .dropped(report: true):
            let bound = spool.path == nil ? "" : " and its memory queue full (limit \(spool.memoryLimitBytes) bytes)"
            return "log spool \(name) full or unwritable (limit \(spool.limitBytes) bytes)\(bound): dropping new "
                + "database rows until there is room; a WAR row in Logs will give their count and time range"
        }
    }

    /// Wakes the writer now (e.g. a test that restarted the server does not want to wait for the back-off).
    public func retryNow() { wake.signal() }

    public func close(drainTimeout: Double) {
        let first = control.withLock { control -> Bool in
            defer { control.closing = true }
            control.deadline = monotonicSeconds() + max(0, drainTimeout)
            return !control.closing
        }
        guard first else { return }
        wake.signal()
        finished.wait()
        spool.close()
        let lost = spool.statistics.memoryRows
        if lost > 0 {
            report("\(lost) Logs row(s) lost at close: the database did not take them in time and the spool "
                + "\(spool.path ?? "(memory)") could not keep them")
        }
    }

    /// Blocks until the spool is empty or `timeout` passes; returns whether it emptied. For tests and benchmarks.
    public func waitUntilDrained(timeout: Double) -> Bool {
        let deadline = monotonicSeconds() + timeout
        while !spool.isEmpty {
            if monotonicSeconds() >= deadline { return false }
            wake.signal()
            usleep(2_000)
        }
        return true
    }

    // MARK: - writer thread

    private func run() {
        var connection: MariaDBConnection?
        var delay = options.retryDelay
        var nextAttempt = 0.0
        var downReported = false
        // Rows of an INSERT whose outcome is unknown: the connection broke after sending it, and the server may have
        // committed it (a graceful shutdown does) before the client heard back.
        var uncertain: Int?
        defer {
            deliverReports()
            finished.signal()
        }
        while true {
            deliverReports()
            let (closing, deadline) = control.withLock { ($0.closing, $0.deadline) }
            if closing && (spool.isEmpty || monotonicSeconds() >= deadline) { return }
            if spool.isEmpty {
                idleWait(until: closing ? deadline : nil)
                continue
            }
            guard let live = connection else {
                spool.moveMemoryToFile()  // the database is away: free memory for new rows while the disk has room
                let now = monotonicSeconds()
                if now < nextAttempt {
                    if closing { return }  // no time to wait out a back-off while closing
                    _ = wake.wait(timeout: .now() + .milliseconds(Int((nextAttempt - now) * 1000) + 1))
                    continue
                }
                switch Self.connect(options.settings) {
                case .success(let opened):
                    connection = opened
                    let cipher = opened.tlsCipher
                    control.withLock {
                        $0.connected = true
                        $0.tlsCipher = cipher
                    }
                    delay = options.retryDelay
                    if downReported {
                        report("database \(options.settings) is back: replaying \(spool.statistics.pendingRows) spooled log row(s)")
                        downReported = false
                    }
                case .failure(let error):
                    if !downReported {
                        report("database \(options.settings) unavailable (\(error)); log rows are spooled to "
                            + "\(spool.path ?? "memory") (limit \(spool.limitBytes) bytes) and replayed in order when it returns")
                        downReported = true
                    }
                    nextAttempt = monotonicSeconds() + delay
                    delay = min(delay * 2, options.maximumRetryDelay)
                    if closing { return }
                }
                continue
            }
            if let count = uncertain {
                let batch = spool.peek(maxRows: count, maxBytes: options.batchBytes)
                switch Self.alreadyStored(batch.rows, live) {
                case .success(true):
                    spool.commit(batch)
                    control.withLock { $0.inserted += batch.rows.count }
                    uncertain = nil
                    continue
                case .success(false):
                    uncertain = nil
                case .failure:
                    connection = nil
                    control.withLock { $0.connected = false }
                    nextAttempt = monotonicSeconds() + delay
                    continue
                }
            }
            let batch = spool.peek(maxRows: options.batchRows, maxBytes: options.batchBytes)
            guard !batch.rows.isEmpty else {
                // Unreadable record: skip it rather than loop forever.
                spool.commit(batch)
                continue
            }
            switch Self.insert(batch.rows, live) {
            case .success:
                spool.commit(batch)
                control.withLock { $0.inserted += batch.rows.count }
            case .failure(let error) where Self.isDataError(error):
                insertOneByOne(batch, live)
                spool.commit(batch)
            case .failure(let error):
                connection = nil
                uncertain = batch.rows.count
                control.withLock { $0.connected = false }
                if !downReported {
                    report("Can't insert \(batch.rows.count) log row(s) into Logs: \(error); spooling to "
                        + "\(spool.path ?? "memory") and retrying")
                    downReported = true
                }
                nextAttempt = monotonicSeconds() + delay
                delay = min(delay * 2, options.maximumRetryDelay)
            }
        }
    }

    private func deliverReports() {
        let reports = control.withLock { control -> [String] in
            defer { control.pendingReports = [] }
            return control.pendingReports
        }
        for problem in reports { report(problem) }
    }

    private func insertOneByOne(_ batch: LogSpool.Batch, _ connection: MariaDBConnection) {
        for row in batch.rows {
            switch Self.insert([row], connection) {
            case .success:
                control.withLock { $0.inserted += 1 }
            case .failure(let error):
                control.withLock { $0.rejected += 1 }
                report("Can't insert log row (\(row.component) \(row.code) at \(row.timestamp.timeKey)): \(error); row dropped")
            }
        }
    }

    private func idleWait(until deadline: Double?) {
        sleeping.store(true, ordering: .releasing)
        // Re-check after announcing: a row appended just before would otherwise wait for the next one.
        if !spool.isEmpty {
            sleeping.store(false, ordering: .releasing)
            return
        }
        if let deadline {
            let remaining = deadline - monotonicSeconds()
            if remaining > 0 { _ = wake.wait(timeout: .now() + .milliseconds(Int(remaining * 1000) + 1)) }
        } else {
            wake.wait()
        }
        sleeping.store(false, ordering: .releasing)
    }

    /// Whether a batch's INSERT was committed after all. A multi-row INSERT is atomic in InnoDB, so its first and
    /// last rows tell (a row is identified by TimeKey, Component, Pid and Message).
    private static func alreadyStored(_ rows: [LogsRow], _ connection: MariaDBConnection) -> Result<Bool, MariaDBError> {
        guard let first = rows.first, let last = rows.last else { return .success(false) }
        do {
            for row in [first, last] {
                let found = try connection.query(
                    "SELECT COUNT(*) FROM `Logs` WHERE `TimeKey` = ? AND `Component` = ? AND `Pid` = ? AND `Message` = ?",
                    [.text(row.timestamp.timeKey), .text(row.component), .int(Int64(row.pid)), .text(row.message)])
                if found.first?.first ?? nil == "0" { return .success(false) }
            }
            return .success(true)
        } catch {
            return .failure(error)
        }
    }

    private static func connect(_ settings: MariaDBSettings) -> Result<MariaDBConnection, MariaDBError> {
        do {
            return .success(try MariaDBConnection(settings))
        } catch {
            return .failure(error)
        }
    }

    static let columns = "`TimeKey`, `Component`, `ServerId`, `Pid`, `Level`, `Code`, `Message`, `File`, `Line`"

    static func insertStatement(rows: Int) -> String {
        "INSERT INTO `Logs` ( \(columns) ) VALUES "
            + Array(repeating: "( ?, ?, ?, ?, ?, ?, ?, ?, ? )", count: rows).joined(separator: ", ")
    }

    private static func insert(_ rows: [LogsRow], _ connection: MariaDBConnection) -> Result<Void, MariaDBError> {
        var parameters: [MariaDBValue] = []
        parameters.reserveCapacity(rows.count * 9)
        for row in rows {
            parameters.append(.text(row.timestamp.timeKey))
            parameters.append(.text(row.component))
            parameters.append(row.serverId.map { .int($0) } ?? .null)
            parameters.append(.int(Int64(row.pid)))
            parameters.append(.int(Int64(row.level)))
            parameters.append(.text(row.code))
            parameters.append(.text(row.message))
            parameters.append(row.file.map { .text($0) } ?? .null)
            parameters.append(row.line.map { .int(Int64($0)) } ?? .null)
        }
        do {
            _ = try connection.query(insertStatement(rows: rows.count), parameters)
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    /// Errors about the values of a row (too long, bad string, out of range, NULL), as opposed to the connection,
    /// the server or the schema, which are retried.
    static func isDataError(_ error: MariaDBError) -> Bool {
        [1048, 1264, 1265, 1292, 1366, 1406].contains(error.code)
    }
}

func monotonicSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}
