import ArgumentParser
import DemoSimulator
import FoundationEssentials
import Glibc

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write simulated ZoneMinder 1.36.33 segments (what `run --demo` follows) until interrupted.",
        discussion: "For trying subscribers and for benchmarks: lookout simulate --dir /tmp/zm --monitors 256")

    @Option(help: "Directory for zm.mmap.<id> files (created if missing).") var dir: String
    @Option(help: "Number of monitors.") var monitors = 3
    @Option(help: "Frames per second each monitor writes.") var fps = 10.0
    @Option(help: "Monitor 2 restarts like zmc every this many seconds (0: never).") var restartEvery = 60.0
    @Option(name: .customLong("for"), help: "Stop after this many seconds.") var duration: Double?

    func validate() throws {
        guard (1...4096).contains(monitors) else { throw ValidationError("--monitors must be 1–4096") }
        guard fps > 0, fps <= 1000 else { throw ValidationError("--fps must be in (0, 1000]") }
    }

    func run() throws {
        let simulator = DemoSimulator(.init(
            directory: dir, monitorCount: monitors, frameRate: fps,
            restartingMonitors: restartEvery > 0 ? [2] : [], restartEvery: max(restartEvery, 1), width: 64, height: 48, imageBufferCount: 3))
        do {
            try simulator.start()
        } catch {
            throw CLIError("\(error)")
        }
        print("simulating \(monitors) monitors in \(dir); Ctrl-C to stop")
        _ = SignalWait.sleepUnlessInterrupted(duration ?? 315_360_000)
        simulator.stop()
    }
}
