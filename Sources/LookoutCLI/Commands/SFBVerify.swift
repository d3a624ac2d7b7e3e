import ArgumentParser
import FrameSource
import Glibc
import LookoutJSON
import TSFrameBuffer

/// Reads a channel fed by `sfb-produce` as fast as it can and checks every frame returned against the checksum
/// and frame number in its pixels: the torn-frame test's reader (scripts/sfb-torn.sh runs a million reads).
struct SFBVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sfb-verify",
        abstract: "Read a channel written by sfb-produce and verify every frame's test pattern (torn-frame check).")

    @OptionGroup var options: SFBChannelOptions
    @Option(help: "Frame reads to make.") var reads = 10_000
    @Flag(help: "Wait on the futex (notify_seq32) between reads instead of reading back to back.") var futex = false
    @Option(help: "Give up after this many seconds without the producer publishing.") var timeout = 10.0

    func run() throws {
        let reader = try open()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: reader.maximumFrameBytes, alignment: 64)
        defer { buffer.deallocate() }
        var summary = Summary()
        var lastFrame: UInt64 = 0
        var seen = (try? reader.notifySequence()) ?? 0
        let started = Self.monotonic()
        var lastProgress = started
        while summary.reads < reads {
            if futex {
                _ = try? reader.waitForPublish(after: seen, timeoutNanoseconds: 1_000_000_000)
                seen = (try? reader.notifySequence()) ?? seen
            }
            let result = Result { () throws(FrameSourceError) in try reader.copyNewestFrame(into: buffer) }
            if case let .failure(error) = result, error.code == .torn {
                summary.retriesExhausted += 1
                continue
            }
            let frame = try result.get()
            guard let frame else { continue }
            summary.reads += 1
            let pixels = UnsafeRawBufferPointer(rebasing: buffer[0..<frame.bytes])
            if let stamped = TestPattern.verify(pixels), stamped == frame.frameNumber {
                summary.verified += 1
            } else {
                summary.bad += 1
            }
            if frame.frameNumber != lastFrame {
                summary.distinct += 1
                lastFrame = frame.frameNumber
                lastProgress = Self.monotonic()
            } else if Self.monotonic() - lastProgress > timeout {
                break
            }
        }
        summary.seconds = Self.monotonic() - started
        print(summary.json.rendered())
        if summary.bad > 0 || summary.reads < reads { throw ExitCode(1) }
    }

    private func open() throws -> SFB1Reader {
        let deadline = Self.monotonic() + timeout
        while true {
            let attempt = Result { () throws(FrameSourceError) -> SFB1Reader? in
                let reader = try SFB1Reader(path: options.path)
                return try reader.header().runState == .running ? reader : nil
            }
            switch attempt {
            case let .success(reader?): return reader
            case .success(nil): break
            case let .failure(error):
                guard [.notFound, .notInitialised].contains(error.code), Self.monotonic() < deadline else {
                    throw CLIError("channel \(options.channel): \(error.message)")
                }
            }
            guard Self.monotonic() < deadline else { throw CLIError("channel \(options.channel): the producer did not start") }
            usleep(10_000)
        }
    }

    struct Summary {
        var reads = 0, verified = 0, bad = 0, distinct = 0, retriesExhausted = 0
        var seconds = 0.0
        var json: JSONValue {
            .object([
                ("reads", .from(reads)), ("verified", .from(verified)), ("torn", .from(bad)), ("distinct_frames", .from(distinct)),
                ("retries_exhausted", .from(retriesExhausted)), ("seconds", .double((seconds * 1000).rounded() / 1000)),
            ])
        }
    }

    static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1_000_000_000
    }
}
