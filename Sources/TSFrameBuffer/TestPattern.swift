import FrameSource

/// The producer's test picture: a diagonal luma ramp that moves with the frame number, and in the first 16 bytes
/// the frame number and a checksum of every other byte (both little-endian u64). A reader that copied a torn frame
/// (rows of two frames) finds a checksum that does not match, or a frame number other than the slot's.
public enum TestPattern {
    /// Bytes at the start of the frame holding the stamp; frames smaller than this carry no pattern.
    public static let stampBytes = 16

    /// Fills `frame` (one whole frame of `format`) with frame `number`'s picture and stamps it.
    public static func fill(_ frame: UnsafeMutableRawBufferPointer, number: UInt64, width: Int, height: Int, format: PixelFormat) {
        guard frame.count >= stampBytes else { return }
        let strides = format.tightStrides(width: width)
        let rows = format.planeRows(height: height)
        let high = UInt8(truncatingIfNeeded: (number >> 8) ^ (number >> 16) ^ (number >> 24))
        // One ramp per plane per frame; each row is a slice of it, copied (rows start 2·y bytes further along).
        var ramp = [UInt8](repeating: 0, count: (strides.max() ?? 0) + 512)
        var offset = 0
        for plane in 0..<format.planeCount {
            let chroma = plane > 0
            for index in ramp.indices {
                let value = UInt8(truncatingIfNeeded: index &+ Int(truncatingIfNeeded: number)) ^ high
                ramp[index] = chroma ? 96 &+ (value >> 1) : value
            }
            ramp.withUnsafeBytes { ramp in
                for y in 0..<rows[plane] {
                    let start = (2 * y) & 0xff
                    let count = min(strides[plane], frame.count - offset)
                    guard count > 0 else { return }
                    (frame.baseAddress! + offset).copyMemory(from: ramp.baseAddress! + start, byteCount: count)
                    offset += count
                }
            }
        }
        stamp(frame, number: number)
    }

    /// Writes the frame number and the checksum of the rest into the first 16 bytes.
    public static func stamp(_ frame: UnsafeMutableRawBufferPointer, number: UInt64) {
        frame.storeBytes(of: number.littleEndian, toByteOffset: 0, as: UInt64.self)
        frame.storeBytes(of: checksum(UnsafeRawBufferPointer(frame)).littleEndian, toByteOffset: 8, as: UInt64.self)
    }

    /// The frame number in the stamp when the checksum matches; nil when the frame is torn or not the pattern.
    public static func verify(_ frame: UnsafeRawBufferPointer) -> UInt64? {
        guard frame.count >= stampBytes else { return nil }
        let number = UInt64(littleEndian: frame.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        let stored = UInt64(littleEndian: frame.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        return stored == checksum(frame) ? number : nil
    }

    /// A position-dependent sum of the frame number and every byte after the stamp (rotate-and-add over
    /// little-endian words), so swapped or mixed rows change it.
    public static func checksum(_ frame: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(littleEndian: frame.loadUnaligned(fromByteOffset: 0, as: UInt64.self))
        var offset = stampBytes
        let end = frame.count
        while offset + 8 <= end {
            let word = UInt64(littleEndian: frame.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            hash = ((hash << 7) | (hash >> 57)) &+ word
            offset += 8
        }
        while offset < end {
            hash = ((hash << 7) | (hash >> 57)) &+ UInt64(frame[offset])
            offset += 1
        }
        return hash &* 0xBF58_476D_1CE4_E5B9
    }
}
