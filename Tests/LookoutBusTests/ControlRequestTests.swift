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
        #expect(try parse(["SNAPSHOT"]).get() == .snapshot(prefix: ""))
        #expect(try parse(["SNAPSHOT", "zm.monitor.7."]).get() == .snapshot(prefix: "zm.monitor.7."))
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
        (["SNAPSHOT", "a", "b"], "bad_request"), (["TRIGGER", "0", "on"], "bad_request"), (["TRIGGER", "-1", "on"], "bad_request"),
        (["TRIGGER", "7"], "bad_request"), (["TRIGGER", "7", "maybe"], "bad_request"), (["TRIGGER", "7", "on", "{"], "bad_request"),
        (["TRIGGER", "7", "on", #"{"score":-1}"#], "bad_request"), (["TRIGGER", "7", "on", #"{"colour":"red"}"#], "bad_request"),
        (["TRIGGER", "7", "on", #"{"cause":5}"#], "bad_request"),
        (["TRIGGER", "7", "on", #"{"score":50.5}"#], "bad_request"), (["TRIGGER", "7", "on", #"{"score":1e12}"#], "bad_request"), (["TRIGGER", "7", "on", "[1]"], "bad_request"),
        (["ACTION", "7"], "bad_request"), (["ACTION", "7", "format"], "bad_request"),
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
}
