internal import Glibc

/// Wall-clock time with microseconds: one read shared by the file line, syslog and the `Logs.TimeKey` column.
public struct LogTimestamp: Hashable, Sendable, Comparable {
    public var seconds: Int64
    public var microseconds: Int32

    public init(seconds: Int64, microseconds: Int32) {
        self.seconds = seconds
        self.microseconds = microseconds
    }

    /// `clock_gettime(CLOCK_REALTIME)`, truncated to microseconds like `gettimeofday`.
    public static func now() -> LogTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return LogTimestamp(seconds: Int64(spec.tv_sec), microseconds: Int32(spec.tv_nsec / 1000))
    }

    /// `Logs.TimeKey`: UTC epoch seconds, `%ld.%06ld` (exact microseconds, as C++ writes it).
    public var timeKey: String {
        "\(seconds)." + zeroPadded(Int(microseconds), width: 6)
    }

    public static func < (a: LogTimestamp, b: LogTimestamp) -> Bool {
        (a.seconds, a.microseconds) < (b.seconds, b.microseconds)
    }
}

func zeroPadded(_ value: Int, width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
