/// Writes `SharedData`/`TriggerData` fields the way zmc does, into memory the caller owns and has mapped writable.
/// For simulators and fixtures only: a real segment belongs to zmc, and Lookout writes to it only through
/// `ZMSegment.writeTrigger` and `requestAction`.
public struct SharedDataWriter {
    public let layout: SharedDataLayout
    private let base: UnsafeMutableRawPointer

    public init(layout: SharedDataLayout, base: UnsafeMutableRawPointer) {
        self.layout = layout
        self.base = base
    }

    private var offsets: SharedDataOffsets { layout.offsets }

    /// Writes `SharedData.size` and `TriggerData.size`: the segment becomes readable.
    public func initialise() {
        base.storeBytes(of: layout.rawValue, toByteOffset: 0, as: UInt32.self)
        base.storeBytes(of: UInt32(TriggerDataOffsets.size), toByteOffset: layout.size, as: UInt32.self)
    }

    public func setState(_ raw: UInt32) { base.storeBytes(of: raw, toByteOffset: offsets.state, as: UInt32.self) }
    public func setLastEventID(_ id: UInt64) { base.storeBytes(of: id, toByteOffset: offsets.lastEventID, as: UInt64.self) }
    public func setLastWriteIndex(_ index: Int32) { base.storeBytes(of: index, toByteOffset: offsets.lastWriteIndex, as: Int32.self) }
    public func setLastWriteTime(_ time: Int64) { base.storeBytes(of: time, toByteOffset: offsets.lastWriteTime, as: Int64.self) }
    public func setStartupTime(_ time: Int64) { base.storeBytes(of: time, toByteOffset: offsets.startupTime, as: Int64.self) }
    public func setValid(_ valid: Bool) { base.storeBytes(of: valid ? 1 : 0, toByteOffset: offsets.valid, as: UInt8.self) }
    public func setSignal(_ signal: Bool) { base.storeBytes(of: signal ? 1 : 0, toByteOffset: offsets.signal, as: UInt8.self) }
    public func setFormat(_ format: UInt8) { base.storeBytes(of: format, toByteOffset: offsets.format, as: UInt8.self) }
    public func setImageSize(_ size: UInt32) { base.storeBytes(of: size, toByteOffset: offsets.imageSize, as: UInt32.self) }

    public func setHeartbeatTime(_ time: Int64) {
        guard let offset = offsets.heartbeatTime else { return }
        base.storeBytes(of: time, toByteOffset: offset, as: Int64.self)
    }

    public func setActive(_ active: Bool) {
        guard let offset = offsets.active ?? offsets.capturing.map({ $0 + 1 }) else { return }
        base.storeBytes(of: active ? 1 : 0, toByteOffset: offset, as: UInt8.self)
    }

    public func setFPS(capture: Double, analysis: Double) {
        if let offset = offsets.captureFPS { base.storeBytes(of: capture, toByteOffset: offset, as: Double.self) }
        if let offset = offsets.analysisFPS { base.storeBytes(of: analysis, toByteOffset: offset, as: Double.self) }
    }

    public func setLastFrameScore(_ score: UInt32) {
        guard let offset = offsets.lastFrameScore else { return }
        base.storeBytes(of: score, toByteOffset: offset, as: UInt32.self)
    }

    public func setAlarmCause(_ cause: String) { writeString(cause, at: offsets.alarmCause, capacity: 256) }

    /// Reads back what a client wrote into `TriggerData` (a simulated zmc reacting to `lookout trigger`).
    public var triggerState: UInt32 { base.loadUnaligned(fromByteOffset: layout.size + TriggerDataOffsets.triggerState, as: UInt32.self) }
    public var triggerScore: UInt32 { base.loadUnaligned(fromByteOffset: layout.size + TriggerDataOffsets.triggerScore, as: UInt32.self) }

    public var triggerCause: String {
        let start = base + layout.size + TriggerDataOffsets.triggerCause
        let bytes = UnsafeRawBufferPointer(start: start, count: TriggerDataOffsets.triggerCauseLength)
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private func writeString(_ text: String, at offset: Int, capacity: Int) {
        let bytes = Array(text.utf8.prefix(capacity - 1))
        let target = base + offset
        target.initializeMemory(as: UInt8.self, repeating: 0, count: capacity)
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { target.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    }
}
