@testable import LookoutMQTT
import LookoutJSON
import Testing

@Suite("MQTT bridge parts: topic map, outbox bounds, commands, discovery")
struct MQTTBridgePartsTests {
    @Test("bus topics map under monitor/, channel/ and agent/; events are not retained; the heartbeat and odd topics stay on the bus")
    func topicMap() {
        #expect(MQTTTopicMap.map("zm.monitor.7.state") == .init(path: "monitor/7/state", retained: true))
        #expect(MQTTTopicMap.map("zm.monitor.7.event") == .init(path: "monitor/7/event", retained: false))
        #expect(MQTTTopicMap.map("ts.channel.2.state") == .init(path: "channel/2/state", retained: true))
        #expect(MQTTTopicMap.map("agent.info") == .init(path: "agent/info", retained: true))
        for ignored in ["agent.heartbeat", "zm.monitor.7", "zm.monitor.7.a.b", "zm.monitor.+.state", "zm.monitor.#.state", "zm.monitor..state"] {
            #expect(MQTTTopicMap.map(ignored) == nil, "\(ignored)")
        }
    }

    @Test("events past the byte bound are dropped and counted; a newer retained value replaces one not yet sent; a reconnect re-sends every retained topic")
    func outbox() {
        var outbox = MQTTOutbox(eventLimit: 100, retainedLimit: 1000)
        let event = MQTTOutbox.Message(topic: "t/e", payload: Array(repeating: 1, count: 40), retained: false)
        let first = outbox.enqueue(event), second = outbox.enqueue(event), third = outbox.enqueue(event)
        #expect(first && second && !third)
        #expect(outbox.dropped == 1 && outbox.eventBytes == 86)
        outbox.setRetained("t/a", [1])
        outbox.setRetained("t/a", [2])
        let again = outbox.setRetained("t/a", [2])
        #expect(!again, "the same value again is nothing to send")
        let firstOut = outbox.next(), secondOut = outbox.next()
        #expect(firstOut == event && secondOut == event, "events first")
        #expect(outbox.next() == .init(topic: "t/a", payload: [2], retained: true))
        #expect(outbox.next() == nil)
        outbox.setRetained("t/b", [3])
        _ = outbox.next()
        outbox.markAllRetainedDirty()
        let order = [outbox.next()?.topic, outbox.next()?.topic, outbox.next()?.topic]
        #expect(order == ["t/a", "t/b", nil])
        outbox.removeRetained("t/a")
        #expect(outbox.next() == .init(topic: "t/a", payload: [], retained: true), "removal: an empty retained payload")
        let big = outbox.setRetained("t/big", Array(repeating: 0, count: 2000))
        #expect(!big && outbox.retainedRefused == 1)
    }

    @Test("messages in flight at a disconnect go back in front; the byte bound still holds")
    func requeue() {
        var outbox = MQTTOutbox(eventLimit: 100, retainedLimit: 1000)
        let queued = MQTTOutbox.Message(topic: "q", payload: Array(repeating: 0, count: 49), retained: false)
        let flying = MQTTOutbox.Message(topic: "f", payload: Array(repeating: 0, count: 49), retained: false)
        outbox.enqueue(queued)
        outbox.enqueue(queued)
        outbox.requeueFront([flying])
        #expect(outbox.next() == flying)
        #expect(outbox.next() == queued)
        #expect(outbox.next() == nil)
        #expect(outbox.dropped == 1, "three of 50 bytes do not fit in 100: the newest queued one is dropped")
    }

    @Test("trigger/set payloads become TRIGGER frames; what is not a JSON object with a state is refused before the agent")
    func commands() throws {
        #expect(MQTTCommand.monitorID(ofCommandTopic: "lookout/n/monitor/12/trigger/set", prefix: "lookout/n") == "12")
        #expect(MQTTCommand.monitorID(ofCommandTopic: "lookout/n/monitor/1/2/trigger/set", prefix: "lookout/n") == nil)
        #expect(MQTTCommand.monitorID(ofCommandTopic: "lookout/n/monitor/12/trigger", prefix: "lookout/n") == nil)
        let frames = try MQTTCommand.triggerFrames(monitorID: "3", payload: Array(#"{"state":"ON","score":9,"cause":"x"}"#.utf8)).get()
        #expect(frames.state == "on")
        #expect(frames.frames == ["TRIGGER", "3", "on", #"{"score":9,"cause":"x"}"#])
        #expect(try MQTTCommand.triggerFrames(monitorID: "3", payload: Array(#"{"state":"cancel"}"#.utf8)).get().frames == ["TRIGGER", "3", "cancel"])
        for bad in ["[1]", #"{"score":1}"#, "{", String(repeating: " ", count: 9000)] {
            #expect(throws: MQTTCommandError.self) { try MQTTCommand.triggerFrames(monitorID: "3", payload: Array(bad.utf8)).get() }
        }
    }

    @Test("discovery: three entities per monitor, a fourth (the switch) with commands; ids from [A-Za-z0-9_-]")
    func discovery() throws {
        var settings = MQTTSettings()
        settings.node = MQTTSettings.nodeName(fromHostName: "nvr.example")
        #expect(settings.node == "nvr-example")
        let view = HomeAssistantDiscovery.configs(monitorID: "4", name: "Gate", settings: settings)
        #expect(view.map(\.topic) == [
            "homeassistant/binary_sensor/lookout_nvr-example/monitor_4_alarm/config",
            "homeassistant/sensor/lookout_nvr-example/monitor_4_state/config",
            "homeassistant/sensor/lookout_nvr-example/monitor_4_capture_fps/config",
        ])
        settings.allowCommands = true
        let all = HomeAssistantDiscovery.configs(monitorID: "4", name: nil, settings: settings)
        let the = try #require(all.last)
        let switchConfig = try JSONValue.parse(the.payload)
        #expect(switchConfig["command_topic"]?.stringValue == "lookout/nvr-example/monitor/4/trigger/set")
        #expect(switchConfig["device"]?["name"]?.stringValue == "Monitor 4 (nvr-example)")
        #expect(!MQTTSettings.isValidNode("a/b") && !MQTTSettings.isValidNode("") && MQTTSettings.isValidNode("nvr_1-b"))
    }
}
