#if canImport(Glibc)
import Glibc
#endif
import CSegmentGuard

/// One `mmap` of a whole segment file, read-only unless asked otherwise.
///
/// All access goes through guarded copies and stores: if the file shrinks under the mapping the access
/// reports `.shrunk` instead of killing the process with SIGBUS.
/// `@unchecked Sendable`: the base pointer and length never change after `init`, and every access is a
/// self-contained guarded copy or atomic store, so any thread may use it.
public final class MappedSegment: @unchecked Sendable {
    public let path: String
    public let writable: Bool
    public let device: UInt64
    public let inode: UInt64
    /// The file size when it was opened.
    public let length: Int
    /// Bytes mapped: `length`, or less when the caller asked for a prefix.
    public let mappedLength: Int
    let base: UnsafeMutableRawPointer

    /// Opens without blocking or following links and maps only a regular file owned by one of `owners`: the map
    /// directory is world-writable, so a FIFO there would block a plain `open` forever and a stranger's file would
    /// be read as ZoneMinder's. These checks cost syscalls at open time only, never per read.
    ///
    /// - Parameter prefix: map only the first `prefix` bytes (a poller that reads only the header). Every page
    ///   touched in a mapping brings up to 64 KiB of its neighbours into the resident set (the kernel's fault-around),
    ///   so a whole-file mapping of a segment costs far more memory than the header it is read for.
    public init(path: String, writable: Bool = false, prefix: Int? = nil, owners: SegmentOwners = .standard) throws(SegmentError) {
        let access = writable ? O_RDWR : O_RDONLY
        let fd = open(path, access | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw SegmentError.fromOpen(path: path, errno: errno, writable: writable) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw SegmentError(.system, path: path, "fstat \(path): \(String(cString: strerror(errno)))", errno: errno)
        }
        try SegmentFileCheck.check(info, path: path, owners: owners)
        guard info.st_size >= 4 else {
            throw SegmentError(.notInitialised, path: path, "\(path) is empty (\(info.st_size) bytes): zmc has not set it up yet")
        }
        let protection = writable ? (PROT_READ | PROT_WRITE) : PROT_READ
        let mappedLength = min(Int(info.st_size), prefix ?? Int.max)
        let mapped = mmap(nil, mappedLength, protection, MAP_SHARED, fd, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw SegmentError(.system, path: path, "mmap \(path): \(String(cString: strerror(errno)))", errno: errno)
        }
        self.path = path
        self.writable = writable
        self.device = UInt64(info.st_dev)
        self.inode = UInt64(info.st_ino)
        self.length = Int(info.st_size)
        self.mappedLength = mappedLength
        self.base = mapped
    }

    deinit { munmap(base, mappedLength) }

    /// Copies `count` bytes at `offset` into a private buffer and decodes them there.
    /// Throws `.shrunk` if the file shrank under the mapping, `.truncated` if the range lies past `length`.
    func withCopy<Result>(offset: Int, count: Int, _ body: (ByteView) throws(SegmentError) -> Result) throws(SegmentError) -> Result {
        try checkMapped(offset: offset, count: count)
        return try withUnsafeTemporaryAllocation(byteCount: max(count, 1), alignment: 16) { buffer throws(SegmentError) in
            guard lookout_guarded_copy(buffer.baseAddress!, base + offset, count) == 0 else {
                throw SegmentError(.shrunk, path: path, "\(path) shrank under the reader (zmc restarted and truncated it)")
            }
            return try body(ByteView(bytes: UnsafeRawBufferPointer(rebasing: buffer[0..<count])))
        }
    }

    /// Copies two ranges back to back under one guard and decodes them; the second starts at `firstCount`.
    func withCopy<Result>(
        offset first: Int, count firstCount: Int, then second: Int, count secondCount: Int,
        _ body: (ByteView) -> Result
    ) throws(SegmentError) -> Result {
        try checkMapped(offset: first, count: firstCount)
        try checkMapped(offset: second, count: secondCount)
        let total = firstCount + secondCount
        return try withUnsafeTemporaryAllocation(byteCount: total, alignment: 16) { buffer throws(SegmentError) in
            guard lookout_guarded_copy2(buffer.baseAddress!, base + first, firstCount, base + second, secondCount) == 0 else {
                throw SegmentError(.shrunk, path: path, "\(path) shrank under the reader (zmc restarted and truncated it)")
            }
            return body(ByteView(bytes: UnsafeRawBufferPointer(buffer)))
        }
    }

    /// Copies bytes out into a new array (used for images).
    func copyBytes(offset: Int, count: Int) throws(SegmentError) -> [UInt8] {
        try checkMapped(offset: offset, count: count)
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialised in
            failed = count > 0 && lookout_guarded_copy(buffer.baseAddress!, base + offset, count) != 0
            initialised = count
        }
        if failed { throw SegmentError(.shrunk, path: path, "\(path) shrank under the reader (zmc restarted and truncated it)") }
        return bytes
    }

    func write(bytes: [UInt8], at offset: Int) throws(SegmentError) {
        try checkWritable(offset: offset, count: bytes.count)
        let ok = bytes.withUnsafeBytes { lookout_guarded_copy(base + offset, $0.baseAddress!, bytes.count) == 0 }
        if !ok { throw SegmentError(.shrunk, path: path, "\(path) shrank while writing") }
    }

    func storeRelease(_ value: UInt32, at offset: Int) throws(SegmentError) {
        try checkWritable(offset: offset, count: 4)
        guard lookout_guarded_store_u32_release(base + offset, value) == 0 else {
            throw SegmentError(.shrunk, path: path, "\(path) shrank while writing")
        }
    }

    /// Atomically ORs `bits` into the `UInt32` at `offset`; returns the previous value.
    func fetchOr(_ bits: UInt32, at offset: Int) throws(SegmentError) -> UInt32 {
        try checkWritable(offset: offset, count: 4)
        var previous: UInt32 = 0
        guard lookout_guarded_fetch_or_u32(base + offset, bits, &previous) == 0 else {
            throw SegmentError(.shrunk, path: path, "\(path) shrank while writing")
        }
        return previous
    }

    func checkMapped(offset: Int, count: Int) throws(SegmentError) {
        guard offset >= 0, count >= 0, offset + count <= length else {
            throw SegmentError(.truncated, path: path, "\(path) is \(length) bytes; bytes \(offset)..<\(offset + count) lie past its end")
        }
        guard offset + count <= mappedLength else {
            throw SegmentError(
                .unsupported, path: path,
                "only the first \(mappedLength) bytes of \(path) are mapped (opened for its header); bytes \(offset)..<\(offset + count) need it opened whole")
        }
    }

    func checkWritable(offset: Int, count: Int) throws(SegmentError) {
        guard writable else { throw SegmentError(.readOnly, path: path, "\(path) is mapped read-only") }
        guard offset % 4 == 0 || count != 4 else {
            throw SegmentError(.truncated, path: path, "write at \(offset)..<\(offset + count) lies outside \(path)")
        }
        try checkMapped(offset: offset, count: count)
    }

    /// Whether the path still names the file this mapping was made from, with the same size.
    public func pathStillMatches() -> PathCheck {
        var info = stat()
        guard stat(path, &info) == 0 else { return .gone }
        if UInt64(info.st_ino) != inode || UInt64(info.st_dev) != device { return .recreated }
        if Int(info.st_size) != length { return .resized(Int(info.st_size)) }
        return .same
    }

    public enum PathCheck: Sendable, Equatable {
        case same
        case gone
        case recreated
        case resized(Int)
    }
}

/// SIGBUS faults caught (and survived) by guarded segment access in this process.
public var segmentFaultsCaught: UInt64 { lookout_guarded_fault_count() }
