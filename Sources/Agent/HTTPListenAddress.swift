import Glibc

/// `ADDRESS:PORT` for `lookout serve`: an IPv4 address (`127.0.0.1`, `0.0.0.0`) or `localhost`, and a port 1–65535.
public struct HTTPListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// Network byte order, as `sockaddr_in` wants it.
    public let address: in_addr_t
    public let port: UInt16
    public let host: String

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]), port > 0 else { return nil }
        let host = String(text[..<colon])
        var parsed = in_addr()
        guard inet_pton(AF_INET, host == "localhost" ? "127.0.0.1" : host, &parsed) == 1 else { return nil }
        self.address = parsed.s_addr
        self.port = port
        self.host = host
    }

    /// 127.0.0.0/8.
    public var isLoopback: Bool { UInt32(bigEndian: address) >> 24 == 127 }

    public var description: String { "\(host):\(port)" }
}
