import Glibc
import LookoutHealth
import LookoutJSON
import ZeroMQ

/// Asks the agent's control socket for HEALTH, failing with a reason a person can act on: no socket, permission
/// denied, no answer in time, or a reply that is not HEALTH.
enum HealthClient {
    enum Failure: Error, CustomStringConvertible, Sendable {
        case noSocket(String)
        case permissionDenied(String)
        case noAnswer(String, seconds: Double)
        case badReply(String)

        var description: String {
            switch self {
            case let .noSocket(path): "no agent socket at \(path): is `lookout run` running?"
            case let .permissionDenied(path):
                "permission denied on \(path): run as root or as a member of the socket's group (bus.group)"
            case let .noAnswer(endpoint, seconds): "no answer from \(endpoint) within \(number(seconds)) s"
            case let .badReply(text): "unexpected reply: \(text)"
            }
        }

        /// For a plugin's summary line.
        var short: String {
            switch self {
            case let .noSocket(path): "no agent at \(path)"
            case let .permissionDenied(path): "\(path): permission denied"
            case let .noAnswer(endpoint, seconds): "no answer from \(endpoint) in \(number(seconds)) s"
            case .badReply: "bad reply from the agent"
            }
        }
    }

    /// For an `ipc://` endpoint: a reason connecting cannot work (libzmq would retry silently), or nil.
    static func socketProblem(_ endpoint: String) -> Failure? {
        guard endpoint.hasPrefix("ipc://") else { return nil }
        let path = String(endpoint.dropFirst("ipc://".count))
        guard !path.hasPrefix("@") else { return nil }
        var info = stat()
        if stat(path, &info) != 0 {
            return errno == EACCES ? .permissionDenied(path) : .noSocket(path)
        }
        if access(path, W_OK) != 0 { return errno == EACCES || errno == EPERM ? .permissionDenied(path) : .noSocket(path) }
        return nil
    }

    static func request(_ verb: String = "HEALTH", endpoint: String, timeout: Double) -> Result<JSONValue, Failure> {
        if let problem = socketProblem(endpoint) { return .failure(problem) }
        do {
            let context = ZMQContext()
            let socket = try ZMQSocket(context, .dealer)
            try socket.connect(endpoint)
            _ = try socket.send([[], Array(verb.utf8)])
            guard let frames = try socket.receive(timeoutMilliseconds: max(1, Int(timeout * 1000))) else {
                return .failure(.noAnswer(endpoint, seconds: timeout))
            }
            let reply = Array(frames.drop { $0.isEmpty })
            guard reply.count == 2, String(decoding: reply[0], as: UTF8.self) == "OK", let body = try? JSONValue.parse(reply[1]) else {
                return .failure(.badReply(reply.map { String(decoding: $0.prefix(200), as: UTF8.self) }.joined(separator: " | ")))
            }
            return .success(body)
        } catch {
            return .failure(.badReply("\(error)"))
        }
    }
}

extension JSONValue {
    var doubleValue: Double? {
        switch self {
        case let .double(value): value
        case let .int(value): Double(value)
        case let .uint(value): Double(value)
        default: nil
        }
    }

    var boolValue: Bool? {
        if case let .bool(value) = self { return value }
        return nil
    }

    var intValue: Int? { doubleValue.flatMap { $0 == $0.rounded() ? Int(exactly: $0) : nil } }
}
