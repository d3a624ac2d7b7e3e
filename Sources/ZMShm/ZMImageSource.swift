import FrameSource

/// A ZoneMinder monitor's image ring as a `FrameSource`: the newest image via `latestImage` (copied, then
/// re-checked against the slot's timestamp and the ring's write index), liveness from the segment's heartbeat.
///
/// ZoneMinder keeps no frame size in the segment before 1.37's zones, so the caller passes it (the Monitors row);
/// without it width and height are 0 and strides empty. Not thread-safe.
public final class ZMImageSource: FrameSource {
    public let segment: ZMSegment
    public let geometry: SegmentGeometry
    public let frameSize: (width: Int, height: Int)?

    public var path: String { segment.path }
    public var maximumFrameBytes: Int { geometry.imageSlotStride }

    public init(path: String, frameSize: (width: Int, height: Int)? = nil, owners: SegmentOwners = .standard) throws(FrameSourceError) {
        do {
            segment = try ZMSegment(path: path, extent: .whole, owners: owners)
            guard let geometry = try segment.geometry(frameSize: frameSize) else {
                throw FrameSourceError(.badHeader, "\(path): the file size fits no image ring geometry; images are not read")
            }
            self.geometry = geometry
        } catch let error as SegmentError {
            throw Self.translate(error)
        } catch let error as FrameSourceError {
            throw error
        } catch {
            throw FrameSourceError(.system, "\(path): \(error)")
        }
        self.frameSize = frameSize
    }

    public func newestFrame() throws(FrameSourceError) -> FrameMetadata? {
        do {
            let status = try segment.status()
            guard status.lastWriteIndex >= 0, Int(status.lastWriteIndex) < geometry.imageBufferCount else { return nil }
            let format = try segment.snapshotFormat()
            let stampOffset = geometry.timestampsOffset + 16 * Int(status.lastWriteIndex)
            let stamp = try segment.mapping.withCopy(offset: stampOffset, count: 16) { SegmentDecoder.timeval($0, at: 0) }
            let capture = stamp.seconds * 1_000_000_000 + stamp.microseconds * 1000
            return metadata(number: UInt64(max(0, status.imageCount ?? 0)), captureSeconds: capture, subpixelOrder: format)
        } catch {
            throw Self.translate(error)
        }
    }

    public func copyNewestFrame(into buffer: UnsafeMutableRawBufferPointer) throws(FrameSourceError) -> FrameMetadata? {
        do {
            let count = try segment.status().imageCount
            guard let image = try segment.latestImage(geometry: geometry) else { return nil }
            guard image.bytes.count <= buffer.count else {
                throw FrameSourceError(.bufferTooSmall, "\(path): an image of \(image.bytes.count) bytes does not fit a buffer of \(buffer.count)")
            }
            image.bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            let capture = image.timestamp.seconds * 1_000_000_000 + image.timestamp.microseconds * 1000
            var frame = metadata(number: UInt64(max(0, count ?? 0)), captureSeconds: capture, subpixelOrder: image.subpixelOrder)
            frame.bytes = image.bytes.count
            return frame
        } catch let error as SegmentError {
            throw Self.translate(error)
        } catch let error as FrameSourceError {
            throw error
        } catch {
            throw FrameSourceError(.system, "\(path): \(error)")
        }
    }

    public func liveness() throws(FrameSourceError) -> FrameLiveness {
        do {
            let status = try segment.status()
            return FrameLiveness(
                producerEpoch: nil, producerPID: nil, running: status.valid,
                heartbeatNanoseconds: status.heartbeatTime * 1_000_000_000, framesPublished: UInt64(max(0, status.imageCount ?? 0)))
        } catch {
            throw Self.translate(error)
        }
    }

    public func checkProducer() -> FrameSourceRestart? {
        switch segment.mapping.pathStillMatches() {
        case .same: return (try? segment.status().valid) == false ? .notRunning : nil
        case .gone: return .removed
        case .recreated: return .recreated
        case .resized: return .resized
        }
    }

    private func metadata(number: UInt64, captureSeconds capture: Int64, subpixelOrder: UInt8) -> FrameMetadata {
        let (format, name, bytesPerPixel) = Self.format(subpixelOrder: subpixelOrder)
        let width = frameSize?.width ?? 0
        return FrameMetadata(
            frameNumber: number, width: width, height: frameSize?.height ?? 0, format: format, formatName: name,
            strides: width > 0 ? [width * bytesPerPixel] : [], bytes: geometry.imageSlotStride, captureNanoseconds: capture)
    }

    /// ZoneMinder's subpixel order (`SharedData.format`) as a pixel format where one exists.
    static func format(subpixelOrder: UInt8) -> (PixelFormat?, String, Int) {
        switch subpixelOrder {
        case 2: (.grey, "GREY", 1)
        case 5: (.bgr24, "BGR3", 3)
        case 6: (nil, "RGB24", 3)
        case 7: (.bgra, "BGRA", 4)
        case 8: (nil, "RGBA", 4)
        case 9: (nil, "ARGB", 4)
        case 10: (nil, "ABGR", 4)
        default: (nil, "subpixel order \(subpixelOrder)", 1)
        }
    }

    static func translate(_ error: SegmentError) -> FrameSourceError {
        let code: FrameSourceError.Code = switch error.code {
        case .notFound: .notFound
        case .permissionDenied: .permissionDenied
        case .symbolicLink: .symbolicLink
        case .notRegularFile: .notRegularFile
        case .untrustedOwner: .untrustedOwner
        case .notInitialised, .invalid: .notInitialised
        case .shrunk: .shrunk
        case .stale: .torn
        case .truncated, .unknownLayout, .badTriggerData, .unsupported: .badHeader
        case .readOnly, .system: .system
        }
        return FrameSourceError(code, error.message)
    }
}

extension ZMSegment {
    /// `SharedData.format`: the image ring's subpixel order.
    func snapshotFormat() throws(SegmentError) -> UInt8 {
        try mapping.withCopy(offset: layout.offsets.format, count: 1) { $0.u8(0) }
    }
}
