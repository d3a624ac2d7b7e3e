import Glibc
import Pictures
import ZMShm

// lookout-picture-bench: JPEG encodes per second on one core (one thread) for the peer's size and for 1080p in each
// layout a source hands over, and (with --segment DIR) a 1080p ZoneMinder 1.36 segment for the HTTP latency run of
// scripts/picture-bench.sh. Release build only; docs/performance.md.

func now() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// A busy test picture (gradients and a moving box) so the encoder does real work.
func pattern(width: Int, height: Int, format: PictureFormat, seed: Int) -> [UInt8] {
    let planes = format.planeSizes(width: width, height: height)
    var bytes = [UInt8](repeating: 0, count: planes.reduce(0) { $0 + $1.width * $1.height })
    var offset = 0
    for (index, plane) in planes.enumerated() {
        for y in 0..<plane.height {
            for x in 0..<plane.width {
                let box = (x / 8 + seed) % 97 < 16 && (y + seed) % 89 < 16
                bytes[offset + y * plane.width + x] = box ? 250 : UInt8(truncatingIfNeeded: (x &* 3 &+ y &* 5 &+ index &* 40 &+ seed) & 0xFF)
            }
        }
        offset += plane.width * plane.height
    }
    return bytes
}

func encodesPerSecond(width: Int, height: Int, format: PictureFormat, seconds: Double = 2) throws -> Double {
    let frames = try (0..<4).map { seed in
        try Frame(width: width, height: height, format: format, bytes: pattern(width: width, height: height, format: format, seed: seed * 7), timestampMicros: Int64(seed))
    }
    let encoder = try JPEGEncoder()
    var count = 0
    let start = now()
    while now() - start < seconds {
        _ = try encoder.encode(frames[count % frames.count], quality: PictureRequest.defaultQuality)
        count += 1
    }
    return Double(count) / (now() - start)
}

func writeSegment(directory: String, id: Int, width: Int, height: Int) throws {
    let layout = SharedDataLayout.zm13634, colours = 4, slots = 3
    let imageSize = width * height * colours
    let probe = SegmentGeometry(layout: layout, fileSize: 0, imageBufferCount: slots, imageSlotStride: imageSize, zoneCount: 0)
    let geometry = SegmentGeometry(layout: layout, fileSize: probe.expectedFileSize, imageBufferCount: slots, imageSlotStride: imageSize, zoneCount: 0)
    var bytes = [UInt8](repeating: 0, count: geometry.fileSize)
    let image = pattern(width: width * colours, height: height, format: .grey, seed: 3)
    bytes.withUnsafeMutableBytes { buffer in
        let base = buffer.baseAddress!
        let writer = SharedDataWriter(layout: layout, base: base)
        writer.initialise()
        writer.setValid(true)
        writer.setActive(true)
        writer.setSignal(true)
        writer.setState(1)
        writer.setImageSize(UInt32(imageSize))
        writer.setFormat(8)
        writer.setLastWriteIndex(1)
        base.storeBytes(of: UInt32(4128), toByteOffset: geometry.videoStoreDataOffset, as: UInt32.self)
        for slot in 0..<slots {
            base.storeBytes(of: Int64(1_796_000_000 + slot), toByteOffset: geometry.timestampsOffset + 16 * slot, as: Int64.self)
            image.withUnsafeBytes { (base + geometry.imageOffset(slot: slot)).copyMemory(from: $0.baseAddress!, byteCount: imageSize) }
        }
    }
    let path = "\(directory)/zm.mmap.\(id)"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o640)
    guard fd >= 0 else { fatalError("cannot create \(path)") }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
}

let arguments = CommandLine.arguments
if let index = arguments.firstIndex(of: "--segment"), index + 1 < arguments.count {
    try writeSegment(directory: arguments[index + 1], id: 1, width: 1920, height: 1080)
    print("wrote \(arguments[index + 1])/zm.mmap.1: 1920x1080 RGBA, ZoneMinder 1.36.34 layout")
} else {
    print("encodes per second on one thread (quality \(PictureRequest.defaultQuality)):")
    for (width, height, format) in [(320, 240, PictureFormat.rgba), (320, 240, .grey), (1920, 1080, .rgb24), (1920, 1080, .rgba),
                                    (1920, 1080, .i420), (1920, 1080, .nv12)] {
        let rate = try encodesPerSecond(width: width, height: height, format: format)
        print("  \(width)x\(height) \(format.rawValue): \(Int(rate.rounded())) /s (\(Double(Int(100_000 / rate)) / 100) ms each)")
    }
}
