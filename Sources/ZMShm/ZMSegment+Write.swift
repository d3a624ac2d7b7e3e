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
    /// Writes a trigger as ZoneMinder's own writers intend: strings, then score, then `trigger_state` last with
    /// release ordering, so the analysis thread never sees ON with a stale score or cause. Everything is validated
    /// before the first byte is written: a refused request leaves the segment unchanged.
    /// `showtext`, when given, is written too (it replaces `%Q` in the monitor's timestamp label).
    public func writeTrigger(_ request: TriggerRequest, showtext: String? = nil) throws(SegmentError) {
        try apply(try SegmentWritePlan.trigger(request, showtext: showtext, layout: layout, path: path))
    }

    /// Sets only `trigger_showtext` (zmtrigger's `show`).
    public func writeShowtext(_ text: String) throws(SegmentError) {
        try apply(try SegmentWritePlan.showtext(text, layout: layout, path: path))
    }

    /// ORs command bits into `SharedData.action`; zmc clears each bit once it has acted on it.
    /// Returns the bits that were pending before. Bits ZoneMinder does not define are refused before writing.
    @discardableResult
    public func requestAction(_ action: ZMAction) throws(SegmentError) -> ZMAction {
        guard !action.isEmpty, action.rawValue & ~ZMAction.known.rawValue == 0 else {
            throw SegmentError(.unsupported, path: path, "action bits 0x\(String(action.rawValue, radix: 16)) are not ZoneMinder actions")
        }
        try checkWritableAndLive()
        return ZMAction(rawValue: try mapping.fetchOr(action.rawValue, at: layout.offsets.action))
    }

    /// Checks the segment and every store's range, then writes in plan order.
    func apply(_ plan: [SegmentStore]) throws(SegmentError) {
        try checkWritableAndLive()
        for store in plan { try mapping.checkWritable(offset: store.offset, count: store.count) }
        for store in plan {
            switch store.value {
            case let .bytes(bytes): try mapping.write(bytes: bytes, at: store.offset)
            case let .releaseU32(value): try mapping.storeRelease(value, at: store.offset)
            }
        }
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
}
