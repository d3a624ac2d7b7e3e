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

