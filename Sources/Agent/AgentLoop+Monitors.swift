import LookoutHealth
import Logging
import LookoutBus
import LookoutJSON
import MonitorState
import ZMConfig
import ZMSite
import ZMShm
import ZeroMQ

extension AgentLoop {
    /// Starts following monitors that appeared (a segment file or an active Monitors row) and drops monitors that
    /// ZoneMinder's database no longer lists as running whose segment is gone. A monitor with neither a segment file
    /// nor any Monitors row (a deleted stray `zm.mmap.<id>`) is dropped once it has been missing for `forgetGrace`.
    func discover(now: Double) {
        if mapWatch?.isWatching != true {
            mapWatch = MapDirectoryWatch(directory: context.mapDirectory)
            takeMapChanges()
        }
        let ids = Self.monitorIDs(context: context, wanted: configuration.zoneMinder.monitors, segments: segmentIDs())
        // Only the newcomers are sorted (in id order, as the poll order is): every 2 s all of them were.
        for id in ids.filter({ monitors[$0] == nil }).sorted() {
            monitors[id] = TrackedMonitor(
                id: id, follower: context.follower(id), row: context.monitorRows[id], topics: .init(id, publisher))
        }
        let databaseKnows = catalog != nil && !context.monitorRows.isEmpty
        for (id, monitor) in monitors {
            guard !ids.contains(id), !monitor.available else {
                monitor.missingSince = nil
                continue
            }
            if databaseKnows {
                remove(monitor, now: now, reason: "not running in ZoneMinder's database and no segment")
            } else if context.monitorRows[id] == nil {
                let since = monitor.missingSince ?? now
                monitor.missingSince = since
                if now - since >= forgetGrace { remove(monitor, now: now, reason: "no segment file and no Monitors row") }
            }
        }
    }

    /// The monitors to follow: a segment file or an active Monitors row, restricted to `zoneminder.monitors` if set.
    /// `segments`: the map directory's segment ids, listed now when not given.
    static func monitorIDs(context: ZoneMinderContext, wanted: [Int], segments: [Int]? = nil) -> Set<Int> {
        let wanted = Set(wanted)
        var ids = Set(segments ?? (try? ZoneMinderContext.segmentIDs(in: context.mapDirectory, source: context.mapDirectorySource)) ?? [])
        for row in context.monitorRows.values where row.enabled && row.function != "None" { ids.insert(row.id) }
        if !wanted.isEmpty { ids = ids.intersection(wanted).union(wanted) }
        return ids
    }

    /// Reads what inotify has (its first read says "everything": nothing is known from before the watch began).
    /// Called when the loop's wait sees the descriptor readable, so a tick costs no read when nothing happened.
    func takeMapChanges() {
        armMapWatch(false)
        guard let watch = mapWatch, watch.isWatching else { return }
        let taken = watch.take()
        if taken.everything || !taken.ids.isEmpty { segmentListing.invalidate() }
        if taken.everything || taken.others { channelListing.invalidate() }
        mapChanges.merge(taken)
    }

    /// Puts the inotify descriptor in the loop's wait (at a poll tick) or takes it out (once it fired): events
    /// that come meanwhile wait in the kernel's queue and wake the next wait at once when it is put back.
    func armMapWatch(_ armed: Bool) {
        let descriptor = armed ? mapWatch?.descriptor ?? -1 : -1
        guard descriptor != armedMapWatch else { return }
        waitSet.setDescriptor(Waited.mapWatch, descriptor)
        armedMapWatch = descriptor
    }

    /// The map directory's segment ids. Listed again only after inotify reported a segment file created, removed,
    /// renamed or resized there (or when it is not watching): every 2 s a listing of 256 names cost as much as
    /// publishing a state change.
    private func segmentIDs() -> [Int] {
        segmentListing.ids(watched: mapWatch?.isWatching == true) {
            (try? ZoneMinderContext.segmentIDs(in: context.mapDirectory, source: context.mapDirectorySource)) ?? []
        }
    }

    /// How long a monitor with neither a segment file nor a Monitors row is kept: `agent.forget_missing_seconds`, else
    /// max(30 s, ZM_WATCH_MAX_DELAY), so a zmc restart (unlink, re-create) never drops a monitor.
    var forgetGrace: Double { configuration.agent.forgetMissingSeconds ?? max(30, context.maxDelay) }

    private func remove(_ monitor: TrackedMonitor, now: Double, reason: String) {
        let id = monitor.id
        publisher.publish(monitor.topics.liveness, rendered: MessageBodies.removed(monitor, time: now), source: "zm", retain: false)
        publisher.forget(prefix: BusTopic.monitorPrefix(id))
        monitors[id] = nil
        logger.info("monitor removed", metadata: ["monitor": "\(id)", "reason": "\(reason)"])
    }

    func applyCatalog() {
        guard let update = catalog?.takeUpdate() else { return }
        context.monitorRows = update.rows
        if let delay = update.maxDelay, delay > 0 {
            context.maxDelay = delay
            context.maxDelaySource = "Config table"
        }
        for (id, monitor) in monitors { monitor.row = update.rows[id] }
    }

    /// One tick. `hot.scan` compares every armed monitor's fields in its mapping against what the full path last saw
    /// (in C, no Swift object touched); only the monitors it lists (changed, not armed, or due a path check) take the
    /// full path (`poll`), which re-arms them. The result is the same as the full path for every monitor
    /// (`MonitorObservation.refresh` is the same comparison; `MonitorStateTests` checks it equals `observe`).
    func pollAll(now: Double) {
        let clock = MonotonicClock()
        let started = clock.now
        var checkEvery: UInt64 = 0
        let changes = mapChanges
        mapChanges = MapDirectoryWatch.Changes()
        armMapWatch(true)
        if let watch = mapWatch, watch.isWatching {
            // A path is stat'ed only after inotify saw its file change; a new segment is followed at once.
            if changes.ids.contains(where: { monitors[$0] == nil }) { discover(now: now) }
        } else {
            // Without inotify each path is stat'ed once a second, spread over the ticks (see SegmentFollower.poll).
            checkEvery = UInt64(max(1, configuration.agent.pollHz.rounded()))
        }
        let order = pollOrder
        if changes.everything {
            for (position, monitor) in order.enumerated() { hot.disarm(position, id: monitor.id) }
        } else {
            for id in changes.ids { if let position = positions[id] { hot.disarm(position, id: id) } }
        }
        let polls = polls
        hot.scan(now: now, maxDelay: context.maxDelay, polls: polls, checkEvery: checkEvery) { position in
            let monitor = order[position]
            let checkingPath = checkEvery > 0
                ? (polls + UInt64(monitor.id)) % checkEvery == 0
                : changes.everything || changes.ids.contains(monitor.id)
            poll(monitor, now: now, checkingPath: checkingPath)
            arm(monitor, at: position)
            fullPathPolls += 1
        }
        self.polls += 1
        lastPollAt = now
        lastPollSeconds = clock.now - started
        pollDurations.record(lastPollSeconds)
    }

    /// Arms the monitor's hot record with what the full path just saw, when its segment is readable.
    private func arm(_ monitor: TrackedMonitor, at position: Int) {
        if let observation = monitor.observation, observation.available, let status = observation.status,
           let segment = monitor.follower.segment {
            hot.arm(position, id: monitor.id, segment: segment, status: status, stale: observation.stale)
        } else {
            hot.disarm(position, id: monitor.id)
        }
    }

    /// The hot path leaves an unchanged monitor's observation as the full path last saw it: its counters, fps and
    /// heartbeat are read here, for whoever shows them (HEALTH, fps messages), at most once per poll. A monitor that
    /// changed since is left for the next poll to publish.
    func refreshObservations(now: Double) {
        guard observationsRefreshedAt != polls else { return }
        observationsRefreshedAt = polls
        for monitor in pollOrder { refreshObservation(monitor, now: now) }
    }

    func refreshObservation(_ monitor: TrackedMonitor, now: Double) {
        guard let position = positions[monitor.id], hot.isArmed(position), let segment = monitor.follower.segment,
              let status = try? segment.status() else { return }
        let numbering = numbering(for: status.layout).numbering
        _ = monitor.observation?.refresh(with: status, numbering: numbering, maxDelay: context.maxDelay, now: now)
    }

    private func poll(_ monitor: TrackedMonitor, now: Double, checkingPath: Bool) {
        let reading = monitor.follower.poll(checkingPath: checkingPath)
        if reading.error?.message != monitor.loggedError { logSegmentError(reading.error, monitor: monitor) }
        // The same error again (a refused file waiting for its retry): nothing the tracker or HEALTH shows can change.
        if let error = reading.error, reading.reopened == nil, let last = monitor.observation, !last.available, last.error == error {
            return
        }
        let layout = reading.status?.layout ?? monitor.follower.segment?.layout ?? .zm136
        let numbering = numbering(for: layout).numbering
        // Most polls change nothing the tracker looks at: keep the new status and skip building an observation.
        if reading.reopened == nil, let status = reading.status,
           monitor.observation?.refresh(with: status, numbering: numbering, maxDelay: context.maxDelay, now: now) == true {
            return
        }
        let observation = MonitorObservation(
            monitorID: monitor.id, reading: reading, numbering: numbering, maxDelay: context.maxDelay, now: now)
        // Only what publishing needs of the previous observation: copying the whole value per poll shows in profiles.
        let previous = (
            state: monitor.tracker.lastAvailable?.state, trigger: monitor.tracker.lastAvailable?.triggerState,
            everSeen: monitor.tracker.lastAvailable != nil)
        let changes = monitor.tracker.observe(observation, at: now, reopened: reading.reopened)
        monitor.observation = observation.available ? observation : mergeOutage(observation, into: monitor.observation)
        guard !changes.isEmpty else { return }
        publish(changes, for: monitor, previousState: previous.state, previousTrigger: previous.trigger, everSeen: previous.everSeen, now: now)
    }

    /// Once per change of error, with the follower's retry delay: a refused file is reported, not repeated per poll.
    private func logSegmentError(_ error: SegmentError?, monitor: TrackedMonitor) {
        monitor.loggedError = error?.message
        guard let error else { return }
        let retry = "retry in \(Int(monitor.follower.backoff.delay)) s or when the file changes"
        let metadata: Logger.Metadata = ["monitor": "\(monitor.id)", "code": "\(error.code)", "retry": "\(retry)"]
        switch error.code {
        case .notFound, .notInitialised, .shrunk, .stale: logger.info("segment unavailable: \(error.message)", metadata: metadata)
        default: logger.warning("segment refused: \(error.message)", metadata: metadata)
        }
    }

    /// During an outage keep the last good status (state, event) but say the segment is unavailable.
    private func mergeOutage(_ outage: MonitorObservation, into last: MonitorObservation?) -> MonitorObservation {
        guard var merged = last else { return outage }
        merged.available = false
        merged.error = outage.error
        merged.stale = true
        return merged
    }

    private func publish(
        _ changes: [MonitorChange], for monitor: TrackedMonitor, previousState: ZMMonitorState?,
        previousTrigger: ZMTriggerState?, everSeen: Bool, now: Double
    ) {
        let id = monitor.id
        var liveness = false, state = false, trigger = false
        var reasons: [String] = []
        var previousState = previousState
        var previousTrigger = previousTrigger
        var events: [String] = []
        for change in changes {
            switch change {
            case .appeared:
                reasons.append(everSeen ? "recovered" : "appeared")
                liveness = true
                state = true
                trigger = true
                if !everSeen {
                    previousState = nil
                    previousTrigger = nil
                    adoptEventInProgress(monitor, now: now)
                }
            case .unavailable:
                reasons.append("unavailable")
                liveness = true
            case let .reopened(reason):
                reasons.append(Self.reopenCode(reason))
                liveness = true
                logger.notice("segment re-opened", metadata: ["monitor": "\(id)", "reason": "\(reason.rawValue)"])
            case let .validity(valid):
                reasons.append(valid ? "valid" : "invalid")
                liveness = true
            case let .state(from, _, _):
                previousState = from
                state = true
            case let .eventStarted(eventID):
                monitor.eventsStarted &+= 1
                let event = startEvent(monitor, eventID: eventID, now: now)
                events.append(MessageBodies.eventStart(monitor, event: event, time: now))
                state = true
            case let .eventEnded(eventID, duration):
                let started = monitor.openEvent?.id == eventID ? monitor.openEvent : nil
                events.append(MessageBodies.eventEnd(monitor, eventID: eventID, duration: duration, started: started, time: now))
                if monitor.openEvent?.id == eventID { monitor.openEvent = nil }
                state = true
            case let .trigger(from, _, _):
                previousTrigger = from
                trigger = true
            case let .stale(stale, _):
                reasons.append(stale ? "stale" : "fresh")
                liveness = true
            case let .signal(signal):
                reasons.append(signal ? "signal_restored" : "signal_lost")
                liveness = true
            }
        }
        if liveness {
            // The most significant change of this poll names it (a recovery outranks the stale flag it clears).
            monitor.livenessReason = reasons.first ?? monitor.livenessReason
            publisher.publish(monitor.topics.liveness, rendered: MessageBodies.liveness(monitor, time: now), source: "zm", retain: true)
        }
        if state {
            let layout = monitor.observation?.status?.layout ?? .zm136
            let body = MessageBodies.state(monitor, previous: previousState, time: now, numbering: numbering(for: layout))
            publisher.publish(monitor.topics.state, rendered: body, source: "zm", retain: true)
        }
        for body in events {
            publisher.publish(monitor.topics.event, rendered: body, source: "zm", retain: false)
        }
        if trigger {
            let data = try? monitor.follower.segment?.causes().trigger
            publisher.publish(
                monitor.topics.trigger, rendered: MessageBodies.trigger(monitor, previous: previousTrigger, time: now, data: data),
                source: "zm", retain: true)
        }
    }

    private func startEvent(_ monitor: TrackedMonitor, eventID: UInt64, now: Double) -> TrackedMonitor.OpenEvent {
        let causes = try? monitor.follower.segment?.causes()
        let event = TrackedMonitor.OpenEvent(
            id: eventID, startedAt: now, cause: causes?.alarmCause.text ?? "",
            score: monitor.observation?.status?.lastFrameScore,
            triggerCause: causes?.trigger.triggerCause.text ?? "", triggerText: causes?.trigger.triggerText.text ?? "")
        monitor.openEvent = event
        return event
    }

    /// An alarm already in progress when the agent starts: its event is open, though its start was not seen.
    private func adoptEventInProgress(_ monitor: TrackedMonitor, now: Double) {
        guard let observation = monitor.observation, observation.lastEventID != 0, observation.state?.isAlarmed == true else { return }
        _ = startEvent(monitor, eventID: observation.lastEventID, now: now)
    }

    static func reopenCode(_ reason: SegmentFollower.ReopenReason) -> String {
        switch reason {
        case .recreated: "recreated"
        case .resized: "resized"
        case .shrunk: "shrunk"
        case .reinitialised: "reinitialised"
        }
    }

    func publishFPS(now: Double) {
        refreshObservations(now: now)
        for monitor in pollOrder where monitor.available {
            publisher.publish(monitor.topics.fps, rendered: MessageBodies.fps(monitor, time: now), source: "zm", retain: true)
        }
    }
}
