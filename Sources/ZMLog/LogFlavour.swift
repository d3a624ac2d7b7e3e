/// Which ZoneMinder logger's output to reproduce. Chosen per logger.
public enum LogFlavour: String, Sendable, CaseIterable {
    /// libzm's C++ `Logger`, as `zmc`/`zmu` write (the default).
    case cpp
    /// Perl `ZoneMinder::Logger`, as `zmdc.pl`, `zmfilter.pl` and the other scripts write.
    case perl
}
