import Glibc

/// The TCP side of the listener: one non-blocking listening socket and the clients it accepted. Every buffer is
/// bounded (a line, a client's unsent notices) and so is the number of clients; nothing here ever blocks.
final class TriggerConnections {
    struct Limits: Sendable {
        var maximumConnections: Int
        var maximumLineBytes: Int
        var idleSeconds: Double
        /// Notices queued for a client that does not read; beyond this, notices for it are dropped.
        var maximumPendingOutputBytes = 65_536
    }

    enum Event {
        case line(connection: Int, String)
        case accepted(connection: Int, peer: String, open: Int)
        case refused(peer: String, open: Int)
        case closed(connection: Int, peer: String, reason: String, open: Int)
        case overlong(connection: Int, peer: String)
        case noticesDropped(connection: Int, peer: String)
    }

    final class Client {
        let id: Int
        let descriptor: Int32
        let peer: String
        var input: [UInt8] = []
        /// Set while the rest of an over-long line is being discarded.
        var discarding = false
        var output: [UInt8] = []
        var lastActivity: Double
        var warnedDrop = false

        init(id: Int, descriptor: Int32, peer: String, now: Double) {
            self.id = id
            self.descriptor = descriptor
            self.peer = peer
            lastActivity = now
        }
    }

    let limits: Limits
    let listening: Int32
    private(set) var clients: [Int32: Client] = [:]
    private var nextID = 1

    init(address: in_addr_t, port: UInt16, limits: Limits) throws(TriggerListenError) {
        self.limits = limits
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw TriggerListenError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = port.bigEndian
        socketAddress.sin_addr = in_addr(s_addr: address)
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else {
            let message = String(cString: strerror(errno))
            close(descriptor)
            throw TriggerListenError("cannot listen on port \(port): \(message)")
        }
        listening = descriptor
    }

    /// The port actually bound (the configured one, or the kernel's choice for port 0).
    var port: UInt16 {
        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listening, $0, &length) }
        }
        return UInt16(bigEndian: bound.sin_port)
    }

    func closeAll() {
        for client in clients.values { close(client.descriptor) }
        clients = [:]
        close(listening)
    }

    /// What to poll: the listening socket, every client for input, and for output while it has some.
    var pollRequests: [(descriptor: Int32, write: Bool)] {
        [(listening, false)] + clients.values.map { ($0.descriptor, !$0.output.isEmpty) }
    }

    func acceptPending(now: Double) -> [Event] {
        var events: [Event] = []
        for _ in 0..<64 {
            var peerAddress = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let descriptor = withUnsafeMutablePointer(to: &peerAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listening, $0, &length) }
            }
            guard descriptor >= 0 else { break }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            let peer = Self.describe(peerAddress)
            guard clients.count < limits.maximumConnections else {
                close(descriptor)
                events.append(.refused(peer: peer, open: clients.count))
                continue
            }
            let client = Client(id: nextID, descriptor: descriptor, peer: peer, now: now)
            nextID += 1
            clients[descriptor] = client
            events.append(.accepted(connection: client.id, peer: peer, open: clients.count))
        }
        return events
    }

    /// Reads what `descriptor` has (at most 16 KiB per wake-up, so one client cannot hold the thread), writes pending
    /// output, and returns complete lines (`\n` or `\r\n`, as zmtrigger's `split(/\r?\n/)`).
    func service(_ descriptor: Int32, readable: Bool, writable: Bool, now: Double) -> [Event] {
        guard let client = clients[descriptor] else { return [] }
        var events: [Event] = []
        if writable { flush(client) }
        guard readable else { return events }
        var buffer = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<4 {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
                if !client.input.isEmpty && !client.discarding { events.append(.line(connection: client.id, String(decoding: client.input, as: UTF8.self))) }
                events.append(drop(client, reason: count == 0 ? "closed by the client" : String(cString: strerror(errno))))
                return events
            }
            guard count > 0 else { break }
            client.lastActivity = now
            for byte in buffer[0..<count] {
                if byte == UInt8(ascii: "\n") {
                    if client.input.last == UInt8(ascii: "\r") { client.input.removeLast() }
                    if !client.discarding { events.append(.line(connection: client.id, String(decoding: client.input, as: UTF8.self))) }
                    client.input.removeAll(keepingCapacity: true)
                    client.discarding = false
                } else if !client.discarding {
                    client.input.append(byte)
                    if client.input.count > limits.maximumLineBytes {
                        client.input.removeAll()
                        client.discarding = true
                        events.append(.overlong(connection: client.id, peer: client.peer))
                    }
                }
            }
            if count < buffer.count { break }
        }
        return events
    }

    /// Queues `text` for every client, as zmtrigger writes its notices to every connection.
    func broadcast(_ text: String) -> [Event] {
        var events: [Event] = []
        for client in clients.values {
            guard client.output.count + text.utf8.count <= limits.maximumPendingOutputBytes else {
                if !client.warnedDrop { events.append(.noticesDropped(connection: client.id, peer: client.peer)) }
                client.warnedDrop = true
                continue
            }
            client.output.append(contentsOf: text.utf8)
            flush(client)
        }
        return events
    }

    func expireIdle(now: Double) -> [Event] {
        guard limits.idleSeconds > 0 else { return [] }
        return clients.values.filter { now - $0.lastActivity >= limits.idleSeconds }
            .map { drop($0, reason: "idle for \(Int(limits.idleSeconds)) s") }
    }

    var nextIdleDeadline: Double? {
        guard limits.idleSeconds > 0 else { return nil }
        return clients.values.map(\.lastActivity).min().map { $0 + limits.idleSeconds }
    }

    private func flush(_ client: Client) {
        while !client.output.isEmpty {
            let written = client.output.withUnsafeBytes { send(client.descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { return }
            client.output.removeFirst(written)
            client.warnedDrop = false
        }
    }

    private func drop(_ client: Client, reason: String) -> Event {
        close(client.descriptor)
        clients[client.descriptor] = nil
        return .closed(connection: client.id, peer: client.peer, reason: reason, open: clients.count)
    }

    private static func describe(_ address: sockaddr_in) -> String {
        var address = address
        var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &address.sin_addr, &text, socklen_t(text.count))
        let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(host):\(UInt16(bigEndian: address.sin_port))"
    }
}

public struct TriggerListenError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
