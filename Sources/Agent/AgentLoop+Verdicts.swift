import LookoutBus
import LookoutHealth
import MonitorState
import ZMConfig
import ZMLog
import ZMSite
import LookoutJSON
import ZMShm

/// What the verdicts need to remember between looks: counters' recent increases, when the log spool filled, and
/// when each monitor's segment was last seen re-created. Owned by the loop thread.
final class VerdictMemory {
    var overruns = RecentIncrease()
    var sendFailures = RecentIncrease()
    var droppedLogRows = RecentIncrease()
    var spoolNonEmptySince: Double?
    /// Per monitor: the follower's re-open count last seen, and when it was first seen at that count (nil: at start).
    var reopens: [Int: (count: Int, seenAt: Double?)] = [:]
}

extension AgentLoop {
    var monitorRules: MonitorRules {
        MonitorRules(maxDelay: configuration.health.maxDelay ?? context.maxDelay, captureFPSFloor: configuration.health.captureFPSFloor)
    }

    /// One monitor's facts at `now`. During an outage the last status is kept, so the ages keep growing from the
    /// last heartbeat and write instead of showing the age they had when the segment was last read.
    func facts(_ monitor: TrackedMonitor, now: Double) -> MonitorFacts {
        let observation = monitor.observation
        let status = observation?.status
        let segment: MonitorFacts.Segment
        if let observation, observation.available {
            segment = .readable
        } else {
            let error = observation?.error
            segment = .unavailable(code: error?.code.rawValue ?? "notFound", message: error?.message ?? "not read yet")
        }
        let count = monitor.follower.reopenCount
        var reopenedAgo: Double?
        if let remembered = verdictMemory.reopens[monitor.id] {
            if count != remembered.count { verdictMemory.reopens[monitor.id] = (count, now) }
            reopenedAgo = verdictMemory.reopens[monitor.id]?.seenAt.map { now - $0 }
        } else {
            verdictMemory.reopens[monitor.id] = (count, nil)
        }
        return MonitorFacts(
            id: monitor.id, name: monitor.row?.name, function: monitor.row?.function, capturing: monitor.row?.capturing,
            decoding: monitor.row?.decoding, maxFPS: monitor.row?.maxFPS, segment: segment,
            valid: status?.valid, signal: status?.signal, heartbeatAge: status?.heartbeatAge(now: now),
            lastWriteAge: status.flatMap { $0.lastWriteTime > 0 ? max(0, now - Double($0.lastWriteTime)) : nil },
            captureFPS: status?.captureFPS, reopenedAgo: reopenedAgo,
            notInDatabase: catalog != nil && !context.monitorRows.isEmpty && monitor.row == nil)
    }

    func agentChecks(now: Double) -> [AgentVerdict.Check] {
        let counters = publisher.counters
        var log: AgentFacts.LogDatabase?
        if let statistics = logging?.databaseStatistics {
            let pending = statistics.spool.pendingRows
            if pending == 0 {
                verdictMemory.spoolNonEmptySince = nil
            } else if verdictMemory.spoolNonEmptySince == nil {
                verdictMemory.spoolNonEmptySince = now
            }
            log = AgentFacts.LogDatabase(
                connected: statistics.connected, spooledRows: pending,
                newDroppedRows: Int(verdictMemory.droppedLogRows.observe(UInt64(max(0, statistics.spool.droppedRows)), now: now)),
                spoolAge: verdictMemory.spoolNonEmptySince.map { now - $0 })
        }
        let facts = AgentFacts(
            pollHz: configuration.agent.pollHz, lastPollAge: now - lastPollAt, lastPollSeconds: lastPollSeconds,
            newOverruns: verdictMemory.overruns.observe(overruns, now: now),
            newSendFailures: verdictMemory.sendFailures.observe(counters.sendFailures, now: now),
            monitorCount: monitors.count, mapDirectory: context.mapDirectory, catalogError: catalog?.error,
            logDatabase: log, zmlogSocket: logging?.zmlogSocket().map { AgentFacts.ZmlogSocket(path: $0.path, present: $0.present) })
        let health = configuration.health
        return AgentVerdict.judge(
            facts, rules: AgentRules(spoolWarningRows: health.logSpoolWarningRows, spoolWarningSeconds: health.logSpoolWarningSeconds))
    }
}

extension Verdict {
    var json: JSONValue {
        .object([("level", .string(level.rawValue)), ("code", .string(code)), ("reason", .string(reason))])
    }
}
