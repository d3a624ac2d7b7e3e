/// Renders messages exactly as ZoneMinder's C++ or Perl logger does (spec zm-log.md §4).
///
/// C++ (`zmc`):  `11/14/23 22:13:20.050651 zmc_m1[4128].INF-zmc.cpp/216 [Starting Capture version 1.36.33]`
/// Perl (`zmdc`): `11/14/23 22:13:20.050651 zmdc[6414].INF [ZMServer:408] [Starting pending process, zmc -m 1]`
public struct LogLineFormatter: Sendable {
    public let identity: LogIdentity
    public let flavour: LogFlavour
    /// `ZM_SERVER_ID`; nil when single-server (C++ then writes 0, Perl NULL).
    public let serverId: Int64?
    private var dates: LocalTimeFormatter

    /// `perlLocaleDates`: Perl's `%x` follows the environment's locale (`LC_ALL`/`LC_TIME`/`LANG`); with false the
    /// Perl flavour uses the C-locale form `11/14/23`, which is also what Perl writes under `C`/`C.UTF-8`.
    public init(identity: LogIdentity, flavour: LogFlavour, serverId: Int64?, perlLocaleDates: Bool = true) {
        self.identity = identity
        self.flavour = flavour
        self.serverId = serverId
        dates = LocalTimeFormatter(flavour == .perl && perlLocaleDates ? .environmentLocale : .cLocale)
    }

    /// - Parameters:
    ///   - file: C++: the source file (its basename is written); Perl: the script name for `Logs.File`.
    ///   - line: the source line.
    ///   - package: Perl only, the `[package:line]` part of the file line (`main` for scripts).
    ///   - pid: the process id (syslog header; Perl's `[pid]` and `Logs.Pid`).
    ///   - tid: the thread id (C++'s `[tid]` and `Logs.Pid`).
    ///   - parts: which renderings to build (the others are left empty); all by default.
    public mutating func format(
        level: LogLevel, message: String, file: String, line: Int, package: String = "main",
        timestamp: LogTimestamp, pid: Int32, tid: Int32, parts: LogEntry.Parts = .all
    ) -> LogEntry {
        // The C++ prefix is needed even without a file line: it decides where an over-long message is cut.
        let stamp =
            parts.contains(.line) || flavour == .cpp
            ? dates.format(timestamp.seconds) + "." + zeroPadded(Int(timestamp.microseconds), width: 6) : ""
        let fileName = LogMessageLimits.prefix(basename(file), maxCharacters: LogMessageLimits.fileColumnCharacters)
        let lineColumn = UInt16(clamping: line)
        switch flavour {
        case .cpp:
            let prefix = "\(stamp) \(identity.id)[\(tid)].\(level.code)-\(basename(file))/\(line) ["
            var text = message
            if prefix.utf8.count + text.utf8.count + 2 > LogMessageLimits.cppLineBytes {
                text = LogMessageLimits.prefix(text, maxBytes: max(0, LogMessageLimits.cppLineBytes - 2 - prefix.utf8.count))
            }
            let row = parts.contains(.row) ? LogsRow(
                timestamp: timestamp, component: identity.id, serverId: serverId ?? 0, pid: tid,
                level: Int8(level.value), code: level.code, message: text, file: fileName, line: lineColumn) : nil
            return LogEntry(
                level: level, fileLine: parts.contains(.line) ? prefix + text + "]\n" : "",
                syslogMessage: parts.contains(.syslog) ? "\(level.code) [\(identity.id)] [\(text)]" : "", row: row)
        case .perl:
            let text = Self.strippingTrailingNewlines(message)
            let row = parts.contains(.row) ? LogsRow(
                timestamp: timestamp, component: identity.id, serverId: serverId == 0 ? nil : serverId, pid: pid,
                level: Int8(level.value), code: level.code,
                message: LogMessageLimits.prefix(text, maxBytes: LogMessageLimits.messageColumnBytes), file: fileName,
                line: nil) : nil
            return LogEntry(
                level: level,
                fileLine: parts.contains(.line) ? "\(stamp) \(identity.id)[\(pid)].\(level.code) [\(package):\(line)] [\(text)]\n" : "",
                syslogMessage: parts.contains(.syslog) ? "\(level.code) [\(text)]" : "", row: row)
        }
    }

    /// Perl's `s/[\r\n]+$//`.
    static func strippingTrailingNewlines(_ text: String) -> String {
        var utf8 = Substring(text).utf8
        while let last = utf8.last, last == 0x0A || last == 0x0D { utf8 = utf8.dropLast() }
        return String(Substring(utf8))
    }
}

func basename(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    return String(path[path.index(after: slash)...])
}
