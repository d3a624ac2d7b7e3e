/// What a forced alarm request asks zmc to do (ZoneMinder's `TriggerData.trigger_state`).
public enum TriggerRequest: Sendable, Equatable {
    /// Force an alarm: `score` added to every analysed frame; `cause` becomes the event cause and `text` its notes.
    case on(score: UInt32, cause: String, text: String)
    /// Force no alarm: analysis skips detection, closes any event and holds IDLE.
    case off
    /// Back to normal detection.
    case cancel
}

extension ZMSegment {
    /// Writes a trigger as ZoneMinder's own writers intend: score and strings first, `trigger_state` last
    /// (with release ordering), so the analysis thread never sees ON with stale score or cause.
    /// `showtext`, when given, is written too (it replaces `%Q` in the monitor's timestamp label).
    public func writeTrigger(_ request: TriggerRequest, showtext: String? = nil) throws(SegmentError) {
        try checkWritableAndLive()
        let base = layout.size
        typealias T = TriggerDataOffsets
        switch request {
        case let .on(score, cause, text):
            guard score > 0 else {
                throw SegmentError(.unsupported, path: path, "a forced alarm needs a score above 0 (ZoneMinder ignores 0)")
            }
            try writeString(cause, at: base + T.triggerCause, capacity: T.triggerCauseLength, field: "cause")
            try writeString(text, at: base + T.triggerText, capacity: T.textLength, field: "text")
            if let showtext { try writeString(showtext, at: base + T.triggerShowtext, capacity: T.textLength, field: "showtext") }
            try mapping.storeRelease(score, at: base + T.triggerScore)
            try mapping.storeRelease(ZMTriggerState.on.rawValue, at: base + T.triggerState)
        case .off, .cancel:
            try writeString("", at: base + T.triggerCause, capacity: T.triggerCauseLength, field: "cause")
            try writeString("", at: base + T.triggerText, capacity: T.textLength, field: "text")
            try writeString(showtext ?? "", at: base + T.triggerShowtext, capacity: T.textLength, field: "showtext")
            try mapping.storeRelease(0, at: base + T.triggerScore)
            let state: ZMTriggerState = request == .off ? .off : .cancel
            try mapping.storeRelease(state.rawValue, at: base + T.triggerState)
        }
    }

    /// Sets only `trigger_showtext` (zmtrigger's `show`).
    public func writeShowtext(_ text: String) throws(SegmentError) {
        try checkWritableAndLive()
        try writeString(text, at: layout.size + TriggerDataOffsets.triggerShowtext, capacity: TriggerDataOffsets.textLength, field: "showtext")
    }

    /// ORs command bits into `SharedData.action`; zmc clears each bit once it has acted on it.
    /// Returns the bits that were pending before.
    @discardableResult
    public func requestAction(_ action: ZMAction) throws(SegmentError) -> ZMAction {
        try checkWritableAndLive()
        return ZMAction(rawValue: try mapping.fetchOr(action.rawValue, at: layout.offsets.action))
    }

    /// Writing into a segment zmc no longer uses is silently lost, so check first.
    private func checkWritableAndLive() throws(SegmentError) {
        guard mapping.writable else { throw SegmentError(.readOnly, path: path, "\(path) was opened read-only") }
        switch mapping.pathStillMatches() {
        case .same: break
        case .gone: throw SegmentError(.stale, path: path, "\(path) was removed (zmc stopped); nothing to write to")
        case .recreated, .resized: throw SegmentError(.stale, path: path, "\(path) was re-created by zmc; open it again")
        }
        let status = try status()
        guard status.valid else {
            throw SegmentError(.invalid, path: path, "\(path) is not valid (valid = 0): zmc is not running it; write refused")
        }
    }

    private func writeString(_ text: String, at offset: Int, capacity: Int, field: String) throws(SegmentError) {
        let utf8 = Array(text.utf8)
        guard utf8.count < capacity else {
            throw SegmentError(
                .unsupported, path: path,
                "\(field) is \(utf8.count) bytes; ZoneMinder's field holds at most \(capacity - 1) bytes")
        }
        try mapping.write(bytes: utf8 + [UInt8](repeating: 0, count: capacity - utf8.count), at: offset)
    }
}
