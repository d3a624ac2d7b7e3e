#if canImport(Glibc)
import Glibc
#endif

/// A detached, named OS thread for work that blocks (a poll loop, MariaDB calls, a frame clock) and must stay off
/// Swift's cooperative pool. Foundation's `Thread` would do the same but links all of Foundation (and ICU).
public enum PosixThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// - Parameter name: shown by `ps -L`/`top -H`; Linux keeps its first 15 bytes.
    public static func start(name: String, _ run: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body {
            nameCurrentThread(name)
            run()
        }).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed: \(String(cString: strerror(rc)))")
        pthread_detach(thread)
    }

    /// Sleeps for `seconds` (fractions included), resuming after signals.
    public static func sleep(_ seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}

/// pthread_setname_np is not visible to Swift without _GNU_SOURCE; its Linux implementation writes this file.
private func nameCurrentThread(_ name: String) {
    let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return }
    let bytes = Array(name.utf8.prefix(15))
    _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    close(descriptor)
}
