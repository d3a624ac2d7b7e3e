import CZMLayouts
import Foundation
import Testing
@testable import ZMShm

@Suite("Decoding every layout from C-written segments")
struct DecodeTests {
    @Test("SharedData: every field equals what the C struct held", arguments: SharedDataLayout.allCases)
    func sharedDataFields(layout: SharedDataLayout) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(layout, zones: [7, 0, 255]).write(to: dir.file("zm.mmap.1"))
        let segment = try ZMSegment(path: path)
        #expect(segment.layout == layout)
        let snapshot = try segment.snapshot(frameSize: (4, 4))
        #expect(snapshot.sharedData == LayoutSample.expected(layout))
    }

    @Test("TriggerData sits right after SharedData in every layout", arguments: SharedDataLayout.allCases)
    func triggerData(layout: SharedDataLayout) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var fixture = LayoutSample.fixture(layout)
        fixture.triggerData.trigger_state = 1
        fixture.triggerData.trigger_score = 77
        setCString(&fixture.triggerData.trigger_cause, "peer-ext")
        setCString(&fixture.triggerData.trigger_text, "external text")
        setCString(&fixture.triggerData.trigger_showtext, "SHOWTEXT")
        let segment = try ZMSegment(path: try fixture.write(to: dir.file("zm.mmap.1")))
        let trigger = try segment.snapshot(frameSize: (4, 4)).triggerData
        #expect(trigger.size == 560)
        #expect(trigger.state == .on)
        #expect(trigger.triggerScore == 77)
        #expect(trigger.triggerCause.text == "peer-ext")
        #expect(trigger.triggerText.text == "external text")
        #expect(trigger.triggerShowtext.text == "SHOWTEXT")
        let status = try segment.status()
        #expect(status.triggerState == 1 && status.triggerScore == 77 && status.lastEventID == 0x1_0000_04B3)
    }

    @Test("zone scores, an unaligned VideoStoreData and timestamps on 1.37+ with an odd zone count",
          arguments: [SharedDataLayout.zm137, .zm138, .master])
    func oddZoneCount(layout: SharedDataLayout) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var fixture = LayoutSample.fixture(layout, zones: [12, -1, 300])
        fixture.imageBufferCount = 5
        fixture.videoStore.current_event = 1203
        setCString(&fixture.videoStore.event_file, "/var/cache/zoneminder/events/1/2026-11-22/1203/1203-video.mp4")
        fixture.videoStore.recording = timeval(tv_sec: 1_795_312_500, tv_usec: 123_456)
        fixture.timestamps = [(1_795_312_581, 1), (1_795_312_582, 2), (1_795_312_583, 999_999), (0, 0), (7, 8)]
        let segment = try ZMSegment(path: try fixture.write(to: dir.file("zm.mmap.4")))
        let snapshot = try segment.snapshot(frameSize: (4, 4))
        #expect(snapshot.problems.isEmpty)
        #expect(snapshot.geometry?.zoneCount == 3)
        #expect(snapshot.geometry?.imageBufferCount == 5)
        #expect((snapshot.geometry!.videoStoreDataOffset) % 8 != 0, "the point of the test: VideoStoreData is unaligned")
        #expect(snapshot.zoneScores == [12, -1, 300])
        #expect(snapshot.videoStoreData?.size == 4128)
        #expect(snapshot.videoStoreData?.currentEvent == 1203)
        #expect(snapshot.videoStoreData?.eventFile.text.hasSuffix("1203-video.mp4") == true)
        #expect(snapshot.videoStoreData?.recording == Timeval(seconds: 1_795_312_500, microseconds: 123_456))
        #expect(snapshot.timestamps?.map(\.seconds) == [1_795_312_581, 1_795_312_582, 1_795_312_583, 0, 7])
        #expect(snapshot.timestamps?[2].microseconds == 999_999)
    }

    @Test("1.34 and 1.36 keep VideoStoreData at a fixed offset", arguments: [SharedDataLayout.zm134, .zm136, .zm13634])
    func videoStoreWithoutZones(layout: SharedDataLayout) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var fixture = LayoutSample.fixture(layout)
        fixture.videoStore.current_event = 42
        setCString(&fixture.videoStore.event_file, "nothing")
        let snapshot = try ZMSegment(path: try fixture.write(to: dir.file("zm.mmap.1"))).snapshot()
        #expect(snapshot.geometry?.videoStoreDataOffset == layout.size + 560)
        #expect(snapshot.geometry?.timestampsOffset == layout.size + 560 + 4128)
        #expect(snapshot.videoStoreData?.currentEvent == 42)
        #expect(snapshot.videoStoreData?.eventFile.text == "nothing")
        #expect(snapshot.zoneScores == nil)
    }

    @Test("master without the frame size says what is missing instead of guessing")
    func masterNeedsFrameSize() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let segment = try ZMSegment(path: try LayoutSample.fixture(.master, zones: [1]).write(to: dir.file("zm.mmap.1")))
        let snapshot = try segment.snapshot()
        #expect(snapshot.geometry == nil)
        #expect(snapshot.timestamps == nil && snapshot.zoneScores == nil && snapshot.videoStoreData == nil)
        #expect(snapshot.problems.first?.contains("Width/Height") == true)
        #expect(snapshot.sharedData == LayoutSample.expected(.master))
    }

    @Test("status() agrees with the full decode", arguments: SharedDataLayout.allCases)
    func statusMatchesSnapshot(layout: SharedDataLayout) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let segment = try ZMSegment(path: try LayoutSample.fixture(layout).write(to: dir.file("zm.mmap.1")))
        let status = try segment.status()
        let shared = LayoutSample.expected(layout)
        #expect(status.valid && status.signal)
        #expect(status.rawState == shared.state && status.lastEventID == shared.lastEventID)
        #expect(status.captureFPS == shared.captureFPS && status.analysisFPS == shared.analysisFPS)
        #expect(status.heartbeatTime == (shared.heartbeatTime ?? shared.lastWriteTime))
        #expect(status.imageCount == shared.imageCount && status.lastFrameScore == shared.lastFrameScore)
        #expect(status.analysisEnabled == true)
        #expect(status.action == 0x14)
    }

    @Test("the newest image is copied from the right slot with its timestamp", arguments: [SharedDataLayout.zm136, .zm138])
    func latestImage(layout: SharedDataLayout) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        var fixture = LayoutSample.fixture(layout, imageSize: 48, zones: [5])
        fixture.images = (0..<3).map { slot in [UInt8](repeating: UInt8(0xA0 + slot), count: 48) }
        fixture.timestamps = [(100, 0), (101, 0), (102, 500)]
        let segment = try ZMSegment(path: try fixture.write(to: dir.file("zm.mmap.1")))
        let geometry = try #require(try segment.geometry())
        let frame = try #require(try segment.latestImage(geometry: geometry))
        #expect(frame.slot == 2)
        #expect(frame.timestamp == Timeval(seconds: 102, microseconds: 500))
        #expect(frame.bytes == [UInt8](repeating: 0xA2, count: 48))
        #expect(frame.subpixelOrder == 8)
    }
}
