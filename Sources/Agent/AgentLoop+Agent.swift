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
        publisher.publish(BusTopic.heartbeat, rendered: heartbeatBody(now: now), source: "agent", retain: false)
    }

    private func heartbeatBody(now: Double) -> String {
        let counts = monitorCounts()
        let counters = publisher.counters
        var json = JSONWriter()
        json.member("uptime", thousandths: MessageBodies.milliseconds(uptime))
        json.member("monitors", monitors.count)
        json.member("available", counts.available)
        json.member("stale", counts.stale)
        json.member("alarmed", counts.alarmed)
        json.member("polls", polls)
        json.member("poll_hz", configuration.agent.pollHz)
        json.member("last_poll_us", Int(lastPollSeconds * 1_000_000))
        json.member("overruns", overruns)
        json.member("subscriptions", counters.subscriptions)
        json.member("published", counters.published)
        json.member("send_failures", counters.sendFailures)
        json.member("gseq", publisher.globalSequence)
        return json.finished()
    }

    func monitorCounts() -> (available: Int, stale: Int, alarmed: Int) {
        var available = 0, stale = 0, alarmed = 0
        for monitor in monitors.values {
            if monitor.available { available += 1 }
            if monitor.stale { stale += 1 }
            if monitor.alarmed { alarmed += 1 }
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
        HealthRenderer.json(healthReport(now: now), renderingMonitors: renderingMonitors)
    }

    /// HEALTH's facts at `now`, gathered without judging or rendering (`HealthRenderer` does both, on any thread).
    func healthReport(now: Double) -> HealthReport {
        refreshObservations(now: now)
        let counts = monitorCounts()
        let pollAge = now - lastPollAt
        let pollLate = pollAge > AgentVerdict.pollLateAfter(pollHz: configuration.agent.pollHz)
        let rules = monitorRules
        let entries = pollOrder.map { healthEntry($0, now: now) }
        let checks = agentChecks(now: now)
        let agentMembers: [(String, JSONValue)] = [
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
        ]
        return HealthReport(
            rules: rules, checks: checks, agentMembers: agentMembers,
            middleMembers: [("log", logging?.health() ?? .null), ("mqtt", mqttStatus?.json ?? .null)],
            trailingMembers: channelsHealth(now: now), monitors: entries)
    }

    /// One monitor's entry of HEALTH: alone, it is the reply to `HEALTH <id>`.
    /// With the agent's `epoch` and `polls`, so a client can tell a restart and whether the loop is polling.
    func monitorHealth(_ monitor: TrackedMonitor, now: Double) -> JSONValue {
        refreshObservation(monitor, now: now)
        let entry = healthEntry(monitor, now: now)
        let json = entry.json(verdict: MonitorVerdict.judge(entry.facts, rules: monitorRules))
        return .object((json.objectMembers ?? []) + [("epoch", .string(publisher.epoch)), ("polls", .uint(polls))])
    }

    private func healthEntry(_ monitor: TrackedMonitor, now: Double) -> HealthReport.Monitor {
        let observation = monitor.observation
        return HealthReport.Monitor(
            id: monitor.id, name: monitor.row?.name, available: observation?.available ?? false, stale: monitor.stale,
            lastState: observation?.state?.rawValue, errorMessage: observation?.error?.message,
            errorCode: observation?.error?.code.rawValue, reopenCount: monitor.follower.reopenCount,
            eventsStarted: monitor.eventsStarted, facts: facts(monitor, now: now))
    }
}
