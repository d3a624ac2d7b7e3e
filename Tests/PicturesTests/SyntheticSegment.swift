import Glibc
import ZMShm

/// A ZoneMinder 1.36.34 segment file laid out as zmc lays it out, with chosen images, format and `last_write_index`.
struct SyntheticSegment {
    let path: String
    let geometry: SegmentGeometry

    /// - Parameter images: one image per slot (`width·height·colours` bytes each).
    init(directory: String, id: Int, images: [[UInt8]], format: UInt8, lastWriteIndex: Int32, stamps: [Int64]) throws {
        let layout = SharedDataLayout.zm13634
        let imageSize = images[0].count
        let probe = SegmentGeometry(layout: layout, fileSize: 0, imageBufferCount: images.count, imageSlotStride: imageSize, zoneCount: 0)
        let geometry = SegmentGeometry(layout: layout, fileSize: probe.expectedFileSize, imageBufferCount: images.count,
                                       imageSlotStride: imageSize, zoneCount: 0)
        self.geometry = geometry
        var bytes = [UInt8](repeating: 0, count: geometry.fileSize)
        bytes.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress!
            let writer = SharedDataWriter(layout: layout, base: base)
            writer.initialise()
            writer.setValid(true)
            writer.setActive(true)
            writer.setSignal(true)
            writer.setState(1)
            writer.setImageSize(UInt32(imageSize))
            writer.setFormat(format)
            writer.setLastWriteIndex(lastWriteIndex)
            writer.setHeartbeatTime(1_796_000_000)
            base.storeBytes(of: UInt32(4128), toByteOffset: geometry.videoStoreDataOffset, as: UInt32.self)
            for (slot, image) in images.enumerated() {
                base.storeBytes(of: stamps[slot], toByteOffset: geometry.timestampsOffset + 16 * slot, as: Int64.self)
                image.withUnsafeBytes { (base + geometry.imageOffset(slot: slot)).copyMemory(from: $0.baseAddress!, byteCount: image.count) }
            }
        }
        path = "\(directory)/zm.mmap.\(id)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o640)
        guard fd >= 0 else { throw TestFailure("cannot create \(path)") }
        defer { close(fd) }
        guard bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == bytes.count else { throw TestFailure("short write") }
    }

    static func temporaryDirectory() -> String {
        var template = Array("/tmp/lookout-pictures-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    static func remove(_ directory: String) {
        if let stream = opendir(directory) {
            while let entry = readdir(stream) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { unlink("\(directory)/\(name)") }
            }
            closedir(stream)
        }
        rmdir(directory)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
