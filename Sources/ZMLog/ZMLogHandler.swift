public import Logging

/// A swift-log `LogHandler` that writes through a `ZMLogger`, so any Swift code (the agent included) logs in
/// ZoneMinder's formats and outputs.
///
/// Levels: trace → `DB2`, debug → `DB1`, info and notice → `INF`, warning → `WAR`, error → `ERR`, critical → `FAT`
/// (written as FAT but the process is **not** exited: swift-log callers do not expect that). Metadata is appended to
/// the message as ` key=value` pairs in key order; the event's error as ` error=…`. The file line shows the Swift
/// file's basename and line (C++ flavour) or `[<source module>:<line>]` (Perl flavour).
///
/// `logLevel` defaults to `.trace` so the `ZMLogger`'s own levels (and SIGUSR1/SIGUSR2) decide.
public struct ZMLogHandler: LogHandler {
    public let logger: ZMLogger
    public var logLevel: Logging.Logger.Level = .trace
    public var metadata: Logging.Logger.Metadata = [:]
    public var metadataProvider: Logging.Logger.MetadataProvider?

    public init(logger: ZMLogger, metadataProvider: Logging.Logger.MetadataProvider? = nil) {
        self.logger = logger
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logging.Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public static func level(_ level: Logging.Logger.Level) -> LogLevel {
        switch level {
        case .trace: .debug(2)
        case .debug: .debug(1)
        case .info, .notice: .info
        case .warning: .warning
        case .error: .error
        case .critical: .fatal
        }
    }

    public func log(event: LogEvent) {
        let level = Self.level(event.level)
        guard logger.isEnabled(level) else { return }
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var text = event.message.description
        for key in merged.keys.sorted() { text += " \(key)=\(merged[key]!)" }
        if let error = event.error { text += " error=\(error)" }
        logger.log(level, text, file: event.file, line: Int(event.line), package: event.source)
    }
}
