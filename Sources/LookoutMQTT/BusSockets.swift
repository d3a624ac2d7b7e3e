import CZeroMQ
import ZeroMQ

/// The bridge's two sockets on its own agent: a SUB on the publish endpoint (every topic) and a DEALER on the control
/// endpoint (SNAPSHOT, TRIGGER). The DEALER can be replaced when a reply never comes.
final class BusSockets {
    let subscriber: ZMQSocket
    private(set) var control: ZMQSocket
    private let zmq: ZMQContext
    private let controlEndpoint: String

    init(zmq: ZMQContext, publish: String, control endpoint: String) throws(ZMQError) {
        self.zmq = zmq
        controlEndpoint = endpoint
        subscriber = try ZMQSocket(zmq, .sub)
        // A bridge that falls this far behind re-synchronises from a snapshot (a gap in gseq) instead of holding more.
        try subscriber.setOption(ZMQ_RCVHWM, Int32(100_000))
        try subscriber.subscribe("")
        try subscriber.connect(publish)
        control = try Self.dealer(zmq, endpoint)
    }

    private static func dealer(_ zmq: ZMQContext, _ endpoint: String) throws(ZMQError) -> ZMQSocket {
        let socket = try ZMQSocket(zmq, .dealer)
        try socket.setOption(ZMQ_SNDHWM, Int32(64))
        try socket.connect(endpoint)
        return socket
    }

    func resetControl() throws(ZMQError) {
        control.close()
        control = try Self.dealer(zmq, controlEndpoint)
    }

    /// Sends `[ "", frames... ]` without waiting; false when it could not be queued.
    func request(_ frames: [String]) -> Bool {
        (try? control.send([""] + frames)) == .sent
    }

    func close() {
        subscriber.close()
        control.close()
    }
}
