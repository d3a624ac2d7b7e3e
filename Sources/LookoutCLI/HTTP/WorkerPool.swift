import Glibc
import PosixThread
import Synchronization

/// A few threads for work the poll thread must not wait for (copying a frame, encoding a JPEG). Jobs are bounded by
/// the callers: at most one per waiting connection and one per stream.
/// `@unchecked`: the semaphore is made for sharing between threads and is never freed (below).
final class WorkerPool: @unchecked Sendable {
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    /// When the heap was last trimmed (monotonic seconds).
    private let trimmed = Mutex(0.0)
    /// Free heap pages (the 6–8 MB slot copies of 1080p frames) go back to the kernel at most this often, once the
    /// queue is empty: after the work, never in the middle of a request, and not per request (a fresh mapping per
    /// frame costs its page faults on every request: +6–9 ms at 1080p, measured).
    static let trimSeconds = 5.0
    private let semaphore: UnsafeMutablePointer<sem_t>

    init(threads: Int, name: String) {
        semaphore = .allocate(capacity: 1)
        sem_init(semaphore, 0, 0)
        for index in 0..<max(1, threads) {
            PosixThread.start(name: "\(name)\(index)") { [self] in work() }
        }
    }

    // Threads hold the pool for the process's lifetime (`lookout serve` ends by exiting), so it is never freed.

    func submit(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        sem_post(semaphore)
    }

    private func work() {
        while true {
            while sem_wait(semaphore) != 0 && errno == EINTR {}
            let job = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            job?()
            trimWhenIdle()
        }
    }
}

extension WorkerPool {
    private func trimWhenIdle() {
        guard jobs.withLock({ $0.isEmpty }) else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let seconds = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
        let due = trimmed.withLock { last in
            guard seconds - last >= Self.trimSeconds else { return false }
            last = seconds
            return true
        }
        if due { _ = glibcMallocTrim(0) }
    }
}

/// glibc's `malloc_trim(3)` (declared in malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32

/// Results handed from worker threads to the poll thread, which a pipe wakes (one byte per post while the pipe has
/// room; a full pipe already means "wake up").
final class Mailbox<Message: Sendable>: Sendable {
    /// The read end, for `poll`.
    let descriptor: Int32
    private let writeEnd: Int32
    private let messages = Mutex<[Message]>([])

    init() {
        var ends: [Int32] = [-1, -1]
        precondition(pipe(&ends) == 0, "pipe: \(String(cString: strerror(errno)))")
        for fd in ends {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(descriptor)
        close(writeEnd)
    }

    func post(_ message: Message) {
        messages.withLock { $0.append(message) }
        var one: UInt8 = 1
        _ = write(writeEnd, &one, 1)
    }

    func drain() -> [Message] {
        var buffer = [UInt8](repeating: 0, count: 256)
        while read(descriptor, &buffer, buffer.count) > 0 {}
        return messages.withLock { taken in
            defer { taken.removeAll() }
            return taken
        }
    }
}
