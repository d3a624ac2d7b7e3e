import Foundation
import FrameSource
@testable import TSFrameBuffer

struct TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "lookout-sfb-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// A writer that publishes frames of the test pattern on demand.
final class PatternProducer {
    let writer: SFB1Writer
    let frame: UnsafeMutableRawBufferPointer

    init(path: String, width: Int = 64, height: Int = 48, format: PixelFormat = .i420, slots: Int = 4, epoch: UInt64 = SFB1Writer.randomEpoch()) throws {
        writer = try SFB1Writer(path: path, width: width, height: height, format: format, slots: slots, epoch: epoch)
        frame = .allocate(byteCount: writer.frameBytes, alignment: 64)
    }

    deinit { frame.deallocate() }

    func publish(_ count: Int = 1, captureNanoseconds: Int64? = nil) throws {
        for _ in 0..<count {
            TestPattern.fill(frame, number: writer.writeSeq + 1, width: writer.width, height: writer.height, format: writer.format)
            try writer.publish(captureNanoseconds: captureNanoseconds ?? SFB1Writer.realtimeNanoseconds(), pixels: UnsafeRawBufferPointer(frame))
        }
    }
}

func fileBytes(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

func patch(_ path: String, at offset: Int, _ bytes: [UInt8]) {
    let handle = FileHandle(forUpdatingAtPath: path)!
    handle.seek(toFileOffset: UInt64(offset))
    handle.write(Data(bytes))
    handle.closeFile()
}

func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }

/// Hands a reader to one other thread in a test (the test touches it only after that thread is done).
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
