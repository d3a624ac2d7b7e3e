import LookoutJSON
import ZeroMQ
import PosixThread

extension ZMTriggerListener {
    /// `zm.monitor.<id>.state` messages: notices for every connection, and what `off` waits for.
    func readStates() {
        var lines = ""
        for _ in 0..<1000 {
            guard let frames = try? states.receive(timeoutMilliseconds: 0) else { break }
            guard frames.count == 3, let id = Self.stateTopicMonitor(frames[0]),
                  let body = try? JSONValue.parse(String(decoding: frames[2], as: UTF8.self)),
                  let state = body["state"]?.stringValue else { continue }
            let refresh = (try? JSONValue.parse(String(decoding: frames[1], as: UTF8.self)))?["refresh"] == .bool(true)
            let observation = StateNotices.Observation(
                state: state, previous: body["previous"]?.stringValue, lastEvent: body["last_event_id"]?.uint64Value ?? 0,
                function: body["function"]?.stringValue, refresh: refresh)
            for line in notices.observe(monitor: id, observation, time: Int(WallClock.seconds())) { lines += line + "\n" }
        }
        if !lines.isEmpty {
            for event in connections.broadcast(lines) { handleConnectionEvent(event) }
        }
        checkOffWaits()
    }

    static func stateTopicMonitor(_ topic: [UInt8]) -> Int? {
        let text = String(decoding: topic, as: UTF8.self)
        guard text.hasPrefix("zm.monitor."), text.hasSuffix(".state") else { return nil }
        return Int(text.dropFirst("zm.monitor.".count).dropLast(".state".count))
    }
}
