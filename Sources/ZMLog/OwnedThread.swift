internal import Glibc

/// A detached OS thread for blocking work (MariaDB calls, `recv`) that must stay off Swift's cooperative pool.
enum OwnedThread {
    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    static func start(_ run: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(run)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed: \(Posix.errorText(rc))")
        pthread_detach(thread)
    }
}
