import CZeroMQ

public enum ZMQPoll {
    /// Waits until one of `sockets` has a message to receive or the timeout passes; returns readability per socket.
    /// An interrupted wait (EINTR, e.g. a signal) returns all false rather than throwing.
    public static func readable(_ sockets: [ZMQSocket], timeoutMilliseconds: Int) throws(ZMQError) -> [Bool] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0) }
        let count = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
        if count < 0 {
            let error = zmq_errno()
            if error == EINTR { return sockets.map { _ in false } }
            throw ZMQError("zmq_poll", errno: error)
        }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}

extension ZMQPoll {
    /// What `wait(sockets:fileDescriptor:)` saw: readability per socket, and the descriptor's `revents`.
    public struct Readiness: Sendable {
        public var sockets: [Bool]
        public var fileDescriptor: Int16

        public init(sockets: [Bool], fileDescriptor: Int16) {
            self.sockets = sockets
            self.fileDescriptor = fileDescriptor
        }
    }

    /// Like `readable(_:timeoutMilliseconds:)` with one plain file descriptor as well (a client library's TCP
    /// socket), watched for `events` (`POLLIN`, `POLLOUT`); a negative descriptor is left out.
    public static func wait(
        _ sockets: [ZMQSocket], fileDescriptor: Int32, events: Int16, timeoutMilliseconds: Int
    ) throws(ZMQError) -> Readiness {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0) }
        if fileDescriptor >= 0 { items.append(zmq_pollitem_t(socket: nil, fd: fileDescriptor, events: events, revents: 0)) }
        let count = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
        if count < 0 {
            let error = zmq_errno()
            if error == EINTR { return Readiness(sockets: sockets.map { _ in false }, fileDescriptor: 0) }
            throw ZMQError("zmq_poll", errno: error)
        }
        return Readiness(
            sockets: items.prefix(sockets.count).map { $0.revents & Int16(ZMQ_POLLIN) != 0 },
            fileDescriptor: fileDescriptor >= 0 ? items[sockets.count].revents : 0)
    }
}
