import CZeroMQ
import Synchronization

/// Bytes that libzmq may hold in many queued messages at once without copying them (`zmq_msg_init_data`): a
/// reply rendered once and sent to a hundred peers costs its size once. Immutable after `init`.
///
/// `@unchecked Sendable`: the bytes never change after `init`, and libzmq's I/O thread releases the last
/// reference when it is done with a message (the count is atomic; `deinit` may run on that thread).
public final class ZMQSharedBuffer: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer
    private let ledger: ZMQByteLedger?
    /// What this buffer counts in `ledger`: its size, or the capacity it was allocated with.
    private let ledgerBytes: Int
    /// Where the storage goes back when the last reference is gone; nil: freed.
    private let pool: ZMQBufferPool?
    /// The storage is `MappedPages` (made with a capacity), not `malloc`'s.
    private let mapped: Bool

    /// Copies `bytes`; while this buffer lives (cached, or queued in libzmq for any peer) `ledger` counts its size.
    public init(_ bytes: some Collection<UInt8>, ledger: ZMQByteLedger? = nil) {
        // At least one byte: libzmq wants a real pointer even for an empty frame.
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
        // A String's UTF-8 view is contiguous but `initializeMemory(from:)` would walk it byte by byte.
        if bytes.withContiguousStorageIfAvailable({ storage.copyMemory(from: UnsafeRawBufferPointer($0)) }) == nil {
            _ = storage.initializeMemory(as: UInt8.self, from: bytes)
        }
        self.storage = storage
        count = bytes.count
        self.ledger = ledger
        ledgerBytes = bytes.count
        pool = nil
        mapped = false
        ledger?.add(count)
    }

    /// Allocates `capacity` bytes (from `pool` when its buffers are that size) and lets `fill` write them in place
    /// (no copy): it returns how many it wrote, or nil to give up (the buffer is then `nil` and the ledger is back
    /// where it was).
    public init?(capacity: Int, ledger: ZMQByteLedger? = nil, pool: ZMQBufferPool? = nil, fill: (UnsafeMutableRawBufferPointer) -> Int?) {
        let pool = pool?.capacity == max(1, capacity) ? pool : nil
        guard let storage = pool.map({ $0.take() }) ?? MappedPages.allocate(capacity) else { return nil }
        guard let written = fill(UnsafeMutableRawBufferPointer(rebasing: storage[0..<capacity])), written <= capacity else {
            if let pool { pool.give(storage) } else { MappedPages.free(storage) }
            return nil
        }
        self.storage = storage
        count = written
        self.ledger = ledger
        ledgerBytes = capacity
        self.pool = pool
        mapped = true
        ledger?.add(capacity)
    }

    public convenience init(_ text: String, ledger: ZMQByteLedger? = nil) { self.init(text.utf8, ledger: ledger) }

    public let count: Int

    var baseAddress: UnsafeMutableRawPointer { storage.baseAddress! }

    public var bytes: [UInt8] { Array(UnsafeRawBufferPointer(rebasing: storage[0..<count])) }

    deinit {
        ledger?.add(-ledgerBytes)
        if let pool { pool.give(storage) } else if mapped { MappedPages.free(storage) } else { storage.deallocate() }
    }
}

/// Bytes held by live `ZMQSharedBuffer`s that share it: a bound on what queued replies cost, whichever thread
/// (the owner's, or libzmq's I/O thread) frees them.
public final class ZMQByteLedger: Sendable {
    private let held = Atomic<Int>(0)

    public init() {}

    public var bytes: Int { held.load(ordering: .relaxed) }

    func add(_ delta: Int) { held.add(delta, ordering: .relaxed) }
}

/// One frame of an outgoing message: bytes libzmq copies, or a shared buffer it references.
public enum ZMQFrame: Sendable {
    case bytes([UInt8])
    case shared(ZMQSharedBuffer)
}
