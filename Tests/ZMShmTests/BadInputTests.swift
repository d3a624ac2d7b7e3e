import CZMLayouts
import Foundation
import Testing
@testable import ZMShm

@Suite("Bad segments give typed errors, never a crash or a wrong number")
struct BadInputTests {
    private func expectError(_ code: SegmentError.Code, bytes: [UInt8], mentions: String? = nil) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("zm.mmap.9")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SegmentError.self) { try ZMSegment(path: path) }
        #expect(error?.code == code)
        #expect(error?.message.contains(path) == true, "the message names the file")
        if let mentions { #expect(error?.message.contains(mentions) == true, "\(error?.message ?? "")") }
    }

    @Test func garbageIsAnUnknownLayout() throws {
        var generator = SystemRandomNumberGenerator()
        var garbage = (0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }
        garbage[0...3] = [0xEF, 0xBE, 0xAD, 0xDE]
        try expectError(.unknownLayout, bytes: garbage, mentions: "3735928559")
    }

    @Test func zeroSizeIsNotInitialised() throws {
        try expectError(.notInitialised, bytes: [UInt8](repeating: 0, count: 4096))
    }

    @Test func emptyFileIsNotInitialised() throws {
        try expectError(.notInitialised, bytes: [], mentions: "empty")
    }

    @Test func fileShorterThanItsLayout() throws {
        try expectError(.truncated, bytes: Array(LayoutSample.bytes(.zm136).prefix(700)), mentions: "760")
    }

    @Test func triggerDataSizeMustBe560() throws {
        var fixture = LayoutSample.fixture(.zm136)
        fixture.triggerData.size = 472
        try expectError(.badTriggerData, bytes: fixture.bytes(), mentions: "472")
    }

    @Test func missingFileNamesThePath() {
        let error = #expect(throws: SegmentError.self) { try ZMSegment(path: "/nonexistent/zm.mmap.77") }
        #expect(error?.code == .notFound)
        #expect(error?.message.contains("zm.mmap.77") == true)
    }

    @Test func nonUTF8TextIsMarkedNotHidden() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var fixture = LayoutSample.fixture(.zm136)
        let causeOffset = 376
        fixture.sharedData.replaceSubrange(causeOffset..<causeOffset + 5, with: [0x4D, 0xC3, 0x28, 0xFF, 0x00])
        let snapshot = try ZMSegment(path: try fixture.write(to: dir.file("zm.mmap.1"))).snapshot()
        #expect(snapshot.sharedData.alarmCause.isValidUTF8 == false)
        #expect(snapshot.sharedData.alarmCause.bytes == [0x4D, 0xC3, 0x28, 0xFF])
        #expect(snapshot.sharedData.alarmCause.text.contains("\u{FFFD}"))
    }

    @Test func unknownStateNumberHasNoName() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let segment = try ZMSegment(path: try LayoutSample.fixture(.zm138, state: 5).write(to: dir.file("zm.mmap.1")))
        let status = try segment.status()
        #expect(status.state(.idleIsOne) == nil, "1.38 has no TAPE: 5 is not a state there")
        #expect(StateNumbering.idleIsOne.state(99, layout: .zm136) == nil)
    }

    @Test func fileSizeOffTheFormulaDisablesImagesOnly() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = dir.file("zm.mmap.1")
        try Data(LayoutSample.fixture(.zm136).bytes() + [0, 0, 0]).write(to: URL(fileURLWithPath: path))
        let snapshot = try ZMSegment(path: path).snapshot()
        #expect(snapshot.geometry == nil)
        #expect(snapshot.timestamps == nil)
        #expect(snapshot.videoStoreData?.size == 4128, "fixed-offset parts are still decoded")
        #expect(snapshot.problems.first?.contains("size formula") == true)
    }
}

@Suite("State numbering by ZoneMinder version")
struct StateNumberingTests {
    @Test func layout760NeedsTheVersion() {
        let early = StateNumberingChoice.resolve(layout: .zm136, version: ZMVersion(1, 36, 15), versionSource: "test")
        let late = StateNumberingChoice.resolve(layout: .zm136, version: ZMVersion(1, 36, 16), versionSource: "test")
        let unknown = StateNumberingChoice.resolve(layout: .zm136, version: nil, versionSource: nil)
        #expect(early.numbering == .idleIsZero)
        #expect(late.numbering == .idleIsOne)
        #expect(unknown.numbering == .idleIsOne && unknown.reason.contains("assumed"))
        #expect(early.numbering.state(2, layout: .zm136) == .alarm)
        #expect(late.numbering.state(3, layout: .zm136) == .alarm)
        #expect(late.numbering.state(1, layout: .zm136) == .idle)
    }

    @Test func otherLayoutsDecideThemselves() {
        #expect(StateNumberingChoice.resolve(layout: .zm134, version: nil, versionSource: nil).numbering == .idleIsZero)
        for layout in [SharedDataLayout.zm13634, .zm137, .zm138, .master] {
            #expect(StateNumberingChoice.resolve(layout: layout, version: ZMVersion(1, 34, 0), versionSource: "x").numbering == .idleIsOne)
        }
        #expect(StateNumbering.idleIsOne.state(5, layout: .zm136) == .tape)
        #expect(StateNumbering.idleIsZero.state(4, layout: .zm134) == .tape)
    }

    @Test func versionsParse() {
        #expect(ZMVersion(parsing: "1.36.33+dfsg1-1") == ZMVersion(1, 36, 33))
        #expect(ZMVersion(parsing: "1:1.38.4-1") == ZMVersion(1, 38, 4))
        #expect(ZMVersion(parsing: " 1.34 ") == ZMVersion(1, 34, 0))
        #expect(ZMVersion(parsing: "banana") == nil)
        #expect(ZMVersion(1, 36, 15) < ZMVersion(1, 36, 16))
    }
}
