/// Pure decoding of segment bytes (already copied out of the mapping) into values.
enum SegmentDecoder {
    static func sharedData(_ view: ByteView, layout: SharedDataLayout) -> SharedData {
        let o = layout.offsets
        return SharedData(
            size: view.u32(0),
            lastWriteIndex: view.i32(o.lastWriteIndex),
            lastReadIndex: view.i32(o.lastReadIndex),
            imageCount: o.imageCount.map(view.i32),
            state: view.u32(o.state),
            captureFPS: o.captureFPS.map(view.f64),
            analysisFPS: o.analysisFPS.map(view.f64),
            latitude: o.latitude.map(view.f64),
            longitude: o.longitude.map(view.f64),
            lastEventID: view.u64(o.lastEventID),
            action: view.u32(o.action),
            brightness: view.i32(o.brightness),
            hue: view.i32(o.hue),
            colour: view.i32(o.colour),
            contrast: view.i32(o.contrast),
            alarmX: view.i32(o.alarmX),
            alarmY: view.i32(o.alarmY),
            valid: view.u8(o.valid),
            active: o.active.map(view.u8),
            capturing: o.capturing.map(view.u8),
            analysing: o.analysing.map(view.u8),
            recording: o.recording.map(view.u8),
            signal: view.u8(o.signal),
            format: view.u8(o.format),
            imageSize: view.u32(o.imageSize),
            lastFrameScore: o.lastFrameScore.map(view.u32),
            audioFrequency: o.audioFrequency.map(view.u32),
            audioChannels: o.audioChannels.map(view.u32),
            startupTime: view.i64(o.startupTime),
            heartbeatTime: o.heartbeatTime.map(view.i64),
            lastWriteTime: view.i64(o.lastWriteTime),
            lastReadTime: view.i64(o.lastReadTime),
            lastViewedTime: o.lastViewedTime.map(view.i64),
            lastAnalysisViewedTime: o.lastAnalysisViewedTime.map(view.i64),
            controlState: view.array(o.controlState, count: 256),
            alarmCause: view.cString(o.alarmCause, capacity: 256),
            videoFifoPath: o.videoFifoPath.map { view.cString($0, capacity: 64) },
            audioFifoPath: o.audioFifoPath.map { view.cString($0, capacity: 64) },
            janusPin: o.janusPin.map { view.cString($0, capacity: 64) },
            lastAnalysisIndex: o.lastAnalysisIndex.map(view.i32),
            analysisImageCount: o.analysisImageCount.map(view.i32))
    }

    static func triggerData(_ view: ByteView, at base: Int) -> TriggerData {
        typealias T = TriggerDataOffsets
        return TriggerData(
            size: view.u32(base),
            triggerState: view.u32(base + T.triggerState),
            triggerScore: view.u32(base + T.triggerScore),
            padding: view.u32(base + 12),
            triggerCause: view.cString(base + T.triggerCause, capacity: T.triggerCauseLength),
            triggerText: view.cString(base + T.triggerText, capacity: T.textLength),
            triggerShowtext: view.cString(base + T.triggerShowtext, capacity: T.textLength))
    }

    static func videoStoreData(_ view: ByteView, at base: Int) -> VideoStoreData {
        typealias V = VideoStoreDataOffsets
        return VideoStoreData(
            size: view.u32(base),
            currentEvent: view.u64(base + V.currentEvent),
            eventFile: view.cString(base + V.eventFile, capacity: V.eventFileLength),
            recording: timeval(view, at: base + V.recording))
    }

    static func timeval(_ view: ByteView, at offset: Int) -> Timeval {
        Timeval(seconds: view.i64(offset), microseconds: view.i64(offset + 8))
    }

    /// The numbers a poll loop needs, without strings: the hot path.
    /// `trigger` is where TriggerData starts in `view` (its offset in the file, or right after a copied prefix).
    static func status(_ view: ByteView, layout: SharedDataLayout, trigger: Int) -> MonitorStatus {
        status(view, layout: layout, offsets: layout.offsets, trigger: trigger)
    }

    /// `offsets`: `layout.offsets`, kept by the caller (the table is a struct of some 40 fields behind a lazy global:
    /// fetching it per read showed as 7 % of the agent's instructions).
    static func status(_ view: ByteView, layout: SharedDataLayout, offsets o: SharedDataOffsets, trigger: Int) -> MonitorStatus {
        let heartbeat = o.heartbeatTime ?? o.lastWriteTime
        let analysisEnabled: Bool? =
            if let active = o.active { view.u8(active) != 0 }
            else if let analysing = o.analysing { view.u8(analysing) > 1 }
            else { nil }
        return MonitorStatus(
            layout: layout,
            size: view.u32(0),
            valid: view.u8(o.valid) != 0,
            rawState: view.u32(o.state),
            lastEventID: view.u64(o.lastEventID),
            captureFPS: o.captureFPS.map(view.f64),
            analysisFPS: o.analysisFPS.map(view.f64),
            heartbeatTime: view.i64(heartbeat),
            lastWriteTime: view.i64(o.lastWriteTime),
            lastWriteIndex: view.i32(o.lastWriteIndex),
            imageCount: o.imageCount.map(view.i32),
            signal: view.u8(o.signal) != 0,
            analysisEnabled: analysisEnabled,
            lastFrameScore: o.lastFrameScore.map(view.u32),
            action: view.u32(o.action),
            triggerDataSize: view.u32(trigger),
            triggerState: view.u32(trigger + TriggerDataOffsets.triggerState),
            triggerScore: view.u32(trigger + TriggerDataOffsets.triggerScore))
    }
}

/// The fields a poll needs each tick. Strings (causes, texts) are read only when something changed.
public struct MonitorStatus: Sendable, Equatable {
    public var layout: SharedDataLayout
    /// `SharedData.size` as read: equals the layout unless zmc zeroed or re-initialised the segment.
    public var size: UInt32
    public var valid: Bool
    public var rawState: UInt32
    public var lastEventID: UInt64
    public var captureFPS: Double?
    public var analysisFPS: Double?
    /// `heartbeat_time`; on 1.34, which has none, `last_write_time` (as zmwatch uses).
    public var heartbeatTime: Int64
    public var lastWriteTime: Int64
    public var lastWriteIndex: Int32
    public var imageCount: Int32?
    public var signal: Bool
    /// Motion detection running: `active` up to 1.36, `analysing` other than NONE from 1.37.
    public var analysisEnabled: Bool?
    public var lastFrameScore: UInt32?
    public var action: UInt32
    public var triggerDataSize: UInt32
    public var triggerState: UInt32
    public var triggerScore: UInt32

    public func state(_ numbering: StateNumbering) -> ZMMonitorState? { numbering.state(rawState, layout: layout) }

    /// Seconds since the heartbeat, or `nil` when zmc never wrote one.
    public func heartbeatAge(now: Double) -> Double? {
        heartbeatTime > 0 ? max(0, now - Double(heartbeatTime)) : nil
    }
}
