/// zmtrigger.pl's `%actions`: lines to handle again later (`on+N` schedules `<id>|cancel`, `off+N` schedules
/// `<id>|off|0|<cause>|<text>`). As in `handleDelay`, scheduling a line drops the same line scheduled to run no
/// later, so a repeated `on+10` extends the alarm instead of cancelling early. Bounded in count: a client cannot
/// make the listener hold more than `capacity` lines.
public struct TimedActions: Sendable {
    public struct Entry: Sendable, Equatable {
        public let due: Double
        public let line: String
        /// The connection that asked (zmtrigger keeps it; notices are sent to every connection either way).
        public let connection: Int
    }

    public let capacity: Int
    public private(set) var entries: [Entry] = []

    public init(capacity: Int) { self.capacity = capacity }

    public enum Outcome: Sendable, Equatable {
        case added(replaced: Int)
        case full
    }

    public mutating func schedule(_ line: String, at due: Double, connection: Int) -> Outcome {
        let before = entries.count
        entries.removeAll { $0.line == line && $0.due <= due }
        let replaced = before - entries.count
        guard entries.count < capacity else { return .full }
        let index = entries.firstIndex { $0.due > due } ?? entries.endIndex
        entries.insert(Entry(due: due, line: line, connection: connection), at: index)
        return .added(replaced: replaced)
    }

    /// Removes and returns the entries due at `now`, earliest first.
    public mutating func takeDue(now: Double) -> [Entry] {
        let count = entries.prefix { $0.due <= now }.count
        defer { entries.removeFirst(count) }
        return Array(entries.prefix(count))
    }

    public var nextDue: Double? { entries.first?.due }
}
