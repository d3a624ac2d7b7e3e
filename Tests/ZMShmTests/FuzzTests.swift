import Foundation
import SegmentFuzzing
import Testing
@testable import ZMShm

/// A short, seeded run of `segment-fuzz` (the long runs are outside CI; docs/zm-shm-reader.md, "Fuzzing").
@Suite("Fuzzing the segment reader")
struct FuzzTests {
    @Test("3000 seeded hostile segments of every layout: no crash, no hang, every outcome typed")
    func seededRun() throws {
        let dir = try ShmDirectory()
        defer { dir.cleanup() }
        let seeds = SegmentSeeds.all() + SharedDataLayout.allCases.map { LayoutSample.fixture($0, zones: [1, 2]).bytes() }
        let mutator = SegmentMutator(seeds: seeds)
        let runner = SegmentFuzzRunner(directory: dir.path)
        for index in 0..<3000 as Range<UInt64> {
            var random = FuzzRandom(seed: 20_261_130, input: index)
            runner.run(mutator.input(&random))
        }
        #expect(runner.inputs == 3000)
        #expect(runner.outcomes["image", default: 0] > 0, "some inputs still decode to an image: \(runner.outcomes)")
        #expect(runner.outcomes["unknownLayout", default: 0] > 0 && runner.outcomes["truncated", default: 0] > 0)
    }

    @Test("the seeds are well-formed segments of every layout")
    func seedsDecode() throws {
        let dir = try ShmDirectory()
        defer { dir.cleanup() }
        for (index, bytes) in SegmentSeeds.all().enumerated() {
            let path = dir.path + "/zm.mmap.\(index + 1)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let segment = try ZMSegment(path: path)
            let frame = segment.layout == .master ? SegmentSeeds.masterFrame : nil
            let geometry = try #require(try segment.geometry(frameSize: frame), "seed \(index) (\(segment.layout)) fits the size formula")
            #expect(try segment.latestImage(geometry: geometry) != nil)
        }
    }
}

/// A fresh directory under /dev/shm (tmpfs, like ZoneMinder's map directory), removed by `cleanup()`.
struct ShmDirectory {
    let path: String
    init() throws {
        path = "/dev/shm/lookout-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }
    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}
