internal import Glibc
import Synchronization

/// A bounded first-in-first-out queue of `Logs` rows: a spool file (`SpoolFile`), and behind it a byte-bounded
/// queue in memory for the rows the file refuses (full disk, I/O error, `limitBytes` reached).
///
/// Every row meant for the database passes through it, so the order of rows is the order of `append` calls whatever
/// the database or the disk does: a row goes to the file only while no row waits in memory, and the reader takes
/// the file's rows before the memory's. So a full log disk costs no row while the database takes them, and a row
/// survives a database outage (and, in the file, the process).
///
/// When the file refuses a row and memory holds `memoryLimitBytes` already, **new rows are dropped** (the oldest
/// rows, which explain the outage, are kept), counted, and when space is free again one `WAR` row saying how many
/// rows were dropped between which times is queued in their place. Trouble is reported once per episode
/// (`TroubleEpisode`), not per row.
///
/// `append` may be called from any thread; `peek`, `commit` and `moveMemoryToFile` by one reader at a time.
public final class LogSpool: Sendable {
    public struct Statistics: Sendable, Equatable {
        /// Rows waiting, in the file and in memory.
        public var pendingRows: Int
        public var pendingBytes: Int
        /// Rows waiting in memory (for a spool without a file: all of them). Rows still there at `close` are lost.
        public var memoryRows: Int
        /// Rows dropped since this spool was opened: the file refused them and memory was full.
        public var droppedRows: Int
        /// Spool-file writes that failed (full disk, I/O error); those rows went to memory when it had room.
        public var failedWrites: Int
    }

    struct Batch {
        let rows: [LogsRow]
        fileprivate let source: Source
    }

    fileprivate enum Source {
        case file(end: Int, count: Int)
        case memory(count: Int)
    }

    public enum AppendResult: Sendable, Equatable {
        case queued
        /// Waits in memory because the file refused it (or a row before it). `report` is set for the first such row
        /// of an episode: why the file refused.
        case queuedInMemory(report: SpoolRefusal?)
        /// Lost: the file refused it and memory is full. `report`: the first drop of an episode.
        case dropped(report: Bool)
    }

    /// The file, or nil when the spool is only in memory.
    public let path: String?
    /// Bound of the file.
    public let limitBytes: Int
    /// Bound of the rows in memory (for a spool without a file, `limitBytes`).
    public let memoryLimitBytes: Int
    private let state: Mutex<State>

    private struct State {
        var file: SpoolFile?
        var memory = MemoryRecords()
        var drops = DropRun()
        var episode: TroubleEpisode
        var lastRefusal = SpoolRefusal.full
        var droppedTotal = 0
        var failedWrites = 0
        var closed = false
        /// Rows the file kept at `close` (for a writer that reports them after closing).
        var rowsLeftInFile = 0
    }

    /// Opens (or creates) the first of `candidates` that no other process holds (`flock`), keeping rows a previous
    /// process left unsent in it. When none can be opened the spool is in memory (`path` nil, bound `limitBytes`).
    ///
    /// - Parameter quietSeconds: trouble this long after the last is a new episode, reported again.
    public init(candidates: [String], limitBytes: Int, memoryLimitBytes: Int = 8 << 20, quietSeconds: Double = 60) {
        self.limitBytes = max(limitBytes, 4096)
        var state = State(episode: TroubleEpisode(quietSeconds: quietSeconds))
        var usedPath: String? = nil
        for path in candidates {
            guard let file = SpoolFile.open(path) else { continue }
            state.file = file
            usedPath = path
            break
        }
        path = usedPath
        self.memoryLimitBytes = usedPath == nil ? self.limitBytes : max(memoryLimitBytes, 0)
        self.state = Mutex(state)
    }

    deinit {
        state.withLock { if let file = $0.file { Glibc.close(file.fd) } }
    }

    public var statistics: Statistics {
        state.withLock {
            Statistics(
                pendingRows: ($0.file?.rows ?? $0.rowsLeftInFile) + $0.memory.count,
                pendingBytes: ($0.file?.pendingBytes ?? 0) + $0.memory.bytes, memoryRows: $0.memory.count,
                droppedRows: $0.droppedTotal, failedWrites: $0.failedWrites)
        }
    }

    public var isEmpty: Bool { state.withLock { ($0.file?.isEmpty ?? true) && $0.memory.isEmpty } }

    /// Queues `row`: in the file, else in memory, else drops it (see the type's description).
    @discardableResult
    public func append(_ row: LogsRow) -> AppendResult {
        let record = Self.record(row)
        let now = monotonicSeconds()
        return state.withLock { state in
            guard !state.closed else {
                state.droppedTotal += 1
                return .dropped(report: false)
            }
            if !state.drops.isEmpty {
                let note = Self.record(state.drops.note(fileLimit: path == nil ? nil : limitBytes, memoryLimit: memoryLimitBytes))
                switch place(note, &state) {
                case .refused: return drop(row, at: now, &state)
                case .file, .memory: state.drops = DropRun()
                }
            }
            switch place(record, &state) {
            case .file: return .queued
            case .memory where state.file == nil: return .queued
            case .memory: return .queuedInMemory(report: state.episode.refused(at: now) ? state.lastRefusal : nil)
            case .refused: return drop(row, at: now, &state)
            }
        }
    }

    /// The oldest rows, at most `maxRows` and about `maxBytes` of records (at least one row when any is queued).
    func peek(maxRows: Int, maxBytes: Int) -> Batch {
        enum Plan {
            case file(fd: Int32, start: Int, end: Int)
            case memory([[UInt8]])
        }
        let plan = state.withLock { state -> Plan in
            if let file = state.file, !file.isEmpty {
                return .file(fd: file.fd, start: file.readOffset, end: file.writeOffset)
            }
            return .memory(state.memory.prefix(maxRows: maxRows, maxBytes: maxBytes))
        }
        switch plan {
        case .file(let fd, let start, let end):
            let read = SpoolFile.read(fd: fd, from: start, to: end, maxRows: maxRows, maxBytes: maxBytes)
            return Batch(rows: read.rows, source: .file(end: read.end, count: read.count))
        case .memory(let records):
            return Batch(rows: records.compactMap(MemoryRecords.decode), source: .memory(count: records.count))
        }
    }

    /// Forgets the rows of `batch` (they are in the database).
    func commit(_ batch: Batch) {
        state.withLock { state in
            switch batch.source {
            case .file(let end, let count): state.file?.consume(upTo: end, count: count)
            case .memory(let count): state.memory.removeFirst(count)
            }
        }
    }

    /// Moves rows waiting in memory into the file, oldest first, while it takes them (the database is down: keep
    /// memory free for new rows, and let the rows outlive the process). Returns how many moved.
    @discardableResult
    public func moveMemoryToFile() -> Int {
        state.withLock { state in Self.moveMemoryToFile(&state, limit: limitBytes) }
    }

    /// Closes the file and releases its lock, so another writer (the next `zmlog` with this id) can take over the
    /// rows still queued; rows waiting in memory are moved into the file first if it takes them (those it does not
    /// are lost: `statistics.memoryRows`). An empty spool file is removed. Later appends are refused.
    public func close() {
        state.withLock { state in
            state.closed = true
            Self.moveMemoryToFile(&state, limit: limitBytes)
            guard let file = state.file, let path else { return }
            file.close(path: path)
            state.rowsLeftInFile = file.rows
            state.file = nil
        }
    }

    static func dropNote(
        count: Int, first: LogTimestamp, last: LogTimestamp, component: String, fileLimit: Int?, memoryLimit: Int
    ) -> LogsRow {
        let bound =
            fileLimit.map { "Log spool full or unwritable (\($0) bytes) and memory queue full (\(memoryLimit) bytes)" }
            ?? "Log spool full (\(memoryLimit) bytes in memory)"
        return LogsRow(
            timestamp: last, component: component, serverId: nil, pid: getpid(), level: -1, code: "WAR",
            message: "\(bound): \(count) row(s) logged between TimeKey \(first.timeKey) and \(last.timeKey) were dropped",
            file: "LogSpool.swift", line: nil)
    }

    // MARK: - internals

    private enum Placement {
        case file, memory, refused
    }

    private func place(_ record: [UInt8], _ state: inout State) -> Placement {
        if state.file != nil, state.memory.isEmpty {
            if state.file!.pendingBytes + record.count > limitBytes {
                state.lastRefusal = .full
            } else {
                let failure = state.file!.append(record)
                if failure == 0 { return .file }
                state.failedWrites += 1
                state.lastRefusal = .writeFailed(errno: failure)
            }
        }
        guard state.memory.bytes + record.count <= memoryLimitBytes else {
            if state.file == nil { state.lastRefusal = .full }
            return .refused
        }
        state.memory.append(record)
        return .memory
    }

    private func drop(_ row: LogsRow, at now: Double, _ state: inout State) -> AppendResult {
        state.drops.add(row)
        state.droppedTotal += 1
        return .dropped(report: state.episode.dropped(at: now))
    }

    @discardableResult
    private static func moveMemoryToFile(_ state: inout State, limit: Int) -> Int {
        guard state.file != nil else { return 0 }
        var moved = 0
        while let record = state.memory.first, state.file!.pendingBytes + record.count <= limit {
            let failure = state.file!.append(record)
            guard failure == 0 else {
                state.failedWrites += 1
                state.lastRefusal = .writeFailed(errno: failure)
                break
            }
            state.memory.removeFirst(1)
            moved += 1
        }
        return moved
    }

    private static func record(_ row: LogsRow) -> [UInt8] {
        var record = [UInt8](repeating: 0, count: 4)
        LogsRowCodec.encode(row, into: &record)
        let length = UInt32(record.count - 4).littleEndian
        withUnsafeBytes(of: length) { for i in 0..<4 { record[i] = $0[i] } }
        return record
    }
}
