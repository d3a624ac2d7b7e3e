import Glibc
import PosixThread
import Synchronization

/// Renders HEALTH off the poll thread: the poll thread hands over a `HealthReport` (plain values, gathered in well
/// under a millisecond at 4 096 monitors) and picks the text up when `descriptor` turns readable. One slot: at most
/// one report waits or renders at a time, so it holds at most one report and one reply (1.3 MB at 4 096 monitors).
///
/// Owned by the poll thread; only the `Exchange` is shared with the render thread. The thread starts with the
/// first request and ends when this object goes away.
final class HealthRenderThread {
    private final class Exchange: Sendable {
        struct Slots {
            var job: (key: UInt64, report: HealthReport)?
            var result: (key: UInt64, text: String)?
        }

        let slots = Mutex(Slots())
        /// The render thread blocks reading `jobRead`; the poll thread writes a byte per job and closes `jobWrite`
        /// to stop it. `resultRead` is in the poll thread's poll set (non-blocking).
        let jobRead: Int32, jobWrite: Int32, resultRead: Int32, resultWrite: Int32

        init() {
            var jobs: [Int32] = [-1, -1], results: [Int32] = [-1, -1]
            precondition(pipe(&jobs) == 0 && pipe(&results) == 0, "pipe: \(String(cString: strerror(errno)))")
            for descriptor in jobs + results { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
            for descriptor in results { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
            jobRead = jobs[0]
            jobWrite = jobs[1]
            resultRead = results[0]
            resultWrite = results[1]
        }

        deinit {
            for descriptor in [jobRead, resultRead, resultWrite] { close(descriptor) }
        }

        func run() {
            var byte: UInt8 = 0
            while true {
                let count = read(jobRead, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1 else { return }  // the poll thread closed its end
                guard let job = slots.withLock({ slots in defer { slots.job = nil }; return slots.job }) else { continue }
                let text = HealthRenderer.rendered(job.report)
                slots.withLock { $0.result = (job.key, text) }
                var one: UInt8 = 1
                _ = write(resultWrite, &one, 1)
                // A HEALTH of 256 monitors is some ten thousand small allocations, freed at once: hand the pages back,
                // or a scrape every second keeps the heap's high-water mark resident (docs/performance.md, "HTTP probes").
                _ = glibcMallocTrim(0)
            }
        }
    }

    private let exchange = Exchange()
    private var started = false
    /// A report was handed over and its text not yet taken.
    private(set) var rendering = false

    init() {}

    deinit { close(exchange.jobWrite) }

    /// Readable when a rendered reply waits for `takeRendered()`.
    var descriptor: Int32 { exchange.resultRead }

    /// Hands `report()` over for rendering under `key`, unless one is being rendered: then its text answers this
    /// request too. False when one was.
    @discardableResult
    func render(key: UInt64, _ report: () -> HealthReport) -> Bool {
        guard !rendering else { return false }
        if !started {
            let exchange = exchange
            PosixThread.start(name: "lookout-health") { exchange.run() }
            started = true
        }
        let job = (key: key, report: report())
        exchange.slots.withLock { $0.job = job }
        var one: UInt8 = 1
        _ = write(exchange.jobWrite, &one, 1)
        rendering = true
        return true
    }

    /// The text rendered, with the key it was asked for; nil while it is being rendered.
    func takeRendered() -> (key: UInt64, text: String)? {
        var buffer = [UInt8](repeating: 0, count: 16)
        while read(exchange.resultRead, &buffer, buffer.count) > 0 {}
        let result = exchange.slots.withLock { slots in defer { slots.result = nil }; return slots.result }
        if result != nil { rendering = false }
        return result
    }
}
