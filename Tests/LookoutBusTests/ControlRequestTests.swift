import LookoutBus
import Testing

@Suite("control requests")
struct ControlRequestTests {
    private func parse(_ frames: [String]) -> Result<ControlRequest, ControlError> {
        ControlRequest.parse(frames.map { Array($0.utf8) })
    }

    @Test("well-formed requests parse")
    func good() throws {
        #expect(try parse(["PING"]).get() == .ping)
        #expect(try parse(["HEALTH"]).get() == .health)
        #expect(try parse(["HEALTH", "4096"]).get() == .monitorHealth(monitorID: 4096))
        #expect(try parse(["SNAPSHOT"]).get() == .snapshot(prefix: "", cursor: nil))
        #expect(try parse(["SNAPSHOT", "zm.monitor.7."]).get() == .snapshot(prefix: "zm.monitor.7.", cursor: nil))
        #expect(try parse(["SNAPSHOT", "zm.", "e:9:40"]).get() == .snapshot(prefix: "zm.", cursor: "e:9:40"))
        #expect(try parse(["TRIGGER", "11", "off"]).get() == .trigger(monitorID: 11, command: .off, options: .init()))
        #expect(try parse(["ACTION", "3", "reload"]).get() == .action(monitorID: 3, action: "reload"))
        #expect(try parse(["TRIGGER", "7", "cancel"]).get() == .trigger(monitorID: 7, command: .cancel, options: .init()))
        let options = ControlRequest.TriggerOptions(score: 50, cause: "Door", text: "opened", showtext: "DOOR")
        #expect(try parse(["TRIGGER", "7", "on", #"{"score":50,"cause":"Door","text":"opened","showtext":"DOOR"}"#]).get()
            == .trigger(monitorID: 7, command: .on, options: options))
        #expect(try parse(["TRIGGER", "7", "on", #"{"score":50.0,"cause":"Door","text":"opened","showtext":"DOOR"}"#]).get()
            == .trigger(monitorID: 7, command: .on, options: options), "50.0 is the score 50")
    }

    @Test("malformed requests are errors that say what is wrong", arguments: [
        ([], "bad_request"), ([""], "bad_request"), (["ping"], "unknown_verb"), (["PING", "x"], "bad_request"),
        (["SNAPSHOT", "a", "b", "c"], "bad_request"), (["TRIGGER", "0", "on"], "bad_request"), (["TRIGGER", "-1", "on"], "bad_request"),
        (["TRIGGER", "7"], "bad_request"), (["TRIGGER", "7", "maybe"], "bad_request"), (["TRIGGER", "7", "on", "{"], "bad_request"),
        (["TRIGGER", "7", "on", #"{"score":-1}"#], "bad_request"), (["TRIGGER", "7", "on", #"{"colour":"red"}"#], "bad_request"),
        (["TRIGGER", "7", "on", #"{"cause":5}"#], "bad_request"),
        (["TRIGGER", "7", "on", #"{"score":50.5}"#], "bad_request"), (["TRIGGER", "7", "on", #"{"score":1e12}"#], "bad_request"), (["TRIGGER", "7", "on", "[1]"], "bad_request"),
        (["ACTION", "7"], "bad_request"), (["ACTION", "7", "format"], "bad_request"),
        (["HEALTH", "07"], "bad_request"), (["HEALTH", "7", "8"], "bad_request"),
    ] as [([String], String)])
    func bad(frames: [String], code: String) {
        guard case let .failure(error) = parse(frames) else {
            Issue.record("\(frames) parsed")
            return
        }
        #expect(error.code.rawValue == code)
        #expect(!error.message.isEmpty)
    }

    @Test("a verb that is not UTF-8 is refused, not crashed on")
    func binaryVerb() {
        guard case let .failure(error) = ControlRequest.parse([[0xff, 0xfe, 0x00]]) else {
            Issue.record("binary verb parsed")
            return
        }
        #expect(error.code == .badRequest)
    }

    @Test("monitor ids are canonical decimal only", arguments: ["+11", "011", " 11", "11 ", "1_1", "0x0b", "١١", "99999999999999999999999"])
    func nonCanonicalMonitorID(text: String) throws {
        let error = try #require(failure(["TRIGGER", text, "cancel"]))
        #expect(error.code == .badRequest)
        #expect(error.message.contains("decimal, without sign or leading zeros"), "\(error.message)")
        #expect(failure(["ACTION", text, "reload"])?.code == .badRequest)
    }

    @Test("a NUL inside cause, text or showtext is refused, not cut short", arguments: ["cause", "text", "showtext"])
    func embeddedNUL(key: String) throws {
        let error = try #require(failure(["TRIGGER", "7", "on", #"{"\#(key)":"Door\u0000 opened"}"#]))
        #expect(error.code == .badRequest)
        #expect(error.message.contains(key) && error.message.contains("NUL"), "\(error.message)")
    }

    @Test("a bad options frame is refused with what was wrong and where")
    func optionsFrameErrors() throws {
        let huge = try #require(failure(["TRIGGER", "7", "on", #"{"score":1e400}"#]))
        #expect(huge.message.contains("number out of range") && huge.message.contains("at byte 9"), "\(huge.message)")
        let notObject = try #require(failure(["TRIGGER", "7", "on", "[1]"]))
        #expect(notObject.message.contains("got an array"), "\(notObject.message)")
        let zero = try #require(failure(["TRIGGER", "7", "on", #"{"score":0}"#]))
        #expect(zero.message.contains("score 0"), "\(zero.message)")
        #expect(try parse(["TRIGGER", "7", "off", #"{"score":0}"#]).get() == .trigger(monitorID: 7, command: .off, options: .init(score: 0)))
        let binary = try #require(failure(["TRIGGER", "7", "on", ""], raw: [0xFF]))
        #expect(binary.message.contains("not UTF-8"), "\(binary.message)")
    }

    @Test("the bus and lookout trigger share one default score, ZoneMinder's customary 255")
    func defaultScore() {
        #expect(TriggerDefaults.score == 255)
    }

    private func failure(_ frames: [String], raw last: [UInt8]? = nil) -> ControlError? {
        var bytes = frames.map { Array($0.utf8) }
        if let last { bytes[bytes.count - 1] = last }
        guard case let .failure(error) = ControlRequest.parse(bytes) else { return nil }
        return error
    }
}
