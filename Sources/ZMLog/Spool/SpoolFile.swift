internal import CZMLog
internal import Glibc

/// The on-disk part of a `LogSpool`: a 16-byte header (`ZMLSPL1\0`, then the committed read offset, u64
/// little-endian), then records of a u32 length and a `LogsRowCodec` row. A torn last record (crash mid-write) is
/// cut off on open. Consumed space is given back with `fallocate(PUNCH_HOLE)` and the file is truncated whenever
/// the reader catches up.
///
/// Not thread-safe: `LogSpool` calls it under its lock, except `read`, which only reads bytes below the write offset
/// it was given.
struct SpoolFile {
    static let headerSize = 16
    private static let magic: [UInt8] = Array("ZMLSPL1".utf8) + [0]
    private static let punchThreshold = 1 << 20

    let fd: Int32
    private(set) var readOffset: Int
    private(set) var writeOffset: Int
    private(set) var rows: Int
    private var punchedUpTo = 0

    var pendingBytes: Int { writeOffset - readOffset }
    var isEmpty: Bool { rows == 0 }

    /// Opens (or creates) `path` unless another process holds its `flock`, keeping the rows left in it.
    static func open(_ path: String) -> SpoolFile? {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0, let file = existing(fd) ?? fresh(fd) else {
            Glibc.close(fd)
            return nil
        }
        return file
    }

    /// Appends one length-prefixed record whole, or leaves the file as it was. Returns 0 or the errno.
    mutating func append(_ record: [UInt8]) -> Int32 {
        let failure = record.withUnsafeBytes { bytes -> Int32 in
            var done = 0
            while done < bytes.count {
                let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(writeOffset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if n == 0 { return ENOSPC }
                done += n
            }
            return 0
        }
        guard failure == 0 else {
            _ = ftruncate(fd, off_t(writeOffset))  // drop the partial record
            return failure
        }
        writeOffset += record.count
        rows += 1
        return 0
    }

    /// Decodes up to `maxRows` records from `start` (below `end`), about `maxBytes` of them but at least one.
    /// Returns the rows, the offset after the last record taken and how many records that is (a record that does not
    /// decode is taken without a row, so it cannot block the queue).
    static func read(fd: Int32, from start: Int, to end: Int, maxRows: Int, maxBytes: Int) -> (rows: [LogsRow], end: Int, count: Int) {
        let length = min(end - start, max(maxBytes, 0))
        var buffer = [UInt8](repeating: 0, count: max(length, 0))
        var filled = buffer.withUnsafeMutableBytes { readFully(fd, $0, offset: start) }
        var rows: [LogsRow] = []
        var offset = 0
        var count = 0
        while count < maxRows {
            guard offset + 4 <= filled else { break }
            let size = Int(buffer.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) })
            if offset + 4 + size > filled {
                // A record larger than the window: read it alone.
                guard count == 0 else { break }
                buffer = [UInt8](repeating: 0, count: 4 + size)
                filled = buffer.withUnsafeMutableBytes { readFully(fd, $0, offset: start) }
                guard filled == 4 + size else { break }
            }
            let row = buffer.withUnsafeBytes { LogsRowCodec.decode(UnsafeRawBufferPointer(rebasing: $0[(offset + 4)..<(offset + 4 + size)])) }
            if let row { rows.append(row) }
            count += 1
            offset += 4 + size
        }
        return (rows, start + offset, count)
    }

    /// Forgets `count` records ending at `end` (they are in the database).
    mutating func consume(upTo end: Int, count: Int) {
        rows -= count
        readOffset = end
        if readOffset == writeOffset {
            _ = ftruncate(fd, off_t(Self.headerSize))
            readOffset = Self.headerSize
            writeOffset = Self.headerSize
            punchedUpTo = 0
        } else if readOffset - punchedUpTo > Self.punchThreshold {
            let from = max(punchedUpTo, 4096)
            let to = readOffset & ~4095
            if to > from, czmlog_punch_hole(fd, off_t(from), off_t(to - from)) == 0 { punchedUpTo = to }
        }
        Self.storeReadOffset(fd, readOffset)
    }

    /// Closes the descriptor (releasing the lock); an empty file is removed first.
    func close(path: String) {
        if rows == 0 { unlink(path) }
        Glibc.close(fd)
    }

    // MARK: - opening

    private static func existing(_ fd: Int32) -> SpoolFile? {
        var status = stat()
        guard fstat(fd, &status) == 0 else { return nil }
        let size = Int(status.st_size)
        var header = [UInt8](repeating: 0, count: headerSize)
        guard header.withUnsafeMutableBytes({ readFully(fd, $0, offset: 0) }) == headerSize, Array(header[0..<8]) == magic
        else { return nil }
        let stored = Int(header.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) })
        let readOffset = stored >= headerSize && stored <= size ? stored : headerSize
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
        return SpoolFile(fd: fd, readOffset: readOffset, writeOffset: offset, rows: rows)
    }

    /// A new or unrecognised file starts empty.
    private static func fresh(_ fd: Int32) -> SpoolFile? {
        guard ftruncate(fd, 0) == 0 else { return nil }
        let header = magic + [UInt8](repeating: 0, count: 8)
        guard header.withUnsafeBytes({ pwrite(fd, $0.baseAddress, headerSize, 0) }) == headerSize else { return nil }
        storeReadOffset(fd, headerSize)
        return SpoolFile(fd: fd, readOffset: headerSize, writeOffset: headerSize, rows: 0)
    }

    private init(fd: Int32, readOffset: Int, writeOffset: Int, rows: Int) {
        self.fd = fd
        self.readOffset = readOffset
        self.writeOffset = writeOffset
        self.rows = rows
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
}
