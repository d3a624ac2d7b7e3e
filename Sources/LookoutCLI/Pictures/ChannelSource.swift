import FrameSource
import Pictures
import Synchronization
import TSFrameBuffer
import ZMShm

/// A TS frame-buffer channel's newest frame (`sfb_data_ch<N>`), copied under the SFB1 seqlock by `SFB1Reader`
/// (never torn), its planes handed to the encoder as they lie: I420 and NV12 straight from their planes.
final class ChannelSource: PictureSource {
    let key: String
    let name: String
    let channel: Int
    let path: String
    private struct State {
        var reader: SFB1Reader?
        var buffer: [UInt8] = []
    }
    private let state = Mutex(State())

    init(channel: Int, path: String) {
        self.channel = channel
        self.path = path
        key = "channels/\(channel)"
        name = "Channel \(channel)"
    }

    func latestFrame() throws(PictureError) -> Frame {
        let result: Result<Frame, PictureError> = state.withLock { state in
            do {
                if let reader = state.reader, reader.checkProducer() != nil { state.reader = nil }
                let reader = try state.reader ?? SFB1Reader(path: path)
                state.reader = reader
                if state.buffer.count < reader.maximumFrameBytes { state.buffer = [UInt8](repeating: 0, count: reader.maximumFrameBytes) }
                guard let metadata = try state.buffer.withUnsafeMutableBytes({ buffer throws(FrameSourceError) in
                    try reader.copyNewestFrame(into: buffer)
                }) else {
                    return .failure(PictureError(.noImageYet, "no image yet: channel \(channel) has published no frame"))
                }
                return .success(try Self.frame(metadata, bytes: state.buffer))
            } catch let error as FrameSourceError {
                state.reader = nil
                return .failure(PictureError(.unavailable, "channel \(channel): \(error.message)"))
            } catch let error as PictureError {
                return .failure(error)
            } catch {
                return .failure(PictureError(.unavailable, "channel \(channel): \(error)"))
            }
        }
        return try result.get()
    }

    /// Planes lie one after another, each `|stride| × rows` bytes; a negative stride (bottom-up rows) is turned
    /// top-down while copying.
    static func frame(_ metadata: FrameMetadata, bytes: [UInt8]) throws(PictureError) -> Frame {
        guard let sourceFormat = metadata.format else {
            throw PictureError(.unavailable, "pixel format \(metadata.formatName) is not one the encoder takes")
        }
        let format: PictureFormat = switch sourceFormat {
        case .i420: .i420
        case .nv12: .nv12
        case .bgr24: .bgr24
        case .bgra: .bgra
        case .grey: .grey
        }
        let rows = sourceFormat.planeRows(height: metadata.height)
        guard metadata.strides.count >= rows.count else { throw PictureError(.invalidFrame, "missing plane strides") }
        var offsets: [Int] = [], strides: [Int] = [], offset = 0
        var pixels = Array(bytes.prefix(min(bytes.count, max(0, metadata.bytes))))
        for (plane, count) in rows.enumerated() {
            let stride = metadata.strides[plane]
            let size = abs(stride) * count
            guard stride != 0, offset + size <= pixels.count else {
                throw PictureError(.invalidFrame, "plane \(plane) (\(abs(stride)) × \(count)) past the frame's \(pixels.count) bytes")
            }
            if stride < 0 {
                let rowBytes = -stride
                var flipped: [UInt8] = []
                flipped.reserveCapacity(size)
                for row in 0..<count {
                    let start: Int = offset + (count - 1 - row) * rowBytes
                    flipped += pixels[start..<(start + rowBytes)]
                }
                pixels.replaceSubrange(offset..<(offset + size), with: flipped)
            }
            offsets.append(offset)
            strides.append(abs(stride))
            offset += size
        }
        var frame = try Frame(width: metadata.width, height: metadata.height, format: format, offsets: offsets, strides: strides,
                              bytes: pixels, timestampMicros: metadata.captureNanoseconds / 1000)
        frame.frameNumber = metadata.frameNumber
        return frame
    }
}
