import Agent
import Glibc

/// A minimal HTTP/1.1 responder for a handful of GET routes on a trusted network: one connection at a time, the
/// request head read up to 8 KiB within 2 s, every answer `Connection: close` with a `Content-Length`. No bodies are
/// read, nothing is kept per client: what a client can make it hold is one 8 KiB buffer and 2 s.
/// (Why not FlyingFox or Hummingbird: docs/health.md.)
final class HTTPResponder {
    struct Response {
        var status: Int
        var contentType: String
        var body: String
    }

    static let maximumHead = 8192
    let descriptor: Int32
    let address: HTTPListenAddress

    init(address: HTTPListenAddress) throws {
        self.address = address
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw CLIError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_addr.s_addr = address.address
        socketAddress.sin_port = address.port.bigEndian
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw CLIError("cannot listen on \(address): \(reason)")
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Serves until `stop()` returns true (checked at least once a second).
    func run(stop: () -> Bool, _ handle: (_ method: String, _ path: String) -> Response) {
        var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while !stop() {
            guard poll(&pollDescriptor, 1, 1000) > 0 else { continue }
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { continue }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            serve(client, handle)
            close(client)
        }
    }

    private func serve(_ client: Int32, _ handle: (String, String) -> Response) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !Self.headComplete(head) {
            guard head.count < Self.maximumHead else {
                send(client, Response(status: 431, contentType: "text/plain; charset=utf-8", body: "request head over 8 KiB\n"), head: false)
                return
            }
            let count = recv(client, &buffer, min(buffer.count, Self.maximumHead - head.count + 4), 0)
            guard count > 0 else { return }
            head += buffer[0..<count]
        }
        let requestLine = head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        let parts = String(decoding: requestLine, as: UTF8.self).split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            send(client, Response(status: 400, contentType: "text/plain; charset=utf-8", body: "bad request line\n"), head: false)
            return
        }
        let method = String(parts[0])
        let path = String(parts[1].prefix { $0 != "?" })
        guard method == "GET" || method == "HEAD" else {
            send(client, Response(status: 405, contentType: "text/plain; charset=utf-8", body: "only GET and HEAD\n"), head: false)
            return
        }
        send(client, handle(method, path), head: method == "HEAD")
    }

    static func headComplete(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        let tail = Array(bytes.suffix(4))
        return tail == [13, 10, 13, 10] || Array(tail.suffix(2)) == [10, 10]
    }

    private func send(_ client: Int32, _ response: Response, head: Bool) {
        let body = Array(response.body.utf8)
        var text = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        text += "Content-Type: \(response.contentType)\r\nContent-Length: \(body.count)\r\n"
        text += "Cache-Control: no-store\r\nConnection: close\r\n\r\n"
        var bytes = Array(text.utf8)
        if !head { bytes += body }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.send(client, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            offset += written
        }
        shutdown(client, Int32(SHUT_WR))
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
