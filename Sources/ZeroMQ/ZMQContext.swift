import CZeroMQ

/// A libzmq context. libzmq documents contexts as thread-safe, so one may be shared freely.
public final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    /// - Parameter ioThreads: libzmq I/O threads; one is plenty for a local bus.
    public init(ioThreads: Int32 = 1) {
        handle = zmq_ctx_new()
        zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads)
    }

    deinit { zmq_ctx_term(handle) }
}
