import Dispatch
import Glibc
import PosixThread
import Synchronization
import ZMShm

/// Runs simulated zmc processes (see `SimulatedMonitor`) on a thread of its own until `stop()`.
public final class DemoSimulator: Sendable {
    public struct Configuration: Sendable {
        public var directory: String
        public var monitorCount: Int
        /// Frames per second each simulated zmc writes.
        public var frameRate: Double
        /// Monitors (by id) that restart like zmc every `restartEvery` seconds.
        public var restartingMonitors: Set<Int>
        public var restartEvery: Double
        public var width: Int
        public var height: Int
        public var imageBufferCount: Int

        public init(
            directory: String, monitorCount: Int = 3, frameRate: Double = 10, restartingMonitors: Set<Int> = [2],
            restartEvery: Double = 60, width: Int = 160, height: Int = 120, imageBufferCount: Int = 4
        ) {
            self.directory = directory
            self.monitorCount = monitorCount
            self.frameRate = frameRate
            self.restartingMonitors = restartingMonitors
            self.restartEvery = restartEvery
            self.width = width
            self.height = height
            self.imageBufferCount = imageBufferCount
        }
    }

    /// What the simulated segments are, so an agent reading them needs no ZoneMinder to tell it.
    public static let zoneMinderVersion = "1.36.33"

    public let configuration: Configuration
    private let stopping = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// Creates every segment now (so a reader started next finds them), then animates them on a new thread.
    public func start() throws(SimulatorError) {
        let configuration = configuration
        if mkdir(configuration.directory, 0o755) != 0 && errno != EEXIST {
            throw SimulatorError("cannot create \(configuration.directory): \(String(cString: strerror(errno)))")
        }
        let now = WallClock.seconds()
        let eventIDs = EventIDSource(start: UInt64(now) % 100_000 * 10)
        var monitors: [SimulatedMonitor] = []
        for id in 1...max(1, configuration.monitorCount) {
            let monitor = SimulatedMonitor(
                id: id, directory: configuration.directory, width: configuration.width, height: configuration.height,
                imageBufferCount: configuration.imageBufferCount,
                restartEvery: configuration.restartingMonitors.contains(id) ? configuration.restartEvery : nil)
            try monitor.start(now: now, eventIDs: eventIDs)
            monitors.append(monitor)
        }
        let owned = OwnedMonitors(monitors: monitors, eventIDs: eventIDs)
        PosixThread.start(name: "lookout-demo") { [self] in
            self.animate(owned)
            self.done.signal()
        }
    }

    /// Stops animating and removes the segments (a clean zmc stop), then returns.
    public func stop() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        done.wait()
    }

    private func animate(_ owned: OwnedMonitors) {
        let interval = 1 / max(0.1, configuration.frameRate)
        var next = WallClock.seconds()
        while !stopping.load(ordering: .acquiring) {
            let now = WallClock.seconds()
            for monitor in owned.monitors { monitor.tick(now: now, eventIDs: owned.eventIDs) }
            next += interval
            let wait = next - WallClock.seconds()
            if wait > 0 { PosixThread.sleep(wait) } else { next = WallClock.seconds() }
        }
        for monitor in owned.monitors { monitor.remove() }
    }
}

/// The monitors move to the animation thread and are touched by it alone.
private final class OwnedMonitors: @unchecked Sendable {
    let monitors: [SimulatedMonitor]
    let eventIDs: EventIDSource
    init(monitors: [SimulatedMonitor], eventIDs: EventIDSource) {
        self.monitors = monitors
        self.eventIDs = eventIDs
    }
}
