internal import CZMLog
internal import Glibc
import Synchronization

/// A bounded first-in-first-out queue of `Logs` rows, on disk when it can be, in memory otherwise.
///
/// Every row meant for the database passes through it, so the order of rows is the order of `append` calls whatever
/// the database does, and a row survives a database outage (and, on disk, the process). `limitBytes` bounds the
/// rows waiting; at the bound **new rows are dropped** (the oldest rows, which explain the outage, are kept; the file
/// and syslog outputs still have every line), counted, and when space is free again one `WAR` row saying how many
/// rows were dropped between which times is queued in their place.
///
/// File format: 16-byte header (`ZMLSPL1\0`, then the committed read offset, u64 little-endian), then records of a
/// u32 length and a `LogsRowCodec` row. A torn last record (crash mid-write) is cut off on open. Consumed space is
/// given back with `fallocate(PUNCH_HOLE)` and the file is truncated whenever the reader catches up.
public final class LogSpool: Sendable {
    public struct Statistics: Sendable, Equatable {
        public var pendingRows: Int
        public var pendingBytes: Int
        /// Rows dropped at the bound since this spool was opened.
        public var droppedRows: Int
        /// Rows refused because the spool file could not be written (full disk, I/O error).
        public var failedWrites: Int
    }

    struct Batch {
        let rows: [LogsRow]
        fileprivate let end: Int
        fileprivate let count: Int
    }

    static let headerSize = 16
    private static let magic: [UInt8] = Array("ZMLSPL1".utf8) + [0]
    private static let punchThreshold = 1 << 20

    /// The file, or nil when in memory.
    public let path: String?
    public let limitBytes: Int
    private let state: Mutex<State>

    private struct State {
        var fd: Int32 = -1
        var readOffset = LogSpool.headerSize
        var writeOffset = LogSpool.headerSize
        var punchedUpTo = 0
        var memory: [[UInt8]] = []
        var memoryHead = 0
        var memoryBytes = 0
        var pendingRows = 0
        var dropped = DropRun()
        var droppedTotal = 0
        var failedWrites = 0
        var failedWriteRun = 0
        var closed = false
    }

    private struct DropRun {
        var count = 0
        var first: LogTimestamp?
        var last: LogTimestamp?
        var component = ""
    }

    /// Opens (or creates) the first of `candidates` that no other process holds (`flock`), keeping rows a previous
    /// process left unsent in it. When none can be opened the spool is in memory (`path` nil).
    public init(candidates: [String], limitBytes: Int) {
        self.limitBytes = max(limitBytes, 4096)
        var state = State()
        var usedPath: String? = nil
        for path in candidates {
            guard let opened = Self.openFile(path) else { continue }
            state.fd = opened.fd
            state.readOffset = opened.readOffset
            state.writeOffset = opened.writeOffset
            state.pendingRows = opened.rows
            usedPath = path
            break
        }
        self.path = usedPath
        self.state = Mutex(state)
    }

    deinit {
        state.withLock { if $0.fd >= 0 { Glibc.close($0.fd) } }
    }

    public var statistics: Statistics {
        state.withLock {
            Statistics(
                pendingRows: $0.pendingRows, pendingBytes: Self.pendingBytes($0), droppedRows: $0.droppedTotal,
                failedWrites: $0.failedWrites)
        }
    }

    public var isEmpty: Bool { state.withLock { $0.pendingRows == 0 } }

    public enum AppendResult: Sendable, Equatable {
        case queued
        /// `startsRun`: the first row dropped since the spool last accepted one (report it then, not per row).
        case dropped(startsRun: Bool)
    }

    /// Queues `row`, or drops it when the bound is reached or the spool file cannot be written.
    @discardableResult
    public func append(_ row: LogsRow) -> AppendResult {
        var record = [UInt8](repeating: 0, count: 4)
        LogsRowCodec.encode(row, into: &record)
        Self.storeLength(&record)
        return state.withLock { state in
            guard !state.closed else {
                state.failedWrites += 1
                return .dropped(startsRun: false)
            }
            if state.dropped.count > 0 {
                var note = [UInt8](repeating: 0, count: 4)
                LogsRowCodec.encode(Self.dropNote(state.dropped, limit: limitBytes), into: &note)
                Self.storeLength(&note)
                guard Self.pendingBytes(state) + note.count + record.count <= limitBytes else {
                    Self.countDrop(&state, row)
                    return .dropped(startsRun: false)
                }
                guard Self.store(note, &state) else { return .dropped(startsRun: false) }
                state.dropped = DropRun()
            }
            guard Self.pendingBytes(state) + record.count <= limitBytes else {
                Self.countDrop(&state, row)
                return .dropped(startsRun: state.dropped.count == 1)
            }
            guard Self.store(record, &state) else {
                state.failedWriteRun += 1
                return .dropped(startsRun: state.failedWriteRun == 1)
            }
            state.failedWriteRun = 0
            return .queued
        }
    }

    /// The oldest rows, at most `maxRows` and about `maxBytes` of records (at least one row when any is queued).
    func peek(maxRows: Int, maxBytes: Int) -> Batch {
        let (fd, start, end, memory) = state.withLock { state -> (Int32, Int, Int, [[UInt8]]) in
            if state.fd >= 0 { return (state.fd, state.readOffset, state.writeOffset, []) }
            let available = state.memory[state.memoryHead...]
            var taken: [[UInt8]] = []
            var bytes = 0
            for record in available {
                if taken.count >= maxRows || (bytes + record.count > maxBytes && !taken.isEmpty) { break }
                taken.append(record)
                bytes += record.count
            }
            return (-1, 0, 0, taken)
        }
        if fd < 0 {
            let rows = memory.compactMap { record in record.withUnsafeBytes { LogsRowCodec.decode(UnsafeRawBufferPointer(rebasing: $0[4...])) } }
            return Batch(rows: rows, end: 0, count: memory.count)
        }
        let length = min(end - start, max(maxBytes, 0))
        var buffer = [UInt8](repeating: 0, count: max(length, 0))
        var filled = buffer.withUnsafeMutableBytes { Self.readFully(fd, $0, offset: start) }
        var rows: [LogsRow] = []
        var offset = 0
        while rows.count < maxRows {
            guard offset + 4 <= filled else { break }
            let size = Int(buffer.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) })
            if offset + 4 + size > filled {
                // A record larger than the window: read it alone.
                guard rows.isEmpty else { break }
                buffer = [UInt8](repeating: 0, count: 4 + size)
                filled = buffer.withUnsafeMutableBytes { Self.readFully(fd, $0, offset: start) }
                guard filled == 4 + size else { break }
            }
            guard let row = buffer.withUnsafeBytes({ LogsRowCodec.decode(UnsafeRawBufferPointer(rebasing: $0[(offset + 4)..<(offset + 4 + size)])) })
            else { break }
            rows.append(row)
            offset += 4 + size
        }
        return Batch(rows: rows, end: start + offset, count: rows.count)
    }

    /// Closes the file and releases its lock, so another writer (the next `zmlog` with this id) can take over the
    /// rows still queued; an empty spool file is removed. Later appends are refused.
    public func close() {
        state.withLock { state in
            state.closed = true
            guard state.fd >= 0 else { return }
            if state.pendingRows == 0, let path { unlink(path) }
            Glibc.close(state.fd)
            state.fd = -1
        }
    }

    /// Forgets the rows of `batch` (they are in the database).
    func commit(_ batch: Batch) {
        state.withLock { state in
            state.pendingRows -= batch.count
            if state.fd < 0 {
                for record in state.memory[state.memoryHead..<(state.memoryHead + batch.count)] {
                    state.memoryBytes -= record.count
                }
                state.memoryHead += batch.count
                if state.memoryHead > 1024, state.memoryHead * 2 > state.memory.count {
                    state.memory.removeFirst(state.memoryHead)
                    state.memoryHead = 0
                }
                return
            }
            state.readOffset = batch.end
            if state.readOffset == state.writeOffset {
                _ = ftruncate(state.fd, off_t(Self.headerSize))
                state.readOffset = Self.headerSize
                state.writeOffset = Self.headerSize
                state.punchedUpTo = 0
            } else if state.readOffset - state.punchedUpTo > Self.punchThreshold {
                let from = max(state.punchedUpTo, 4096)
                let to = state.readOffset & ~4095
                if to > from, czmlog_punch_hole(state.fd, off_t(from), off_t(to - from)) == 0 { state.punchedUpTo = to }
            }
            Self.storeReadOffset(state.fd, state.readOffset)
        }
    }

    // MARK: - internals

    private static func pendingBytes(_ state: State) -> Int {
        if state.fd >= 0 { return state.writeOffset - state.readOffset }
        return state.memoryBytes
    }

    private static func countDrop(_ state: inout State, _ row: LogsRow) {
        if state.dropped.count == 0 {
            state.dropped.first = row.timestamp
            state.dropped.component = row.component
        }
        state.dropped.count += 1
        state.dropped.last = row.timestamp
        state.droppedTotal += 1
    }

    static func dropNote(count: Int, first: LogTimestamp, last: LogTimestamp, component: String, limit: Int) -> LogsRow {
        LogsRow(
            timestamp: last, component: component, serverId: nil, pid: getpid(), level: -1, code: "WAR",
            message: "Log spool full (\(limit) bytes): \(count) row(s) logged between TimeKey \(first.timeKey) and "
                + "\(last.timeKey) were dropped (file and syslog outputs kept them)",
            file: "LogSpool.swift", line: nil)
    }

    private static func dropNote(_ run: DropRun, limit: Int) -> LogsRow {
        dropNote(count: run.count, first: run.first!, last: run.last!, component: run.component, limit: limit)
    }

    private static func store(_ record: [UInt8], _ state: inout State) -> Bool {
        if state.fd < 0 {
            state.memory.append(record)
            state.memoryBytes += record.count
            state.pendingRows += 1
            return true
        }
        let result = record.withUnsafeBytes { bytes -> Int32 in
            var done = 0
            while done < bytes.count {
                let n = pwrite(state.fd, bytes.baseAddress! + done, bytes.count - done, off_t(state.writeOffset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return 0
        }
        guard result == 0 else {
            state.failedWrites += 1
            _ = ftruncate(state.fd, off_t(state.writeOffset))  // drop the partial record
            return false
        }
        state.writeOffset += record.count
        state.pendingRows += 1
        return true
    }

    private static func storeLength(_ record: inout [UInt8]) {
        let length = UInt32(record.count - 4).littleEndian
        withUnsafeBytes(of: length) { for i in 0..<4 { record[i] = $0[i] } }
    }

    private static func storeReadOffset(_ fd: Int32, _ offset: Int) {
        var value = UInt64(offset).littleEndian
        _ = withUnsafeBytes(of: &value) { pwrite(fd, $0.baseAddress, 8, 8) }
    }

    private static func readFully(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer, offset: Int) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            done += n
        }
        return done
    }

    private static func openFile(_ path: String) -> (fd: Int32, readOffset: Int, writeOffset: Int, rows: Int)? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(fd)
            return nil
        }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            Glibc.close(fd)
            return nil
        }
        let size = Int(status.st_size)
        var header = [UInt8](repeating: 0, count: headerSize)
        let headerRead = header.withUnsafeMutableBytes { readFully(fd, $0, offset: 0) }
        var readOffset = headerSize
        if headerRead == headerSize, Array(header[0..<8]) == magic {
            let stored = Int(header.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) })
            if stored >= headerSize, stored <= size { readOffset = stored }
        } else {
            // New or unrecognised: start empty.
            guard ftruncate(fd, 0) == 0 else {
                Glibc.close(fd)
                return nil
            }
            header = magic + [UInt8](repeating: 0, count: 8)
            let written = header.withUnsafeBytes { pwrite(fd, $0.baseAddress, headerSize, 0) }
            guard written == headerSize else {
                Glibc.close(fd)
                return nil
            }
            storeReadOffset(fd, headerSize)
            return (fd, headerSize, headerSize, 0)
        }
        // Count whole records after the read offset; cut a torn tail.
        var offset = readOffset
        var rows = 0
        var lengthBytes = [UInt8](repeating: 0, count: 4)
        while offset + 4 <= size {
            guard lengthBytes.withUnsafeMutableBytes({ readFully(fd, $0, offset: offset) }) == 4 else { break }
            let length = Int(lengthBytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) })
            guard offset + 4 + length <= size else { break }
            offset += 4 + length
            rows += 1
        }
        if offset != size { _ = ftruncate(fd, off_t(offset)) }
        return (fd, readOffset, offset, rows)
    }
}
