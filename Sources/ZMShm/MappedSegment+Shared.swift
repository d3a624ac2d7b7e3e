import CSegmentGuard

/// Guarded access for readers and writers of other layouts in shared memory (TS frame buffers): the same
/// bounds checks and SIGBUS guard as the segment reader's own copies.
extension MappedSegment {
    /// Copies `count` bytes at `offset` into `destination` (at least `count` bytes long).
    public func copy(offset: Int, count: Int, into destination: UnsafeMutableRawPointer) throws(SegmentError) {
        try checkMapped(offset: offset, count: count)
        guard count == 0 || lookout_guarded_copy(destination, base + offset, count) == 0 else { throw shrunkError }
    }

    /// Copies `count` bytes at `offset` into a new array.
    public func bytes(offset: Int, count: Int) throws(SegmentError) -> [UInt8] {
        try copyBytes(offset: offset, count: count)
    }

    public func loadAcquireUInt64(at offset: Int) throws(SegmentError) -> UInt64 {
        try checkAligned(offset, 8)
        var value: UInt64 = 0
        guard lookout_guarded_load_u64_acquire(base + offset, &value) == 0 else { throw shrunkError }
        return value
    }

    public func loadAcquireUInt32(at offset: Int) throws(SegmentError) -> UInt32 {
        try checkAligned(offset, 4)
        var value: UInt32 = 0
        guard lookout_guarded_load_u32_acquire(base + offset, &value) == 0 else { throw shrunkError }
        return value
    }

    public func storeReleaseUInt64(_ value: UInt64, at offset: Int) throws(SegmentError) {
        try checkAligned(offset, 8)
        guard writable else { throw SegmentError(.readOnly, path: path, "\(path) is mapped read-only") }
        guard lookout_guarded_store_u64_release(base + offset, value) == 0 else { throw shrunkError }
    }

    public func storeReleaseUInt32(_ value: UInt32, at offset: Int) throws(SegmentError) {
        try storeRelease(value, at: offset)
    }

    /// Writes `source` at `offset` (a writable mapping).
    public func write(_ source: UnsafeRawBufferPointer, at offset: Int) throws(SegmentError) {
        guard writable else { throw SegmentError(.readOnly, path: path, "\(path) is mapped read-only") }
        try checkMapped(offset: offset, count: source.count)
        guard source.isEmpty || lookout_guarded_copy(base + offset, source.baseAddress!, source.count) == 0 else {
            throw SegmentError(.shrunk, path: path, "\(path) shrank while writing")
        }
    }

    /// The outcome of one seqlock read (`SeqlockRead`); see `lookout_guarded_seqlock_read`.
    public struct SeqlockRead: Sendable {
        public let sequenceBefore: UInt64
        public let sequenceAfter: UInt64
        /// The descriptor's byte count (pixels were copied only if it fit the capacity).
        public let pixelBytes: UInt32
        /// Even before, unchanged after: the copies are whole.
        public var consistent: Bool { sequenceBefore & 1 == 0 && sequenceBefore == sequenceAfter }
    }

    /// One seqlock read of a slot: the sequence word at `sequenceOffset`, the descriptor copied into
    /// `descriptorCopy`, and the pixels at `pixelOffset` (as many as the descriptor's u32 at `bytesOffset` says,
    /// when they fit `pixelCopy` and `pixelLimit`) all under one guard. Throws `.truncated` if the pixel region
    /// `pixelOffset..<pixelOffset+pixelLimit` or the descriptor lie outside the mapping.
    public func seqlockRead(
        sequenceOffset: Int, descriptorOffset: Int, descriptorCopy: UnsafeMutableRawBufferPointer, bytesOffset: Int,
        pixelOffset: Int, pixelLimit: Int, pixelCopy: UnsafeMutableRawBufferPointer?
    ) throws(SegmentError) -> SeqlockRead {
        try checkAligned(sequenceOffset, 8)
        try checkMapped(offset: descriptorOffset, count: descriptorCopy.count)
        if pixelLimit > 0 { try checkMapped(offset: pixelOffset, count: pixelLimit) }
        var before: UInt64 = 0, after: UInt64 = 0
        var bytes: UInt32 = 0
        let capacity = pixelLimit > 0 ? min(pixelLimit, pixelCopy?.count ?? 0) : 0
        let result = lookout_guarded_seqlock_read(
            base + sequenceOffset, base + descriptorOffset, descriptorCopy.baseAddress!, descriptorCopy.count, bytesOffset,
            base + pixelOffset, capacity > 0 ? pixelCopy?.baseAddress : nil, capacity, &before, &after, &bytes)
        guard result == 0 else { throw shrunkError }
        return SeqlockRead(sequenceBefore: before, sequenceAfter: after, pixelBytes: bytes)
    }

    /// The address of an aligned word in the mapping, for a futex wait or wake (the kernel reports a page past
    /// the file's end as EFAULT, not SIGBUS).
    public func wordAddress(at offset: Int) throws(SegmentError) -> UnsafePointer<UInt32> {
        try checkAligned(offset, 4)
        return UnsafePointer((base + offset).assumingMemoryBound(to: UInt32.self))
    }

    private func checkAligned(_ offset: Int, _ size: Int) throws(SegmentError) {
        guard offset % size == 0 else {
            throw SegmentError(.unsupported, path: path, "\(path): offset \(offset) is not aligned to \(size) bytes")
        }
        try checkMapped(offset: offset, count: size)
    }

    private var shrunkError: SegmentError {
        SegmentError(.shrunk, path: path, "\(path) shrank under the reader (its producer restarted and truncated it)")
    }
}
