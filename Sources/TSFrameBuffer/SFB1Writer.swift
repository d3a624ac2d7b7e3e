import CFutex
import FrameSource
import Glibc
import ZMShm

/// The producer side of `SFB1`: creates (or takes over) the data file, fills the header and publishes frames
/// exactly as the spec's producer steps say. The reference for third parties; `lookout sfb-produce` and the demo
/// run it. Not thread-safe: one thread publishes.
public final class SFB1Writer {
    public let path: String
    public let width: Int
    public let height: Int
    public let format: PixelFormat
    public let strides: [Int]
    public let slotCount: Int
    public let slotSize: Int
    public let epoch: UInt64
    public let frameBytes: Int
    public private(set) var writeSeq: UInt64 = 0
    private let mapping: MappedSegment

    /// - Parameters:
    ///   - slots: ring length, 1…62.
    ///   - mode: file mode of a file it creates (0640: the agent reads it as the same user, root or in the group).
    public init(
        path: String, width: Int, height: Int, format: PixelFormat, slots: Int = 4, mode: mode_t = 0o640,
        epoch: UInt64 = SFB1Writer.randomEpoch()
    ) throws(FrameSourceError) {
        guard (1...SFB1Layout.maxSlots).contains(slots) else { throw FrameSourceError(.badHeader, "slots must be 1…62, not \(slots)") }
        guard width > 0, height > 0, width <= 32768, height <= 32768 else {
            throw FrameSourceError(.badHeader, "frame size \(width)x\(height) is out of range")
        }
        let strides = format.tightStrides(width: width)
        let frameBytes = format.frameBytes(height: height, strides: strides)
        let slotSize = (frameBytes + SFB1Layout.slotAlignment - 1) / SFB1Layout.slotAlignment * SFB1Layout.slotAlignment
        let size = SFB1Layout.fileSize(slots: slots, slotSize: slotSize)
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode)
        guard fd >= 0 else { throw FrameSourceError(.system, "cannot create \(path): \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw FrameSourceError(.notRegularFile, "\(path) exists and is not a regular file: refusing to write it")
        }
        guard ftruncate(fd, off_t(size)) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FrameSourceError(.system, "cannot size \(path) to \(size) bytes: \(reason)")
        }
        close(fd)
        do throws(SegmentError) {
            mapping = try MappedSegment(path: path, writable: true, owners: SegmentOwners(users: [geteuid(): "self"]))
        } catch {
            throw SFB1Reader.translate(error)
        }
        self.path = path
        self.width = width
        self.height = height
        self.format = format
        self.strides = strides
        self.slotCount = slots
        self.slotSize = slotSize
        self.epoch = epoch
        self.frameBytes = frameBytes
        try initialiseHeader()
    }

    /// Spec step 7: zero the header, fill the constants, `state = 1` last.
    private func initialiseHeader() throws(FrameSourceError) {
        typealias H = SFB1Layout.Header
        var header = [UInt8](repeating: 0, count: SFB1Layout.headerSize)
        func put<T: FixedWidthInteger>(_ value: T, at offset: Int) {
            withUnsafeBytes(of: value.littleEndian) { header.replaceSubrange(offset..<offset + MemoryLayout<T>.size, with: $0) }
        }
        put(SFB1Layout.magic, at: H.magic)
        put(SFB1Layout.version, at: H.version)
        put(UInt16(SFB1Layout.headerSize), at: H.headerSize)
        put(UInt32(slotCount), at: H.slotCount)
        put(UInt32(slotSize), at: H.slotSize)
        put(UInt32(width), at: H.width)
        put(UInt32(height), at: H.height)
        put(format.fourcc, at: H.fourcc)
        for (plane, stride) in strides.enumerated() { put(Int32(stride), at: H.stride0 + 4 * plane) }
        put(epoch, at: H.producerEpoch)
        put(UInt32(bitPattern: getpid()), at: H.producerPID)
        put(Self.realtimeNanoseconds(), at: H.heartbeat)
        do throws(SegmentError) {
            // state (still 0 in `header`) first, so a reader never sees running over a half-written header.
            try mapping.storeReleaseUInt32(SFB1State.initialising.rawValue, at: H.state)
            try header.withUnsafeBytes { bytes in Result { () throws(SegmentError) in try mapping.write(bytes, at: 0) } }.get()
            try mapping.storeReleaseUInt32(SFB1State.running.rawValue, at: H.state)
        } catch {
            throw SFB1Reader.translate(error)
        }
    }

    /// Publishes one frame (spec steps 1–6). `fill` writes the pixels (`frameBytes` of them) into the buffer it is
    /// given, which is the slot itself.
    public func publish(
        captureNanoseconds: Int64 = SFB1Writer.realtimeNanoseconds(), ptsNanoseconds: Int64? = nil, flags: UInt32 = FrameFlags.keyframe,
        pixels: UnsafeRawBufferPointer
    ) throws(FrameSourceError) {
        precondition(pixels.count <= slotSize)
        try publish(captureNanoseconds: captureNanoseconds, ptsNanoseconds: ptsNanoseconds, flags: flags, pixels: pixels, bytes: pixels.count)
    }

    private func publish(
        captureNanoseconds: Int64, ptsNanoseconds: Int64?, flags: UInt32, pixels: UnsafeRawBufferPointer?, bytes: Int
    ) throws(FrameSourceError) {
        typealias D = SFB1Layout.Descriptor
        let slot = Int(writeSeq % UInt64(slotCount))
        let descriptor = SFB1Layout.descriptorOffset(slot: slot)
        do throws(SegmentError) {
            try mapping.storeReleaseUInt64(2 * writeSeq + 1, at: descriptor + D.seq)
            if let pixels { try mapping.write(pixels, at: SFB1Layout.slotOffset(slot: slot, slotSize: slotSize)) }
            var fields = (
                (ptsNanoseconds ?? captureNanoseconds).littleEndian, captureNanoseconds.littleEndian,
                UInt32(bytes).littleEndian, flags.littleEndian)
            try withUnsafeBytes(of: &fields) { bytes in
                Result { () throws(SegmentError) in try mapping.write(UnsafeRawBufferPointer(rebasing: bytes[0..<24]), at: descriptor + D.pts) }
            }.get()
            try mapping.storeReleaseUInt64(2 * (writeSeq + 1), at: descriptor + D.seq)
            writeSeq += 1
            try mapping.storeReleaseUInt64(writeSeq, at: SFB1Layout.Header.writeSeq)
            try heartbeat()
            try mapping.storeReleaseUInt32(UInt32(truncatingIfNeeded: writeSeq), at: SFB1Layout.Header.notifySeq32)
            _ = lookout_futex_wake_all(try mapping.wordAddress(at: SFB1Layout.Header.notifySeq32))
        } catch {
            throw SFB1Reader.translate(error)
        }
    }

    /// Publishes the frame already in the next slot again (`bytes` of it) without writing pixels: what a producer
    /// that decodes straight into the slot does. Benchmarks use it once every slot holds a picture.
    public func republish(bytes: Int, captureNanoseconds: Int64 = SFB1Writer.realtimeNanoseconds()) throws(FrameSourceError) {
        precondition(bytes <= slotSize)
        try publish(captureNanoseconds: captureNanoseconds, ptsNanoseconds: nil, flags: FrameFlags.keyframe, pixels: nil, bytes: bytes)
    }

    /// Refreshes `heartbeat_ns` (at least once a second, with or without video).
    public func heartbeat() throws(SegmentError) {
        try mapping.storeReleaseUInt64(UInt64(bitPattern: Self.realtimeNanoseconds()), at: SFB1Layout.Header.heartbeat)
    }

    /// Clean exit: `state = 2`.
    public func stop() {
        try? mapping.storeReleaseUInt32(SFB1State.stopping.rawValue, at: SFB1Layout.Header.state)
    }

    /// Writes raw bytes into the header (tests play a broken producer with it).
    public func overwriteHeader(_ bytes: [UInt8], at offset: Int) throws(SegmentError) {
        try bytes.withUnsafeBytes { bytes in Result { () throws(SegmentError) in try mapping.write(bytes, at: offset) } }.get()
    }

    public static func realtimeNanoseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }

    public static func randomEpoch() -> UInt64 {
        UInt64.random(in: 1...UInt64.max)
    }
}
