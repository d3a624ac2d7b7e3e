import PosixThread
import ZMConfig
import MonitorState
import Logging
import ZMSite
import Glibc
import LookoutBus
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
        let pollLate = pollAge > max(2, 5 / configuration.agent.pollHz)
        let degraded = pollLate || counts.stale > 0 || counts.available < monitors.count
        let detail: [JSONValue] = monitors.keys.sorted().compactMap { id in
            guard let monitor = monitors[id] else { return nil }
            return .object([
                ("monitor_id", .from(id)), ("name", .from(monitor.row?.name)), ("available", .bool(monitor.available)),
                ("stale", .bool(monitor.stale)), ("state", .from(monitor.observation?.state?.rawValue)),
                ("heartbeat_age", .from(monitor.observation?.heartbeatAge.map(MessageBodies.milliseconds))),
                ("error", .from(monitor.observation?.error?.message)),
            ])
        }
        return .object([
            ("status", .string(degraded ? "degraded" : "ok")), ("epoch", .string(publisher.epoch)),
            ("uptime", .double(MessageBodies.milliseconds(uptime))), ("polls", .uint(polls)),
            ("last_poll_age", .double(MessageBodies.milliseconds(pollAge))), ("poll_late", .bool(pollLate)),
            ("last_poll_us", .from(Int(lastPollSeconds * 1_000_000))), ("overruns", .uint(overruns)),
            ("gseq", .uint(publisher.globalSequence)), ("subscriptions", .from(publisher.counters.subscriptions)),
            ("published", .uint(publisher.counters.published)), ("send_failures", .uint(publisher.counters.sendFailures)),
            ("control_requests", .uint(control.counters.served)), ("control_rejected", .uint(control.counters.rejected)),
            ("control", control.healthJSON),
            ("database", .from(catalog == nil ? "not used" : (catalog?.error ?? "ok"))),
            ("zm_version", .from(context.version?.description)), ("map_dir", .string(context.mapDirectory)),
            ("log", logging?.health() ?? .null), ("monitors", .array(detail)),
        ])
    }
}
