import CFutex
import FrameSource
import Glibc

/// The optional kernel object beside the futex word (docs/ts-frame-buffers.md): the POSIX named semaphore
/// `/sfb_event_ch<N>`, posted once per published frame. A semaphore wakes one waiter per post, so it suits a single
/// consumer that wants one; every other reader waits on the futex, which wakes them all.
public final class SFBEventSemaphore {
    public let name: String
    private let handle: UnsafeMutableRawPointer

    /// `create`: the producer's side, made with `mode` if missing; otherwise the semaphore must exist.
    public init(name: String, create: Bool, mode: UInt32 = 0o660) throws(FrameSourceError) {
        guard name.hasPrefix("/"), name.count > 1, !name.dropFirst().contains("/") else {
            throw FrameSourceError(.system, "\(name): a POSIX semaphore name is one '/' and a name")
        }
        guard let handle = lookout_semaphore_open(name, create ? 1 : 0, mode) else {
            let failure = errno
            let code: FrameSourceError.Code = failure == ENOENT ? .notFound : failure == EACCES ? .permissionDenied : .system
            throw FrameSourceError(code, "\(name): sem_open: \(String(cString: strerror(failure)))")
        }
        self.name = name
        self.handle = handle
    }

    /// `/sfb_event_ch<N>`.
    public static func name(channel: Int) -> String { "/" + SFB1Layout.eventName(channel: channel) }

    public func post() { _ = lookout_semaphore_post(handle) }

    /// True when a post was taken within `timeout` seconds.
    public func wait(timeout: Double) -> Bool { lookout_semaphore_wait(handle, Int64(timeout * 1_000_000_000)) == 0 }

    deinit { _ = lookout_semaphore_close(handle) }
}
