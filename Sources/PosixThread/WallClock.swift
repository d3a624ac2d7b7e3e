#if canImport(Glibc)
import Glibc
#endif

/// The real-time clock, without Foundation's `Date` (which would link FoundationEssentials into the agent).
public enum WallClock {
    /// Seconds since the Unix epoch, with nanoseconds as the fraction.
    public static func seconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
