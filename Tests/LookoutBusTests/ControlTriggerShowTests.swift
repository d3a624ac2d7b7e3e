import LookoutBus
import Testing

@Suite("TRIGGER show")
struct ControlTriggerShowTests {
    @Test("TRIGGER <id> show sets only the showtext, with or without options; an unknown command names show among the choices")
    func show() {
        let parsed = ControlRequest.parse([Array("TRIGGER".utf8), Array("3".utf8), Array("show".utf8), Array(#"{"showtext":"21 C"}"#.utf8)])
        #expect(parsed == .success(.trigger(monitorID: 3, command: .show, options: .init(showtext: "21 C"))))
        #expect(ControlRequest.parse([Array("TRIGGER".utf8), Array("3".utf8), Array("show".utf8)]) == .success(.trigger(monitorID: 3, command: .show, options: .init())))
        guard case let .failure(error) = ControlRequest.parse([Array("TRIGGER".utf8), Array("3".utf8), Array("shout".utf8)]) else {
            Issue.record("shout accepted")
            return
        }
        #expect(error.message.contains("use on, off, cancel or show"))
    }
}
