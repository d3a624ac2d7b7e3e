import FrameSource
import Glibc
import Synchronization
import ZMShm

/// The waiter's thread: what it shares with the loop (`Shared`: atomics and the two pipes) and what it does.
extension SFBNotifyWaiter {
    final class Body {
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
func nameCurrentThread(_ name: String) {
    let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
}
