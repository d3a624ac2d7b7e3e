import CZeroMQ

extension ZMQPoll {
    public struct DescriptorReady: Sendable, Equatable {
        /// Input, end of file or an error: a `read` will not block and tells which.
        public var readable: Bool
        public var writable: Bool

        public init(readable: Bool, writable: Bool) {
            self.readable = readable
            self.writable = writable
        }
    }

    /// One wait over libzmq sockets (readable) and plain file descriptors (readable; writable too when asked), such
    /// as a client library's TCP socket or a pipe from another thread;
    /// EINTR returns nothing ready rather than throwing.
    public static func wait(
        _ sockets: [ZMQSocket], descriptors: [(descriptor: Int32, write: Bool)], timeoutMilliseconds: Int
    ) throws(ZMQError) -> (sockets: [Bool], descriptors: [DescriptorReady]) {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0) }
        items += descriptors.map {
            zmq_pollitem_t(socket: nil, fd: $0.descriptor, events: Int16(ZMQ_POLLIN) | ($0.write ? Int16(ZMQ_POLLOUT) : 0), revents: 0)
        }
        let count = zmq_poll(&items, Int32(items.count), timeoutMilliseconds)
        if count < 0 {
            let error = zmq_errno()
            if error == EINTR { return (sockets.map { _ in false }, descriptors.map { _ in DescriptorReady(readable: false, writable: false) }) }
            throw ZMQError("zmq_poll", errno: error)
        }
        let ready = items.dropFirst(sockets.count).map {
            DescriptorReady(readable: $0.revents & Int16(ZMQ_POLLIN | ZMQ_POLLERR) != 0, writable: $0.revents & Int16(ZMQ_POLLOUT) != 0)
        }
        return (items.prefix(sockets.count).map { $0.revents & Int16(ZMQ_POLLIN) != 0 }, ready)
    }
}
