internal import CMariaDB

/// `MYSQL_BIND` array plus the memory it points at, for binding prepared-statement parameters.
/// Manually deallocated so the lifetime is explicit: the library reads the buffers during `mysql_stmt_execute`.
struct ParameterBuffers {
    let binds: UnsafeMutablePointer<MYSQL_BIND>
    private let lengths: UnsafeMutablePointer<UInt>
    private let capacity: Int
    private var values: [UnsafeMutableRawPointer] = []

    init(_ parameters: [MariaDBValue]) {
        capacity = max(parameters.count, 1)
        binds = .allocate(capacity: capacity)
        binds.initialize(repeating: MYSQL_BIND(), count: capacity)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)

        for (index, parameter) in parameters.enumerated() {
            let bind = binds + index
            switch parameter {
            case .int(let value):
                bind.pointee.buffer_type = MYSQL_TYPE_LONGLONG
                bind.pointee.buffer = store(value)
            case .uint(let value):
                bind.pointee.buffer_type = MYSQL_TYPE_LONGLONG
                bind.pointee.is_unsigned = 1
                bind.pointee.buffer = store(value)
            case .double(let value):
                bind.pointee.buffer_type = MYSQL_TYPE_DOUBLE
                bind.pointee.buffer = store(value)
            case .text(let text):
                let bytes = Array(text.utf8)
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
                buffer.copyMemory(from: bytes, byteCount: bytes.count)
                values.append(buffer)
                lengths[index] = UInt(bytes.count)
                bind.pointee.buffer_type = MYSQL_TYPE_STRING
                bind.pointee.buffer = buffer
                bind.pointee.buffer_length = UInt(bytes.count)
                bind.pointee.length = lengths + index
            case .null:
                bind.pointee.buffer_type = MYSQL_TYPE_NULL
            }
        }
    }

    private mutating func store<T: BitwiseCopyable>(_ value: T) -> UnsafeMutableRawPointer {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
        buffer.storeBytes(of: value, as: T.self)
        values.append(buffer)
        return buffer
    }

    func deallocate() {
        for value in values { value.deallocate() }
        lengths.deallocate()
        binds.deinitialize(count: capacity)
        binds.deallocate()
    }
}
