import FrameSource
import Glibc
import Synchronization
import ZMShm

/// Wakes a poll loop when a channel publishes a frame, at most once per `interval`: a thread of its own futex-waits
/// on the channel's `notify_seq32`, then sets `pending` and signals `wake`; after a signal it sleeps until the
/// interval has passed before it waits again, so a 2 fps relay of a 30 fps channel wakes the loop twice a second.
///
/// The thread reads the file through a header-only mapping of its own (one page), opened and dropped independently
/// of the loop's reader: a producer restart, a shrink or a re-created file never leaves it waiting on an address the
/// loop unmapped. A failed open is retried with `RetryBackoff` (at once when the file at the path changes); a futex
/// on a page past the end of a shrunk file fails with EFAULT, which is such a failure, never a crash.
///
/// Owned by one thread (the loop); the waiter thread shares only `Shared`. `stop()` then `join()` end it within a
/// futex slice (`waitSlice`); dropping the waiter without `join()` stops it and lets the thread finish on its own.
public final class SFBNotifyWaiter {
    /// The longest single futex wait: how soon the thread sees a stop request, and how often it checks the file.
    public static let waitSlice = 0.25
    /// How often the thread compares the file at the path with its mapping (inode, size, epoch).
    public static let checkSeconds = 1.0

    public let path: String
    public let interval: Double
    private let shared: Shared
    private var thread: pthread_t?

    public struct Counters: Sendable, Equatable {
        /// Times the thread woke the loop (signals that coalesced with one not yet taken are not counted).
        public var signals: UInt64
        /// Times it opened (mapped) the file, the first included.
        public var opens: UInt64
        /// Opens, futex waits and reads that failed (each followed by a re-open with back-off).
        public var failures: UInt64
    }

    /// The earliest time of the next signal after one sent at `now` that was due at `due`: an interval after it
    /// was due, so a signal a little late (the producer's frame came after the due time) does not lower the rate;
    /// never less than half an interval after `now`, so a late one is not followed by a burst.
    public static func nextAllowed(after due: Double, now: Double, interval: Double) -> Double {
        (due.isFinite ? max(due, now - interval / 2) : now) + interval
    }

    /// - Parameters:
    ///   - interval: the least time between two signals (1 / the relay's fps).
    ///   - wake: made readable on each signal; may be shared by many waiters (the loop then asks each `takeSignal()`).
    ///   - name: the thread's name (`ps -L`; 15 bytes kept).
    /// Nil when the thread cannot be started (the system's thread limit): the caller then polls instead.
    public init?(path: String, owners: SegmentOwners, interval: Double, wake: WakeDescriptor, name: String) {
        self.path = path
        self.interval = interval
        shared = Shared(path: path, owners: owners, interval: interval, wake: wake)
        guard let thread = Self.startThread(shared, name: name) else { return nil }
        self.thread = thread
    }

    deinit {
        stop()
        if let thread { pthread_detach(thread) }
    }

    /// True once per signal: the channel published since the last time this returned true, and the interval passed.
    public func takeSignal() -> Bool {
        shared.pending.exchange(false, ordering: .acquiringAndReleasing)
    }

    public var counters: Counters {
        Counters(
            signals: shared.signals.load(ordering: .relaxed), opens: shared.opens.load(ordering: .relaxed),
            failures: shared.failures.load(ordering: .relaxed))
    }

    /// Asks the thread to end (it does within `waitSlice`); does not wait for it.
    public func stop() {
        guard !shared.stopRequested.exchange(true, ordering: .acquiringAndReleasing) else { return }
        shared.stopEvent.signal()
    }

    /// Stops the thread and waits for it to end.
    public func join() {
        stop()
        guard let thread else { return }
        pthread_join(thread, nil)
        self.thread = nil
    }

    private static func startThread(_ shared: Shared, name: String) -> pthread_t? {
        let body = Unmanaged.passRetained(Body(shared: shared, name: name))
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            nameCurrentThread(body.name)
            body.shared.run()
            return nil
        }, body.toOpaque())
        guard rc == 0 else {
            body.release()
            return nil
        }
        return thread
    }
}
