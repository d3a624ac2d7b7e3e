import CZeroMQ

/// One libzmq socket. libzmq sockets are not thread-safe: exactly one thread may use a socket at a time,
/// which is why this is `@unchecked Sendable` (it may be handed to the thread that will own it) and not more.
public final class ZMQSocket: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer
    private let context: ZMQContext
    private var closed = false
    /// Used since `ZMQWaitSet` last asked libzmq for its events: its `ZMQ_FD` is edge-triggered, and a send or a
    /// receive may have taken the signal of a message still waiting, so the next wait asks first.
    var usedSinceEventsCheck = true

    public init(_ context: ZMQContext, _ type: ZMQSocketType) throws(ZMQError) {
        guard let handle = zmq_socket(context.handle, type.raw) else { throw ZMQError("zmq_socket") }
        self.handle = handle
        self.context = context
        try setOption(ZMQ_LINGER, Int32(0))
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        zmq_close(handle)
    }

    public func setOption(_ option: Int32, _ value: Int32) throws(ZMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw ZMQError("zmq_setsockopt(\(option), \(value))")
        }
    }

    public func setOption(_ option: Int32, _ value: Int64) throws(ZMQError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size) == 0 else {
            throw ZMQError("zmq_setsockopt(\(option), \(value))")
        }
    }

    public func setOption(_ option: Int32, _ bytes: [UInt8]) throws(ZMQError) {
        let result = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard result == 0 else { throw ZMQError("zmq_setsockopt(\(option))") }
    }

    public func subscribe(_ prefix: String) throws(ZMQError) { try setOption(ZMQ_SUBSCRIBE, Array(prefix.utf8)) }

    public func bind(_ endpoint: String) throws(ZMQError) {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError("bind \(endpoint)") }
    }

    public func connect(_ endpoint: String) throws(ZMQError) {
        guard zmq_connect(handle, endpoint) == 0 else { throw ZMQError("connect \(endpoint)") }
    }

    /// The endpoint actually bound last (resolves `tcp://127.0.0.1:*` to the chosen port).
    public var lastEndpoint: String {
        var buffer = [CChar](repeating: 0, count: 256)
        var size = buffer.count
        guard zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, &buffer, &size) == 0 else { return "" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    public enum SendResult: Sendable, Equatable {
        case sent
        /// The peer's queue is at its high-water mark; nothing was sent.
        case wouldBlock
        /// ROUTER with `ZMQ_ROUTER_MANDATORY`: no peer has that identity (it disconnected); nothing was sent.
        case unroutable
    }

    /// Sends all frames as one multipart message without ever blocking.
    /// libzmq delivers a multipart message whole or not at all, so a `.wouldBlock` on the first frame loses nothing.
    @discardableResult
    public func send(_ frames: [[UInt8]]) throws(ZMQError) -> SendResult {
        for (index, frame) in frames.enumerated() {
            let result = frame.withUnsafeBytes { sendFrame($0, more: index < frames.count - 1) }
            if let result { return try result.get() }
        }
        return .sent
    }

    /// Sends each string's UTF-8 in place (no copy into a byte array: this runs for every bus message).
    @discardableResult
    public func send(_ frames: [String]) throws(ZMQError) -> SendResult {
        for (index, frame) in frames.enumerated() {
            var frame = frame
            let result = frame.withUTF8 { sendFrame(UnsafeRawBufferPointer($0), more: index < frames.count - 1) }
            if let result { return try result.get() }
        }
        return .sent
    }

    /// One frame of a multipart message, copied; `more` when frames follow. Never blocks. Once the first frame of a
    /// message is accepted the rest are (libzmq queues a message whole or not at all).
    @discardableResult
    public func send(part bytes: UnsafeRawBufferPointer, more: Bool) throws(ZMQError) -> SendResult {
        guard let result = sendFrame(bytes, more: more) else { return .sent }
        return try result.get()
    }

    /// Sends frames that are either copied or shared (`zmq_msg_init_data`: libzmq keeps a reference to the
    /// buffer until it has written the message, then releases it on its I/O thread).
    @discardableResult
    public func send(_ frames: [ZMQFrame]) throws(ZMQError) -> SendResult {
        for (index, frame) in frames.enumerated() {
            let more = index < frames.count - 1
            let result: Result<SendResult, ZMQError>?
            switch frame {
            case let .bytes(bytes): result = bytes.withUnsafeBytes { sendFrame($0, more: more) }
            case let .shared(buffer): result = sendShared(buffer, more: more)
            }
            if let result { return try result.get() }
        }
        return .sent
    }

    /// `nil` when the frame was queued; otherwise how the send ended (`.wouldBlock` or an error).
    private func sendFrame(_ bytes: UnsafeRawBufferPointer, more: Bool) -> Result<SendResult, ZMQError>? {
        usedSinceEventsCheck = true
        let flags = ZMQ_DONTWAIT | (more ? ZMQ_SNDMORE : 0)
        guard zmq_send(handle, bytes.baseAddress, bytes.count, flags) < 0 else { return nil }
        return Self.sendFailure()
    }

    private func sendShared(_ buffer: ZMQSharedBuffer, more: Bool) -> Result<SendResult, ZMQError>? {
        usedSinceEventsCheck = true
        var message = zmq_msg_t()
        let reference = Unmanaged.passRetained(buffer).toOpaque()
        let initialised = zmq_msg_init_data(&message, buffer.baseAddress, buffer.count, { _, hint in
            guard let hint else { return }
            Unmanaged<ZMQSharedBuffer>.fromOpaque(hint).release()
        }, reference)
        guard initialised == 0 else {
            Unmanaged<ZMQSharedBuffer>.fromOpaque(reference).release()
            return .failure(ZMQError("zmq_msg_init_data"))
        }
        let flags = ZMQ_DONTWAIT | (more ? ZMQ_SNDMORE : 0)
        guard zmq_msg_send(&message, handle, flags) < 0 else { return nil }
        let failure = Self.sendFailure()
        zmq_msg_close(&message)  // not sent: libzmq left it with us, and closing releases the buffer
        return failure
    }

    private static func sendFailure() -> Result<SendResult, ZMQError> {
        let error = zmq_errno()
        if error == EAGAIN { return .success(.wouldBlock) }
        if error == EHOSTUNREACH { return .success(.unroutable) }
        return .failure(ZMQError("zmq_send", errno: error))
    }

    /// Receives one multipart message; `nil` when none arrives within `timeoutMilliseconds` (0: don't wait, -1: forever).
    public func receive(timeoutMilliseconds: Int = -1) throws(ZMQError) -> [[UInt8]]? {
        // 0: one non-blocking receive (libzmq processes its pending commands first), not a zmq_poll and a receive.
        if timeoutMilliseconds > 0 {
            guard try waitReadable(timeoutMilliseconds: timeoutMilliseconds) else { return nil }
        }
        usedSinceEventsCheck = true
        var frames: [[UInt8]] = []
        var message = zmq_msg_t()
        zmq_msg_init(&message)
        defer { zmq_msg_close(&message) }
        repeat {
            let size = zmq_msg_recv(&message, handle, frames.isEmpty && timeoutMilliseconds == 0 ? ZMQ_DONTWAIT : 0)
            if size < 0 {
                let error = zmq_errno()
                if (error == EINTR || error == EAGAIN) && frames.isEmpty { return nil }
                throw ZMQError("zmq_msg_recv", errno: error)
            }
            let data = zmq_msg_data(&message)
            frames.append(Array(UnsafeRawBufferPointer(start: data, count: Int(size))))
        } while zmq_msg_more(&message) == 1
        return frames
    }

    /// `ZMQ_EVENTS` has `ZMQ_POLLIN`: a message can be received now. Processes libzmq's pending commands, which is
    /// what resets the socket's `ZMQ_FD`.
    var hasInput: Bool {
        usedSinceEventsCheck = false
        var events: Int32 = 0
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(handle, ZMQ_EVENTS, &events, &size) == 0 else { return false }
        return events & Int32(ZMQ_POLLIN) != 0
    }

    /// The descriptor libzmq signals (edge-triggered) when the socket may have events; see `ZMQWaitSet`.
    var signalDescriptor: Int32? {
        var descriptor: Int32 = -1
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(handle, ZMQ_FD, &descriptor, &size) == 0 else { return nil }
        return descriptor
    }

    /// True when a message can be received now or arrives within the timeout.
    public func waitReadable(timeoutMilliseconds: Int) throws(ZMQError) -> Bool {
        try ZMQPoll.readable([self], timeoutMilliseconds: timeoutMilliseconds).first ?? false
    }
}
