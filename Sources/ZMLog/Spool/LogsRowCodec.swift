/// A compact binary form of `LogsRow`, used by the on-disk spool and the zmlog→agent socket.
///
/// Little-endian: seconds i64, microseconds i32, pid i32, level i8, serverId flag u8 + i64, line flag u8 + u16,
/// then component, code, message and file (file: flag u8 first) as u32 length + UTF-8 bytes.
enum LogsRowCodec {
    static func encode(_ row: LogsRow, into bytes: inout [UInt8]) {
        append(row.timestamp.seconds, &bytes)
        append(row.timestamp.microseconds, &bytes)
        append(row.pid, &bytes)
        bytes.append(UInt8(bitPattern: row.level))
        bytes.append(row.serverId == nil ? 0 : 1)
        append(row.serverId ?? 0, &bytes)
        bytes.append(row.line == nil ? 0 : 1)
        append(row.line ?? 0, &bytes)
        appendText(row.component, &bytes)
        appendText(row.code, &bytes)
        appendText(row.message, &bytes)
        bytes.append(row.file == nil ? 0 : 1)
        appendText(row.file ?? "", &bytes)
    }

    static func encode(_ row: LogsRow) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64 + row.message.utf8.count)
        encode(row, into: &bytes)
        return bytes
    }

    /// Nil when the bytes are not one whole row.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> LogsRow? {
        var reader = Reader(bytes: bytes)
        guard let seconds = reader.read(Int64.self), let micros = reader.read(Int32.self),
            let pid = reader.read(Int32.self), let level = reader.read(Int8.self),
            let hasServer = reader.read(UInt8.self), let server = reader.read(Int64.self),
            let hasLine = reader.read(UInt8.self), let line = reader.read(UInt16.self),
            let component = reader.text(), let code = reader.text(), let message = reader.text(),
            let hasFile = reader.read(UInt8.self), let file = reader.text(), reader.offset == bytes.count
        else { return nil }
        return LogsRow(
            timestamp: LogTimestamp(seconds: seconds, microseconds: micros), component: component,
            serverId: hasServer == 0 ? nil : server, pid: pid, level: level, code: code, message: message,
            file: hasFile == 0 ? nil : file, line: hasLine == 0 ? nil : line)
    }

    static func append<T: FixedWidthInteger>(_ value: T, _ bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private static func appendText(_ text: String, _ bytes: inout [UInt8]) {
        append(UInt32(text.utf8.count), &bytes)
        bytes.append(contentsOf: text.utf8)
    }

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func read<T: FixedWidthInteger>(_: T.Type) -> T? {
            let size = MemoryLayout<T>.size
            guard offset + size <= bytes.count else { return nil }
            defer { offset += size }
            return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        }

        mutating func text() -> String? {
            guard let length = read(UInt32.self).map(Int.init), offset + length <= bytes.count else { return nil }
            defer { offset += length }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]), as: UTF8.self)
        }
    }
}
