import Glibc

/// Whole-file reads with the system's reason on failure ("Is a directory", "Permission denied").
enum TextFile {
    static func read(_ path: String) -> Result<[UInt8], AgentStartError> {
        guard let file = fopen(path, "re") else { return .failure(AgentStartError(String(cString: strerror(errno)))) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes.append(contentsOf: chunk[..<count])
            if count < chunk.count { break }
        }
        if ferror(file) != 0 { return .failure(AgentStartError(String(cString: strerror(errno)))) }
        return .success(bytes)
    }

    /// `bytes` as text without the line endings at its end ("\r\n" is one `Character`, so this works on bytes).
    static func withoutTrailingNewlines(_ bytes: [UInt8]) -> String {
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[end - 1] == UInt8(ascii: "\n") || bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }
}
