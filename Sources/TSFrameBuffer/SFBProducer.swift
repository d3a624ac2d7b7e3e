import FrameSource
import Glibc
import PosixThread
import Synchronization

/// Publishes the test pattern into one channel's `SFB1` file at a steady rate (or as fast as it can), with a
/// heartbeat at least once a second. `lookout sfb-produce` runs it in the foreground; the demo on a thread.
public final class SFBProducer: Sendable {
    public struct Settings: Sendable, Equatable {
        public var path: String
        public var width: Int
        public var height: Int
        public var format: PixelFormat
        /// 0: as fast as possible.
        public var fps: Double
        public var slots: Int
        /// Stop after this many frames (nil: until stopped).
        public var frames: UInt64?
        /// Publish frame 1's picture again and again, written into each slot once and then only re-published (as a
        /// producer decoding straight into its slots would): for measuring a reader or the relay without the
        /// producer's cost. Its stamp then says frame 1 whatever the slot's number.
        public var repeatFirstFrame = false
        /// Also `sem_post` this POSIX named semaphore once per frame (`SFBEventSemaphore.name(channel:)`); nil: the
        /// futex word only.
        public var eventSemaphore: String?

        public init(path: String, width: Int = 640, height: Int = 360, format: PixelFormat = .i420, fps: Double = 25, slots: Int = 4, frames: UInt64? = nil) {
            self.path = path
            self.width = width
            self.height = height
            self.format = format
            self.fps = fps
            self.slots = slots
            self.frames = frames
        }
    }

    public let settings: Settings
    private let stopping = Atomic<Bool>(false)
    private let published = Atomic<UInt64>(0)

    public init(_ settings: Settings) { self.settings = settings }

    public var framesPublished: UInt64 { published.load(ordering: .relaxed) }

    public func stop() { stopping.store(true, ordering: .releasing) }

    /// Creates the file and publishes until `stop()` or the frame count; returns frames published.
    /// Leaves `state = 2` (stopping) behind on return, as a clean producer exit does.
    @discardableResult
    public func run() throws(FrameSourceError) -> UInt64 {
        let writer = try SFB1Writer(
            path: settings.path, width: settings.width, height: settings.height, format: settings.format, slots: settings.slots)
        defer { writer.stop() }
        let event = try settings.eventSemaphore.map { name throws(FrameSourceError) in try SFBEventSemaphore(name: name, create: true) }
        let frame = UnsafeMutableRawBufferPointer.allocate(byteCount: writer.frameBytes, alignment: 64)
        defer { frame.deallocate() }
        let interval = settings.fps > 0 ? 1 / settings.fps : 0
        var next = Self.monotonic()
        var lastHeartbeat = next
        while !stopping.load(ordering: .acquiring) {
            if let limit = settings.frames, writer.writeSeq >= limit { break }
            if interval > 0 {
                let now = Self.monotonic()
                if now < next {
                    // Sleep in steps of at most 0.5 s so the heartbeat keeps going at low frame rates.
                    PosixThread.sleep(min(next - now, 0.5))
                    if Self.monotonic() - lastHeartbeat >= 0.5 {
                        try? writer.heartbeat()
                        lastHeartbeat = Self.monotonic()
                    }
                    continue
                }
                next = max(next + interval, now - interval)
            }
            if settings.repeatFirstFrame && writer.writeSeq >= UInt64(writer.slotCount) {
                try writer.republish(bytes: writer.frameBytes)
            } else {
                if !settings.repeatFirstFrame || writer.writeSeq == 0 {
                    TestPattern.fill(frame, number: writer.writeSeq + 1, width: settings.width, height: settings.height, format: settings.format)
                }
                try writer.publish(pixels: UnsafeRawBufferPointer(frame))
            }
            event?.post()
            lastHeartbeat = Self.monotonic()
            published.store(writer.writeSeq, ordering: .relaxed)
        }
        return writer.writeSeq
    }

    /// Runs `run()` on its own thread; errors end the thread (the file then stops advancing).
    public func start(name: String = "lookout-sfb") {
        PosixThread.start(name: name) { [self] in _ = try? run() }
    }

    static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }
}
