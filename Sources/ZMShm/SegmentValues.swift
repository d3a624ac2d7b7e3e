/// Every `SharedData` field of a segment, under ZoneMinder's meaning; `nil` where the layout lacks it.
public struct SharedData: Sendable, Equatable {
    public var size: UInt32
    public var lastWriteIndex: Int32
    public var lastReadIndex: Int32
    public var imageCount: Int32?
    public var state: UInt32
    public var captureFPS: Double?
    public var analysisFPS: Double?
    public var latitude: Double?
    public var longitude: Double?
    /// `last_event_id` (1.34: `last_event`).
    public var lastEventID: UInt64
    public var action: UInt32
    public var brightness: Int32
    public var hue: Int32
    public var colour: Int32
    public var contrast: Int32
    public var alarmX: Int32
    public var alarmY: Int32
    public var valid: UInt8
    public var active: UInt8?
    public var capturing: UInt8?
    public var analysing: UInt8?
    public var recording: UInt8?
    public var signal: UInt8
    public var format: UInt8
    public var imageSize: UInt32
    public var lastFrameScore: UInt32?
    public var audioFrequency: UInt32?
    public var audioChannels: UInt32?
    public var startupTime: Int64
    /// `heartbeat_time` (1.36: `zmc_heartbeat_time`; absent in 1.34).
    public var heartbeatTime: Int64?
    public var lastWriteTime: Int64
    public var lastReadTime: Int64
    public var lastViewedTime: Int64?
    public var lastAnalysisViewedTime: Int64?
    /// Opaque bytes (a Perl Storable blob written by PTZ control scripts), not text.
    public var controlState: [UInt8]
    public var alarmCause: ZMString
    public var videoFifoPath: ZMString?
    public var audioFifoPath: ZMString?
    public var janusPin: ZMString?
    public var lastAnalysisIndex: Int32?
    public var analysisImageCount: Int32?
}

public struct TriggerData: Sendable, Equatable {
    public var size: UInt32
    public var triggerState: UInt32
    public var triggerScore: UInt32
    public var padding: UInt32
    public var triggerCause: ZMString
    public var triggerText: ZMString
    public var triggerShowtext: ZMString

    public var state: ZMTriggerState? { ZMTriggerState(rawValue: triggerState) }
}

public struct Timeval: Sendable, Equatable, Hashable {
    public var seconds: Int64
    public var microseconds: Int64

    public init(seconds: Int64, microseconds: Int64) {
        self.seconds = seconds
        self.microseconds = microseconds
    }

    public var timeInterval: Double { Double(seconds) + Double(microseconds) / 1_000_000 }
}

public struct VideoStoreData: Sendable, Equatable {
    public var size: UInt32
    public var currentEvent: UInt64
    public var eventFile: ZMString
    public var recording: Timeval
}
