import Logging
import LookoutJSON
import ZeroMQ

extension MQTTBridge {
    static let messagesPerWakeUp = 1000
    static let requestTimeout = 10.0
    static let pendingCommandLimit = 16

    /// Live bus messages: events are queued at once; retained state is applied, or held back while a snapshot is taken.
    func receiveBus(_ bus: BusSockets) {
        for _ in 0..<Self.messagesPerWakeUp {
            guard let frames = try? bus.subscriber.receive(timeoutMilliseconds: 0) else { return }
            guard frames.count == 3, let header = try? JSONValue.parse(frames[1]),
                  let epoch = header["epoch"]?.stringValue, let gseq = header["gseq"]?.uint64Value else { continue }
            if follower.observe(epoch: epoch, gseq: gseq) { follower.needSnapshot = true }
            let busTopic = String(decoding: frames[0], as: UTF8.self)
            guard let mapped = MQTTTopicMap.map(busTopic) else { continue }
            if !mapped.retained {
                outbox.enqueue(.init(topic: "\(settings.topicPrefix)/\(mapped.path)", payload: frames[2], retained: false))
            } else if follower.holdingBack {
                follower.holdBack(.init(gseq: gseq, path: mapped.path, body: frames[2]))
            } else {
                applyRetained(path: mapped.path, body: frames[2])
            }
        }
    }

    /// Starts a snapshot when one is needed, and gives up on a control socket that stopped answering.
    func followerHousekeeping(_ bus: BusSockets) {
        let now = clock.now
        if let oldest = follower.pending.first, now - oldest.sentAt > Self.requestTimeout {
            logger.warning("MQTT bridge: no answer from the control socket for \(Int(Self.requestTimeout)) s; reconnecting to it")
            for (request, _) in follower.pending {
                switch request {
                case .snapshot: follower.needSnapshot = true
                case let .trigger(id, state): answerCommand(id, state: state, status: "ERR", reply: MQTTCommandError("failed", "the agent did not answer").json)
                }
            }
            follower.pending.removeAll()
            follower.snapshotInProgress = false
            try? bus.resetControl()
        }
        guard follower.needSnapshot, follower.sawLive, !follower.snapshotInProgress, now >= follower.snapshotRetryAt else { return }
        follower.needSnapshot = false
        follower.snapshotInProgress = true
        follower.snapshotItems.removeAll()
        requestSnapshotPage(bus, cursor: nil)
    }

    private func requestSnapshotPage(_ bus: BusSockets, cursor: String?) {
        if bus.request(["SNAPSHOT", ""] + (cursor.map { [$0] } ?? [])) {
            follower.pending.append((.snapshot, clock.now))
        } else {
            follower.snapshotInProgress = false
            follower.needSnapshot = true
            follower.snapshotRetryAt = clock.now + 1
        }
    }

    func receiveReplies(_ bus: BusSockets) {
        for _ in 0..<Self.messagesPerWakeUp {
            guard let frames = try? bus.control.receive(timeoutMilliseconds: 0) else { return }
            guard frames.count == 3, !follower.pending.isEmpty else { continue }
            let (request, _) = follower.pending.removeFirst()
            let ok = frames[1] == Array("OK".utf8)
            let body = (try? JSONValue.parse(frames[2])) ?? .null
            switch request {
            case .snapshot: snapshotPage(bus, ok: ok, body)
            case let .trigger(id, state):
                answerCommand(id, state: state, status: ok ? "OK" : "ERR", reply: body)
                status.update { if ok { $0.commands += 1 } else { $0.commandsRefused += 1 } }
            }
        }
    }

    private func snapshotPage(_ bus: BusSockets, ok: Bool, _ page: JSONValue) {
        guard ok, let items = page["items"]?.arrayValue, let gseq = page["gseq"]?.uint64Value else {
            let code = page["code"]?.stringValue ?? "?"
            let retryMilliseconds = page["retry_ms"]?.uint64Value ?? 1000
            logger.debug("MQTT bridge: SNAPSHOT refused (\(code)); retrying")
            follower.snapshotInProgress = false
            follower.needSnapshot = true
            follower.snapshotRetryAt = clock.now + Double(min(retryMilliseconds, 10_000)) / 1000
            return
        }
        for item in items {
            guard let topic = item["topic"]?.stringValue, let mapped = MQTTTopicMap.map(topic), mapped.retained,
                  let body = item["body"] else { continue }
            follower.snapshotItems.append((mapped.path, Array(body.rendered().utf8)))
        }
        if let next = page["next"]?.stringValue {
            requestSnapshotPage(bus, cursor: next)
            return
        }
        applySnapshot(gseq: gseq)
    }

    /// The snapshot replaces what is kept: topics it lacks are removed from the broker too; then the live messages
    /// held back that are newer than it.
    private func applySnapshot(gseq: UInt64) {
        let items = follower.snapshotItems
        follower.snapshotItems.removeAll()
        follower.snapshotInProgress = false
        var present: Set<String> = []
        for (path, body) in items {
            present.insert("\(settings.topicPrefix)/\(path)")
            applyRetained(path: path, body: body)
        }
        let ownPrefix = "\(settings.topicPrefix)/"
        for topic in outbox.retained.keys where topic.hasPrefix(ownPrefix) && !present.contains(topic) {
            removeRetained(path: String(topic.dropFirst(ownPrefix.count)))
        }
        for message in follower.takeHeldBack(after: gseq) { applyRetained(path: message.path, body: message.body) }
        if follower.heldBackOverflowed {
            follower.heldBackOverflowed = false
            follower.needSnapshot = true
        }
        status.update { $0.snapshots += 1 }
        // A snapshot of many monitors is thousands of small allocations freed at once: hand the pages back.
        _ = releaseFreedHeapPages(0)
    }

    func applyRetained(path: String, body: [UInt8]) {
        guard outbox.setRetained("\(settings.topicPrefix)/\(path)", body), settings.discovery,
              let id = Self.monitorID(ofStatePath: path) else { return }
        let name = (try? JSONValue.parse(body))?["name"]?.stringValue
        if let known = discovered[id], known == name { return }
        discovered[id] = name
        for config in HomeAssistantDiscovery.configs(monitorID: id, name: name, settings: settings) {
            outbox.setRetained(config.topic, Array(config.payload.utf8))
        }
    }

    private func removeRetained(path: String) {
        outbox.removeRetained("\(settings.topicPrefix)/\(path)")
        guard settings.discovery, let id = Self.monitorID(ofStatePath: path), let name = discovered.removeValue(forKey: id) else { return }
        for config in HomeAssistantDiscovery.configs(monitorID: id, name: name, settings: settings) { outbox.removeRetained(config.topic) }
    }

    static func monitorID(ofStatePath path: String) -> String? {
        guard path.hasPrefix("monitor/"), path.hasSuffix("/state") else { return nil }
        let id = path.dropFirst("monitor/".count).dropLast("/state".count)
        return id.isEmpty || id.contains("/") ? nil : String(id)
    }

    /// Messages from the broker: commands, and Home Assistant's birth message (it restarted: send discovery again).
    func handleIncoming(topic: String, payload: [UInt8], bus: BusSockets) {
        if settings.discovery, topic == "\(settings.discoveryPrefix)/status" {
            if payload == Array("online".utf8) { outbox.markAllRetainedDirty() }
            return
        }
        guard let id = MQTTCommand.monitorID(ofCommandTopic: topic, prefix: settings.topicPrefix) else { return }
        guard settings.allowCommands else {
            refuseCommand(id, MQTTCommandError("disabled", "commands from MQTT are off: set allow_commands = true in [mqtt]"))
            return
        }
        guard follower.pending.count < Self.pendingCommandLimit else {
            refuseCommand(id, MQTTCommandError("busy", "\(Self.pendingCommandLimit) commands are already waiting for the agent"))
            return
        }
        switch MQTTCommand.triggerFrames(monitorID: id, payload: payload) {
        case let .failure(error): refuseCommand(id, error)
        case let .success((state, frames)):
            if bus.request(frames) {
                follower.pending.append((.trigger(monitorID: id, state: state), clock.now))
            } else {
                refuseCommand(id, MQTTCommandError("busy", "the agent's control socket is not taking requests"))
            }
        }
    }

    private func refuseCommand(_ id: String, _ error: MQTTCommandError) {
        status.update { $0.commandsRefused += 1 }
        answerCommand(id, state: nil, status: "ERR", reply: error.json)
    }

    private func answerCommand(_ id: String, state: String?, status: String, reply: JSONValue) {
        outbox.enqueue(.init(
            topic: "\(settings.topicPrefix)/monitor/\(id)/trigger/result",
            payload: MQTTCommand.result(monitorID: id, state: state, status: status, reply: reply), retained: false))
    }
}

/// glibc's `malloc_trim(3)` (malloc.h, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func releaseFreedHeapPages(_ pad: Int) -> Int32
