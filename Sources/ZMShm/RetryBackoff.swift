/// When to try a failing segment path again: 1 s after the first failure, doubling up to a cap.
///
/// A path that keeps failing (garbage, a FIFO, a stranger's file) would otherwise be opened, checked and mapped on
/// every poll. A pure value: the caller supplies the time.
public struct RetryBackoff: Sendable, Equatable {
    public static let firstDelay = 1.0
    public static let longestDelay = 60.0

    /// Seconds waited after the latest failure; 0 before any.
    public private(set) var delay = 0.0
    public private(set) var nextAttempt = -Double.infinity

    public init() {}

    /// - Parameter cap: the longest wait for this failure (shorter for states zmc leaves by itself).
    public mutating func failed(at now: Double, cap: Double = longestDelay) {
        delay = min(delay == 0 ? Self.firstDelay : delay * 2, cap)
        nextAttempt = now + delay
    }

    public mutating func reset() { self = RetryBackoff() }

    public func allowsAttempt(at now: Double) -> Bool { now >= nextAttempt }
}
