import CFutex
import Glibc
import FrameSource
import ZMShm

/// One mapping of an `SFB1` file, validated when opened. Reads follow the spec's reader protocol: `write_seq`
/// with acquire ordering, then the newest slot under its seqlock; a copy whose `seq` moved is dropped, never
/// returned. Every access is guarded: a file that shrinks under the mapping is an error (`.shrunk`), not SIGBUS.
/// Not thread-safe: one thread owns a reader.
public final class SFB1Reader: FrameSource {
    public let mapping: MappedSegment
    /// The header as it was when opened (and validated): its constants fix every offset used afterwards.
    public let opened: SFB1Header
    public let format: PixelFormat

    public var path: String { mapping.path }
    public var slotCount: Int { Int(opened.slotCount) }
    public var slotSize: Int { Int(opened.slotSize) }
    public var maximumFrameBytes: Int { slotSize }

    /// How many times a seqlock read is retried before giving up on a slot the producer keeps overwriting.
    public static let readAttempts = 4

    /// Opens without blocking or following links, refuses anything but a regular file owned by one of `owners`,
    /// maps it whole and validates the header against the file's size.
    ///
    /// - Parameter headerOnly: map only the 4096-byte header (metadata, liveness, descriptors; no pixels). A poller
    ///   that never copies frames keeps its resident set at one page per channel: touching a page of a larger
    ///   mapping brings up to 64 KiB of its neighbours in (the kernel's fault-around).
    public init(path: String, owners: SegmentOwners = .standard, headerOnly: Bool = false) throws(FrameSourceError) {
        let mapping: MappedSegment
        do throws(SegmentError) {
            mapping = try MappedSegment(path: path, prefix: headerOnly ? SFB1Layout.headerSize : nil, owners: owners)
        } catch {
            throw Self.translate(error)
        }
        guard mapping.length >= SFB1Layout.headerSize else {
            throw FrameSourceError(.notInitialised, "\(path) is \(mapping.length) bytes, shorter than the 4096-byte SFB1 header: the producer has not set it up yet")
        }
        let header = try Self.readHeader(mapping)
        try header.validate(fileSize: mapping.length, path: path)
        self.mapping = mapping
        self.opened = header
        self.format = header.format!
    }

    /// The header's fields now. Throws `.badHeader` if a constant changed since the file was opened (the producer
    /// re-initialised it in place: re-open).
    public func header() throws(FrameSourceError) -> SFB1Header {
        let now = try Self.readHeader(mapping)
        guard now.magic == opened.magic, now.slotCount == opened.slotCount, now.slotSize == opened.slotSize,
              now.width == opened.width, now.height == opened.height, now.fourcc == opened.fourcc, now.strides == opened.strides
        else {
            throw FrameSourceError(.badHeader, "\(path): the header's layout fields changed under the reader (re-initialised in place)")
        }
        return now
    }

    /// `write_seq`, loaded with acquire ordering: frames published so far.
    public func writeSequence() throws(FrameSourceError) -> UInt64 {
        do { return try mapping.loadAcquireUInt64(at: SFB1Layout.Header.writeSeq) } catch { throw Self.translate(error) }
    }

    public func newestFrame() throws(FrameSourceError) -> FrameMetadata? {
        try readNewest(into: nil)
    }

    public func copyNewestFrame(into buffer: UnsafeMutableRawBufferPointer) throws(FrameSourceError) -> FrameMetadata? {
        guard mapping.mappedLength == mapping.length else {
            throw FrameSourceError(.system, "\(path) was opened for its header only; open it whole to copy frames")
        }
        return try readNewest(into: buffer)
    }

    public func liveness() throws(FrameSourceError) -> FrameLiveness {
        let header = try header()
        return FrameLiveness(
            producerEpoch: header.producerEpoch, producerPID: Int32(bitPattern: header.producerPID),
            running: header.runState == .running, heartbeatNanoseconds: header.heartbeatNanoseconds, framesPublished: header.writeSeq)
    }

    public func checkProducer() -> FrameSourceRestart? {
        switch mapping.pathStillMatches() {
        case .gone: return .removed
        case .recreated: return .recreated
        case .resized: return .resized
        case .same: break
        }
        guard let header = try? Self.readHeader(mapping) else { return .resized }
        if header.producerEpoch != opened.producerEpoch { return .newEpoch }
        if header.runState != .running { return .notRunning }
        return nil
    }

    /// One slot read under its seqlock: the descriptor, and the pixels when `buffer` is given.
    public struct SlotRead: Sendable {
        public let slot: Int
        public let sequence: UInt64
        public let descriptor: SFB1SlotDescriptor
        /// Even and unchanged across the copy: nothing was written meanwhile.
        public let stable: Bool
        /// Stable, and the byte count in range: the copy is whole.
        public var consistent: Bool { stable && Int(descriptor.bytes) <= slotSize }
        let slotSize: Int
    }

    /// Reads slot `slot`'s descriptor (and pixels into `buffer`) once, without retrying.
    public func readSlot(_ slot: Int, into buffer: UnsafeMutableRawBufferPointer?) throws(FrameSourceError) -> SlotRead {
        precondition(slot >= 0 && slot < slotCount)
        let descriptorOffset = SFB1Layout.descriptorOffset(slot: slot)
        return try withUnsafeTemporaryAllocation(byteCount: SFB1Layout.Descriptor.usedSize, alignment: 8) { copy throws(FrameSourceError) in
            let read: MappedSegment.SeqlockRead
            do throws(SegmentError) {
                read = try mapping.seqlockRead(
                    sequenceOffset: descriptorOffset + SFB1Layout.Descriptor.seq, descriptorOffset: descriptorOffset,
                    descriptorCopy: copy, bytesOffset: SFB1Layout.Descriptor.bytes,
                    pixelOffset: SFB1Layout.slotOffset(slot: slot, slotSize: slotSize), pixelLimit: buffer == nil ? 0 : slotSize,
                    pixelCopy: buffer)
            } catch {
                throw Self.translate(error)
            }
            let descriptor = SFB1SlotDescriptor(UnsafeRawBufferPointer(copy))
            return SlotRead(slot: slot, sequence: read.sequenceBefore, descriptor: descriptor, stable: read.consistent, slotSize: slotSize)
        }
    }

    /// Every slot's descriptor as read now (each under its seqlock, not retried): for `lookout dump-sfb`.
    public func descriptors() throws(FrameSourceError) -> [SlotRead] {
        var reads: [SlotRead] = []
        for slot in 0..<slotCount { reads.append(try readSlot(slot, into: nil)) }
        return reads
    }

    private func readNewest(into buffer: UnsafeMutableRawBufferPointer?) throws(FrameSourceError) -> FrameMetadata? {
        for _ in 0..<Self.readAttempts {
            let published = try writeSequence()
            guard published > 0 else { return nil }
            let slot = Int((published - 1) % UInt64(slotCount))
            let read = try readSlot(slot, into: buffer)
            let bytes = Int(read.descriptor.bytes)
            guard read.stable, read.sequence >= 2 else { continue }
            // A stable descriptor that names more bytes than its slot holds: the producer is broken, not busy.
            guard bytes <= slotSize else {
                throw FrameSourceError(.badHeader, "\(path): slot \(slot) says \(bytes) bytes, more than slot_size \(slotSize)")
            }
            if let buffer, bytes > buffer.count {
                throw FrameSourceError(.bufferTooSmall, "\(path): a frame of \(bytes) bytes does not fit a buffer of \(buffer.count)")
            }
            return FrameMetadata(
                frameNumber: read.sequence / 2, width: Int(opened.width), height: Int(opened.height), format: format,
                strides: opened.planeStrides, bytes: bytes, captureNanoseconds: read.descriptor.captureNanoseconds,
                ptsNanoseconds: read.descriptor.ptsNanoseconds, flags: read.descriptor.flags)
        }
        throw FrameSourceError(.torn, "\(path): the newest slot kept being overwritten while it was read (\(Self.readAttempts) attempts)")
    }

    /// Sleeps until `notify_seq32` differs from `seen` (the producer published) or `timeoutNanoseconds` pass.
    /// Returns true when it changed. A futex wait on the shared word: every waiting process wakes.
    public func waitForPublish(after seen: UInt32, timeoutNanoseconds: Int64) throws(FrameSourceError) -> Bool {
        let word: UnsafePointer<UInt32>
        do throws(SegmentError) {
            if try mapping.loadAcquireUInt32(at: SFB1Layout.Header.notifySeq32) != seen { return true }
            word = try mapping.wordAddress(at: SFB1Layout.Header.notifySeq32)
        } catch {
            throw Self.translate(error)
        }
        if lookout_futex_wait(word, seen, timeoutNanoseconds) < 0 {
            throw FrameSourceError(.shrunk, "\(path): futex wait failed (errno \(errno)); the file may have shrunk")
        }
        return (try? mapping.loadAcquireUInt32(at: SFB1Layout.Header.notifySeq32)) != seen
    }

    public func notifySequence() throws(FrameSourceError) -> UInt32 {
        do { return try mapping.loadAcquireUInt32(at: SFB1Layout.Header.notifySeq32) } catch { throw Self.translate(error) }
    }

    static func readHeader(_ mapping: MappedSegment) throws(FrameSourceError) -> SFB1Header {
        try withUnsafeTemporaryAllocation(byteCount: SFB1Layout.Header.fieldsSize, alignment: 8) { buffer throws(FrameSourceError) in
            do throws(SegmentError) {
                try mapping.copy(offset: 0, count: SFB1Layout.Header.fieldsSize, into: buffer.baseAddress!)
                // write_seq on its own with acquire ordering: the slot it names is published.
                let writeSeq = try mapping.loadAcquireUInt64(at: SFB1Layout.Header.writeSeq)
                buffer.storeBytes(of: writeSeq.littleEndian, toByteOffset: SFB1Layout.Header.writeSeq, as: UInt64.self)
            } catch {
                throw translate(error)
            }
            return SFB1Header(fields: UnsafeRawBufferPointer(buffer))
        }
    }

    static func translate(_ error: SegmentError) -> FrameSourceError {
        let code: FrameSourceError.Code = switch error.code {
        case .notFound: .notFound
        case .permissionDenied: .permissionDenied
        case .symbolicLink: .symbolicLink
        case .notRegularFile: .notRegularFile
        case .untrustedOwner: .untrustedOwner
        case .notInitialised: .notInitialised
        case .shrunk, .stale: .shrunk
        case .truncated, .unknownLayout, .badTriggerData, .invalid, .unsupported: .badHeader
        case .readOnly, .system: .system
        }
        let message = switch error.code {
        case .notFound: "\(error.path) does not exist: is the TS channel's producer running?"
        case .notInitialised: "\(error.path) is empty: the producer has not set it up yet"
        case .untrustedOwner: "\(error.path) belongs to a user other than root, this agent's user or ZoneMinder's: not trusted, ignored"
        default: error.message
        }
        return FrameSourceError(code, message)
    }
}

/// The used part of a slot descriptor.
public struct SFB1SlotDescriptor: Sendable, Equatable {
    public let sequence: UInt64
    public let ptsNanoseconds: Int64
    public let captureNanoseconds: Int64
    public let bytes: UInt32
    public let flags: UInt32

    init(_ bytes: UnsafeRawBufferPointer) {
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        typealias D = SFB1Layout.Descriptor
        sequence = u64(D.seq)
        ptsNanoseconds = Int64(bitPattern: u64(D.pts))
        captureNanoseconds = Int64(bitPattern: u64(D.capture))
        self.bytes = u32(D.bytes)
        flags = u32(D.flags)
    }
}
