import PosixThread
import ZMConfig
import MonitorState
import Logging
import ZMSite
import Glibc
import LookoutBus
import LookoutHealth
import LookoutJSON
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
        let line = statusLine()
        guard line != lastStatusLine else { return }
        lastStatusLine = line
        notifier.status(line)
    }

    func health(now: Double) -> JSONValue {
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
        let detail: [JSONValue] = judged.map { monitor, facts, verdict in
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
            ("database", .from(catalog == nil ? "not used" : (catalog?.error ?? "ok"))),
            ("zm_version", .from(context.version?.description)), ("map_dir", .string(context.mapDirectory)),
            ("max_delay", .double(rules.maxDelay)),
            ("max_delay_source", .string(configuration.health.maxDelay == nil ? context.maxDelaySource : "health.max_delay")),
            ("capture_fps_floor", .double(configuration.health.captureFPSFloor)),
            ("available", .from(counts.available)), ("stale", .from(counts.stale)), ("alarmed", .from(counts.alarmed)),
            ("agent", .array(checks.map { check in
                .object([("check", .string(check.name))] + (check.verdict.json.objectMembers ?? []))
            })),
            ("log", logging?.health() ?? .null), ("monitors", .array(detail)),
        ] + channelsHealth(now: now))
    }
}
