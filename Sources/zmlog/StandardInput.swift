import Glibc

/// Raw byte input: stdin split on `\n` (a trailing `\r` is kept, as ZoneMinder keeps it) and small files.
enum StandardInput {
    static func forEachLine(_ body: ([UInt8]) -> Void) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            var start = 0
            for index in 0..<count where chunk[index] == 0x0A {
                pending.append(contentsOf: chunk[start..<index])
                body(pending)
                pending.removeAll(keepingCapacity: true)
                start = index + 1
            }
            pending.append(contentsOf: chunk[start..<count])
        }
        if !pending.isEmpty { body(pending) }
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
