import Agent
import Glibc
import Pictures

/// What the application wants done with a request.
enum HTTPAction {
    case respond(HTTPResponse)
    /// A worker will answer through `HTTPServer.respond` (the mailbox wakes the poll thread).
    case wait
    /// Send this head, then keep the connection for `HTTPServer.push` (MJPEG, Server-Sent Events).
    case stream(head: [UInt8])
}

/// The poll thread's view of the routes: `lookout serve`'s router.
protocol HTTPApplication: AnyObject {
    func handle(_ request: HTTPRequest, connection: UInt64, server: HTTPServer) -> HTTPAction
    /// After every wake-up (a request, a worker's result, a timeout): start due encodes, push frames.
    func tick(server: HTTPServer, now: Double)
    /// The next time `tick` has something to do, if any (caps the poll timeout).
    func nextDeadline(now: Double) -> Double?
    func closed(_ connection: UInt64)
    /// A worker's or the bus thread's message other than a finished answer.
    func deliver(_ message: WorkerMessage, server: HTTPServer)
}

/// What worker threads hand to the poll thread through `HTTPServer.mailbox`.
enum WorkerMessage: Sendable {
    case response(UInt64, HTTPResponse)
    case streamPicture(key: String, Result<Picture, PictureError>)
    case busEvent([UInt8])
}

/// A single-threaded, non-blocking HTTP/1.1 server for many concurrent long-lived clients: one `poll` over the listening
/// socket, a wake-up eventfd and every connection. Everything a client can make it hold is bounded: the number of
/// connections, the request head (8 KiB within 10 s), the bytes queued for a stream (`push` skips or closes), and time
/// (no progress on a pending answer for 30 s closes it). Answers close their connection. Slow work (encoding) happens
/// on workers; the poll thread only copies bytes, so probes stay fast while pictures are made.
final class HTTPServer {
    struct Limits {
        var connections = 256
        var head = 8192
        var headSeconds = 10.0
        var stallSeconds = 30.0
    }

    enum PushResult {
        case queued
        /// The client still had bytes pending: a frame is skipped rather than queued.
        case skipped
        case closed
    }

    let address: HTTPListenAddress
    let limits: Limits
    private let listener: Int32
    private var connections: [UInt64: HTTPConnection] = [:]
    private var nextID: UInt64 = 1
    let mailbox = Mailbox<WorkerMessage>()

    init(address: HTTPListenAddress, limits: Limits = Limits()) throws {
        self.address = address
        self.limits = limits
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
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
        guard bound == 0, listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw CLIError("cannot listen on \(address): \(reason)")
        }
        listener = fd
    }

    deinit {
        for connection in connections.values { close(connection.descriptor) }
        close(listener)
    }

    var connectionCount: Int { connections.count }

    /// Serves until `stop()` returns true (checked at least every 250 ms).
    func run(_ application: any HTTPApplication, stop: () -> Bool) {
        var descriptors: [pollfd] = []
        var order: [HTTPConnection] = []
        while !stop() {
            let now = MonotonicSeconds.now
            descriptors.removeAll(keepingCapacity: true)
            order.removeAll(keepingCapacity: true)
            descriptors.append(pollfd(fd: listener, events: connections.count < limits.connections ? Int16(POLLIN) : 0, revents: 0))
            descriptors.append(pollfd(fd: mailbox.descriptor, events: Int16(POLLIN), revents: 0))
            for connection in connections.values {
                var events: Int16 = 0
                if connection.phase != .answering { events |= Int16(POLLIN) }
                if connection.pendingBytes > 0 { events |= Int16(POLLOUT) }
                descriptors.append(pollfd(fd: connection.descriptor, events: events, revents: 0))
                order.append(connection)
            }
            var timeout = 250.0
            if let deadline = application.nextDeadline(now: now) { timeout = min(timeout, max(0, (deadline - now) * 1000)) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), Int32(timeout.rounded(.up)))
            let after = MonotonicSeconds.now
            if ready > 0 {
                if descriptors[1].revents != 0 {
                    for message in mailbox.drain() {
                        if case let .response(id, response) = message { respond(id, response) } else { application.deliver(message, server: self) }
                    }
                }
                for (index, connection) in order.enumerated() where descriptors[index + 2].revents != 0 {
                    guard connections[connection.id] != nil else { continue }
                    service(connection, events: descriptors[index + 2].revents, application: application, now: after)
                }
                if descriptors[0].revents & Int16(POLLIN) != 0 { acceptClients(now: after) }
            }
            expire(application, now: after)
            application.tick(server: self, now: after)
        }
    }

    /// A worker's answer for a waiting connection (ignored when the client left meanwhile).
    func respond(_ id: UInt64, _ response: HTTPResponse) {
        guard let connection = connections[id], connection.phase == .waiting || connection.phase == .head else { return }
        connection.phase = .answering
        connection.enqueue(connection.headOnly ? [response.head()] : [response.head(), response.body])
        flush(connection)
    }

    /// Queues parts of a stream. `skipIfBusy`: drop them when the client has not taken the previous ones yet (a slow
    /// MJPEG viewer skips frames); otherwise a client holding more than `limit` bytes is closed (an SSE client that
    /// stopped reading).
    @discardableResult
    func push(_ id: UInt64, _ chunks: [[UInt8]], skipIfBusy: Bool, limit: Int = 256 << 10) -> PushResult {
        guard let connection = connections[id], connection.phase == .streaming else { return .closed }
        if skipIfBusy && (connection.pendingBytes > 0 || Self.unsentBytes(connection.descriptor) > 0) {
            return .skipped
        }
        connection.enqueue(chunks)
        if connection.pendingBytes > limit && !skipIfBusy {
            drop(connection)
            return .closed
        }
        flush(connection)
        return connections[id] == nil ? .closed : .queued
    }

    private var closedIDs: [UInt64] = []

    /// Bytes the kernel has not sent yet on the socket (SIOCOUTQNSD; bytes in flight awaiting an ACK do not count):
    /// a viewer whose previous frame is still there is not reading as fast as frames come.
    static func unsentBytes(_ descriptor: Int32) -> Int {
        var count: Int32 = 0
        return ioctl(descriptor, 0x894B /* SIOCOUTQNSD, linux/sockios.h */, &count) == 0 ? Int(count) : 0
    }

    private func acceptClients(now: Double) {
        while connections.count < limits.connections {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            let connection = HTTPConnection(id: nextID, descriptor: fd, now: now)
            nextID += 1
            connections[connection.id] = connection
        }
    }

    private func service(_ connection: HTTPConnection, events: Int16, application: any HTTPApplication, now: Double) {
        if events & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            switch connection.phase {
            case .head: readHead(connection, application: application)
            case .waiting, .streaming: discardInput(connection)
            case .answering: break
            }
        }
        if connections[connection.id] != nil, events & Int16(POLLOUT) != 0 {
            let before = connection.pendingBytes
            flush(connection)
            if connection.pendingBytes < before { connection.lastProgress = now }
        }
    }

    private func readHead(_ connection: HTTPConnection, application: any HTTPApplication) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let room = limits.head + 4 - connection.head.count
            let count = recv(connection.descriptor, &buffer, min(buffer.count, room), 0)
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
                drop(connection)
                return
            }
            guard count > 0 else { return }
            connection.head += buffer[0..<count]
            if let end = Self.headEnd(connection.head) {
                let request: HTTPRequest
                do {
                    request = try HTTPRequest(head: Array(connection.head[..<end]))
                } catch .methodNotAllowed {
                    connection.phase = .waiting
                    respond(connection.id, HTTPResponse(status: 405, text: "only GET and HEAD\n"))
                    return
                } catch {
                    connection.phase = .waiting
                    respond(connection.id, HTTPResponse(status: 400, text: "bad request line\n"))
                    return
                }
                connection.head = []
                connection.headOnly = request.method == "HEAD"
                connection.phase = .waiting
                switch application.handle(request, connection: connection.id, server: self) {
                case let .respond(response): respond(connection.id, response)
                case .wait: break
                case let .stream(head):
                    connection.phase = .streaming
                    // A small send buffer keeps a slow viewer's backlog (and its delay) to about one frame.
                    var size: Int32 = 64 << 10
                    setsockopt(connection.descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
                    connection.enqueue([head])
                    if connection.headOnly {
                        connection.phase = .answering
                        application.closed(connection.id)
                    }
                    flush(connection)
                }
                return
            }
            if connection.head.count > limits.head {
                connection.phase = .waiting
                respond(connection.id, HTTPResponse(status: 431, text: "request head over \(limits.head / 1024) KiB\n"))
                return
            }
        }
    }

    /// Clients of a stream send nothing more; reading tells when they leave.
    private func discardInput(_ connection: HTTPConnection) {
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = recv(connection.descriptor, &buffer, buffer.count, 0)
            if count > 0 { continue }
            if count == 0 || (errno != EAGAIN && errno != EINTR) { drop(connection) }
            return
        }
    }

    private func flush(_ connection: HTTPConnection) {
        while let first = connection.pending.first {
            let written = first.withUnsafeBytes {
                send(connection.descriptor, $0.baseAddress! + connection.sentOfFirst, $0.count - connection.sentOfFirst, Int32(MSG_NOSIGNAL))
            }
            if written < 0 {
                if errno == EAGAIN || errno == EINTR { return }
                drop(connection)
                return
            }
            connection.sentOfFirst += written
            connection.pendingBytes -= written
            if connection.sentOfFirst == first.count {
                connection.pending.removeFirst()
                connection.sentOfFirst = 0
            }
        }
        if connection.phase == .answering {
            shutdown(connection.descriptor, Int32(SHUT_WR))
            drop(connection)
        }
    }

    private func drop(_ connection: HTTPConnection) {
        guard connections.removeValue(forKey: connection.id) != nil else { return }
        close(connection.descriptor)
        closedIDs.append(connection.id)
    }

    private func expire(_ application: any HTTPApplication, now: Double) {
        for connection in connections.values {
            if connection.phase == .head {
                if now - connection.acceptedAt > limits.headSeconds { drop(connection) }
            } else if connection.pendingBytes == 0 {
                connection.lastProgress = now
            } else if now - connection.lastProgress > limits.stallSeconds {
                drop(connection)
            }
        }
        for id in closedIDs { application.closed(id) }
        closedIDs.removeAll()
    }

    /// The index just past the blank line that ends a request head, if it arrived.
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 10 {
                if bytes[index + 1] == 10 { return index + 2 }
                if bytes[index + 1] == 13, index + 2 < bytes.count, bytes[index + 2] == 10 { return index + 3 }
            }
            index += 1
        }
        return nil
    }
}
