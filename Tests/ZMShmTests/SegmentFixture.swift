import CZMLayouts
import Foundation
@testable import ZMShm

/// Builds segment files the way zmc lays them out, from the C structs in CZMLayouts.
struct SegmentFixture {
    var layout: SharedDataLayout
    var sharedData: [UInt8]
    var triggerData = ZMTriggerData()
    var videoStore = ZMVideoStoreData()
    var zoneScores: [Int32] = []
    var imageBufferCount = 3
    var imageSize = 64
    /// master only: the slot stride (align32(4w)·h).
    var slotStride: Int?
    var timestamps: [(Int64, Int64)] = []
    var images: [[UInt8]] = []

    init(layout: SharedDataLayout, sharedData: [UInt8]) {
        self.layout = layout
        self.sharedData = sharedData
        triggerData.size = 560
        videoStore.size = 4128
    }

    var stride: Int { slotStride ?? imageSize }

    func bytes() -> [UInt8] {
        var out = sharedData
        out += withUnsafeBytes(of: triggerData) { Array($0) }
        if layout.hasZoneScores { for score in zoneScores { out += withUnsafeBytes(of: score.littleEndian) { Array($0) } } }
        out += withUnsafeBytes(of: videoStore) { Array($0) }
        for slot in 0..<imageBufferCount {
            let stamp = slot < timestamps.count ? timestamps[slot] : (0, 0)
            out += withUnsafeBytes(of: stamp.0) { Array($0) } + withUnsafeBytes(of: stamp.1) { Array($0) }
        }
        while out.count % 64 != 0 { out.append(0) }
        for slot in 0..<imageBufferCount {
            var image = slot < images.count ? images[slot] : []
            image += [UInt8](repeating: 0, count: max(0, stride - image.count))
            out += image.prefix(stride)
        }
        switch layout {
        case .zm134, .zm136, .zm13634:
            out += [UInt8](repeating: 0, count: 64 - alignmentUsed)
        case .zm137, .zm138:
            out += [UInt8](repeating: 0, count: imageBufferCount * stride + 4 * imageBufferCount + 64 - alignmentUsed)
        case .master:
            out += [UInt8](repeating: 0, count: imageBufferCount * stride)
            for _ in 0..<(2 * imageBufferCount) { out += withUnsafeBytes(of: Int32(-1)) { Array($0) } }
            out += [UInt8](repeating: 0, count: 66 - alignmentUsed)
        }
        return out
    }

    /// Bytes of the 64 spare ones that aligning the image area consumed.
    private var alignmentUsed: Int {
        let zoneBytes = layout.hasZoneScores ? 4 * zoneScores.count : 0
        let end = layout.size + 560 + zoneBytes + 4128 + 16 * imageBufferCount
        return (64 - end % 64) % 64
    }

    @discardableResult
    func write(to path: String) throws -> String {
        try Data(bytes()).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// A fresh directory under /tmp, removed by `cleanup()`.
struct TemporaryDirectory {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "lookout-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func file(_ name: String) -> String { path + "/" + name }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

func setCString<T>(_ field: inout T, _ text: String) {
    withUnsafeMutableBytes(of: &field) { buffer in
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        let bytes = Array(text.utf8.prefix(buffer.count - 1))
        buffer.copyBytes(from: bytes)
    }
}

func setBytes<T>(_ field: inout T, _ bytes: [UInt8]) {
    withUnsafeMutableBytes(of: &field) { buffer in
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        buffer.copyBytes(from: bytes.prefix(buffer.count))
    }
}

func structBytes<T>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value) { Array($0) } }
