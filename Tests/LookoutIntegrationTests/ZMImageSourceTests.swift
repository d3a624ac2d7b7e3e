import Foundation
import FrameSource
import Testing
import ZMShm

/// ZoneMinder's image ring through the frame-source interface, on the live 1.36 peer.
@Suite("ZoneMinder image ring as a FrameSource")
struct ZMImageSourceTests {
    @Test("the newest image of a capturing monitor is copied whole, with its format and capture time")
    func newestImage() throws {
        try Peer.require()
        let source: any FrameSource = try ZMImageSource(path: Peer.segmentPath(1), frameSize: (640, 480))
        #expect(source.checkProducer() == nil)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: source.maximumFrameBytes, alignment: 64)
        defer { buffer.deallocate() }
        var frame: FrameMetadata?
        #expect(try Peer.waitUntil(timeout: 10) {
            frame = try source.copyNewestFrame(into: buffer)
            return frame != nil
        })
        let copied = try #require(frame)
        #expect(copied.bytes == source.maximumFrameBytes)
        #expect(copied.width == 640 && copied.height == 480)
        #expect(["RGB24", "RGBA", "BGRA", "BGR3", "GREY"].contains(copied.formatName), "\(copied.formatName)")
        let age = Date().timeIntervalSince1970 - Double(copied.captureNanoseconds) / 1e9
        #expect(age >= -1 && age < 60, "captured \(age) s ago")
        let liveness = try source.liveness()
        #expect(liveness.running)
        let tooSmall = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 16)
        defer { tooSmall.deallocate() }
        let error = #expect(throws: FrameSourceError.self) { try source.copyNewestFrame(into: tooSmall) }
        #expect(error?.code == .bufferTooSmall)
    }
}
