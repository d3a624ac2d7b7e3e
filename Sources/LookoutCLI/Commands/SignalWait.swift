import Dispatch
import Glibc

/// Sleeps, but returns early (true) on SIGINT or SIGTERM, so a timed trigger can still be cancelled.
enum SignalWait {
    static func sleepUnlessInterrupted(_ seconds: Double) -> Bool {
        let signals = [SIGINT, SIGTERM]
        for signal in signals { Glibc.signal(signal, SIG_IGN) }
        let semaphore = DispatchSemaphore(value: 0)
        let sources = signals.map { number in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { semaphore.signal() }
            source.resume()
            return source
        }
        defer { sources.forEach { $0.cancel() } }
        return semaphore.wait(timeout: .now() + seconds) == .success
    }
}
