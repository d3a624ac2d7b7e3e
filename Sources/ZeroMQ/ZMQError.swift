import CZeroMQ

/// A failed libzmq call: which call, on what, and libzmq's own text for `errno`.
public struct ZMQError: Error, CustomStringConvertible, Sendable, Equatable {
    public let operation: String
    public let errno: Int32
    public let description: String

    init(_ operation: String, errno: Int32 = zmq_errno()) {
        self.operation = operation
        self.errno = errno
        self.description = "\(operation): \(String(cString: zmq_strerror(errno)))"
    }
}
