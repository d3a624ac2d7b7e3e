import ZMShm

/// One fuzz input: the bytes to write and the size to give the file (larger than the bytes: a sparse tail).
public struct FuzzInput: Sendable {
    public var bytes: [UInt8]
    public var fileSize: Int
    /// For master: the frame size the reader is told (it decides the slot stride), or none.
    public var frameSize: (width: Int, height: Int)?
}

/// Turns seeds into hostile segments: random bytes, flipped bits, header fields set to values that lie about the
/// layout, sizes, indexes and geometry, truncations, extensions and sparse tails.
public struct SegmentMutator {
    public let seeds: [[UInt8]]

    public init(seeds: [[UInt8]]) { self.seeds = seeds }

    /// Numbers that decide a reader's path: every layout size, TriggerData's and VideoStoreData's sizes, 0, ±1,
    /// the sign bit, the image buffer caps, and all-ones.
    static let interesting: [UInt32] = SharedDataLayout.allCases.map(\.rawValue) + [
        560, 4128, 0, 1, 2, 3, 4, 63, 64, 65, 255, 256, 4096, 65_535, 65_536, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFFE,
        UInt32(SegmentGeometry.maxImageSlotStride), UInt32(SegmentGeometry.maxImageSlotStride + 1),
    ]

    /// Header bytes where sizes, indexes, counters and `imagesize` live in every layout.
    static let headerFieldBytes = 160

    public func input(_ random: inout FuzzRandom) -> FuzzInput {
        var bytes = random.chance(5) ? randomBytes(&random) : seeds[random.below(seeds.count)]
        for _ in 0..<(1 + random.below(4)) { mutate(&bytes, &random) }
        var fileSize = bytes.count
        if random.chance(10) { fileSize += sparseTail(&random) }
        return FuzzInput(bytes: bytes, fileSize: fileSize, frameSize: frameSize(&random))
    }

    private func mutate(_ bytes: inout [UInt8], _ random: inout FuzzRandom) {
        switch random.below(9) {
        case 0:
            for _ in 0..<(1 + random.below(16)) where !bytes.isEmpty {
                bytes[random.below(bytes.count)] ^= UInt8(1) << UInt8(random.below(8))
            }
        case 1: put(Self.interesting[random.below(Self.interesting.count)], at: 4 * random.below(Self.headerFieldBytes / 4), in: &bytes)
        case 2: put(Self.interesting[random.below(Self.interesting.count)], at: 4 * random.below(max(1, bytes.count / 4)), in: &bytes)
        case 3: put(UInt32.random(in: 0...UInt32.max, using: &random), at: 4 * random.below(Self.headerFieldBytes / 4), in: &bytes)
        case 4: bytes.removeLast(random.below(bytes.count + 1))
        case 5: bytes += [UInt8](repeating: random.chance(50) ? 0 : UInt8(random.below(256)), count: random.below(70_000))
        case 6:
            // Another layout's size over this one's: every offset after it now lies.
            put(SharedDataLayout.allCases[random.below(SharedDataLayout.allCases.count)].rawValue, at: 0, in: &bytes)
        case 7:
            // TriggerData's size where some layout expects it.
            put(random.chance(70) ? 560 : UInt32(random.below(1024)), at: SharedDataLayout.allCases[random.below(6)].size, in: &bytes)
        default:
            for _ in 0..<(1 + random.below(64)) where !bytes.isEmpty { bytes[random.below(bytes.count)] = UInt8(random.below(256)) }
        }
    }

    private func put(_ value: UInt32, at offset: Int, in bytes: inout [UInt8]) {
        guard offset >= 0, offset + 4 <= bytes.count else { return }
        withUnsafeBytes(of: value.littleEndian) { bytes.replaceSubrange(offset..<offset + 4, with: $0) }
    }

    private func randomBytes(_ random: inout FuzzRandom) -> [UInt8] {
        (0..<random.below(8192)).map { _ in UInt8(random.below(256)) }
    }

    /// Mostly small; rarely 1 GB (a huge claimed geometry; reading it must stay bounded).
    private func sparseTail(_ random: inout FuzzRandom) -> Int {
        random.chance(2) ? 1 << 30 : random.below(4 << 20)
    }

    private func frameSize(_ random: inout FuzzRandom) -> (width: Int, height: Int)? {
        switch random.below(10) {
        case 0: nil
        case 1: (65_535, 65_535)
        case 2: (random.below(4096), random.below(4096))
        default: SegmentSeeds.masterFrame
        }
    }
}
