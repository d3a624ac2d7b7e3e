/// The logger's name (ZoneMinder's "id"; the `Logs.Component` column and the syslog ident), e.g. `zmc_m1`.
public struct LogIdentity: Hashable, Sendable {
    /// `Logs.Component` is varchar(32); MariaDB's strict mode rejects longer values, losing the row.
    public static let maximumLength = 32

    public let id: String
    /// Text before the first `_` (`zmc` for `zmc_m1`), used by environment and debug-target lookups.
    /// C++ leaves it empty for an id without `_` (a quirk: `LOG_LEVEL_` is then consulted); Perl uses the whole id.
    public let idRoot: String
    /// Text after the first `_`, or empty.
    public let idArgs: String
    /// Set when the given name had to be changed; says how, for a warning.
    public let adjustment: String?

    /// C++ `Logger::id`: spaces and tabs removed, every other character outside `[A-Za-z0-9_]` replaced by `_`,
    /// then cut to 32 characters. Perl does not sanitise ids passed to `logInit`, but cuts nothing either; the
    /// 32-character cut applies to both because a longer Component loses the database row.
    public init(_ name: String, flavour: LogFlavour = .cpp) {
        var cleaned = ""
        switch flavour {
        case .cpp:
            for scalar in name.unicodeScalars where scalar != " " && scalar != "\t" {
                let keep = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_")
                cleaned.unicodeScalars.append(keep ? scalar : "_")
            }
        case .perl:
            cleaned = name
        }
        var notes: [String] = []
        if cleaned != name { notes.append("sanitised to '\(cleaned)'") }
        if cleaned.utf8.count > Self.maximumLength {
            cleaned = String(decoding: cleaned.utf8.prefix(Self.maximumLength), as: UTF8.self)
            notes.append("cut to \(Self.maximumLength) characters ('\(cleaned)') to fit Logs.Component")
        }
        if cleaned.isEmpty {
            cleaned = "zmlog"
            notes.append("empty, using 'zmlog'")
        }
        id = cleaned
        adjustment = notes.isEmpty ? nil : "log id '\(name)' " + notes.joined(separator: ", ")
        if let underscore = cleaned.firstIndex(of: "_") {
            idRoot = String(cleaned[..<underscore])
            idArgs = String(cleaned[cleaned.index(after: underscore)...])
        } else {
            idRoot = flavour == .cpp ? "" : cleaned
            idArgs = ""
        }
    }
}
