import CZeroMQ
import LookoutJSON
import ZeroMQ

/// The ROUTER socket that answers snapshot, health and command requests. Works with REQ clients (which add an
/// empty delimiter frame) and DEALER clients (which need not); the reply goes back with the same envelope.
///
/// Not thread-safe: the agent's loop thread owns it.
public final class ControlServer {
    public static let maximumRequestBytes: Int64 = 64 * 1024
    private let socket: ZMQSocket
    public private(set) var requestsServed: UInt64 = 0
    public private(set) var requestsRejected: UInt64 = 0

    public init(context: ZMQContext, endpoint: String, sendHighWaterMark: Int32) throws(ZMQError) {
        socket = try ZMQSocket(context, .router)
        // A request larger than this closes that client's connection inside libzmq instead of reaching us.
        try socket.setOption(ZMQ_MAXMSGSIZE, Self.maximumRequestBytes)
        try socket.setOption(ZMQ_SNDHWM, sendHighWaterMark)
        try socket.bind(endpoint)
    }

    public var pollSocket: ZMQSocket { socket }

    /// Answers every request waiting now (at most `limit`, so a flood cannot starve the poll loop).
    public func servePending(limit: Int = 64, _ handle: (ControlRequest) -> Result<JSONValue, ControlError>) {
        for _ in 0..<limit {
            guard let frames = try? socket.receive(timeoutMilliseconds: 0) else { return }
            guard let identity = frames.first else { continue }
            var rest = frames.dropFirst()
            var envelope = [identity]
            if rest.first?.isEmpty == true {
                envelope.append([])
                rest = rest.dropFirst()
            }
            let reply: [[UInt8]]
            switch ControlRequest.parse(Array(rest)).flatMap(handle) {
            case let .success(body):
                requestsServed += 1
                reply = [Array("OK".utf8), Array(body.rendered().utf8)]
            case let .failure(error):
                requestsRejected += 1
                reply = [Array("ERR".utf8), Array(error.json.rendered().utf8)]
            }
            // A client that vanished or stopped reading loses its reply; the loop never waits for it.
            _ = try? socket.send(envelope + reply)
        }
    }

    public func close() { socket.close() }
}
