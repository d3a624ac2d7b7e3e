import CTurboJPEG

/// One TurboJPEG compressor (libjpeg-turbo). Not thread-safe: each `SharedEncoder` owns one and uses it under its lock.
/// Packed frames go through `tjCompress2` with their row pitch; I420 straight from its planes through
/// `tjCompressFromYUVPlanes`; NV12's interleaved chroma is split into U and V planes first (TurboJPEG has no NV12).
public final class JPEGEncoder {
    private let handle: tjhandle
    /// The output buffer, reused: `tjBufSize` of the largest frame so far, so TurboJPEG never reallocates it
    /// (`TJFLAG_NOREALLOC`).
    private var buffer: UnsafeMutablePointer<UInt8>?
    private var capacity: UInt = 0
    /// NV12's chroma split into planes, reused.
    private var chroma: [UInt8] = []

    public init() throws(PictureError) {
        guard let handle = tjInitCompress() else { throw PictureError(.encoder, "tjInitCompress failed") }
        self.handle = handle
    }

    deinit {
        if let buffer { tjFree(buffer) }
        tjDestroy(handle)
    }

    /// - Parameter quality: 1…100 (clamped).
    public func encode(_ frame: Frame, quality: Int) throws(PictureError) -> [UInt8] {
        let quality = Int32(min(max(quality, 1), 100))
        let subsampling = frame.format == .grey ? TJSAMP_GRAY : TJSAMP_420
        let needed = tjBufSize(Int32(frame.width), Int32(frame.height), Int32(subsampling.rawValue))
        guard needed != UInt.max, needed > 0 else { throw PictureError(.encoder, "tjBufSize: \(frame.width)×\(frame.height) too large") }
        if needed > capacity {
            if let buffer { tjFree(buffer) }
            buffer = tjAlloc(Int32(clamping: needed))
            capacity = buffer == nil ? 0 : needed
            guard buffer != nil else { throw PictureError(.encoder, "tjAlloc(\(needed)) failed") }
        }
        var size = capacity
        let status: Int32
        switch frame.format {
        case .i420:
            status = frame.bytes.withUnsafeBufferPointer { bytes in
                compressPlanes([bytes.baseAddress! + frame.offsets[0], bytes.baseAddress! + frame.offsets[1], bytes.baseAddress! + frame.offsets[2]],
                               strides: frame.strides, frame: frame, quality: quality, size: &size)
            }
        case .nv12:
            let chromaWidth = (frame.width + 1) / 2, chromaHeight = (frame.height + 1) / 2
            if chroma.count != 2 * chromaWidth * chromaHeight { chroma = [UInt8](repeating: 0, count: 2 * chromaWidth * chromaHeight) }
            splitChroma(frame, width: chromaWidth, height: chromaHeight)
            status = frame.bytes.withUnsafeBufferPointer { bytes in
                chroma.withUnsafeBufferPointer { planes in
                    compressPlanes([bytes.baseAddress! + frame.offsets[0], planes.baseAddress!, planes.baseAddress! + chromaWidth * chromaHeight],
                                   strides: [frame.strides[0], chromaWidth, chromaWidth], frame: frame, quality: quality, size: &size)
                }
            }
        default:
            status = frame.bytes.withUnsafeBufferPointer { bytes in
                tjCompress2(handle, bytes.baseAddress! + frame.offsets[0], Int32(frame.width), Int32(frame.strides[0]),
                            Int32(frame.height), Int32(frame.format.turboFormat.rawValue), &buffer, &size,
                            Int32(subsampling.rawValue), quality, TJFLAG_FASTDCT | TJFLAG_NOREALLOC)
            }
        }
        guard status == 0, let buffer else {
            throw PictureError(.encoder, "TurboJPEG: \(String(cString: tjGetErrorStr2(handle)))")
        }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    private func compressPlanes(_ planes: [UnsafePointer<UInt8>], strides: [Int], frame: Frame, quality: Int32,
                                size: inout UInt) -> Int32 {
        var pointers: [UnsafePointer<UInt8>?] = planes
        var pitches = strides.map { Int32($0) }
        return tjCompressFromYUVPlanes(handle, &pointers, Int32(frame.width), &pitches, Int32(frame.height),
                                       Int32(TJSAMP_420.rawValue), &buffer, &size, quality, TJFLAG_FASTDCT | TJFLAG_NOREALLOC)
    }

    private func splitChroma(_ frame: Frame, width: Int, height: Int) {
        let source = frame.offsets[1], stride = frame.strides[1], planeSize = width * height
        frame.bytes.withUnsafeBufferPointer { bytes in
            chroma.withUnsafeMutableBufferPointer { out in
                for row in 0..<height {
                    let line = source + row * stride
                    for column in 0..<width {
                        out[row * width + column] = bytes[line + 2 * column]
                        out[planeSize + row * width + column] = bytes[line + 2 * column + 1]
                    }
                }
            }
        }
    }
}
