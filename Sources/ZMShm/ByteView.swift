/// Little-endian, unaligned field access to a private copy of segment bytes.
///
/// Callers pass offsets from the layout tables and size the copy from the same tables, so an
/// out-of-range offset is a bug in this module, caught by the buffer's own debug bounds checks.
struct ByteView {
    let bytes: UnsafeRawBufferPointer

    func u8(_ offset: Int) -> UInt8 { bytes[offset] }
    func u32(_ offset: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    func i32(_ offset: Int) -> Int32 { Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)) }
    func u64(_ offset: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    func i64(_ offset: Int) -> Int64 { Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int64.self)) }
    func f64(_ offset: Int) -> Double { Double(bitPattern: u64(offset)) }

    func array(_ offset: Int, count: Int) -> [UInt8] { Array(bytes[offset..<offset + count]) }

    /// A `char[capacity]` field up to its first NUL (or the whole buffer if there is none).
    func cString(_ offset: Int, capacity: Int) -> ZMString {
        let field = bytes[offset..<offset + capacity]
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return ZMString(bytes: Array(bytes[offset..<end]))
    }
}
