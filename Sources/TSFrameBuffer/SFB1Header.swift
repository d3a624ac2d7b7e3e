import FrameSource

/// The header's fields, decoded from one copy, and checked against the file size before anything else is read.
public struct SFB1Header: Sendable, Equatable {
    public let magic: UInt32
    public let version: UInt16
    public let headerSize: UInt16
    public let slotCount: UInt32
    public let slotSize: UInt32
    public let width: UInt32
    public let height: UInt32
    public let fourcc: UInt32
    public let strides: [Int32]
    public let producerEpoch: UInt64
    public let producerPID: UInt32
    public let state: UInt32
    public let heartbeatNanoseconds: Int64
    public let notifySeq32: UInt32
    public let writeSeq: UInt64

    public init(fields bytes: UnsafeRawBufferPointer) {
        func u16(_ o: Int) -> UInt16 { UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt16.self)) }
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        typealias H = SFB1Layout.Header
        magic = u32(H.magic)
        version = u16(H.version)
        headerSize = u16(H.headerSize)
        slotCount = u32(H.slotCount)
        slotSize = u32(H.slotSize)
        width = u32(H.width)
        height = u32(H.height)
        fourcc = u32(H.fourcc)
        strides = (0..<3).map { Int32(bitPattern: u32(H.stride0 + 4 * $0)) }
        producerEpoch = u64(H.producerEpoch)
        producerPID = u32(H.producerPID)
        state = u32(H.state)
        heartbeatNanoseconds = Int64(bitPattern: u64(H.heartbeat))
        notifySeq32 = u32(H.notifySeq32)
        writeSeq = u64(H.writeSeq)
    }

    public var format: PixelFormat? { PixelFormat(fourcc: fourcc) }
    public var fourccText: String {
        String(decoding: (0..<4).map { UInt8(truncatingIfNeeded: fourcc >> (8 * $0)) }.map { $0 >= 0x20 && $0 < 0x7f ? $0 : 0x3f }, as: UTF8.self)
    }
    public var runState: SFB1State? { SFB1State(rawValue: state) }
    /// The slot holding the newest frame; nil before the first.
    public var newestSlot: Int? { writeSeq == 0 ? nil : Int((writeSeq - 1) % UInt64(slotCount)) }

    /// Checks every field a reader relies on against the file's size (spec "Reader" step 1).
    public func validate(fileSize: Int, path: String) throws(FrameSourceError) {
        // A producer sizes the file and zeroes the header before it writes the constants (spec "Writer"): a zero
        // magic is one starting up, not a stranger's file.
        guard magic != 0 else {
            throw FrameSourceError(.notInitialised, "\(path): the header is not written yet (magic 0): the producer is starting")
        }
        guard magic == SFB1Layout.magic else {
            throw FrameSourceError(.badMagic, "\(path): magic is 0x\(String(magic, radix: 16)), not SFB1: not a TS frame buffer in layout SFB1")
        }
        guard version == SFB1Layout.version else {
            throw FrameSourceError(.unsupportedVersion, "\(path): SFB1 version \(version); this reader knows version \(SFB1Layout.version)")
        }
        guard Int(headerSize) == SFB1Layout.headerSize else {
            throw FrameSourceError(.badHeader, "\(path): header_size \(headerSize), must be \(SFB1Layout.headerSize)")
        }
        guard slotCount >= 1, Int(slotCount) <= SFB1Layout.maxSlots else {
            throw FrameSourceError(.badHeader, "\(path): slot_count \(slotCount), must be 1…\(SFB1Layout.maxSlots)")
        }
        guard slotSize > 0, Int(slotSize) % SFB1Layout.slotAlignment == 0 else {
            throw FrameSourceError(.badHeader, "\(path): slot_size \(slotSize) is not a positive multiple of 64")
        }
        let needed = SFB1Layout.fileSize(slots: Int(slotCount), slotSize: Int(slotSize))
        guard needed <= fileSize else {
            throw FrameSourceError(.badHeader, "\(path): \(slotCount) slots of \(slotSize) bytes need \(needed) bytes; the file has \(fileSize)")
        }
        guard let format else {
            throw FrameSourceError(.badHeader, "\(path): pixel format \(fourccText) (0x\(String(fourcc, radix: 16))) is not I420, NV12, BGR3, BGRA or GREY")
        }
        guard width > 0, height > 0, width <= 32768, height <= 32768 else {
            throw FrameSourceError(.badHeader, "\(path): frame size \(width)x\(height) is out of range")
        }
        let planes = format.planeCount
        let minimum = format.tightStrides(width: Int(width))
        for plane in 0..<3 {
            let stride = Int(strides[plane])
            if plane < planes {
                guard abs(stride) >= minimum[plane], abs(stride) <= 4 * 32768 else {
                    throw FrameSourceError(.badHeader, "\(path): stride\(plane) \(stride) is smaller than a row of \(width) pixels in \(format.rawValue) (\(minimum[plane]))")
                }
            }
        }
        let frameBytes = format.frameBytes(height: Int(height), strides: strides.prefix(planes).map { Int($0) })
        guard frameBytes <= Int(slotSize) else {
            throw FrameSourceError(.badHeader, "\(path): slot_size \(slotSize) is smaller than one \(width)x\(height) \(format.rawValue) frame (\(frameBytes) bytes)")
        }
    }

    /// The strides of the format's planes only.
    public var planeStrides: [Int] { strides.prefix(format?.planeCount ?? 1).map { Int($0) } }
}
