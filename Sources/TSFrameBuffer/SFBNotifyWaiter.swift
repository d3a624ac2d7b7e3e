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
    public init(path: String, owners: SegmentOwners, interval: Double, wake: WakeDescriptor, name: String) {
        self.path = path
        self.interval = interval
        shared = Shared(path: path, owners: owners, interval: interval, wake: wake)
        thread = Self.startThread(shared, name: name)
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

    private static func startThread(_ shared: Shared, name: String) -> pthread_t {
        let context = Unmanaged.passRetained(Body(shared: shared, name: name)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            nameCurrentThread(body.name)
            body.shared.run()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed: \(String(cString: strerror(rc)))")
        return thread
    }

    private final class Body {
        let shared: Shared
        let name: String
        init(shared: Shared, name: String) {
            self.shared = shared
            self.name = name
        }
    }

    final class Shared: Sendable {
        let path: String
        let owners: SegmentOwners
        let interval: Double
        let wake: WakeDescriptor
        /// Readable once a stop is asked: cuts the pauses between signals short.
        let stopEvent = WakeDescriptor()
        let stopRequested = Atomic<Bool>(false)
        let pending = Atomic<Bool>(false)
        let signals = Atomic<UInt64>(0)
        let opens = Atomic<UInt64>(0)
        let failures = Atomic<UInt64>(0)

        init(path: String, owners: SegmentOwners, interval: Double, wake: WakeDescriptor) {
            self.path = path
            self.owners = owners
            self.interval = interval
            self.wake = wake
        }

        var stopping: Bool { stopRequested.load(ordering: .acquiring) }

        /// The thread: open, wait, signal, pause; on any failure drop the mapping and open again after a back-off.
        func run() {
            var reader: SFB1Reader?
            var backoff = RetryBackoff()
            var failedIdentity: FileIdentity?
            var nextCheck = 0.0
            var nextAllowed = -Double.infinity
            /// `notify_seq32` when the loop was last signalled; nil since (re)opening.
            var signalled: UInt32?
            while !stopping {
                let now = monotonicSeconds()
                guard let current = reader else {
                    if FileIdentity.of(path) != failedIdentity { backoff.reset() }
                    if backoff.allowsAttempt(at: now) {
                        do throws(FrameSourceError) {
                            reader = try SFB1Reader(path: path, owners: owners, headerOnly: true)
                            opens.add(1, ordering: .relaxed)
                            backoff.reset()
                            signalled = nil
                            nextCheck = now + SFBNotifyWaiter.checkSeconds
                            continue
                        } catch {
                            failed(error, backoff: &backoff, identity: &failedIdentity, now: now)
                        }
                    }
                    // Look at the path again within a second: a new file there is tried at once.
                    pause(until: min(backoff.nextAttempt, now + 1))
                    continue
                }
                do throws(FrameSourceError) {
                    if now >= nextCheck {
                        nextCheck = now + SFBNotifyWaiter.checkSeconds
                        // Initialising or stopping in place keeps the word where it is: only a new file, size or
                        // epoch needs a new mapping.
                        if let why = current.checkProducer(), why != .notRunning {
                            reader = nil
                            continue
                        }
                    }
                    let notify = try current.notifySequence()
                    if let last = signalled, notify == last {
                        let slice = min(SFBNotifyWaiter.waitSlice, max(0.001, nextCheck - now))
                        _ = try current.waitForPublish(after: last, timeoutNanoseconds: Int64(slice * 1_000_000_000))
                        continue
                    }
                    if signalled == nil, try current.writeSequence() == 0 {
                        signalled = notify  // nothing published yet: wait for the first frame
                        continue
                    }
                    if now < nextAllowed {
                        pause(until: nextAllowed)
                        continue
                    }
                    signalled = notify
                    nextAllowed = SFBNotifyWaiter.nextAllowed(after: nextAllowed, now: now, interval: interval)
                    // One not yet taken already makes the loop relay the newest frame: no second signal.
                    if !pending.exchange(true, ordering: .acquiringAndReleasing) {
                        signals.add(1, ordering: .relaxed)
                        wake.signal()
                    }
                } catch {
                    reader = nil
                    failed(error, backoff: &backoff, identity: &failedIdentity, now: now)
                }
            }
        }

        private func failed(_ error: FrameSourceError, backoff: inout RetryBackoff, identity: inout FileIdentity?, now: Double) {
            failures.add(1, ordering: .relaxed)
            identity = FileIdentity.of(path)
            backoff.failed(at: now, cap: error.code == .notInitialised || error.code == .shrunk ? RetryBackoff.firstDelay : RetryBackoff.longestDelay)
        }

        /// Sleeps until `deadline` (monotonic seconds) or a stop request, whichever comes first.
        func pause(until deadline: Double) {
            while !stopping {
                let remaining = deadline - monotonicSeconds()
                guard remaining > 0 else { return }
                if remaining >= 0.002 {
                    var item = pollfd(fd: stopEvent.descriptor, events: Int16(POLLIN), revents: 0)
                    _ = poll(&item, 1, Int32(min(remaining, 1) * 1000))
                } else {
                    var request = timespec(tv_sec: 0, tv_nsec: Int(remaining * 1_000_000_000))
                    _ = nanosleep(&request, nil)
                }
            }
        }
    }
}

private func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
}

/// pthread_setname_np is not visible to Swift without _GNU_SOURCE; its Linux implementation writes this file.
private func nameCurrentThread(_ name: String) {
    let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
}
