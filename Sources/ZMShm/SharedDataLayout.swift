/// The `SharedData` layouts ZoneMinder has shipped, keyed by the `size` field zmc writes at offset 0.
///
/// Offsets are the compiler's (x86_64/aarch64 LP64), not the header comments; see `docs/zm-shm-layouts.md`.
public enum SharedDataLayout: UInt32, Sendable, CaseIterable, Comparable {
    /// ZoneMinder 1.32–1.34.
    case zm134 = 600
    /// ZoneMinder 1.36.0–1.36.33 (Debian bookworm's 1.36.33).
    case zm136 = 760
    /// ZoneMinder 1.36.34–1.36.38 (`image_count` added).
    case zm13634 = 768
    /// ZoneMinder 1.37.x development tags.
    case zm137 = 864
    /// ZoneMinder 1.38.x, 1.39.x (zone-score array after `TriggerData`).
    case zm138 = 872
    /// ZoneMinder master after 2026-07-03 (analysis-image ring, explicit pads).
    case master = 888

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var size: Int { Int(rawValue) }

    /// The ZoneMinder releases that write this layout, for people.
    public var versions: String {
        switch self {
        case .zm134: "1.32–1.34"
        case .zm136: "1.36.0–1.36.33"
        case .zm13634: "1.36.34–1.36.38"
        case .zm137: "1.37.x"
        case .zm138: "1.38.x"
        case .master: "master (2026-07+)"
        }
    }

    /// 1.37 and later put one `int32` score per zone between `TriggerData` and `VideoStoreData`.
    public var hasZoneScores: Bool { self >= .zm137 }

    /// Monitor state `TAPE` exists up to 1.36 only.
    public var hasTapeState: Bool { self <= .zm13634 }

    /// Bytes from offset 0 that hold every field `status()` reads (it ends with `last_write_time`).
    var statusPrefixLength: Int { offsets.lastWriteTime + 8 }

    var offsets: SharedDataOffsets {
        switch self {
        case .zm134: .zm134
        case .zm136: .zm136
        case .zm13634: .zm13634
        case .zm137: .zm137
        case .zm138: .zm138
        case .master: .master
        }
    }
}

/// Byte offsets of the `SharedData` fields in one layout; `nil` where the layout lacks the field.
struct SharedDataOffsets: Sendable {
    var lastWriteIndex = 4
    var lastReadIndex = 8
    var imageCount: Int?
    var state: Int
    var captureFPS: Int?
    var analysisFPS: Int?
    var latitude: Int?
    var longitude: Int?
    var lastEventID: Int
    var action: Int
    var brightness: Int
    var valid: Int
    var active: Int?
    var capturing: Int?
    var signal: Int
    var format: Int
    var imageSize: Int
    var lastFrameScore: Int?
    var audioFrequency: Int?
    var startupTime: Int
    var heartbeatTime: Int?
    var lastWriteTime: Int
    var lastReadTime: Int
    var lastViewedTime: Int?
    var lastAnalysisViewedTime: Int?
    var controlState: Int
    var alarmCause: Int
    var videoFifoPath: Int?
    var janusPin: Int?
    var lastAnalysisIndex: Int?

    // Fields that sit at a fixed distance from an anchor in every layout that has them.
    var hue: Int { brightness + 4 }
    var colour: Int { brightness + 8 }
    var contrast: Int { brightness + 12 }
    var alarmX: Int { brightness + 16 }
    var alarmY: Int { brightness + 20 }
    var analysing: Int? { capturing.map { $0 + 1 } }
    var recording: Int? { capturing.map { $0 + 2 } }
    var audioChannels: Int? { audioFrequency.map { $0 + 4 } }
    var audioFifoPath: Int? { videoFifoPath.map { $0 + 64 } }
    var analysisImageCount: Int? { lastAnalysisIndex.map { $0 + 4 } }

    static let zm134 = SharedDataOffsets(
        state: 12, lastEventID: 16, action: 24, brightness: 28, valid: 52, active: 53, signal: 54,
        format: 55, imageSize: 56, startupTime: 64, lastWriteTime: 72, lastReadTime: 80,
        controlState: 88, alarmCause: 344)

    static let zm136 = SharedDataOffsets(
        state: 12, captureFPS: 16, analysisFPS: 24, lastEventID: 32, action: 40, brightness: 44,
        valid: 68, active: 69, signal: 70, format: 71, imageSize: 72, lastFrameScore: 76,
        audioFrequency: 80, startupTime: 88, heartbeatTime: 96, lastWriteTime: 104, lastReadTime: 112,
        controlState: 120, alarmCause: 376, videoFifoPath: 632)

    static let zm13634 = SharedDataOffsets(
        imageCount: 12, state: 16, captureFPS: 24, analysisFPS: 32, lastEventID: 40, action: 48,
        brightness: 52, valid: 76, active: 77, signal: 78, format: 79, imageSize: 80, lastFrameScore: 84,
        audioFrequency: 88, startupTime: 96, heartbeatTime: 104, lastWriteTime: 112, lastReadTime: 120,
        controlState: 128, alarmCause: 384, videoFifoPath: 640)

    static let zm137 = SharedDataOffsets(
        imageCount: 12, state: 16, captureFPS: 24, analysisFPS: 32, latitude: 40, longitude: 48,
        lastEventID: 56, action: 64, brightness: 68, valid: 92, capturing: 93, signal: 96, format: 97,
        imageSize: 100, lastFrameScore: 104, audioFrequency: 108, startupTime: 120, heartbeatTime: 128,
        lastWriteTime: 136, lastReadTime: 144, lastViewedTime: 152, controlState: 160, alarmCause: 416,
        videoFifoPath: 672, janusPin: 800)

    static let zm138 = SharedDataOffsets(
        imageCount: 12, state: 16, captureFPS: 24, analysisFPS: 32, latitude: 40, longitude: 48,
        lastEventID: 56, action: 64, brightness: 68, valid: 92, capturing: 93, signal: 96, format: 97,
        imageSize: 100, lastFrameScore: 104, audioFrequency: 108, startupTime: 120, heartbeatTime: 128,
        lastWriteTime: 136, lastReadTime: 144, lastViewedTime: 152, lastAnalysisViewedTime: 160,
        controlState: 168, alarmCause: 424, videoFifoPath: 680, janusPin: 808)

    static let master: SharedDataOffsets = {
        var offsets = SharedDataOffsets.zm138
        offsets.lastAnalysisIndex = 872
        return offsets
    }()
}

/// `TriggerData` (560 bytes, identical in every layout), located right after `SharedData`.
enum TriggerDataOffsets {
    static let size = 560
    static let triggerState = 4
    static let triggerScore = 8
    static let triggerCause = 16
    static let triggerCauseLength = 32
    static let triggerText = 48
    static let triggerShowtext = 304
    static let textLength = 256
}

/// `VideoStoreData` (4128 bytes on LP64), unaligned in the file when a 1.37+ monitor has an odd zone count.
enum VideoStoreDataOffsets {
    static let size = 4128
    static let currentEvent = 8
    static let eventFile = 16
    static let eventFileLength = 4096
    static let recording = 4112
}
