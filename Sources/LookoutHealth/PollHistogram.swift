/// The poll loop's duration histogram, kept as fixed counters: `record` touches one slot of a preallocated array
/// and two scalars, so a tick allocates nothing. HEALTH carries it as `poll_duration` (`PollHistogram.json`'s shape:
/// `le` the upper bounds in seconds, `counts` cumulative per bound, `sum` seconds, `count`); `PrometheusText`
/// renders it as `lookout_poll_duration_seconds`.
public struct PollHistogram: Sendable, Equatable {
    /// Upper bounds in seconds, 50 µs to 100 ms (a poll of 4 096 monitors takes about 2 ms; the interval at 10 Hz is
    /// 100 ms). A poll longer than the last bound is counted only in `count` (the `+Inf` bucket).
    public static let bounds: [Double] = [
        0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1,
    ]

    /// Per bound, the polls that fell in it and in no smaller one (not cumulative).
    public private(set) var buckets: [UInt64]
    public private(set) var sum: Double = 0
    public private(set) var count: UInt64 = 0

    public init() {
        buckets = [UInt64](repeating: 0, count: Self.bounds.count)
    }

    public mutating func record(_ seconds: Double) {
        let value = seconds.isFinite ? max(0, seconds) : 0
        sum += value
        count &+= 1
        var index = 0
        while index < Self.bounds.count {
            if value <= Self.bounds[index] {
                buckets[index] &+= 1
                return
            }
            index += 1
        }
    }

    /// Cumulative counts per bound, as Prometheus wants them (`le` is "less than or equal").
    public var cumulative: [UInt64] {
        var running: UInt64 = 0
        return buckets.map { count in
            running &+= count
            return running
        }
    }
}

import LookoutJSON

extension PollHistogram {
    /// HEALTH's `poll_duration`: `{"le": [seconds…], "counts": [cumulative…], "sum": seconds, "count": polls}`.
    public var json: JSONValue {
        .object([
            ("le", .array(Self.bounds.map(JSONValue.double))), ("counts", .array(cumulative.map(JSONValue.uint))),
            ("sum", .double(sum)), ("count", .uint(count)),
        ])
    }
}
