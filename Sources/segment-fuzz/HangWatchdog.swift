#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A thread that aborts the run when one input has been running for over 10 s: a hang is a bug, and the index
/// it prints replays it (`--start I --count 1`).
enum HangWatchdog {
    static let idle = UInt64.max
    /// The input being run, or `idle`.
    static let current = Atomic<UInt64>(idle)
    static let finished = Atomic<UInt64>(0)

    static func start() {
        var thread = pthread_t()
        pthread_create(&thread, nil, { _ in
            HangWatchdog.watch()
            return nil
        }, nil)
    }

    private static func watch() {
        var last = finished.load(ordering: .relaxed)
        while true {
            sleep(10)
            let now = finished.load(ordering: .relaxed)
            let input = current.load(ordering: .relaxed)
            if now == last, input != idle {
                report("segment-fuzz: HANG on input \(input) (replay with --start \(input) --count 1)")
                abort()
            }
            last = now
        }
    }
}
