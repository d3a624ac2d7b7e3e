/// A ZoneMinder version and where it was found.
public struct DetectedZMVersion: Sendable, Equatable {
    /// Upstream version, e.g. `1.36.33`.
    public let version: String
    /// For people, e.g. `dpkg package zoneminder 1.36.33+dfsg1-1`.
    public let source: String

    public init(version: String, source: String) {
        self.version = version
        self.source = source
    }
}
