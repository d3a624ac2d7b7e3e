/// What is known of one monitor at one instant, from its shared-memory segment: the input of `MonitorVerdict`.
/// Every age is computed at the same `now`, so a segment that went away shows its heartbeat getting older, never the
/// age it had when last read.
public struct MonitorFacts: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        /// Read this poll.
        case readable
        /// Not readable now: the reader's error code (`notFound`, `permissionDenied`, …: `SegmentError.Code`) and message.
        case unavailable(code: String, message: String)
    }

    public var id: Int
    public var name: String?
    /// ZoneMinder's `Function` from the Monitors row (`None`, `Monitor`, `Modect`, …); nil without a database.
    public var function: String?
    /// ZoneMinder 1.37+'s `Capturing` (`None`, `Ondemand`, `Always`); nil before 1.37 or without a database.
    public var capturing: String?
    /// ZoneMinder 1.37+'s `Decoding` (`None`, `Ondemand`, `KeyFrames`, `Always`, …); nil before 1.37.
    public var decoding: String?
    /// `MaxFPS` from the Monitors row; nil when NULL (no limit) or without a database.
    public var maxFPS: Double?
    public var segment: Segment
    /// The last status read (kept through an outage): nil if the segment was never readable.
    public var valid: Bool?
    public var signal: Bool?
    /// Seconds since `heartbeat_time` (1.34: since the last image); nil if zmc never wrote one or nothing was read.
    public var heartbeatAge: Double?
    /// Seconds since `last_write_time`; nil if no image was ever written (the field is 0) or nothing was read.
    public var lastWriteAge: Double?
    public var captureFPS: Double?
    /// Seconds since the reader found the segment re-created, resized or re-initialised (zmc restarted); nil if not
    /// seen recently.
    public var reopenedAgo: Double?
    /// ZoneMinder's database answered and has no Monitors row for this id: a segment file for it was not made by a
    /// monitor ZoneMinder knows. False when there is no database to ask.
    public var notInDatabase: Bool

    public init(
        id: Int, name: String? = nil, function: String? = nil, capturing: String? = nil, decoding: String? = nil,
        maxFPS: Double? = nil, segment: Segment, valid: Bool? = nil, signal: Bool? = nil,
        heartbeatAge: Double? = nil, lastWriteAge: Double? = nil, captureFPS: Double? = nil, reopenedAgo: Double? = nil,
        notInDatabase: Bool = false
    ) {
        self.id = id
        self.name = name
        self.function = function
        self.capturing = capturing
        self.decoding = decoding
        self.maxFPS = maxFPS
        self.segment = segment
        self.valid = valid
        self.signal = signal
        self.heartbeatAge = heartbeatAge
        self.lastWriteAge = lastWriteAge
        self.captureFPS = captureFPS
        self.reopenedAgo = reopenedAgo
        self.notInDatabase = notInDatabase
    }

    /// zmc captures only while someone views (`Capturing` = `Ondemand`, ZoneMinder 1.37+).
    public var capturesOnDemand: Bool { capturing?.lowercased() == "ondemand" }

    /// `Decoding` is `None` or `Ondemand`: zmc need not write images, and zmwatch does not check them.
    public var imagesOptional: Bool {
        guard let decoding = decoding?.lowercased() else { return false }
        return decoding == "none" || decoding == "ondemand"
    }

    /// `Front (1)` or `monitor 1`.
    public var label: String { name.map { "\($0) (\(id))" } ?? "monitor \(id)" }
}

/// The thresholds a monitor is judged against.
public struct MonitorRules: Sendable, Equatable {
    /// `ZM_WATCH_MAX_DELAY` (ZoneMinder's default 45 s): zmwatch restarts zmc past it.
    public var maxDelay: Double
    /// Capture fps below this is a WARNING; 0 turns the rule off.
    public var captureFPSFloor: Double
    /// How long a re-created segment is reported (WARNING) after it was seen.
    public var reopenWindow: Double

    public init(maxDelay: Double = 45, captureFPSFloor: Double = 0, reopenWindow: Double? = nil) {
        self.maxDelay = maxDelay
        self.captureFPSFloor = captureFPSFloor
        self.reopenWindow = reopenWindow ?? maxDelay
    }
}

/// Judges one monitor the way ZoneMinder's zmwatch would (scripts/zmwatch.pl: `zmMemVerify`, heartbeat and
/// `last_write_time` against `ZM_WATCH_MAX_DELAY`), plus what zmwatch does not look at (signal, fps floor, a
/// recent re-creation). Lookout only reports: zmwatch, not Lookout, restarts zmc.
///
/// The first rule that matches decides, in this order:
///
/// | level | code | when |
/// |---|---|---|
/// | OK | `disabled` | the Monitors row says Function = None, or (1.37+) Capturing = None (zmc is not meant to run) |
/// | UNKNOWN | `unreadable` | the segment exists but may not be read (permission, owner, link, layout) |
/// | CRITICAL | `no_segment` | no segment file (zmc not running) |
/// | OK | `not_zoneminder` | a file refused for its type or owner (a link, a FIFO, a stranger's file) for an id the database has no Monitors row for: not a monitor, so it must not move the verdict |
/// | CRITICAL | `segment_unavailable` | any other read error (zeroed, shrinking, not initialised) |
/// | CRITICAL | `invalid` | `shared_data.valid` is 0 (zmMemVerify fails) |
/// | CRITICAL | `no_heartbeat` | zmc never wrote a heartbeat |
/// | CRITICAL | `hung` | heartbeat older than max_delay |
/// | OK | `on_demand_idle` | (1.37+) Capturing = Ondemand and no signal, no image or an old one: nobody views it |
/// | CRITICAL | `signal_lost` | zmc reports no signal from the camera |
/// | CRITICAL | `capture_stale` | last image older than max_delay, or `3 / MaxFPS` when 0 < MaxFPS < 1 (zmwatch's rule); not checked when Decoding is None or Ondemand |
/// | WARNING | `no_image` | zmc alive but no image written yet (not checked when Decoding is None or Ondemand) |
/// | WARNING | `fps_low` | capture fps under the configured floor |
/// | WARNING | `recreated` | segment re-created within the reopen window (zmc restarted) |
/// | OK | `ok` | otherwise |
public enum MonitorVerdict {
    public static let unreadableCodes: Set<String> = [
        "permissionDenied", "untrustedOwner", "symbolicLink", "notRegularFile", "unknownLayout", "unsupported",
    ]

    /// Refusals that say "not ZoneMinder's file" rather than "ZoneMinder's file, unreadable".
    public static let foreignFileCodes: Set<String> = ["untrustedOwner", "symbolicLink", "notRegularFile"]

    public static func judge(_ facts: MonitorFacts, rules: MonitorRules) -> Verdict {
        if facts.function == "None" { return Verdict(.ok, "disabled", "Function is None: zmc is not meant to run") }
        if facts.capturing == "None" { return Verdict(.ok, "disabled", "Capturing is None: zmc is not meant to run") }
        switch facts.segment {
        case let .unavailable(code, message):
            if facts.notInDatabase, foreignFileCodes.contains(code) {
                return Verdict(.ok, "not_zoneminder", "ignored: no Monitors row, and the file is not ZoneMinder's (\(message))")
            }
            if unreadableCodes.contains(code) { return Verdict(.unknown, "unreadable", "cannot read the segment: \(message)") }
            let since = facts.heartbeatAge.map { "; last heartbeat \(seconds($0)) ago" } ?? ""
            if code == "notFound" { return Verdict(.critical, "no_segment", "no segment: zmc is not running (\(message))\(since)") }
            return Verdict(.critical, "segment_unavailable", "segment unavailable: \(message)\(since)")
        case .readable:
            break
        }
        if facts.valid == false { return Verdict(.critical, "invalid", "shared data not valid (zmwatch's zmMemVerify fails)") }
        guard let heartbeat = facts.heartbeatAge else {
            return Verdict(.critical, "no_heartbeat", "zmc never wrote a heartbeat")
        }
        if heartbeat > rules.maxDelay {
            return Verdict(
                .critical, "hung",
                "heartbeat \(seconds(heartbeat)) old, over ZM_WATCH_MAX_DELAY \(seconds(rules.maxDelay)): zmc is hung or stopped")
        }
        // zmc keeps the heartbeat of an on-demand monitor fresh while nobody views it (zmwatch checks it as above),
        // but then connects to no camera and writes no image: zmwatch checks nothing further, and neither does this.
        let imageDelay = imageDelay(maxFPS: facts.maxFPS, maxDelay: rules.maxDelay)
        if facts.capturesOnDemand,
           facts.signal == false || facts.lastWriteAge.map({ $0 > imageDelay }) ?? true {
            return Verdict(.ok, "on_demand_idle", "capturing on demand: idle")
        }
        if facts.signal == false { return Verdict(.critical, "signal_lost", "signal lost: zmc gets no video from the camera") }
        if !facts.imagesOptional {
            guard let write = facts.lastWriteAge else { return Verdict(.warning, "no_image", "zmc runs but has written no image yet") }
            if write > imageDelay {
                let limit = imageDelay == rules.maxDelay
                    ? "ZM_WATCH_MAX_DELAY \(seconds(rules.maxDelay))" : "3 / MaxFPS = \(seconds(imageDelay))"
                return Verdict(.critical, "capture_stale", "last image \(seconds(write)) old, over \(limit), though zmc's heartbeat is fresh")
            }
        }
        if rules.captureFPSFloor > 0, let fps = facts.captureFPS, fps < rules.captureFPSFloor {
            return Verdict(.warning, "fps_low", "capturing at \(number(fps)) fps, under the floor of \(number(rules.captureFPSFloor)) fps")
        }
        if let ago = facts.reopenedAgo, ago <= rules.reopenWindow {
            return Verdict(.warning, "recreated", "segment re-created \(seconds(ago)) ago: zmc restarted")
        }
        return .fine
    }

    static func seconds(_ value: Double) -> String { "\(number(value)) s" }

    /// zmwatch's limit on the last image's age: `3 / MaxFPS` when `0 < MaxFPS < 1` (a camera slower than one frame
    /// a second), else `ZM_WATCH_MAX_DELAY`. zmwatch applies it to `last_write_time` only, never to the heartbeat.
    public static func imageDelay(maxFPS: Double?, maxDelay: Double) -> Double {
        if let fps = maxFPS, fps > 0, fps < 1 { return 3 / fps }
        return maxDelay
    }
}

/// At most one decimal, no exponent: `0.3`, `12`, `1500`.
public func number(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let tenths = (value * 10).rounded()
    if tenths.truncatingRemainder(dividingBy: 10) == 0 { return String(Int64(tenths / 10)) }
    let sign = tenths < 0 ? "-" : ""
    let magnitude = Int64(abs(tenths))
    return "\(sign)\(magnitude / 10).\(magnitude % 10)"
}
