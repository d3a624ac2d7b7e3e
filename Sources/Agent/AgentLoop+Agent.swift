import PosixThread
import ZMConfig
import MonitorState
import Logging
import ZMSite
import Glibc
import LookoutBus
import LookoutHealth
import LookoutJSON
import LookoutMQTT
import LookoutVersion
import ZMShm

extension AgentLoop {
    static let agentVersion = LookoutVersion.current

    var uptime: Double { WallClock.seconds() - startedAt }

    func publishAgentInfo() {
        let body: JSONValue = .object([
            ("version", .string(Self.agentVersion)), ("epoch", .string(publisher.epoch)),
            ("started_at", .double(MessageBodies.milliseconds(startedAt))), ("pid", .from(getpid())),
            ("demo", .bool(demo)), ("map_dir", .string(context.mapDirectory)),
            ("map_watch", .string(mapWatch?.isWatching == true ? "inotify" : "stat once a second")),
            ("zm_version", .from(context.version?.description)), ("zm_version_source", .from(context.versionSource)),
            ("poll_hz", .double(configuration.agent.pollHz)), ("commands_enabled", .bool(configuration.control.allowCommands)),
            ("pub", .string(configuration.bus.publish)), ("control", .string(configuration.bus.control)),
            ("ts_dir", .string(configuration.ts.directory)),
        ])
        publisher.publish(BusTopic.agentInfo, body, source: "agent", retain: true)
    }

    func publishHeartbeat(now: Double) {
        publisher.publish(BusTopic.heartbeat, heartbeatBody(now: now), source: "agent", retain: false)
    }

    private func heartbeatBody(now: Double) -> JSONValue {
        let counts = monitorCounts()
        let counters = publisher.counters
        return .object([
            ("uptime", .double(MessageBodies.milliseconds(uptime))), ("monitors", .from(monitors.count)),
            ("available", .from(counts.available)), ("stale", .from(counts.stale)), ("alarmed", .from(counts.alarmed)),
            ("polls", .uint(polls)), ("poll_hz", .double(configuration.agent.pollHz)),
            ("last_poll_us", .from(Int(lastPollSeconds * 1_000_000))), ("overruns", .uint(overruns)),
            ("subscriptions", .from(counters.subscriptions)), ("published", .uint(counters.published)),
            ("send_failures", .uint(counters.sendFailures)), ("gseq", .uint(publisher.globalSequence)),
        ])
    }

    func monitorCounts() -> (available: Int, stale: Int, alarmed: Int) {
        var available = 0, stale = 0, alarmed = 0
        for monitor in monitors.values {
            if monitor.available { available += 1 }
            if monitor.stale { stale += 1 }
            if monitor.observation?.state?.isAlarmed == true { alarmed += 1 }
        }
        return (available, stale, alarmed)
    }

    /// One line for `systemctl status`: e.g. `zm: 3 monitors, 3 ok, 1 in alarm, 0 stale; bus: 2 subscriptions, gseq 812`.
    func statusLine() -> String {
        let counts = monitorCounts()
        let ok = monitors.values.filter { $0.available && !$0.stale }.count
        return "zm: \(monitors.count) monitors, \(ok) ok, \(counts.alarmed) in alarm, \(counts.stale) stale; "
            + "bus: \(publisher.counters.subscriptions) subscriptions, gseq \(publisher.globalSequence)"
    }

    func updateStatus() {
        // A burst's snapshot views and items are several MB at 4 096 monitors: give the pages back once it is over.
        if control.trimIdleCaches(now: MonotonicClock().now) { _ = glibcMallocTrim(0) }
        let line = statusLine()
        guard line != lastStatusLine else { return }
        lastStatusLine = line
        notifier.status(line)
    }

    /// - Parameter renderingMonitors: the `monitors` array written straight into bytes (`JSONWriter`) and embedded
    ///   as raw text: what the control socket sends, about twice as fast at 4 096 monitors. Tests read the tree.
    func health(now: Double, renderingMonitors: Bool = false) -> JSONValue {
        refreshObservations(now: now)
        let counts = monitorCounts()
        let pollAge = now - lastPollAt
        let pollLate = pollAge > AgentVerdict.pollLateAfter(pollHz: configuration.agent.pollHz)
        let rules = monitorRules
        let judged: [(TrackedMonitor, MonitorFacts, Verdict)] = pollOrder.map { monitor in
            let facts = facts(monitor, now: now)
            return (monitor, facts, MonitorVerdict.judge(facts, rules: rules))
        }
        let checks = agentChecks(now: now)
        let overall = OverallVerdict.judge(agent: checks, monitors: judged.map { ($0.1, $0.2) })
        let detail: JSONValue =
            if renderingMonitors {
                .raw(Self.jsonArray(judged.map { monitor, facts, verdict in monitorHealthText(monitor, facts: facts, verdict: verdict) }))
            } else {
                .array(judged.map { monitor, facts, verdict in monitorHealth(monitor, facts: facts, verdict: verdict) })
            }
        return .object([
            ("status", .string(overall.level == .ok ? "ok" : "degraded")), ("verdict", overall.json),
            ("epoch", .string(publisher.epoch)),
            ("uptime", .double(MessageBodies.milliseconds(uptime))), ("polls", .uint(polls)),
            ("last_poll_age", .double(MessageBodies.milliseconds(pollAge))), ("poll_late", .bool(pollLate)),
            ("last_poll_us", .from(Int(lastPollSeconds * 1_000_000))), ("poll_duration", pollDurations.json),
            ("overruns", .uint(overruns)),
            ("gseq", .uint(publisher.globalSequence)), ("subscriptions", .from(publisher.counters.subscriptions)),
            ("published", .uint(publisher.counters.published)), ("send_failures", .uint(publisher.counters.sendFailures)),
            ("control_requests", .uint(control.counters.served)), ("control_rejected", .uint(control.counters.rejected)),
            ("control", control.healthJSON),
            ("database", .from(catalog == nil ? "not used" : (catalog?.error ?? "ok"))), ("database_tls", catalog?.tlsJSON ?? .null),
            ("zm_version", .from(context.version?.description)), ("map_dir", .string(context.mapDirectory)),
            ("max_delay", .double(rules.maxDelay)),
            ("max_delay_source", .string(configuration.health.maxDelay == nil ? context.maxDelaySource : "health.max_delay")),
            ("capture_fps_floor", .double(configuration.health.captureFPSFloor)),
            ("available", .from(counts.available)), ("stale", .from(counts.stale)), ("alarmed", .from(counts.alarmed)),
            ("agent", .array(checks.map { check in
                .object([("check", .string(check.name))] + (check.verdict.json.objectMembers ?? []))
            })),
            ("log", logging?.health() ?? .null), ("mqtt", mqttStatus?.json ?? .null), ("monitors", detail),
        ] + channelsHealth(now: now))
    }

    /// One monitor's entry of HEALTH: alone, it is the reply to `HEALTH <id>`.
    /// With the agent's `epoch` and `polls`, so a client can tell a restart and whether the loop is polling.
    func monitorHealth(_ monitor: TrackedMonitor, now: Double) -> JSONValue {
        refreshObservation(monitor, now: now)
        let facts = facts(monitor, now: now)
        let entry = monitorHealth(monitor, facts: facts, verdict: MonitorVerdict.judge(facts, rules: monitorRules))
        return .object((entry.objectMembers ?? []) + [("epoch", .string(publisher.epoch)), ("polls", .uint(polls))])
    }

    private func monitorHealth(_ monitor: TrackedMonitor, facts: MonitorFacts, verdict: Verdict) -> JSONValue {
        let observation = monitor.observation
        let available = observation?.available ?? false
        return .object([
            ("monitor_id", .from(monitor.id)), ("name", .from(monitor.row?.name)), ("available", .bool(available)),
            ("stale", .bool(monitor.stale)),
            // Only what this poll read: during an outage the last state read is `last_state`, not `state`.
            ("state", .from(available ? observation?.state?.rawValue : nil)),
            ("last_state", .from(observation?.state?.rawValue)),
            // Computed now from the last heartbeat read, so it keeps growing while the segment is gone.
            ("heartbeat_age", .from(facts.heartbeatAge.map(MessageBodies.milliseconds))),
            ("last_write_age", .from(facts.lastWriteAge.map(MessageBodies.milliseconds))),
            ("capture_fps", .from(available ? facts.captureFPS : nil)),
            ("signal", available ? facts.signal.map(JSONValue.bool) ?? .null : .null),
            ("valid", available ? facts.valid.map(JSONValue.bool) ?? .null : .null),
            ("error", .from(observation?.error?.message)), ("error_code", .from(observation?.error?.code.rawValue)),
            ("reopen_count", .from(monitor.follower.reopenCount)), ("events_started", .uint(monitor.eventsStarted)),
            ("verdict", verdict.json),
        ])
    }

    /// `monitorHealth(_:facts:verdict:)` rendered, written straight into bytes: the same text.
    private func monitorHealthText(_ monitor: TrackedMonitor, facts: MonitorFacts, verdict: Verdict) -> String {
        let observation = monitor.observation
        let available = observation?.available ?? false
        var json = JSONWriter(capacity: 384)
        json.member("monitor_id", monitor.id)
        json.member("name", monitor.row?.name)
        json.member("available", available)
        json.member("stale", monitor.stale)
        json.member("state", available ? observation?.state?.rawValue : nil)
        json.member("last_state", observation?.state?.rawValue)
        json.member("heartbeat_age", thousandths: facts.heartbeatAge.map(MessageBodies.milliseconds))
        json.member("last_write_age", thousandths: facts.lastWriteAge.map(MessageBodies.milliseconds))
        json.member("capture_fps", available ? facts.captureFPS : nil)
        json.member("signal", available ? facts.signal : nil)
        json.member("valid", available ? facts.valid : nil)
        json.member("error", observation?.error?.message)
        json.member("error_code", observation?.error?.code.rawValue)
        json.member("reopen_count", monitor.follower.reopenCount)
        json.member("events_started", monitor.eventsStarted)
        var inner = JSONWriter(capacity: 48 + verdict.code.utf8.count + verdict.reason.utf8.count)
        inner.member("level", verdict.level.rawValue)
        inner.member("code", verdict.code)
        inner.member("reason", verdict.reason)
        json.member("verdict", raw: inner.finished())
        return json.finished()
    }

    /// `[a,b,…]` from rendered items.
    static func jsonArray(_ items: [String]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(items.reduce(2) { $0 + $1.utf8.count + 1 })
        bytes.append(UInt8(ascii: "["))
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: item.utf8)
        }
        bytes.append(UInt8(ascii: "]"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
