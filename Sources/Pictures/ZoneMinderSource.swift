import Synchronization
import ZMShm

/// A ZoneMinder monitor's newest image, read from its segment with copy-then-recheck (`ZMSegment.latestImage`).
/// The segment is mapped read-only on first use and mapped again when zmc re-creates or resizes it; width and height
/// come from the Monitors row, because the segment does not hold them.
public final class ZoneMinderSource: PictureSource {
    public let key: String
    public let name: String
    public let monitorID: Int
    let path: String
    let owners: SegmentOwners
    let frameSize: (width: Int, height: Int)?
    private let segment = Mutex<ZMSegment?>(nil)

    public init(monitorID: Int, name: String, path: String, frameSize: (width: Int, height: Int)?, owners: SegmentOwners) {
        self.key = "monitors/\(monitorID)"
        self.name = name
        self.monitorID = monitorID
        self.path = path
        self.frameSize = frameSize
        self.owners = owners
    }

    public func latestFrame() throws(PictureError) -> Frame {
        guard let frameSize else {
            throw PictureError(.unavailable, "monitor \(monitorID): width and height unknown (no Monitors row: is ZoneMinder's database reachable?)")
        }
        let opened = try currentSegment()
        do {
            guard opened.layout != .master else {
                throw PictureError(.unavailable, "monitor \(monitorID): ZoneMinder master's per-slot pixel formats are not read yet")
            }
            guard let geometry = try opened.geometry(frameSize: frameSize) else {
                throw PictureError(.unavailable, "\(path): the file size does not fit ZoneMinder's size formula")
            }
            let pixels = frameSize.width * frameSize.height
            let colours = geometry.imageSlotStride / pixels
            guard colours * pixels == geometry.imageSlotStride else {
                throw PictureError(.unavailable, "\(path): images of \(geometry.imageSlotStride) bytes are not \(frameSize.width)×\(frameSize.height) pixels (Monitors row out of date?)")
            }
            guard let image = try opened.latestImage(geometry: geometry) else {
                throw PictureError(.noImageYet, "no image yet: zmc has not written one to \(path)")
            }
            guard let format = PictureFormat(zoneMinderOrder: image.subpixelOrder, colours: colours) else {
                throw PictureError(.unavailable, "\(path): subpixel order \(image.subpixelOrder) with \(colours) colour(s) is not a known format")
            }
            let micros = image.timestamp.seconds &* 1_000_000 &+ image.timestamp.microseconds
            return try Frame(width: frameSize.width, height: frameSize.height, format: format, bytes: image.bytes, timestampMicros: micros)
        } catch let error as SegmentError {
            segment.withLock { $0 = nil }
            throw PictureError(.unavailable, "\(error)")
        } catch let error as PictureError {
            throw error
        } catch {
            throw PictureError(.unavailable, "\(error)")
        }
    }

    private func currentSegment() throws(PictureError) -> ZMSegment {
        let result: Result<ZMSegment, PictureError> = segment.withLock { held in
            if let current = held, current.mapping.pathStillMatches() == .same { return .success(current) }
            held = nil
            do {
                let fresh = try ZMSegment(path: path, owners: owners)
                held = fresh
                return .success(fresh)
            } catch {
                return .failure(PictureError(.unavailable, "\(error)"))
            }
        }
        return try result.get()
    }
}
