import Glibc

/// Raw byte input: stdin split on `\n` (a trailing `\r` is kept, as ZoneMinder keeps it) and small files.
enum StandardInput {
    /// Calls `body` with each line's first `keptBytes` bytes (cut back to a whole UTF-8 character when the line is
    /// longer); the rest of a long line is read and discarded, never held, so memory stays bounded whatever comes in.
    static func forEachLine(keepingAtMost keptBytes: Int, _ body: ([UInt8]) -> Void) {
        var pending: [UInt8] = []
        pending.reserveCapacity(keptBytes)
        var truncated = false
        var chunk = [UInt8](repeating: 0, count: 65536)
        func keep(_ bytes: ArraySlice<UInt8>) {
            let room = keptBytes - pending.count
            if bytes.count > room { truncated = true }
            pending.append(contentsOf: bytes.prefix(max(room, 0)))
        }
        func finishLine() {
            body(truncated ? wholeCharacters(pending) : pending)
            pending.removeAll(keepingCapacity: true)
            truncated = false
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            var start = 0
            for index in 0..<count where chunk[index] == 0x0A {
                keep(chunk[start..<index])
                finishLine()
                start = index + 1
            }
            keep(chunk[start..<count])
        }
        if !pending.isEmpty || truncated { finishLine() }
    }

    /// `bytes` without a UTF-8 sequence cut short at its end.
    static func wholeCharacters(_ bytes: [UInt8]) -> [UInt8] {
        var lead = bytes.count - 1
        while lead >= 0, bytes[lead] & 0xC0 == 0x80, bytes.count - lead < 4 { lead -= 1 }
        guard lead >= 0 else { return bytes }
        let byte = bytes[lead]
        let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
        return bytes.count - lead < length ? Array(bytes[..<lead]) : bytes
    }

    struct ReadError: Error {}

    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError() }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw ReadError() }
        return Array(buffer[..<count])
    }
}
