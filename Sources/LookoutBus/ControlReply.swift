import LookoutJSON
import ZeroMQ

/// The `OK` body of a control reply: a value to render, or bytes rendered before.
public enum ControlReply: Sendable {
    case body(JSONValue)
    /// `fresh`: rendered for this request, so it counts against the render budget; otherwise from a cache.
    case rendered(ZMQSharedBuffer, fresh: Bool)
    /// Made for this request from parts rendered before and `renderedBytes` rendered now (a SNAPSHOT page): only
    /// those count against the render budget.
    case assembled(ZMQSharedBuffer, renderedBytes: Int)
    /// Answered later, by `ControlServer.finishPending(name:key:text:)`: the reply named so is being rendered on
    /// another thread, and every request waiting for it gets the same bytes.
    case pending(String)
}

/// A token bucket of reply bytes: holds at most one second's worth and refills continuously.
struct RenderBudget {
    let bytesPerSecond: Double
    private var available: Double
    private var updatedAt: Double?

    init(bytesPerSecond: Int) {
        self.bytesPerSecond = Double(bytesPerSecond)
        available = Double(bytesPerSecond)
    }

    /// Milliseconds until there is room again; `nil` when there is room now. `now`: monotonic seconds.
    mutating func waitMilliseconds(now: Double) -> Int? {
        if let updatedAt { available = min(bytesPerSecond, available + (now - updatedAt) * bytesPerSecond) }
        updatedAt = now
        guard available <= 0 else { return nil }
        return Int((-available / bytesPerSecond * 1000).rounded(.up)) + 1
    }

    /// May go below zero by one reply: the next requests wait until it is paid back.
    mutating func spend(_ bytes: Int) { available -= Double(bytes) }
}
