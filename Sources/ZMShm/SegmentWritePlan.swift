/// One store into a segment. A plan is a list of them in the order they must happen.
public struct SegmentStore: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        /// Plain bytes (a zero-filled string field).
        case bytes([UInt8])
        /// A `UInt32` stored with release ordering: what zmc reads first must be written last.
        case releaseU32(UInt32)
    }

    /// ZoneMinder's field name, for tests and messages.
    public let field: String
    public let offset: Int
    public let value: Value

    public var count: Int {
        switch value {
        case let .bytes(bytes): bytes.count
        case .releaseU32: 4
        }
    }
}

/// Turns a write request into its ordered stores, validating everything first: a request that is refused here
/// has written nothing. Pure, so the order is tested without a segment.
enum SegmentWritePlan {
    typealias T = TriggerDataOffsets

    /// Strings, then score, then `trigger_state` last (ZoneMinder's analysis thread reads the state first, then the
    /// rest). `off` and `cancel` clear cause, text, showtext (unless given) and score, like Perl's `zmTriggerEventOff`.
    static func trigger(_ request: TriggerRequest, showtext: String?, layout: SharedDataLayout, path: String) throws(SegmentError) -> [SegmentStore] {
        let base = layout.size
        let (score, cause, text, state): (UInt32, String, String, ZMTriggerState) = switch request {
        case let .on(score, cause, text): (score, cause, text, .on)
        case .off: (0, "", "", .off)
        case .cancel: (0, "", "", .cancel)
        }
        if state == .on, score == 0 {
            throw SegmentError(.unsupported, path: path, "a forced alarm needs a score above 0 (ZoneMinder ignores 0)")
        }
        var stores = [
            try string(cause, field: "trigger_cause", at: base + T.triggerCause, capacity: T.triggerCauseLength, path: path),
            try string(text, field: "trigger_text", at: base + T.triggerText, capacity: T.textLength, path: path),
        ]
        if state != .on || showtext != nil {
            stores.append(try string(showtext ?? "", field: "trigger_showtext", at: base + T.triggerShowtext, capacity: T.textLength, path: path))
        }
        stores.append(SegmentStore(field: "trigger_score", offset: base + T.triggerScore, value: .releaseU32(score)))
        stores.append(SegmentStore(field: "trigger_state", offset: base + T.triggerState, value: .releaseU32(state.rawValue)))
        return stores
    }

    static func showtext(_ text: String, layout: SharedDataLayout, path: String) throws(SegmentError) -> [SegmentStore] {
        [try string(text, field: "trigger_showtext", at: layout.size + T.triggerShowtext, capacity: T.textLength, path: path)]
    }

    /// A `char[capacity]` field, zero-filled. Longer text is refused, never cut; so is a NUL byte, which ZoneMinder
    /// would silently end the text at.
    static func string(_ text: String, field: String, at offset: Int, capacity: Int, path: String) throws(SegmentError) -> SegmentStore {
        let utf8 = Array(text.utf8)
        guard utf8.count < capacity else {
            throw SegmentError(
                .unsupported, path: path, "\(field) is \(utf8.count) bytes; ZoneMinder's field holds at most \(capacity - 1) bytes")
        }
        if let nul = utf8.firstIndex(of: 0) {
            throw SegmentError(
                .unsupported, path: path, "\(field) contains a NUL byte at byte \(nul); ZoneMinder would cut the text there")
        }
        return SegmentStore(field: field, offset: offset, value: .bytes(utf8 + [UInt8](repeating: 0, count: capacity - utf8.count)))
    }
}
