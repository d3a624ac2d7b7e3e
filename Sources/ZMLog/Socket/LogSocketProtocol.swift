/// The local hand-off between `zmlog` and a process that owns the database batching (the Lookout agent):
/// a unix **datagram** socket (default `/run/lookout/log.sock`, env `LOOKOUT_LOG_SOCKET`); each datagram is one
/// finished `Logs` row: the 5 bytes `ZMLR1` followed by `LogsRowCodec`'s encoding. `zmlog` still writes the file,
/// syslog and terminal itself (they depend on its own environment and are cheap); only the row travels.
/// Datagrams keep message boundaries, so messages with newlines need no escaping.
public enum LogSocketProtocol {
    public static let defaultPath = "/run/lookout/log.sock"
    public static let environmentVariable = "LOOKOUT_LOG_SOCKET"
    static let magic: [UInt8] = Array("ZMLR1".utf8)

    public static func encode(_ row: LogsRow) -> [UInt8] {
        var bytes = magic
        LogsRowCodec.encode(row, into: &bytes)
        return bytes
    }

    public static func decode(_ bytes: UnsafeRawBufferPointer) -> LogsRow? {
        guard bytes.count > magic.count, bytes.prefix(magic.count).elementsEqual(magic) else { return nil }
        return LogsRowCodec.decode(UnsafeRawBufferPointer(rebasing: bytes[magic.count...]))
    }
}
