import Synchronization

/// Storage of one size for `ZMQSharedBuffer`s, kept for reuse once libzmq is done with a message: a relay that sends
/// a large frame per message then copies into memory already faulted in, instead of fresh pages the kernel must zero
/// first (a 1080p frame is 760 page faults and 3 MB of zeroing per message without it). At most `limit` buffers wait
/// idle; the rest are freed as usual. Any thread may give a buffer back (libzmq's I/O thread does).
public final class ZMQBufferPool: Sendable {
    public let capacity: Int
    public let limit: Int
    /// Idle buffers' addresses (a raw pointer is not `Sendable`; each is `capacity` bytes of `MappedPages`).
    private let idle = Mutex<[UInt]>([])

    public init(capacity: Int, limit: Int) {
        self.capacity = max(1, capacity)
        self.limit = limit
    }

    deinit {
        for address in idle.withLock({ $0 }) { MappedPages.free(UnsafeMutableRawBufferPointer(start: UnsafeMutableRawPointer(bitPattern: address), count: capacity)) }
    }

    public var idleCount: Int { idle.withLock { $0.count } }

    /// An idle buffer, else new pages (`MappedPages`); nil when the kernel has none.
    func take() -> UnsafeMutableRawBufferPointer? {
        if let address = idle.withLock({ $0.popLast() }), let base = UnsafeMutableRawPointer(bitPattern: address) {
            return UnsafeMutableRawBufferPointer(start: base, count: capacity)
        }
        return MappedPages.allocate(capacity)
    }

    /// Keeps `storage` for the next `take()`, or frees it when `limit` are idle already.
    func give(_ storage: UnsafeMutableRawBufferPointer) {
        let kept = idle.withLock { idle in
            guard idle.count < limit, let base = storage.baseAddress else { return false }
            idle.append(UInt(bitPattern: base))
            return true
        }
        if !kept { MappedPages.free(storage) }
    }
}
