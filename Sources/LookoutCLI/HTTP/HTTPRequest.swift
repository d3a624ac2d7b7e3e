/// A parsed request head: method, path, query and the few headers `lookout serve` reads. Bodies are never read.
struct HTTPRequest {
    let method: String
    let path: String
    let query: [String: String]
    /// Header names lower-cased; a repeated header keeps its last value.
    let headers: [String: String]

    enum ParseError: Error {
        case badRequestLine
        case methodNotAllowed
    }

    init(head: [UInt8]) throws(ParseError) {
        let text = String(decoding: head, as: UTF8.self)
        var lines = text.split(omittingEmptySubsequences: true) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.makeIterator()
        guard let requestLine = lines.next() else { throw .badRequestLine }
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1."), parts[1].hasPrefix("/") else { throw .badRequestLine }
        method = String(parts[0])
        guard method == "GET" || method == "HEAD" else { throw .methodNotAllowed }
        let target = parts[1]
        path = String(target.prefix { $0 != "?" })
        var query: [String: String] = [:]
        if let mark = target.firstIndex(of: "?") {
            for pair in target[target.index(after: mark)...].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query[String(keyValue[0])] = keyValue.count > 1 ? Self.percentDecoded(keyValue[1]) : ""
            }
        }
        self.query = query
        var headers: [String: String] = [:]
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingSpaces()
        }
        self.headers = headers
    }

    /// `If-None-Match`'s entity tags (weak ones compared as strong: our tags name a frame, not bytes).
    var ifNoneMatch: [String] {
        guard let value = headers["if-none-match"] else { return [] }
        return value.split(separator: ",").map { tag in
            let trimmed = tag.trimmingSpaces()
            return trimmed.hasPrefix("W/") ? String(trimmed.dropFirst(2)) : trimmed
        }
    }

    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") { bytes.append(UInt8(ascii: " ")); continue }
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else { break }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
