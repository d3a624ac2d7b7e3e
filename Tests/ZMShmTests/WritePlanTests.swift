import Foundation
import Testing
@testable import ZMShm

/// Trigger writes are validated whole, then stored strings → score → state: zmc reads `trigger_state` first.
@Suite("Trigger write plans")
struct WritePlanTests {
    private func plan(_ request: TriggerRequest, showtext: String? = nil) throws -> [SegmentStore] {
        try SegmentWritePlan.trigger(request, showtext: showtext, layout: .zm136, path: "zm.mmap.1")
    }

    @Test("ON: strings, then score, then trigger_state last with a release store")
    func onOrder() throws {
        let stores = try plan(.on(score: 77, cause: "door", text: "notes"), showtext: "label")
        try #require(stores.map(\.field) == ["trigger_cause", "trigger_text", "trigger_showtext", "trigger_score", "trigger_state"])
        #expect(stores[3].value == .releaseU32(77))
        #expect(stores.last == SegmentStore(field: "trigger_state", offset: 760 + 4, value: .releaseU32(ZMTriggerState.on.rawValue)))
        #expect(try plan(.on(score: 1, cause: "x", text: "")).map(\.field) == ["trigger_cause", "trigger_text", "trigger_score", "trigger_state"],
                "without showtext, ON leaves the label alone")
    }

    @Test("off and cancel clear cause, text, showtext and score, state last", arguments: [TriggerRequest.off, .cancel])
    func offClears(_ request: TriggerRequest) throws {
        let stores = try plan(request)
        try #require(stores.map(\.field) == ["trigger_cause", "trigger_text", "trigger_showtext", "trigger_score", "trigger_state"])
        for store in stores.prefix(3) {
            guard case let .bytes(bytes) = store.value else { Issue.record("\(store.field) is not a string store"); continue }
            #expect(bytes.allSatisfy { $0 == 0 }, "\(store.field) is cleared")
        }
        #expect(stores[3].value == .releaseU32(0))
        #expect(stores[4].value == .releaseU32(request == .off ? 2 : 0))
        guard case let .bytes(label) = try plan(request, showtext: "kept").first(where: { $0.field == "trigger_showtext" })?.value else {
            Issue.record("no showtext store")
            return
        }
        #expect(Array(label.prefix(5)) == Array("kept".utf8) + [0])
    }

    @Test("an embedded NUL byte is refused, not silently cut")
    func nulRefused() {
        let error = #expect(throws: SegmentError.self) { try plan(.on(score: 5, cause: "do\u{0}or", text: "")) }
        #expect(error?.message.contains("NUL") == true)
        #expect(throws: SegmentError.self) { try plan(.cancel, showtext: "a\u{0}b") }
    }

    @Test("score 0 and overlong strings are refused")
    func refusals() {
        #expect(throws: SegmentError.self) { try plan(.on(score: 0, cause: "x", text: "")) }
        #expect(throws: SegmentError.self) { try plan(.on(score: 1, cause: "x", text: String(repeating: "t", count: 256))) }
        #expect(throws: SegmentError.self) { try plan(.on(score: 1, cause: "x", text: ""), showtext: String(repeating: "s", count: 300)) }
        #expect((try? plan(.on(score: 1, cause: String(repeating: "c", count: 31), text: String(repeating: "t", count: 255)))) != nil)
    }
}

@Suite("Refused writes change no byte")
struct RefusedWriteTests {
    private func fileBytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    private func expectUnchanged(layout: SharedDataLayout = .zm136, valid: UInt8 = 1, _ write: (ZMSegment) throws -> Void) throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(layout, valid: valid).write(to: dir.file("zm.mmap.3"))
        let writer = try ZMSegment(path: path, writable: true)
        try writer.writeTrigger(.on(score: 9, cause: "before", text: "old text"), showtext: "old label")
        let before = try fileBytes(path)
        #expect(throws: SegmentError.self) { try write(writer) }
        #expect(try fileBytes(path) == before, "the whole file is byte-identical")
    }

    @Test func overlongShowtext() throws {
        try expectUnchanged { try $0.writeTrigger(.on(score: 5, cause: "new", text: "new text"), showtext: String(repeating: "s", count: 300)) }
    }

    @Test func cancelWithOverlongShowtext() throws {
        try expectUnchanged { try $0.writeTrigger(.cancel, showtext: String(repeating: "s", count: 256)) }
    }

    @Test func nulInText() throws {
        try expectUnchanged { try $0.writeTrigger(.on(score: 5, cause: "new", text: "a\u{0}b")) }
    }

    @Test func zeroScore() throws {
        try expectUnchanged { try $0.writeTrigger(.on(score: 0, cause: "new", text: "")) }
    }

    @Test func overlongShowtextAlone() throws {
        try expectUnchanged { try $0.writeShowtext(String(repeating: "s", count: 256)) }
    }

    @Test func unknownActionBits() throws {
        try expectUnchanged { try $0.requestAction(ZMAction(rawValue: 0x8000)) }
    }

    @Test("cancel clears text and showtext in the file")
    func cancelClearsTexts() throws {
        let dir = TemporaryDirectory()
        defer { dir.cleanup() }
        let path = try LayoutSample.fixture(.zm138, zones: [1]).write(to: dir.file("zm.mmap.3"))
        let writer = try ZMSegment(path: path, writable: true)
        for request in [TriggerRequest.cancel, .off] {
            try writer.writeTrigger(.on(score: 9, cause: "cause", text: "text"), showtext: "label")
            try writer.writeTrigger(request)
            let trigger = try ZMSegment(path: path).causes().trigger
            #expect(trigger.triggerCause.isEmpty && trigger.triggerText.isEmpty && trigger.triggerShowtext.isEmpty)
            #expect(trigger.triggerScore == 0)
        }
    }
}
