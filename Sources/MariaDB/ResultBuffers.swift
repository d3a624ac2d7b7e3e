internal import CMariaDB

/// Result-column binds that fetch every column as text (`MYSQL_TYPE_STRING`) into a fixed buffer per column.
/// Longer values are detected through their reported length and re-read with `mysql_stmt_fetch_column`.
struct ResultBuffers {
    static let bufferSize = 256

    let binds: UnsafeMutablePointer<MYSQL_BIND>
    let lengths: UnsafeMutablePointer<UInt>
    let isNull: UnsafeMutablePointer<CChar>
    private let errors: UnsafeMutablePointer<CChar>
    private let storage: UnsafeMutableRawPointer
    private let capacity: Int

    init(columns: Int) {
        capacity = max(columns, 1)
        binds = .allocate(capacity: capacity)
        binds.initialize(repeating: MYSQL_BIND(), count: capacity)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)
        isNull = .allocate(capacity: capacity)
        isNull.initialize(repeating: 0, count: capacity)
        errors = .allocate(capacity: capacity)
        errors.initialize(repeating: 0, count: capacity)
        storage = .allocate(byteCount: capacity * Self.bufferSize, alignment: 8)

        for column in 0..<columns {
            let bind = binds + column
            bind.pointee.buffer_type = MYSQL_TYPE_STRING
            bind.pointee.buffer = storage + column * Self.bufferSize
            bind.pointee.buffer_length = UInt(Self.bufferSize)
            bind.pointee.length = lengths + column
            bind.pointee.is_null = isNull + column
            bind.pointee.error = errors + column
        }
    }

    /// The column's text in the current row, or nil when it was longer than the buffer.
    func text(_ column: Int) -> String? {
        let length = Int(lengths[column])
        guard length <= Self.bufferSize else { return nil }
        let bytes = UnsafeRawBufferPointer(start: storage + column * Self.bufferSize, count: length)
        return String(decoding: bytes, as: UTF8.self)
    }

    func deallocate() {
        storage.deallocate()
        errors.deallocate()
        isNull.deallocate()
        lengths.deallocate()
        binds.deinitialize(count: capacity)
        binds.deallocate()
    }
}
