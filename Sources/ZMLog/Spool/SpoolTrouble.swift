/// Why the spool file did not take a row.
public enum SpoolRefusal: Sendable, Equatable, CustomStringConvertible {
    /// It holds `LogSpool.limitBytes` already.
    case full
    /// `pwrite` failed with this errno (ENOSPC on a full disk, EIO, …).
    case writeFailed(errno: Int32)

    public var description: String {
        switch self {
        case .full: "full"
        case .writeFailed(let code): Posix.errorText(code)
        }
    }
}

/// An episode of trouble: it starts at a refusal or drop and ends once `quietSeconds` pass without one, so a disk
/// that flaps between full and not (the spool freeing space, then taking it again) is one episode, reported once.
struct TroubleEpisode {
    let quietSeconds: Double
    private var lastTrouble: Double?
    private(set) var refusalReported = false
    private(set) var dropReported = false

    init(quietSeconds: Double) { self.quietSeconds = quietSeconds }

    /// Notes trouble at `now`; returns whether it is the first refusal (or drop) of its episode.
    mutating func refused(at now: Double) -> Bool {
        startIfQuiet(now)
        defer { refusalReported = true }
        return !refusalReported
    }

    mutating func dropped(at now: Double) -> Bool {
        startIfQuiet(now)
        defer { dropReported = true }
        return !dropReported
    }

    private mutating func startIfQuiet(_ now: Double) {
        if let last = lastTrouble, now - last >= quietSeconds {
            refusalReported = false
            dropReported = false
        }
        lastTrouble = now
    }
}

/// Rows dropped since the spool last accepted one: when it accepts again, a `WAR` row with their count and time range
/// is queued in their place.
struct DropRun {
    private(set) var count = 0
    private var first: LogTimestamp?
    private var last: LogTimestamp?
    private var component = ""

    var isEmpty: Bool { count == 0 }

    mutating func add(_ row: LogsRow) {
        if count == 0 {
            first = row.timestamp
            component = row.component
        }
        count += 1
        last = row.timestamp
    }

    func note(fileLimit: Int?, memoryLimit: Int) -> LogsRow {
        LogSpool.dropNote(
            count: count, first: first!, last: last!, component: component, fileLimit: fileLimit, memoryLimit: memoryLimit)
    }
}
