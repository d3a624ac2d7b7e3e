import ArgumentParser
import Dispatch
import FrameSource
import Glibc
import TSFrameBuffer

struct SFBProduce: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sfb-produce",
        abstract: "Write a TS shared frame buffer (layout SFB1) with a test pattern, until interrupted.",
        discussion: """
            The reference producer (docs/ts-frame-buffers.md): each frame carries its number and a checksum in its \
            first 16 bytes. lookout sfb-produce --channel 1 --size 1920x1080 --format I420 --fps 30
            """)

    @Option(help: "Channel number: writes sfb_data_ch<N>.") var channel: Int
    @Option(help: "Directory (POSIX shared memory is /dev/shm).") var dir = "/dev/shm"
    @Option(help: "Frame size WxH.") var size = "640x360"
    @Option(help: "Pixel format: I420, NV12, BGR3, BGRA or GREY.") var format = "I420"
    @Option(help: "Frames per second; 0: as fast as possible.") var fps = 25.0
    @Option(help: "Ring length (1–62).") var slots = 4
    @Option(help: "Stop after this many frames.") var frames: UInt64?
    @Flag(help: "Publish the first frame's picture every time (benchmarks: no pattern cost; stamps then say frame 1).")
    var repeatFrame = false
    @Flag(help: "Also sem_post the POSIX named semaphore /sfb_event_ch<N> once per frame (one consumer; the futex word wakes all).")
    var semaphore = false

    func validate() throws {
        guard channel >= 0 else { throw ValidationError("--channel must be ≥ 0") }
        guard parsedSize != nil else { throw ValidationError("--size must be WxH, e.g. 1920x1080") }
        guard PixelFormat(name: format) != nil else { throw ValidationError("--format must be I420, NV12, BGR3, BGRA or GREY") }
        guard fps >= 0, fps <= 10_000 else { throw ValidationError("--fps must be 0…10000") }
        guard (1...62).contains(slots) else { throw ValidationError("--slots must be 1–62") }
    }

    var parsedSize: (Int, Int)? {
        let parts = size.split(separator: "x")
        guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0 else { return nil }
        return (width, height)
    }

    func run() throws {
        let (width, height) = parsedSize!
        let path = dir.hasSuffix("/") ? dir + SFB1Layout.dataName(channel: channel) : dir + "/" + SFB1Layout.dataName(channel: channel)
        var settings = SFBProducer.Settings(
            path: path, width: width, height: height, format: PixelFormat(name: format)!, fps: fps, slots: slots, frames: frames)
        settings.repeatFirstFrame = repeatFrame
        if semaphore { settings.eventSemaphore = SFBEventSemaphore.name(channel: channel) }
        let producer = SFBProducer(settings)
        let signals = [SIGINT, SIGTERM].map { number in
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { producer.stop() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        let posting = semaphore ? ", posting \(SFBEventSemaphore.name(channel: channel))" : ""
        print("producing \(path): \(width)x\(height) \(format) at \(fps == 0 ? "full speed" : "\(fps) fps"), \(slots) slots\(posting)")
        fflush(nil)
        do {
            let count = try producer.run()
            print("stopped after \(count) frames")
        } catch {
            throw CLIError("\(error)")
        }
    }
}
